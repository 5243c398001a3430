"""Writes a ~1 GB Keras 3 archive for Benchmarks/keras.sh: `model.weights.h5` in Keras 3's layout
(16 Dense layers of 4096 x 4096 float32 kernels, `layers/dense_<i>/vars/0`), stored in a zip after
a `metadata.json` and `config.json`, as `model.save` writes it; and the same weights file alone.
The configuration is a placeholder: the benchmark reads and rewrites weights, it loads no model.

usage: python make_keras.py OUT.keras OUT.weights.h5
"""
import json
import sys
import zipfile

import h5py
import numpy as np

archive_path, weights_path = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(0)
with h5py.File(weights_path, "w") as f:
    for index in range(16):
        group = f.create_group(f"layers/dense_{index}/vars")
        group["0"] = rng.standard_normal((4096, 4096), dtype=np.float32)
        group["1"] = rng.standard_normal(4096, dtype=np.float32)
with zipfile.ZipFile(archive_path, "w") as archive:
    archive.writestr("metadata.json", json.dumps({"keras_version": "3.15.1", "date_saved": "benchmark"}))
    archive.writestr("config.json", json.dumps({"class_name": "Sequential", "config": {"name": "benchmark"}}))
    archive.write(weights_path, "model.weights.h5")
