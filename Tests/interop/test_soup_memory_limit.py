"""Larger than its memory: a soup of 3 × 200 MB ingredients inside a 64 MB memory cgroup completes
with output identical to an unconstrained run. Skipped (with the reason) where cgroups are not writable."""
import os
import pathlib
import subprocess
import uuid

import numpy as np
import pytest
from safetensors.numpy import save_file

CGROUP_ROOT = pathlib.Path("/sys/fs/cgroup/memory")
LIMIT = 64 * 1024 * 1024


def evict_from_page_cache(path):
    """Drop the file's cached pages so the limited process pays for reading them."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


@pytest.fixture
def memory_cgroup():
    if not os.access(CGROUP_ROOT, os.W_OK):
        pytest.skip(f"{CGROUP_ROOT} is not writable here (cgroup v1 memory controller needed, as root)")
    group = CGROUP_ROOT / f"tureen-test-{uuid.uuid4().hex[:8]}"
    group.mkdir()
    (group / "memory.limit_in_bytes").write_text(str(LIMIT))
    yield group
    group.rmdir()


def test_soup_larger_than_its_memory_limit(tureen, tmp_path, memory_cgroup):
    rng = np.random.default_rng(5)
    paths = []
    for index in range(3):
        tensors = {f"model.layers.{j}.weight": rng.standard_normal((1000, 10000), dtype=np.float32) for j in range(5)}
        paths.append(tmp_path / f"ingredient{index}.safetensors")
        save_file(tensors, paths[-1])
        del tensors
    free = tmp_path / "free.safetensors"
    tureen("soup", "uniform", *paths, "-o", free)
    for path in paths:
        evict_from_page_cache(path)
    limited = tmp_path / "limited.safetensors"
    command = f'echo $$ > {memory_cgroup}/cgroup.procs && exec "$0" "$@"'
    result = subprocess.run(["sh", "-c", command, tureen.binary, "soup", "uniform", *map(str, paths), "-o", str(limited)],
                            capture_output=True, text=True)
    assert result.returncode == 0, f"soup under a {LIMIT >> 20} MB limit failed: {result.stderr}"
    peak = int((memory_cgroup / "memory.max_usage_in_bytes").read_text())
    assert peak <= LIMIT
    assert (memory_cgroup / "memory.oom_control").read_text().count("oom_kill 0") == 1
    assert limited.read_bytes() == free.read_bytes()
