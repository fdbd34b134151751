"""The fuzz runs' tally, printed at the end of the pytest run and kept in
artifacts/schemathesis-summary.txt for the record."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from tests.conftest import ROOT
from tests.fuzz.world import FuzzWorld, fuzz_world_seed


@pytest.fixture(autouse=True, scope="session")
def _hypothesis_files_in_a_temporary_folder(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Path]:
    """Hypothesis keeps caches (constants, Unicode tables) in a folder of its own: a
    temporary one, so that a run leaves nothing in the project (and no example database
    is kept at all, see test_schema.CONFIG)."""
    home = tmp_path_factory.mktemp("hypothesis")
    set_hypothesis_home_dir(home)
    yield home
    set_hypothesis_home_dir(None)


@pytest.fixture
def fuzz_world(db: None) -> FuzzWorld:
    return fuzz_world_seed()


@dataclass
class RoleTally:
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


TALLY: dict[str, RoleTally] = {}


def tally_for(role: str) -> RoleTally:
    return TALLY.setdefault(role, RoleTally())


def summary_lines() -> list[str]:
    lines = [
        f"{'role':<14}{'operations':>11}{'cases':>8}{'failures':>10}{'seconds':>9}  statuses",
    ]
    for role, tally in TALLY.items():
        statuses = " ".join(f"{code}:{n}" for code, n in sorted(tally.statuses.items()))
        lines.append(
            f"{role:<14}{len(tally.operations):>11}{tally.cases:>8}{len(tally.failures):>10}"
            f"{tally.seconds:>9.1f}  {statuses}"
        )
    for role, tally in TALLY.items():
        lines.extend(f"  {role}: {failure}" for failure in tally.failures)
    return lines


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY:
        return
    lines = summary_lines()
    terminalreporter.section("schemathesis: the API schema fuzzed as each role")
    for line in lines:
        terminalreporter.write_line(line)
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "schemathesis-summary.txt").write_text("\n".join(lines) + "\n")
