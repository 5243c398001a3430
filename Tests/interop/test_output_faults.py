"""Disk full, read-only and permission-denied folders, on a tmpfs the test mounts itself (as root;
skipped with the reason otherwise). The permission cases run Tureen as an unprivileged user, since
root's writes are never refused: the old output survives, the message names the cause, and nothing
but the old output is left."""
import os
import shutil
import subprocess

import numpy as np
import pytest
from safetensors.numpy import save_file

import faults
from runner import TUREEN

NOBODY = 65534


@pytest.fixture
def tmpfs(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; run the interop tests as root to cover disk full and read-only folders")
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", mount], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", mount], check=False)


def small_output(path, kind):
    source = path.parent / f"small-{kind}.safetensors"
    save_file({"w": np.ones(4, dtype=np.float32)}, source)
    args = ["--max-shard-size", "1MB"] if kind == "folder" else []
    subprocess.run([TUREEN, "convert", source, path, *args], check=True, capture_output=True)
    os.unlink(source)
    return faults.digest(path), args


def outputs(mount):
    return {"file": mount / "out.safetensors", "folder": mount / "shards"}


def assert_refused_cleanly(result, mount, before, cause):
    assert result.returncode == 1, result.stderr
    assert cause in result.stderr, result.stderr
    for path, digest in before.items():
        assert faults.digest(path) == digest, f"{path} changed"
    assert faults.temporaries(mount) == [], faults.temporaries(mount)


def test_a_full_disk_leaves_the_old_output_and_no_temporary(tmpfs, tmp_path):
    big = faults.large_checkpoint(tmp_path / "big.safetensors", megabytes=8, seed=1)
    for kind, path in outputs(tmpfs).items():
        digest, args = small_output(path, kind)
        result = subprocess.run([TUREEN, "convert", big, path, "--force", *args], capture_output=True, text=True)
        assert_refused_cleanly(result, tmpfs, {path: digest}, "No space left on device")
        # Regression: a shard's error named its temporary folder (".shards.tureen-host-pid-…/model-…").
        assert f"error: {path}" in result.stderr and ".tureen-" not in result.stderr, result.stderr


def test_a_read_only_folder_leaves_the_old_output(tmpfs, tmp_path):
    model = faults.large_checkpoint(tmp_path / "model.safetensors", megabytes=1, seed=1)
    before = {}
    for kind, path in outputs(tmpfs).items():
        before[path], _ = small_output(path, kind)
    subprocess.run(["mount", "-o", "remount,ro", tmpfs], check=True)
    for kind, path in outputs(tmpfs).items():
        args = ["--max-shard-size", "1MB"] if kind == "folder" else []
        result = subprocess.run([TUREEN, "convert", model, path, "--force", *args], capture_output=True, text=True)
        assert_refused_cleanly(result, tmpfs, before, "Read-only file system")


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv runs Tureen as an unprivileged user")
def test_permission_denied_as_an_unprivileged_user(tmpfs):
    model = tmpfs / "model.safetensors"
    save_file({"w": np.ones(4, dtype=np.float32)}, model)
    os.chmod(model, 0o644)
    as_nobody = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", TUREEN]
    locked = tmpfs / "locked"
    locked.mkdir(mode=0o755)
    result = subprocess.run([*as_nobody, "convert", model, locked / "out.safetensors"], capture_output=True, text=True)
    assert_refused_cleanly(result, locked, {locked / "out.safetensors": None}, "Permission denied")
    # A folder the user may write in, holding a shards folder only root may change: the swap is refused.
    mine = tmpfs / "mine"
    mine.mkdir(mode=0o755)
    os.chown(mine, NOBODY, NOBODY)
    digest, args = small_output(mine / "shards", "folder")
    result = subprocess.run([*as_nobody, "convert", model, mine / "shards", "--force", *args], capture_output=True, text=True)
    assert_refused_cleanly(result, mine, {mine / "shards": digest}, "Permission denied")


@pytest.mark.parametrize("flags", [[], ["--compress"]])
def test_a_full_disk_under_an_hdf5_output_says_so_in_one_line(tmpfs, tmp_path, flags):
    # Regression: with --compress, libhdf5's whole write report (time, temporary's name, buffer
    # address, "bytes actually written = 18446744073709551615") was the message.
    # Random values: constant ones would compress to fit.
    big = tmp_path / "random.safetensors"
    save_file({"w": np.random.default_rng(3).standard_normal(2 << 20).astype(np.float32)}, big)
    output = tmpfs / "out.h5"
    result = subprocess.run([TUREEN, "convert", big, output, *flags], capture_output=True, text=True)
    assert_refused_cleanly(result, tmpfs, {}, "No space left on device")
    assert ".tureen-" not in result.stderr and "time = " not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not output.exists()
