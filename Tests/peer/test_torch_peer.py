"""`make peer-test`: compares Tureen with torch itself (never part of `make test`; torch lives in
.venv-torch). Every fixture Tureen reads must equal `torch.load(weights_only=True)`, and every `.pt`
Tureen writes must load with `weights_only=True`, with and without `mmap=True`, to identical tensors."""
import os
import pathlib
import subprocess
import sys

import pytest
import torch
from safetensors.torch import load_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Fixtures" / "pytorch"
TUREEN = os.environ.get("TUREEN", str(ROOT / ".build" / "release" / "tureen"))


def tureen(*args):
    result = subprocess.run([TUREEN, *map(str, args)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


def flatten(value, prefix=""):
    if isinstance(value, torch.Tensor):
        yield prefix, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from flatten(item, f"{prefix}.{index}" if prefix else str(index))


def same(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and torch.equal(a.contiguous().view(torch.uint8) if a.dim() else a.reshape(1).view(torch.uint8),
                                                                      b.contiguous().view(torch.uint8) if b.dim() else b.reshape(1).view(torch.uint8))


READABLE = ["state_dict.pt", "parameters.pt", "views.pt", "legacy.pt", "legacy_views.pt", "renamed.bin", "lightning.ckpt", "nested.pth"]


@pytest.mark.parametrize("fixture", READABLE)
def test_tureen_reads_what_torch_loads(tmp_path, fixture):
    reference = dict(flatten(torch.load(FIXTURES / fixture, weights_only=True)))
    out = tmp_path / "out.safetensors"
    tureen("convert", FIXTURES / fixture, out)
    got = load_file(out)
    assert set(got) == set(reference)
    for name, tensor in reference.items():
        assert same(got[name], tensor.detach()), name


@pytest.mark.parametrize("fixture", ["every_dtype.pt", "state_dict.pt", "views.pt", "legacy_views.pt", "lightning.ckpt"])
def test_written_pt_loads_in_torch_with_and_without_mmap(tmp_path, fixture):
    reference = dict(flatten(torch.load(FIXTURES / fixture, weights_only=True)))
    out = tmp_path / "out.pt"
    tureen("convert", FIXTURES / fixture, out)
    for mmap in (False, True):
        loaded = torch.load(out, weights_only=True, mmap=mmap)
        assert list(loaded) == list(reference)
        for name, tensor in reference.items():
            assert same(loaded[name], tensor.detach()), (name, mmap)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
