"""Finding and running the bundled binary; its failures become TureenError."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
from typing import Any, Sequence

_PACKAGE = pathlib.Path(__file__).resolve().parent


class TureenError(Exception):
    """A tureen command failed. `str(error)` is the command's own message (`tureen: error: …` and
    any `tureen: hint: …` line); `exit_code` is its exit status (1 for failures, 2 for unreadable
    inputs of check, 64 for bad arguments)."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def binary() -> str:
    """The path of the `tureen` binary: $TUREEN_BINARY if set, else the one in the package."""
    return os.environ.get("TUREEN_BINARY") or str(_PACKAGE / "_bin" / "tureen")


def command(*arguments: Any) -> list[str]:
    return [binary(), *(os.fspath(argument) if isinstance(argument, os.PathLike) else str(argument) for argument in arguments)]


def run_json(arguments: Sequence[Any], accept: Sequence[int] = (0,)) -> Any:
    """Runs `tureen ARGUMENTS --json --quiet` and returns its decoded report.

    An exit status outside `accept` raises TureenError with what the command printed on stderr."""
    result = subprocess.run(command(*arguments, "--json", "--quiet"), capture_output=True, text=True)
    if result.returncode not in accept:
        raise failure(result.stderr, result.returncode)
    return json.loads(result.stdout)


def failure(stderr: str, exit_code: int) -> TureenError:
    message = stderr.strip() or f"tureen exited with status {exit_code}"
    return TureenError(message, exit_code)
