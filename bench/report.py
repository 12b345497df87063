"""The benchmark's report: Markdown tables of one run's results, and its goals met or not.

``python -m bench.report`` renders ``bench/.data/results.json`` again. The
report goes to standard output and ``bench/.data/report.md``, and replaces the
marked block of the README's Performance section, so the README shows the
figures of the last run and nothing else.
"""

import json
import sys
from pathlib import Path

from bench.goals import DATABASES, GOALS, median, paired_ratio

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
README = ROOT / "README.md"
BEGIN, END = "<!-- bench:report -->", "<!-- /bench:report -->"

LOAD_LABELS = {
    "ceiling": "plain Django view, constant JSON (the ceiling)",
    "stateless": "stock SimpleJWT, stateless: no user lookup, no revocation (the limit)",
    "stock": "stock SimpleJWT, user lookup, Django's defaults (a connection per request)",
    "stock_persistent": "stock SimpleJWT, user lookup, `CONN_MAX_AGE=600`",
    "cookie": "this service, `me` with the access cookie",
    "bearer": "this service, `me` with a Bearer header",
}


def table(header: list[str], rows: list[list]) -> list[str]:
    align = ["---"] + ["---:"] * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _number(value, digits: int = 2) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and digits == 0):
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def _database(results: dict, kind: str) -> list[str]:
    part = results[kind]
    load = part["load"]
    rows = []
    for key, label in LOAD_LABELS.items():
        runs = load[key]
        cpu = [run["cpu_ms"] for run in runs if run["cpu_ms"] is not None]
        database = [run.get("database_cpu_ms") for run in runs]
        database = [value for value in database if value is not None]
        row = [
            label,
            _number(median(run["rps"] for run in runs), 0),
            _number(median(run["p50"] for run in runs), 1),
            _number(median(run["p99"] for run in runs), 1),
            _number(paired_ratio(runs, load["stateless"])),
            _number(median(cpu) if cpu else None),
        ]
        if kind == "postgresql":
            row.append(_number(median(database)) if database else "")
        rows.append(row)
    lines = [f"### {DATABASES[kind]}", ""]
    header = [
        "`wrk -t2 -c16`",
        "requests/s",
        "p50 ms",
        "p99 ms",
        "of stateless",
        "server CPU ms/request",
    ]
    if kind == "postgresql":
        header.append("PostgreSQL CPU ms/request")
    lines += table(header, rows)
    refresh, login = part["refresh_ms"], part["login_ms"]
    lines += [""] + table(
        ["one request at a time", "median ms"],
        [
            ["refresh: this service, refresh cookie", _number(median(refresh["project"]))],
            ["refresh: stock SimpleJWT, rotation and blacklist", _number(median(refresh["stock"]))],
            [
                "refresh: stock SimpleJWT, `CONN_MAX_AGE=600`",
                _number(median(refresh["stock_persistent"])),
            ],
            ["login: this service, Argon2id", _number(median(login["project"]), 1)],
            ["login: stock SimpleJWT, PBKDF2", _number(median(login["stock"]), 1)],
            [
                "login besides the hash: this service (fast test hasher)",
                _number(median(login["project_fast"])),
            ],
            [
                "login besides the hash: stock SimpleJWT (fast test hasher)",
                _number(median(login["stock_fast"])),
            ],
        ],
    )
    return lines


def _hashers(results: dict) -> list[str]:
    hashers = results["hashers"]
    params = hashers["configured"]["params"]
    return [""] + table(
        ["the hash alone, in one process", "ms"],
        [
            [
                f"this service: {hashers['configured']['variant']}, "
                f"{params['memory_cost'] // 1024} MiB, t={params['time_cost']}, "
                f"p={params['parallelism']}",
                _number(hashers["configured"]["ms"], 0),
            ],
            [
                f"Django's PBKDF2, {hashers['django_pbkdf2']['iterations']:,} iterations "
                "(stock SimpleJWT)",
                _number(hashers["django_pbkdf2"]["ms"], 0),
            ],
            [
                "Django's default Argon2 (100 MiB, t=2, p=8)",
                _number(hashers["django_argon2"]["ms"], 0),
            ],
        ],
    )


def _scale(results: dict) -> list[str]:
    scale = results["scale"]
    seeded = scale["seeded"]
    pages = scale["sessions_ms"]
    flush = scale["flush"]
    out = flush["output"].strip().splitlines()
    lines = [
        "### PostgreSQL with a long history",
        "",
        f"Seeded with `generate_series` in {seeded['seconds']:,.0f} s: "
        f"{seeded['accounts_loginsession']:,} sessions of {seeded['accounts_user']:,} users, "
        f"{seeded['token_blacklist_outstandingtoken']:,} outstanding and "
        f"{seeded['token_blacklist_blacklistedtoken']:,} blacklisted tokens; a quarter of the "
        "sessions, with their tokens, expired.",
        "",
    ]
    lines += table(
        ["one request at a time", "median ms"],
        [
            ["refresh, empty tables", _number(median(scale["refresh_ms"]["empty"]))],
            ["refresh, the seeded history", _number(median(scale["refresh_ms"]["full"]))],
            ["sessions: the one page of a user with 50", _number(median(pages["one_page"]))],
            ["sessions: first page of a user with 10,000", _number(median(pages["many_first"]))],
            ["sessions: 101st page of a user with 10,000", _number(median(pages["many_deep"]))],
        ],
    )
    lines += [
        "",
        f"`flushexpiredtokens` on that history: {flush['seconds']:,.0f} s, peak memory "
        f"{flush['mib']:,.0f} MiB ({flush['idle_mib']:,.0f} MiB with nothing to delete). "
        + " ".join(out),
    ]
    return lines


def _production(results: dict) -> list[str]:
    runs = results["production"]
    rows = []
    for kind in ("me", "refresh"):
        for instances in ("one", "two"):
            these = runs[f"{kind}_{instances}"]
            rows.append(
                [
                    f"`{kind}`, {instances} instance{'s' if instances == 'two' else ''}",
                    _number(median(run["rps"] for run in these), 0),
                    _number(median(run["p50"] for run in these), 1),
                    _number(median(run["p99"] for run in these), 1),
                    sum(run["non_2xx"] + run["socket_errors"] for run in these),
                    _number(paired_ratio(these, runs[f"{kind}_one"])),
                ]
            )
    return [
        "### Two instances behind one port",
        "",
        "nginx in front of two gunicorn instances (2 workers each) on PostgreSQL and Redis, "
        f"`wrk -t2 -c{results['machine']['concurrent_connections']}`; refresh as an app client, "
        "each request with a token of its own. Both instances share the machine's cores.",
        "",
        *table(["", "requests/s", "p50 ms", "p99 ms", "failed", "of one instance"], rows),
    ]


def _instructions(results: dict) -> list[str]:
    counted = results["instructions"]
    if "unavailable" in counted:
        return ["", f"Instructions per request: not counted ({counted['unavailable']})."]
    budget = counted["budget"]["instructions_per_request"]
    return [
        "",
        "Instructions per request, in process through Django's test client (callgrind; "
        "login with the test suite's fast hasher):",
        "",
        *table(
            ["", "instructions", "budget"],
            [[f"`{k}`", f"{counted['counts'][k]:,}", f"{budget[k]:,}"] for k in budget],
        ),
    ]


def render(results: dict) -> tuple[str, bool]:
    m = results["machine"]
    lines = [
        f"One run of `make bench` ({results.get('minutes', 0):.0f} minutes): {m['cpu']}, "
        f"{m['cores']} cores shared with other work, Linux {m['linux']}; Python {m['python']}, "
        f"Django {m['django']}, SQLite {m['sqlite']}, PostgreSQL {m['postgresql']}, "
        f"gunicorn {m['gunicorn']} ({m['workers']} sync workers a server), wrk {m['wrk']}, "
        f"nginx {m['nginx']}. {m['rounds']} rounds of {m['seconds']} s per variant, the "
        "variants alternating; medians of the rounds, and of the rounds' ratios for ratios.",
        "",
    ]
    for kind in DATABASES:
        if kind in results:
            lines += _database(results, kind) + [""]
    lines += _hashers(results) + [""]
    if "scale" in results:
        lines += _scale(results) + [""]
    if "production" in results:
        lines += _production(results) + [""]
    lines += _instructions(results)
    lines += ["", "### Goals", ""]
    met_all = True
    rows = []
    for goal in GOALS:
        value = goal.measured(results)
        met = goal.met(value)
        met_all = met_all and met
        rows.append(
            [
                goal.label,
                _number(value, 0 if goal.target >= 100 or goal.target == 0 else 2),
                f"{goal.relation} {goal.target:g}",
                "met" if met else "**not met**",
            ]
        )
    lines += table(["goal", "measured", "target", ""], rows)
    return "\n".join(lines), met_all


def readme_update(report: str) -> None:
    text = README.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"README.md has no {BEGIN} … {END} block for the report")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{BEGIN}\n{report}\n{END}{tail}")


def main(results: dict) -> int:
    report, met = render(results)
    print(report)
    (DATA / "report.md").write_text(report + "\n")
    readme_update(report)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main(json.loads((DATA / "results.json").read_text())))
