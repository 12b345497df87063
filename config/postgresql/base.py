"""Django's PostgreSQL backend, with a connection health check that costs no round trip.

Django checks a kept-open connection (CONN_HEALTH_CHECKS) with a ``SELECT 1``
before the first query of every request: on a real network that doubles the
round trips of a request that makes one query. A connection idle in autocommit
has nothing to say, though: when the server ends it (a restart,
``pg_terminate_backend``, an idle timeout) it sends its last words and closes
the socket, and the socket turns readable. So the check here asks the kernel
alone: a connection with anything waiting to be read, or not idle, is closed
and replaced before the request uses it, as Django's check would. (Something
harmless waiting, such as a parameter change after a configuration reload,
costs one reconnect.) A connection that erred during a request is still tested
with ``SELECT 1`` after it, as Django does.
"""

import select

from django.db.backends.postgresql import base
from psycopg import Error, pq


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if self.pool or self.connection is None:
            return
        if not self.health_check_enabled or self.health_check_done:
            return
        if not self._idle_and_quiet():
            self.close()
        self.health_check_done = True

    def _idle_and_quiet(self) -> bool:
        """Whether the connection looks alive without asking the server."""
        connection = self.connection
        status = connection.info.transaction_status
        if connection.closed or status == pq.TransactionStatus.UNKNOWN:
            return False
        if status != pq.TransactionStatus.IDLE:
            return True  # within a transaction: its own errors will tell
        poller = select.poll()
        try:
            poller.register(connection.pgconn.socket, select.POLLIN | select.POLLPRI)
        except (OSError, ValueError, Error):
            return False
        return not poller.poll(0)
