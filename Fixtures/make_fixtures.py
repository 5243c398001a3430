"""Writes Tureen's test fixtures with the reference libraries themselves.

Run from the repository root:  .venv/bin/python Fixtures/make_fixtures.py
Every file is small and deterministic (fixed seeds), so re-running rewrites the same bytes.
Format-specific fixtures live beside this script in one folder per format.
"""
import json
import os
import pathlib

import ml_dtypes
import numpy as np
from safetensors.numpy import save_file

from samples import sample

HERE = pathlib.Path(__file__).resolve().parent
SAFETENSORS = HERE / "safetensors"

ALL_DTYPES = {
    "BOOL": np.bool_, "U8": np.uint8, "I8": np.int8, "I16": np.int16, "U16": np.uint16,
    "I32": np.int32, "U32": np.uint32, "I64": np.int64, "U64": np.uint64,
    "F16": np.float16, "BF16": ml_dtypes.bfloat16, "F32": np.float32, "F64": np.float64,
    "F8_E4M3": ml_dtypes.float8_e4m3fn, "F8_E5M2": ml_dtypes.float8_e5m2, "C64": np.complex64,
}



def write_safetensors_fixtures():
    SAFETENSORS.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    tensors = {f"t_{name}": sample(dtype, (2, 3), rng) for name, dtype in ALL_DTYPES.items()}
    save_file(tensors, SAFETENSORS / "all_dtypes.safetensors", metadata={"format": "pt"})

    shapes = {"scalar": (), "empty": (0,), "empty_matrix": (3, 0), "vector": (5,)}
    save_file({name: sample(np.float32, shape, rng) for name, shape in shapes.items()},
              SAFETENSORS / "scalar_and_empty.safetensors", metadata={"format": "pt"})

    save_file({"model.embed_tokens.weight": sample(ml_dtypes.bfloat16, (4, 2), rng)},
              SAFETENSORS / "with_metadata.safetensors",
              metadata={"format": "pt", "note": "quoted \"text\" / slash", "unicode": "é"})

    write_sharded(SAFETENSORS / "sharded", rng)


def write_sharded(folder, rng):
    """Two shards and an index, laid out as transformers' save_pretrained writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    shards = {
        "model-00001-of-00002.safetensors": {
            "model.layers.0.mlp.up_proj.weight": sample(np.float32, (4, 3), rng),
            "model.embed_tokens.weight": sample(np.float32, (6, 3), rng),
        },
        "model-00002-of-00002.safetensors": {
            "model.layers.1.mlp.up_proj.weight": sample(np.float32, (4, 3), rng),
            "lm_head.weight": sample(np.float32, (6, 3), rng),
        },
    }
    weight_map = {}
    total = 0
    for name, tensors in shards.items():
        save_file(tensors, folder / name, metadata={"format": "pt"})
        for key, value in tensors.items():
            weight_map[key] = name
            total += value.nbytes
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")


def write_demo_ingredients():
    """Three small fine-tunes of one tiny model: the bundled example `make demo` soups."""
    demo = HERE / "demo"
    demo.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2022)
    pretrained = {
        "model.embed_tokens.weight": rng.standard_normal((64, 16)).astype(np.float32),
        "model.layers.0.mlp.up_proj.weight": rng.standard_normal((32, 16)).astype(np.float32),
        "model.layers.0.mlp.down_proj.weight": rng.standard_normal((16, 32)).astype(np.float32),
        "model.layers.1.mlp.up_proj.weight": rng.standard_normal((32, 16)).astype(np.float32),
        "model.layers.1.mlp.down_proj.weight": rng.standard_normal((16, 32)).astype(np.float32),
        "model.norm.weight": np.ones(16, np.float32),
    }
    for old in demo.glob("finetune-*"):
        old.unlink()
    writers = [write_demo_safetensors, write_demo_h5, write_demo_npz]
    for index, write in enumerate(writers):
        tuned = {name: (value + 0.01 * rng.standard_normal(value.shape)).astype(ml_dtypes.bfloat16)
                 for name, value in pretrained.items()}
        tuned["model.position_ids"] = np.arange(8, dtype=np.int64)
        write(demo / f"finetune-{index + 1}", tuned)


def write_demo_safetensors(stem, tensors):
    save_file(tensors, stem.with_suffix(".safetensors"), metadata={"format": "pt"})


def write_demo_h5(stem, tensors):
    """One group per name component; bf16 as Keras 3 stores it (opaque bytes, a `dtype` attribute)."""
    import h5py

    with h5py.File(stem.with_suffix(".h5"), "w") as f:
        for name, array in tensors.items():
            if array.dtype == ml_dtypes.bfloat16:
                f.create_dataset(name.replace(".", "/"), data=array.view("V2")).attrs["dtype"] = "bfloat16"
            else:
                f.create_dataset(name.replace(".", "/"), data=array)


def write_demo_npz(stem, tensors):
    """As numpy saves ml_dtypes arrays: bf16 becomes untyped '<V2' (read with --assume-v2 bf16)."""
    np.savez(stem.with_suffix(".npz"), **tensors)


def write_rounding_vectors():
    """float32 and float64 inputs with the results numpy/ml_dtypes give when rounding them down."""
    rng = np.random.default_rng(11)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 65504.0, 65520.0, 6e-8, 3e-8,
                        448.0, 464.0, 470.0, 57344.0, 61440.0, 1e-10, 3.3895e38, 3.4e38], dtype=np.float64)
    inputs = np.concatenate([special, rng.standard_normal(4000) * 10.0 ** rng.integers(-12, 12, 4000)])
    ties = (np.arange(1, 2001, dtype=np.uint32) << 16 | 0x8000).view(np.float32).astype(np.float64)
    inputs = np.concatenate([inputs, ties, -ties])
    vectors = {
        "input_f64": inputs,
        "input_f32": inputs.astype(np.float32),
        "f32_to_bf16": inputs.astype(np.float32).astype(ml_dtypes.bfloat16),
        "f32_to_f16": inputs.astype(np.float32).astype(np.float16),
        "f32_to_f8_e4m3": inputs.astype(np.float32).astype(ml_dtypes.float8_e4m3fn),
        "f32_to_f8_e5m2": inputs.astype(np.float32).astype(ml_dtypes.float8_e5m2),
    }
    with np.errstate(over="ignore", invalid="ignore"):
        save_file(vectors, SAFETENSORS / "rounding_vectors.safetensors", metadata={"format": "pt"})


if __name__ == "__main__":
    write_safetensors_fixtures()
    write_rounding_vectors()
    write_demo_ingredients()
    for extra in sorted(HERE.glob("make_*_fixtures.py")):
        if extra.name != pathlib.Path(__file__).name:
            exec(compile(extra.read_text(), str(extra), "exec"), {"__name__": "__main__", "__file__": str(extra)})
    print("fixtures written under", HERE.relative_to(pathlib.Path(os.getcwd())) if HERE.is_relative_to(os.getcwd()) else HERE)
