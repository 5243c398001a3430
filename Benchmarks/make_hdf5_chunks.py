"""Writes the HDF5 chunk-layout benchmark inputs (Docs/benchmarks.md, "HDF5 chunk layouts") with h5py:
bigchunk-MB.h5 (one float32 dataset in a single gzip chunk of MB megabytes) and ones-N.h5 (N float32
values in one-element chunks).  Usage: make_hdf5_chunks.py FOLDER MB N"""
import pathlib
import sys

import h5py
import numpy as np

folder, megabytes, ones = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
count = megabytes * (1 << 20) // 4
with h5py.File(folder / f"bigchunk-{megabytes}.h5", "w") as f:
    f.create_dataset("w", data=(np.arange(count, dtype=np.int64) % 1000).astype(np.float32), chunks=(count,), compression="gzip")
with h5py.File(folder / f"ones-{ones}.h5", "w") as f:
    f.create_dataset("w", data=np.arange(ones, dtype=np.float32), chunks=(1,))
