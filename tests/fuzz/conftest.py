"""Fixtures of the fuzz runs, and the hand-over of their tally in a parallel run."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from tests.fuzz.tally import tally_save
from tests.fuzz.world import FuzzWorld, fuzz_world_seed


@pytest.fixture(autouse=True, scope="session")
def _hypothesis_files_in_a_temporary_folder(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Path]:
    """Hypothesis keeps caches (constants, Unicode tables) in a folder of its own: a
    temporary one, so that a run leaves nothing in the project (and no example database
    is kept at all, see test_schema.config_for)."""
    home = tmp_path_factory.mktemp("hypothesis")
    set_hypothesis_home_dir(home)
    yield home
    set_hypothesis_home_dir(None)


@pytest.fixture
def fuzz_world(db: None) -> FuzzWorld:
    return fuzz_world_seed()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a parallel run each process keeps its part of the tally in a file, which the
    controlling process adds up (tests/conftest.py prints it)."""
    worker = getattr(session.config, "workerinput", {}).get("workerid")
    if worker:
        tally_save(worker)
