"""Chunked HDF5 datasets whose layout used to multiply Tureen's work (issue 11, item 6): a chunk
larger than the chunk cache was decoded again for every 8 MiB window, and one read over millions
of tiny chunks made libhdf5 build several KB of bookkeeping per chunk. Each test runs the binary
alone and measures that process (os.wait4), against h5py reading the same file."""
import os
import struct
import subprocess
import sys

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


# Writes, reads with h5py, or checks the large-chunk file in a fresh Python, so that its 128 MiB
# arrays never live in pytest's process (whose size every later child would count as its own).
BIG_CHUNK = """
import json, struct, sys, time
import h5py, numpy as np
mode, path = sys.argv[1], sys.argv[2]
count = 32 << 20  # one 128 MiB chunk
values = (np.arange(count, dtype=np.int64) % 1000).astype(np.float32)
if mode == "write":
    with h5py.File(path, "w") as f:
        f.create_dataset("w", data=values, chunks=(count,), compression="gzip")
elif mode == "read":
    started = time.process_time()
    with h5py.File(path, "r") as f:
        assert np.array_equal(f["w"][...], values)
    print(time.process_time() - started)
else:
    data = open(path, "rb").read()
    (length,) = struct.unpack("<Q", data[:8])
    start, end = (8 + length + offset for offset in json.loads(data[8:8 + length])["w"]["data_offsets"])
    assert np.array_equal(np.frombuffer(data[start:end], dtype=np.float32), values)
"""


def big_chunk(mode, path):
    result = subprocess.run([sys.executable, "-c", BIG_CHUNK, mode, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_large_gzip_chunk_is_decoded_once(tmp_path):
    big_chunk("write", tmp_path / "big.h5")
    h5py_seconds = float(big_chunk("read", tmp_path / "big.h5"))
    code, errors, seconds, _ = measured("convert", tmp_path / "big.h5", tmp_path / "big.safetensors")
    assert code == 0, errors
    big_chunk("check", tmp_path / "big.safetensors")
    # Decoded once, as h5py does; before the fix it was decoded 16 times (once per window):
    # 1.18 s of CPU against h5py's 0.23 s, and 0.14 s after.
    assert seconds < 2 * h5py_seconds + 0.4, f"tureen {seconds:.2f} s of CPU, h5py {h5py_seconds:.2f} s"


def test_one_element_chunks_keep_memory_flat(tmp_path):
    count = 100_000
    values = np.arange(count, dtype=np.float32)
    # Written in a fresh Python too: libhdf5 keeps the memory of 100,000 chunks' metadata on its free lists.
    write = f"import h5py, numpy as np; h5py.File({str(tmp_path / 'tiny.h5')!r}, 'w').create_dataset('w', data=np.arange({count}, dtype=np.float32), chunks=(1,))"
    subprocess.run([sys.executable, "-c", write], check=True)
    code, errors, _, peak = measured("convert", tmp_path / "tiny.h5", tmp_path / "tiny.safetensors")
    assert code == 0, errors
    data = (tmp_path / "tiny.safetensors").read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    assert np.array_equal(np.frombuffer(data[8 + length:], dtype=np.float32), values)
    # About 6 KB of libhdf5 bookkeeping per chunk in one read: 676 MB before the fix, 80 MB after.
    assert peak < 250, f"peak RSS {peak:.0f} MB"
