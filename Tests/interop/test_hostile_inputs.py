"""Inputs that are not what they claim: each is refused promptly with a message naming the path."""
import os
import subprocess

from runner import TUREEN


def run_with_timeout(*args, timeout=20):
    return subprocess.run([TUREEN, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def test_fifo_input_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "model.safetensors"
    os.mkfifo(fifo)
    for command in (["inspect", fifo], ["convert", fifo, tmp_path / "out.safetensors"], ["check", fifo, fifo]):
        result = run_with_timeout(*command)
        assert result.returncode != 0
        assert str(fifo) in result.stderr + result.stdout
        assert "not a regular file" in result.stderr + result.stdout
    assert not (tmp_path / "out.safetensors").exists()
