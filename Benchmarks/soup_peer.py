"""The Python peer for `tureen soup uniform`: what a careful user writes by hand.

usage: soup_peer.py OUT IN1 IN2 ...   (safe_open per tensor, float32 accumulation, save_file)
"""
import sys

import ml_dtypes  # noqa: F401  (registers bfloat16 with numpy)
import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file


def main():
    out, inputs = sys.argv[1], sys.argv[2:]
    handles = [safe_open(path, framework="numpy") for path in inputs]
    soup = {}
    for name in handles[0].keys():
        first = handles[0].get_tensor(name)
        total = first.astype(np.float32)
        for handle in handles[1:]:
            total += handle.get_tensor(name).astype(np.float32)
        soup[name] = (total / len(handles)).astype(first.dtype)
    save_file(soup, out, metadata={"format": "pt"})


if __name__ == "__main__":
    main()
