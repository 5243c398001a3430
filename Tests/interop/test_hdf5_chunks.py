"""Chunked HDF5 datasets whose layout used to multiply Tureen's work (issue 11, item 6): a chunk
larger than the chunk cache was decoded again for every 8 MiB window, and one read over millions
of tiny chunks made libhdf5 build several KB of bookkeeping per chunk. Each test runs the binary
alone and measures that process (os.wait4), against h5py reading the same file."""
import json
import os
import struct
import subprocess
import sys
import time

import h5py
import numpy as np

from runner import TUREEN


# Runs a command from a fresh Python and prints its user CPU seconds and peak RSS: a child forked
# straight from pytest would count pytest's own memory (copied at fork) in its peak.
MEASURE = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
process.returncode = os.waitstatus_to_exitcode(status)
print(process.returncode, usage.ru_utime, usage.ru_maxrss / 1024)
"""


def measured(*args):
    """Runs `tureen ARGS…`; returns (exit code, stderr, user CPU seconds, peak RSS in MB) of that process."""
    result = subprocess.run([sys.executable, "-c", MEASURE, TUREEN, *map(str, args)], capture_output=True, text=True)
    code, seconds, peak = result.stdout.split()
    return int(code), result.stderr, float(seconds), float(peak)


def safetensors_array(path, name):
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    entry = json.loads(data[8:8 + length])[name]
    start, end = (8 + length + offset for offset in entry["data_offsets"])
    return np.frombuffer(data[start:end], dtype=np.float32).reshape(entry["shape"])


def test_a_large_gzip_chunk_is_decoded_once(tmp_path):
    count = 32 << 20  # one 128 MiB chunk
    values = (np.arange(count, dtype=np.int64) % 1000).astype(np.float32)
    with h5py.File(tmp_path / "big.h5", "w") as f:
        f.create_dataset("w", data=values, chunks=(count,), compression="gzip")
    started = time.process_time()
    with h5py.File(tmp_path / "big.h5", "r") as f:
        assert np.array_equal(f["w"][...], values)
    h5py_seconds = time.process_time() - started
    code, errors, seconds, _ = measured("convert", tmp_path / "big.h5", tmp_path / "big.safetensors")
    assert code == 0, errors
    assert np.array_equal(safetensors_array(tmp_path / "big.safetensors", "w"), values)
    # Decoded once, as h5py does; before the fix it was decoded 16 times (once per window):
    # 1.18 s of CPU against h5py's 0.23 s, and 0.14 s after.
    assert seconds < 2 * h5py_seconds + 0.4, f"tureen {seconds:.2f} s of CPU, h5py {h5py_seconds:.2f} s"


def test_one_element_chunks_keep_memory_flat(tmp_path):
    count = 100_000
    values = np.arange(count, dtype=np.float32)
    with h5py.File(tmp_path / "tiny.h5", "w") as f:
        f.create_dataset("w", data=values, chunks=(1,))
    code, errors, _, peak = measured("convert", tmp_path / "tiny.h5", tmp_path / "tiny.safetensors")
    assert code == 0, errors
    assert np.array_equal(safetensors_array(tmp_path / "tiny.safetensors", "w"), values)
    # About 6 KB of libhdf5 bookkeeping per chunk in one read: 676 MB before the fix, 80 MB after.
    assert peak < 250, f"peak RSS {peak:.0f} MB"
