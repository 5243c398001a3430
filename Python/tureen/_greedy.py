"""greedy_soup: the binary searches, and the Python callable scores each candidate.

The binary runs its evaluator as a command, once per candidate. The callable is a live object of
this process (a closure, a model already in memory), which no other process can call, so the
command cannot be a temporary script that re-creates it: the command (`_evaluator_client`) asks
this process instead, over a Unix socket in a private temporary folder, and this process calls
`evaluate` on the calling thread between the binary's requests."""
from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
from typing import Any, Callable, Sequence

from ._run import command, failure


def greedy_soup(paths: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str], evaluate: Callable[[str], float], *,
                minimize: bool = False, dtype: str | None = None, force: bool = False) -> dict[str, Any]:
    """The greedy soup of `paths` written to `out`: ingredients are scored by `evaluate(path)` and
    added best first, each kept if the soup's score does not drop (rise, with `minimize`).

    Returns the command's report (`kept`, `final_score`, `best_individual`, `steps`, …).
    An exception raised by `evaluate` stops the search and is raised again here."""
    with tempfile.TemporaryDirectory(prefix="tureen-greedy-") as folder:
        address = os.path.join(folder, "evaluator.sock")
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(address)
        server.listen()
        server.settimeout(0.05)
        evaluator = shlex.join([sys.executable, "-m", "tureen._evaluator_client", address]) + " {path}"
        arguments = ["soup", "greedy", *paths, "--eval", evaluator, "-o", out, "--json", "--quiet"]
        arguments += (["--minimize"] if minimize else []) + (["--dtype", dtype] if dtype else []) + (["--force"] if force else [])
        with open(os.path.join(folder, "stdout"), "w+") as stdout, open(os.path.join(folder, "stderr"), "w+") as stderr:
            process = subprocess.Popen(command(*arguments), stdout=stdout, stderr=stderr, env=_with_package_on_path())
            raised = _serve(server, process, evaluate)
            server.close()
            stdout.seek(0)
            stderr.seek(0)
            if raised is not None:
                raise raised
            if process.returncode != 0:
                raise failure(stderr.read(), process.returncode)
            return json.loads(stdout.read())


def _serve(server: socket.socket, process: subprocess.Popen, evaluate: Callable[[str], float]) -> BaseException | None:
    """Answers the evaluator command's requests until the binary exits; returns what `evaluate`
    raised, if it did (the command then fails, and the binary stops)."""
    raised = None
    while process.poll() is None:
        try:
            connection, _ = server.accept()
        except socket.timeout:
            continue
        with connection:
            connection.settimeout(None)
            request = json.loads(connection.makefile("rb").readline())
            try:
                reply = {"score": float(evaluate(request["path"]))}
            except Exception as error:  # handed back to the caller once the binary has stopped
                raised = raised or error
                reply = {"error": f"{type(error).__name__}: {error}"}
            connection.sendall(json.dumps(reply).encode() + b"\n")
    return raised


def _with_package_on_path() -> dict[str, str]:
    """The environment for the binary (and so its evaluator command): this package importable,
    even when it was put on sys.path by hand rather than installed."""
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, environment.get("PYTHONPATH")]))
    return environment
