"""Writes the fixtures of `tureen check` and `tureen diff` into Fixtures/compare/.

One small LLaMA-shaped model (float32, with one int64 buffer) written as a single safetensors file
and as a sharded folder; the same architecture under data-parallel `module.` names; two fine-tuned
variants of it; a bf16 copy; a variant with one changed shape and one missing tensor; a model whose
values exercise --scan (NaN, ±Inf, an all-zero tensor); and a file that is not a checkpoint.
Run by Fixtures/make_fixtures.py; deterministic (fixed seed).
"""
import json
import pathlib

import ml_dtypes
import numpy as np
from safetensors.numpy import save_file

HERE = pathlib.Path(__file__).resolve().parent
COMPARE = HERE / "compare"


def base_model(rng):
    tensors = {"model.embed_tokens.weight": rng.standard_normal((16, 8)).astype(np.float32)}
    for layer in range(3):
        prefix = f"model.layers.{layer}."
        tensors[prefix + "mlp.up_proj.weight"] = rng.standard_normal((12, 8)).astype(np.float32)
        tensors[prefix + "mlp.down_proj.weight"] = rng.standard_normal((8, 12)).astype(np.float32)
        tensors[prefix + "input_layernorm.weight"] = np.ones(8, dtype=np.float32)
    tensors["model.norm.weight"] = np.ones(8, dtype=np.float32)
    tensors["model.position_ids"] = np.arange(8, dtype=np.int64)
    tensors["lm_head.weight"] = rng.standard_normal((16, 8)).astype(np.float32)
    return tensors


def write_sharded(folder, tensors):
    folder.mkdir(parents=True, exist_ok=True)
    names = list(tensors)
    shards = {"model-00001-of-00002.safetensors": names[: len(names) // 2],
              "model-00002-of-00002.safetensors": names[len(names) // 2:]}
    weight_map = {}
    for shard, keys in shards.items():
        save_file({key: tensors[key] for key in keys}, folder / shard, metadata={"format": "pt"})
        weight_map.update({key: shard for key in keys})
    total = sum(value.nbytes for value in tensors.values())
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")


def finetuned(tensors, rng, scale):
    return {name: value + (scale * rng.standard_normal(value.shape)).astype(np.float32)
            if value.dtype == np.float32 else value for name, value in tensors.items()}


def write_compare_fixtures():
    COMPARE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(23)
    model = base_model(rng)
    save_file(model, COMPARE / "model.safetensors", metadata={"format": "pt"})
    write_sharded(COMPARE / "model_sharded", model)
    save_file({"module." + name: value for name, value in model.items()}, COMPARE / "model_module_prefix.safetensors",
              metadata={"format": "pt"})
    save_file(finetuned(model, rng, 0.01), COMPARE / "finetuned_a.safetensors", metadata={"format": "pt"})
    save_file(finetuned(model, rng, 0.02), COMPARE / "finetuned_b.safetensors", metadata={"format": "pt"})
    save_file({name: value.astype(ml_dtypes.bfloat16) if value.dtype == np.float32 else value
               for name, value in model.items()}, COMPARE / "model_bf16.safetensors", metadata={"format": "pt"})

    changed = dict(model)
    changed["model.layers.1.mlp.up_proj.weight"] = rng.standard_normal((14, 8)).astype(np.float32)
    del changed["model.norm.weight"]
    save_file(changed, COMPARE / "changed.safetensors", metadata={"format": "pt"})

    special = {
        "finite": np.array([1.0, -2.0, 3.5, 0.0], dtype=np.float32),
        "with_nan_inf": np.array([np.nan, np.inf, -np.inf, 2.0, 4.0], dtype=np.float32),
        "all_zero": np.zeros((3, 2), dtype=ml_dtypes.bfloat16),
        "counts": np.array([3, -1, 7], dtype=np.int32),
        "flags": np.array([True, False, True, True]),
        "empty": np.zeros((0,), dtype=np.float32),
    }
    save_file(special, COMPARE / "scan_values.safetensors")

    (COMPARE / "not_a_checkpoint.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")


if __name__ == "__main__":
    write_compare_fixtures()
