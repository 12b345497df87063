"""Instructions executed per request, counted by valgrind's callgrind: a figure load cannot move.

A child process serves a fixed number of `me`, refresh and login requests
through Django's test client, under the production settings but with the test
suite's fast password hasher (``tests.settings``): a login's count is then what
it does besides the hash, which ``make bench`` times on its own. Callgrind
counts only between two marks set around the measured requests (a small C
helper compiled on first use), so Django's start-up, migrations and the
warm-up requests run uninstrumented and cost little time.

Counts are the same from run to run, whatever else the machine is doing, to
a few hundredths of a percent; ``tests/test_instruction_budget.py`` holds them
to ``tests/instruction_budget.json``, and ``make bench`` reports them.

``python -m tests.instructions`` prints the counts as JSON;
``python -m tests.instructions --write-budget`` stores them as the new budget.
"""

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_FILE = Path(__file__).resolve().parent / "instruction_budget.json"
KINDS = ("me", "refresh", "login")
REQUESTS = 5  # measured per kind; counts are steady, so a few suffice
WARM_UP = 10  # per kind, uninstrumented: imports, caches, first uses and the
# interpreter's quickening of hot code (after 8 calls) stay out of the count

_MARKS_C = r"""
#include <valgrind/callgrind.h>
void marks_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void marks_stop(const char *name) { CALLGRIND_STOP_INSTRUMENTATION; CALLGRIND_DUMP_STATS_AT(name); }
"""
_HEADER = Path("/usr/include/valgrind/callgrind.h")
_USERNAME, _PASSWORD = "counted", "counted-password-0123456789"


def callgrind_unavailable() -> str | None:
    """Why instructions cannot be counted on this machine, or None when they can."""
    if shutil.which("valgrind") is None:
        return "valgrind is not installed (apt-get install valgrind)"
    if shutil.which("cc") is None:
        return "no C compiler (cc) for the callgrind marks"
    if not _HEADER.exists():
        return f"{_HEADER} is missing (Debian's valgrind package ships it)"
    return None


def environment(database: Path) -> dict[str, str]:
    """The child's whole environment: nothing of the caller's leaks into the counts."""
    env = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=f"sqlite:///{database}",
        # Hashing of str keys is seeded per process unless fixed.
        PYTHONHASHSEED="0",
        PYTHONDONTWRITEBYTECODE="1",
        LANG="C.UTF-8",
        TZ="UTC",
        AUTH_LOGIN_THROTTLE_RATE="100000/min",
    )
    return env


def count(*, requests: int = REQUESTS) -> dict[str, int]:
    """Instructions per request of each kind, from one child under callgrind."""
    reason = callgrind_unavailable()
    if reason:
        raise RuntimeError(reason)
    with tempfile.TemporaryDirectory(prefix="instructions-") as scratch:
        scratch = Path(scratch)
        marks = scratch / "marks.so"
        (scratch / "marks.c").write_text(_MARKS_C)
        subprocess.run(
            ["cc", "-O2", "-shared", "-fPIC", "-o", str(marks), str(scratch / "marks.c")],
            check=True,
            capture_output=True,
        )
        env = environment(scratch / "db.sqlite3")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        output = scratch / "callgrind.out"
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={output}",
                sys.executable,
                "-m",
                "tests.instructions",
                "--child",
                str(marks),
                str(requests),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(f"the counted child failed:\n{result.stderr[-4000:]}")
        totals = _dumped_totals(scratch)
    missing = set(KINDS) - set(totals)
    if missing:
        raise RuntimeError(f"callgrind dumped no count for {sorted(missing)}")
    return {kind: round(totals[kind] / requests) for kind in KINDS}


_background: Future | None = None


def count_in_background() -> Future:
    """The counts, computed once on a thread: the test suite starts it as soon as it has
    collected, so the child runs beside the other tests (its count is the same under load)."""
    global _background
    if _background is None:
        _background = ThreadPoolExecutor(max_workers=1).submit(count)
    return _background


def _dumped_totals(folder: Path) -> dict[str, int]:
    """Each dump's total instructions, by the name its mark gave."""
    totals = {}
    for dump in folder.glob("callgrind.out.*"):
        name = total = None
        for line in dump.read_text().splitlines():
            if line.startswith("desc: Trigger: Client Request: "):
                name = line.rsplit(": ", 1)[1]
            elif line.startswith("totals: "):
                total = int(line.split()[1])
        if name is not None and total is not None:
            totals[name] = total
    return totals


def platform_key() -> str:
    """What the counts depend on besides the code: the interpreter and the processor family."""
    return f"CPython {platform.python_version()} {platform.machine()}"


# --- The counted child ------------------------------------------------------------------


def _child(marks_path: str, requests: int) -> None:
    import ctypes
    import gc

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    login_path, refresh_path, me_path = (
        reverse(f"accounts:{name}") for name in ("login", "refresh", "me")
    )

    get_user_model().objects.create_user(
        username=_USERNAME, email="counted@example.com", password=_PASSWORD
    )
    client = Client(SERVER_NAME="127.0.0.1")

    def expect(response, status: int = 200) -> None:
        if response.status_code != status:
            raise SystemExit(f"{response.status_code}: {response.content[:300]!r}")

    def login() -> None:
        credentials = {"username": _USERNAME, "password": _PASSWORD}
        expect(client.post(login_path, credentials, content_type="application/json", secure=True))

    def refresh() -> None:
        # A browser's refresh: bodiless, the refresh cookie and the CSRF header, over HTTPS.
        headers = {
            "x-csrftoken": client.cookies["csrftoken"].value,
            "referer": "https://127.0.0.1/",
        }
        expect(client.post(refresh_path, secure=True, headers=headers))

    def me() -> None:
        expect(client.get(me_path, secure=True))

    marks = ctypes.CDLL(marks_path)
    marks.marks_stop.argtypes = [ctypes.c_char_p]
    for kind, action in (("login", login), ("refresh", refresh), ("me", me)):
        for _ in range(WARM_UP):
            action()
        # A full collection of the start-up's objects would land in one kind's window or
        # another's as the code changes; frozen, collections scan what requests allocate.
        gc.collect()
        gc.freeze()
        marks.marks_start()
        for _ in range(requests):
            action()
        marks.marks_stop(kind.encode())


def budget_read() -> dict:
    return json.loads(BUDGET_FILE.read_text())


def budget_write(counts: dict[str, int]) -> None:
    budget = {
        "platform": platform_key(),
        "tolerance": 0.03,
        "instructions_per_request": counts,
    }
    if BUDGET_FILE.exists():
        budget["tolerance"] = budget_read()["tolerance"]
    BUDGET_FILE.write_text(json.dumps(budget, indent=2) + "\n")


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        _child(sys.argv[2], int(sys.argv[3]))
        return
    counts = count()
    if sys.argv[1:2] == ["--write-budget"]:
        budget_write(counts)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
