"""The performance goals, each a figure of one run (bench/.data/results.json) against a target.

The measuring code (bench/run.py) knows none of these; a goal is a label, a
relation, a target, and how to read its figure from the results.
"""

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from tests import instructions

DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# OWASP's minimum for Argon2id (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane.
OWASP_ARGON2_MIB, OWASP_ARGON2_PASSES = 19, 2


@dataclass(frozen=True)
class Goal:
    label: str
    relation: str  # "<=" or ">="
    target: float
    figure: Callable[[dict], float | None]

    def measured(self, results: dict) -> float | None:
        try:
            return self.figure(results)
        except (KeyError, TypeError, ZeroDivisionError):
            return None  # not measured in this run

    def met(self, value: float | None) -> bool:
        if value is None:
            return False
        return value <= self.target if self.relation == "<=" else value >= self.target


def median(samples) -> float:
    return statistics.median(samples)


def paired_ratio(mine: list[dict], theirs: list[dict]) -> float:
    """The median of the rounds' ratios of requests/s: each round's runs are close in time,
    so load that comes and goes on the machine cancels out of the ratio."""
    return median(a["rps"] / b["rps"] for a, b in zip(mine, theirs, strict=True))


def _per_database(kind: str) -> list[Goal]:
    name = DATABASES[kind]

    def load(variant: str) -> Callable[[dict], list]:
        return lambda r: r[kind]["load"][variant]

    def ms(part: str, variant: str) -> Callable[[dict], float]:
        return lambda r: median(r[kind][part][variant])

    cookie = load("cookie")
    return [
        Goal(
            f"{name}: `me` by cookie / stateless SimpleJWT, requests/s",
            ">=",
            0.75,
            lambda r: paired_ratio(cookie(r), load("stateless")(r)),
        ),
        Goal(
            f"{name}: `me` by cookie / stock SimpleJWT (Django's defaults), requests/s",
            ">=",
            1.5,
            lambda r: paired_ratio(cookie(r), load("stock")(r)),
        ),
        Goal(
            f"{name}: `me` by cookie / stock SimpleJWT with persistent connections, requests/s",
            ">=",
            1.2,
            lambda r: paired_ratio(cookie(r), load("stock_persistent")(r)),
        ),
        Goal(
            f"{name}: refresh / stock SimpleJWT's refresh, ms",
            "<=",
            0.5,
            lambda r: ms("refresh_ms", "project")(r) / ms("refresh_ms", "stock")(r),
        ),
        Goal(
            f"{name}: login besides the hash / stock SimpleJWT's login besides its hash, ms",
            "<=",
            1.0,
            lambda r: ms("login_ms", "project_fast")(r) / ms("login_ms", "stock_fast")(r),
        ),
    ]


def _flush_line(results: dict, word: str) -> float:
    """A figure from flushexpiredtokens' report: ``... the longest took 12 ms.``"""
    text = results["scale"]["flush"]["output"]
    return float(text.split(word, 1)[1].split()[0])


def _production_errors(results: dict) -> float:
    return sum(
        run["non_2xx"] + run["socket_errors"]
        for runs in results["production"].values()
        for run in runs
    )


def _instructions(kind: str) -> Goal:
    def figure(results):
        return (
            results["instructions"]["counts"][kind]
            / (results["instructions"]["budget"]["instructions_per_request"][kind])
        )

    return Goal(
        f"`{kind}`: instructions per request / the stored budget (tests/instruction_budget.json)",
        "<=",
        1 + instructions.budget_read()["tolerance"],
        figure,
    )


def _statements(request: str, what: str) -> Callable[[dict], float]:
    return lambda r: r["sqlite"]["statements"]["project"][request][what]


GOALS = [
    *_per_database("sqlite"),
    *_per_database("postgresql"),
    Goal("`me`: SQL statements", "<=", 1, _statements("me", "statements")),
    Goal(
        "refresh: SQL statements (BEGIN and COMMIT included)",
        "<=",
        6,
        _statements("refresh", "statements"),
    ),
    Goal("refresh: transactions", "<=", 1, _statements("refresh", "transactions")),
    Goal(
        "password hash: Argon2id memory, MiB (OWASP's minimum)",
        ">=",
        OWASP_ARGON2_MIB,
        lambda r: (
            r["hashers"]["configured"]["params"]["memory_cost"] / 1024
            if r["hashers"]["configured"]["variant"] == "argon2id"
            else 0
        ),
    ),
    Goal(
        "password hash: Argon2id passes (OWASP's minimum)",
        ">=",
        OWASP_ARGON2_PASSES,
        lambda r: r["hashers"]["configured"]["params"]["time_cost"],
    ),
    Goal(
        "PostgreSQL: refresh among the seeded history / with empty tables, ms",
        "<=",
        1.1,
        lambda r: (
            median(r["scale"]["refresh_ms"]["full"]) / median(r["scale"]["refresh_ms"]["empty"])
        ),
    ),
    Goal(
        "PostgreSQL: first page of 10,000 sessions / of 50 sessions, ms",
        "<=",
        1.2,
        lambda r: (
            median(r["scale"]["sessions_ms"]["many_first"])
            / median(r["scale"]["sessions_ms"]["one_page"])
        ),
    ),
    Goal(
        "PostgreSQL: 101st page of 10,000 sessions / first page of 50 sessions, ms",
        "<=",
        1.2,
        lambda r: (
            median(r["scale"]["sessions_ms"]["many_deep"])
            / median(r["scale"]["sessions_ms"]["one_page"])
        ),
    ),
    Goal(
        "flushexpiredtokens: the longest batch (its locks held), ms",
        "<=",
        1000,
        lambda r: _flush_line(r, "the longest took"),
    ),
    Goal(
        "flushexpiredtokens: the median batch, ms",
        "<=",
        100,
        lambda r: _flush_line(r, "the median"),
    ),
    Goal(
        "flushexpiredtokens: peak memory / with nothing to delete",
        "<=",
        1.25,
        lambda r: r["scale"]["flush"]["mib"] / r["scale"]["flush"]["idle_mib"],
    ),
    Goal(
        "two instances behind nginx, 64 connections: failed requests",
        "<=",
        0,
        _production_errors,
    ),
    *(_instructions(kind) for kind in ("me", "refresh", "login")),
]
