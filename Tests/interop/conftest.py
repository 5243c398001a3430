"""Shared helpers for the interop tests: they run the release `tureen` binary named by $TUREEN
and check its outputs with the reference Python libraries."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Fixtures"


@pytest.fixture(scope="session")
def tureen():
    binary = os.environ.get("TUREEN", str(ROOT / ".build" / "release" / "tureen"))
    if not pathlib.Path(binary).exists():
        pytest.fail(f"tureen binary not found at {binary}; run `make release` or set TUREEN")

    def run(*args, check=True):
        result = subprocess.run([binary, *map(str, args)], capture_output=True, text=True)
        if check and result.returncode != 0:
            raise AssertionError(f"tureen {' '.join(map(str, args))} failed ({result.returncode}):\n{result.stderr}")
        return result

    run.binary = binary
    return run


@pytest.fixture(scope="session")
def fixtures():
    return FIXTURES
