"""Writes Tureen's NumPy fixtures with numpy itself (np.save, np.savez, np.savez_compressed).

Run by Fixtures/make_fixtures.py, or alone from the repository root. Small and deterministic.
"""
import pathlib

import ml_dtypes
import numpy as np

from samples import sample

HERE = pathlib.Path(__file__).resolve().parent / "numpy"

NUMPY_DTYPES = {
    "bool": np.bool_, "u8": np.uint8, "i8": np.int8, "i16": np.int16, "u16": np.uint16,
    "i32": np.int32, "u32": np.uint32, "i64": np.int64, "u64": np.uint64,
    "f16": np.float16, "f32": np.float32, "f64": np.float64, "c64": np.complex64, "c128": np.complex128,
}



def arrays(rng):
    """Every dtype, big-endian and Fortran-order variants, rank 0, zero-size, names with / and dots."""
    out = {f"t_{name}": sample(dtype, (2, 3), rng) for name, dtype in NUMPY_DTYPES.items()}
    for name in ("i16", "i32", "u64", "f16", "f32", "f64", "c64", "c128"):
        out[f"big_{name}"] = sample(NUMPY_DTYPES[name], (3, 2), rng).astype(np.dtype(NUMPY_DTYPES[name]).newbyteorder(">"))
    out["fortran_f32"] = np.asfortranarray(sample(np.float32, (3, 4, 5), rng))
    out["fortran_big_f64"] = np.asfortranarray(sample(np.float64, (4, 3), rng)).astype(">f8", order="F")
    out["scalar"] = np.array(3.5, dtype=np.float32)
    out["empty"] = np.zeros((0,), dtype=np.float32)
    out["empty_matrix"] = np.zeros((3, 0), dtype=np.int64)
    out["model.layers.0.mlp.up_proj.weight"] = sample(np.float32, (4, 3), rng)
    out["a/b.c"] = sample(np.int32, (2,), rng)
    return out


def main():
    HERE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    content = arrays(rng)
    np.savez(HERE / "all_dtypes.npz", **content)
    np.savez_compressed(HERE / "all_dtypes_compressed.npz", **content)
    np.savez(HERE / "positional.npz", sample(np.float32, (2, 2), rng), sample(np.int8, (3,), rng))
    np.save(HERE / "matrix.npy", sample(np.float32, (3, 4), rng))
    np.save(HERE / "fortran_big.npy", np.asfortranarray(sample(np.float64, (2, 3, 4), rng)).astype(">f8", order="F"))
    np.save(HERE / "bf16_untyped.npy", sample(ml_dtypes.bfloat16, (2, 3), rng))
    np.savez(HERE / "ml_dtypes_untyped.npz", bf16=sample(ml_dtypes.bfloat16, (4,), rng),
             e4m3=sample(ml_dtypes.float8_e4m3fn, (4,), rng))
    np.save(HERE / "objects.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)


if __name__ == "__main__":
    main()
