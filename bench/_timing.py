"""What the timing benchmarks share: percentiles, timing a call over many arguments,
recording the SQL a selector sends and replaying it bare, interleaved rounds of the two,
COPY of generated lines with the indexes dropped around it, the analyst the selectors
run as, the figures table and the report written under its marker in
docs/benchmarks.md.

bench/graph.py and bench/search.py time a selector beside "the bare SQL of the same
calls": the statements one call sent, recorded once through a Django execute wrapper and
replayed through a plain cursor with the same parameters. The difference is what the
selector's Python costs; rounds interleave the two so that a burst of load on the shared
machine falls on both. bench/_dispatch.py takes its percentiles from here too.
"""

from __future__ import annotations

import math
import shlex
import statistics
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import _common

Statements = list[tuple[str, Any]]


@dataclass(frozen=True)
class Percentiles:
    count: int
    median: float
    p95: float
    p99: float
    worst: float

    def line(self, unit: str = "ms") -> str:
        return (
            f"median {self.median:.2f} {unit}, p95 {self.p95:.2f} {unit}, "
            f"p99 {self.p99:.2f} {unit}, max {self.worst:.2f} {unit} ({self.count:,} samples)"
        )


def nearest_rank(ordered: Sequence[float], q: float) -> float:
    """The nearest-rank ``q`` quantile of ``ordered`` (sorted, not empty): a sample that
    was measured, never an interpolation between two."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def percentiles(samples: Iterable[float]) -> Percentiles:
    ordered = sorted(samples)
    if not ordered:
        nan = float("nan")
        return Percentiles(0, nan, nan, nan, nan)
    return Percentiles(
        len(ordered),
        statistics.median(ordered),
        nearest_rank(ordered, 0.95),
        nearest_rank(ordered, 0.99),
        ordered[-1],
    )


def command_line(url: str, script: str, argv: Sequence[str]) -> str:
    """The command that reproduces this run, for the report."""
    return f"DATABASE_URL={url} .venv/bin/python {shlex.join([script, *argv])}"


def bench_analyst(username: str) -> Any:
    """An active analyst to time the selectors as (their real reach): the first one in
    the database, else a new one named ``username``."""
    from portal.models import User

    analyst = User.objects.filter(groups__name="analyst", is_active=True).first()
    if analyst is None:
        from tests.factories import UserFactory

        UserFactory(username=username, roles=["analyst"])
        analyst = User.objects.get(username=username)
    return analyst


def timed(fn: Callable[[Any], Any], arguments: Iterable[Any]) -> list[float]:
    """Milliseconds of ``fn(argument)`` for each argument, in order."""
    samples = []
    for argument in arguments:
        started = time.perf_counter()
        fn(argument)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


class SqlRecorder:
    """A Django execute wrapper that records the statements sent through it."""

    def __init__(self) -> None:
        self.statements: Statements = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def recorded(fn: Callable[[Any], Any], argument: Any) -> Statements:
    """The statements that ``fn(argument)`` sent."""
    from django.db import connection

    recorder = SqlRecorder()
    with connection.execute_wrapper(recorder):
        fn(argument)
    return recorder.statements


def bare(statements: Statements) -> None:
    """Replays ``statements`` through a plain cursor, reading every row they return."""
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            if cursor.description:
                cursor.fetchall()


def interleaved(
    cases: Sequence[tuple[str, Callable[[Any], Any], Sequence[Any]]], *, rounds: int = 4
) -> dict[str, list[float]]:
    """Times each named ``(name, fn, arguments)`` beside the bare SQL of the same calls
    (recorded once each, before timing): ``{name: ms, f"{name} bare": ms}``. Each round
    takes the next slice of every case's arguments, selector then bare SQL, so that the
    load of the shared machine falls alike on all of them. ``f"{name} statements"``
    holds how many statements each distinct call sent."""
    # Once per distinct argument (the arguments are hashable: ids, pairs, texts).
    plans = {
        name: {argument: recorded(fn, argument) for argument in dict.fromkeys(args)}
        for name, fn, args in cases
    }
    results: dict[str, list[float]] = {}
    for r in range(rounds):
        for name, fn, args in cases:
            part = args[r * len(args) // rounds : (r + 1) * len(args) // rounds]
            results.setdefault(name, []).extend(timed(fn, part))
            results.setdefault(f"{name} bare", []).extend(
                timed(bare, [plans[name][argument] for argument in part])
            )
    for name, plan in plans.items():
        results[f"{name} statements"] = [float(len(p)) for p in plan.values()]
    return results


def summarised(results: dict[str, list[float]]) -> dict[str, Percentiles]:
    """The percentiles of each timing of an ``interleaved`` run (its statement counts
    left out)."""
    return {k: percentiles(v) for k, v in results.items() if not k.endswith(" statements")}


def most_statements(results: dict[str, list[float]], names: Iterable[str]) -> dict[str, int]:
    """The most statements one call of each of ``names`` sent in an ``interleaved`` run."""
    return {name: int(max(results[f"{name} statements"], default=0)) for name in names}


def secondary_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """(name, definition) of ``table``'s indexes that back no constraint: the loaders
    drop them before a COPY and build them again after it."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [table],
    )
    return list(cursor.fetchall())


def copy_lines(cursor: Any, sql: str, lines: Iterator[str], batch: int = 20_000) -> int:
    """COPY ``lines`` (tab-separated text, one row each) with psycopg 3; the count sent."""
    raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
    count = 0
    buffer: list[str] = []
    with raw.copy(sql) as copy:
        for text in lines:
            buffer.append(text)
            if len(buffer) == batch:
                copy.write("".join(buffer))
                count += len(buffer)
                buffer.clear()
        copy.write("".join(buffer))
        count += len(buffer)
    return count


def figures_table(timings: dict[str, Percentiles], rows: Sequence[tuple[str, str]]) -> list[str]:
    """The Markdown table of ``rows`` ((title, key) with their "key bare" rows), each
    with its p95 over the p95 of the bare SQL of the same calls."""
    lines = [
        "| measurement | median ms | p95 ms | p99 ms | max ms | p95 / bare SQL p95 |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for title, key in rows:
        p = timings[key]
        base = timings[key if key.endswith(" bare") else f"{key} bare"].p95
        lines.append(
            f"| {title} | {p.median:.2f} | {p.p95:.2f} | {p.p99:.2f} | {p.worst:.2f} "
            f"| {p.p95 / base:.2f} |"
        )
    return lines


def write_below_marker(marker: str, section: str) -> None:
    """Put ``section`` right under ``marker`` in docs/benchmarks.md (newest run first)."""
    text = _common.DOCS.read_text()
    if marker not in text:
        raise SystemExit(f"{_common.DOCS}: the '{marker}' marker is missing")
    _common.docs_insert(text, marker + "\n", section)
