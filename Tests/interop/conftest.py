"""Shared helpers for the interop tests: they run the release `tureen` binary named by $TUREEN
and check its outputs with the reference Python libraries."""
import pathlib
import sys

import pytest

import runner

FIXTURES = runner.ROOT / "Fixtures"
sys.path.insert(0, str(FIXTURES))  # Fixtures/samples.py, shared with the fixture scripts


@pytest.fixture(scope="session")
def tureen():
    if not pathlib.Path(runner.TUREEN).exists():
        pytest.fail(f"tureen binary not found at {runner.TUREEN}; run `make release` or set TUREEN")

    def run(*args, check=True):
        return runner.tureen(*args, check=check)

    run.binary = runner.TUREEN
    return run


@pytest.fixture(scope="session")
def fixtures():
    return FIXTURES
