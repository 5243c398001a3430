"""The Python peer for `tureen convert` to safetensors: load_file + save_file.

usage: convert_peer.py IN OUT [--dtype f32]
"""
import sys

import ml_dtypes  # noqa: F401  (registers bfloat16 with numpy)
import numpy as np
from safetensors.numpy import load_file, save_file


def main():
    source, out = sys.argv[1], sys.argv[2]
    tensors = load_file(source)
    if "--dtype" in sys.argv:
        tensors = {name: value.astype(np.float32) for name, value in tensors.items()}
    save_file(tensors, out, metadata={"format": "pt"})


if __name__ == "__main__":
    main()
