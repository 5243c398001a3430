"""`make peer-test`, large-file case: a `.pt` Tureen writes past 4 GiB needs zip64 records (sizes and
offsets over 32 bits), and torch's own reader must load it with `weights_only=True`, with and without
`mmap=True`, to identical tensors. It writes about 13 GB, so it runs only with TUREEN_PEER_ZIP64=1."""
import os
import pathlib
import subprocess

import numpy as np
import pytest
import torch
from safetensors.numpy import save_file

TUREEN = os.environ.get("TUREEN", str(pathlib.Path(__file__).resolve().parents[2] / ".build" / "release" / "tureen"))
ELEMENTS = 600 * 1024 * 1024  # f32: 2.4 GB per tensor, so the second tensor's record starts past 4 GiB


def pattern(seed):
    """A cheap, position-dependent fill: a wrong offset or size shows up as different values."""
    return ((np.arange(ELEMENTS, dtype=np.uint32) * 2654435761 + seed) % 65521).astype(np.float32)


@pytest.mark.skipif(os.environ.get("TUREEN_PEER_ZIP64") != "1", reason="writes about 13 GB; set TUREEN_PEER_ZIP64=1")
def test_a_pt_larger_than_4_gib_loads_in_torch(tmp_path):
    source = tmp_path / "big.safetensors"
    save_file({"first": pattern(1), "second": pattern(2)}, source)
    output = tmp_path / "big.pt"
    result = subprocess.run([TUREEN, "convert", str(source), str(output)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    source.unlink()
    assert output.stat().st_size > 1 << 32
    for mmap in (True, False):
        loaded = torch.load(output, weights_only=True, mmap=mmap)
        assert sorted(loaded) == ["first", "second"]
        for name, seed in (("first", 1), ("second", 2)):
            assert loaded[name].dtype == torch.float32 and loaded[name].shape == (ELEMENTS,)
            assert torch.equal(loaded[name], torch.from_numpy(pattern(seed))), f"{name} (mmap={mmap})"
        del loaded
