"""The Keras tests run the release `tureen` binary named by $TUREEN, as the interop tests do."""
import os
import pathlib
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "interop"))  # runner.py and bits.py, shared with the interop tests
sys.path.insert(0, str(ROOT / "Fixtures"))  # make_keras_fixtures.py: the model the fixtures are made of

import pytest  # noqa: E402

import runner  # noqa: E402


@pytest.fixture(scope="session")
def tureen():
    if not pathlib.Path(runner.TUREEN).exists():
        pytest.fail(f"tureen binary not found at {runner.TUREEN}; run `make release` or set TUREEN")
    return runner.tureen
