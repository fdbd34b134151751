"""The fuzz runs' tally, printed at the end of the pytest run and kept in
artifacts/schemathesis-summary.txt for the record. In a parallel run (pytest-xdist) each
process saves its part as JSON and the controlling process adds the parts up."""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PART_PATTERN = "schemathesis-tally-*.json"


@dataclass
class RoleTally:
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, other: "RoleTally") -> None:
        self.operations |= other.operations
        self.cases += other.cases
        self.statuses.update(other.statuses)
        self.failures.extend(other.failures)
        self.seconds += other.seconds


TALLY: dict[str, RoleTally] = {}


def tally_for(role: str) -> RoleTally:
    return TALLY.setdefault(role, RoleTally())


def tally_save(worker: str) -> None:
    """This process's part of the tally, for the controlling process."""
    if not TALLY:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    parts = {
        role: {
            "operations": sorted(tally.operations),
            "cases": tally.cases,
            "statuses": {str(code): n for code, n in tally.statuses.items()},
            "failures": tally.failures,
            "seconds": tally.seconds,
        }
        for role, tally in TALLY.items()
    }
    (ARTIFACTS / f"schemathesis-tally-{worker}.json").write_text(json.dumps(parts))


def tally_parts_forget() -> None:
    """Parts left by an earlier run must not be counted in this one."""
    for part in ARTIFACTS.glob(PART_PATTERN):
        part.unlink()


def tally_parts_collect() -> None:
    """Add the parts the processes of this run saved to TALLY."""
    for part in sorted(ARTIFACTS.glob(PART_PATTERN)):
        for role, values in json.loads(part.read_text()).items():
            tally_for(role).add(
                RoleTally(
                    operations=set(values["operations"]),
                    cases=values["cases"],
                    statuses=Counter({int(code): n for code, n in values["statuses"].items()}),
                    failures=list(values["failures"]),
                    seconds=values["seconds"],
                )
            )


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


def tally_report() -> list[str]:
    """The tally's lines (after adding up the parallel parts), also kept in artifacts/;
    none when no fuzz test ran."""
    tally_parts_collect()
    if not TALLY:
        return []
    lines = summary_lines()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "schemathesis-summary.txt").write_text("\n".join(lines) + "\n")
    return lines
