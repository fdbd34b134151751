"""The browser tests wait for conditions, never for a fixed time: a sleep is too short on
a slow machine and wasted on a fast one. Wait on what the page shows instead
(`expect(...)`, `page.wait_for_function`, `page.expect_response`, `locator.wait_for`)."""

import re
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent
FIXED_SLEEP = re.compile(r"\bwait_for_timeout\(|\btime\.sleep\(")


@pytest.mark.parametrize(
    "path",
    sorted(path for path in E2E.glob("*.py") if path.name != Path(__file__).name),
    ids=lambda path: path.name,
)
def test_no_fixed_sleeps(path: Path) -> None:
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if FIXED_SLEEP.search(line)
    ]
    assert not found, "wait for a condition, not a fixed time:\n" + "\n".join(found)
