"""SQL statements counted as Django logs them (a transaction's BEGIN and COMMIT included).

One counter for the statement budgets (tests/test_budgets.py) and for ``make bench``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection as default_connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Statements:
    sql: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.sql)

    @property
    def transactions(self) -> int:
        """Transactions begun: Django logs each BEGIN like any statement."""
        return sum(sql.upper().startswith("BEGIN") for sql in self.sql)


@contextmanager
def statements_counted(connection=None) -> Iterator[Statements]:
    """The statements run on ``connection`` (the default one) within the block."""
    counted = Statements()
    with CaptureQueriesContext(connection or default_connection) as queries:
        yield counted
    counted.sql[:] = [query["sql"] for query in queries.captured_queries]
