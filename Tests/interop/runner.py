"""Runs the `tureen` binary named by $TUREEN (default: the release build) for the interop tests."""
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
TUREEN = os.environ.get("TUREEN", str(ROOT / ".build" / "release" / "tureen"))


def run(*args):
    """Runs `tureen ARGS…` and returns the completed process (stdout and stderr as text)."""
    return subprocess.run([TUREEN, *map(str, args)], capture_output=True, text=True)


def tureen(*args, check=True):
    """Runs `tureen ARGS…`; with `check`, a non-zero exit fails the test with tureen's stderr."""
    result = run(*args)
    if check and result.returncode != 0:
        raise AssertionError(f"tureen {' '.join(map(str, args))} failed ({result.returncode}):\n{result.stderr}")
    return result
