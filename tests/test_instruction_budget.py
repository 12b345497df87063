"""Instructions per request of `me`, refresh and login stay within tests/instruction_budget.json.

Counted by callgrind (tests/instructions.py), so the figure does not move with
the machine's load: a change that adds work fails here on any machine. A change
that needs the work raises the budget on purpose:
``python -m tests.instructions --write-budget``, committed with it.
"""

import warnings

import pytest

from tests import instructions

pytestmark = pytest.mark.live  # a child process under valgrind, a few seconds


@pytest.fixture(scope="module")
def counted() -> dict[str, int]:
    reason = instructions.callgrind_unavailable()
    if reason:
        pytest.skip(f"cannot count instructions: {reason}")
    budget = instructions.budget_read()
    if budget["platform"] != instructions.platform_key():
        pytest.skip(
            f"the budget was counted on {budget['platform']}, this is "
            f"{instructions.platform_key()}: counts differ between interpreters"
        )
    return instructions.count_in_background().result()


@pytest.mark.parametrize("kind", instructions.KINDS)
def test_requests_stay_within_their_instruction_budget(counted, kind):
    budget = instructions.budget_read()
    allowed = budget["instructions_per_request"][kind]
    limit = allowed * (1 + budget["tolerance"])

    assert counted[kind] <= limit, (
        f"{kind}: {counted[kind]:,} instructions a request, over the budget of {allowed:,} "
        f"(+{budget['tolerance']:.0%}); if the work is needed, raise the budget with "
        "`python -m tests.instructions --write-budget`"
    )
    if counted[kind] < allowed * (1 - 3 * budget["tolerance"]):
        warnings.warn(
            f"{kind}: {counted[kind]:,} instructions, well under the budget of {allowed:,}: "
            "lower it (python -m tests.instructions --write-budget) to keep the gain",
            stacklevel=1,
        )
