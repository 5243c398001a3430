"""Writes Fixtures/pytorch/ with torch itself (run with the torch venv: `make pytorch-fixtures`).

Each file is a few kilobytes. `expected.npz`-style references are not needed: the tests compare
against values this script also writes as `<name>.expected.npz` (numpy, bf16/f8 as raw bits).
"""
import json
import os
import shutil
from collections import OrderedDict

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pytorch")


def expected(name, tensors):
    """Saves the reference values next to the fixture: raw little-endian bytes, dtype and shape."""
    arrays, meta = {}, {}
    for key, tensor in tensors.items():
        t = tensor.detach().contiguous()
        flat = t.reshape(-1)
        raw = flat.view(torch.uint8) if t.dtype != torch.bool else flat.to(torch.uint8)
        arrays[key] = raw.reshape(-1).numpy() if t.numel() else np.zeros(0, np.uint8)
        meta[key] = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape)}
    np.savez(os.path.join(OUT, name + ".expected.npz"), **arrays)
    with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    torch.manual_seed(0)

    # Every dtype, scalars and empties.
    every = OrderedDict()
    for dtype in [torch.float64, torch.float32, torch.float16, torch.bfloat16, torch.int64, torch.int32, torch.int16,
                  torch.int8, torch.uint8, torch.complex64, torch.complex128, torch.float8_e4m3fn, torch.float8_e5m2,
                  torch.uint16, torch.uint32, torch.uint64]:
        name = str(dtype).replace("torch.", "")
        every[name] = (torch.randn(2, 3) * 10).to(dtype) if dtype.is_floating_point or dtype.is_complex else torch.arange(6, dtype=torch.int64).reshape(2, 3).to(dtype)
    every["bool"] = torch.tensor([[True, False, True], [False, False, True]])
    every["scalar"] = torch.tensor(3.5)
    every["empty"] = torch.zeros(0, 4)
    torch.save(every, os.path.join(OUT, "every_dtype.pt"))
    expected("every_dtype", every)

    # A module's state dict with Parameters, tied weights and a frozen parameter.
    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = torch.nn.Embedding(5, 4)
            self.linear = torch.nn.Linear(4, 3)
            self.norm = torch.nn.LayerNorm(3)
            self.head = torch.nn.Linear(4, 5, bias=False)
            self.head.weight = self.embed.weight  # tied

    model = Tiny()
    model.norm.weight.requires_grad_(False)
    state = model.state_dict()
    torch.save(state, os.path.join(OUT, "state_dict.pt"))
    expected("state_dict", state)
    params = OrderedDict((k, torch.nn.Parameter(v.clone())) for k, v in state.items() if k != "head.weight")
    torch.save(params, os.path.join(OUT, "parameters.pt"))
    expected("parameters", params)

    # Views sharing one storage: base, a row, a column, a transpose, a stepped slice.
    base = torch.arange(30, dtype=torch.float32).reshape(5, 6)
    views = OrderedDict(base=base, row=base[1], column=base[:, 2], transposed=base.t(), block=base[1:3, 2:5],
                        stepped=base[::2, ::3], same=base)
    torch.save(views, os.path.join(OUT, "views.pt"))
    expected("views", views)

    # Nested checkpoints: Lightning, {"model": ...}, EMA, DDP's module. prefix.
    lightning = {"epoch": 3, "global_step": 120, "state_dict": OrderedDict((f"model.{k}", v) for k, v in state.items()),
                 "hyper_parameters": {"lr": 0.001, "name": "tiny"}}
    torch.save(lightning, os.path.join(OUT, "lightning.ckpt"))
    expected("lightning", OrderedDict((f"state_dict.model.{k}", v) for k, v in state.items()))
    nested = {"model": OrderedDict((f"module.{k}", v) for k, v in state.items()),
              "ema": {"model": state}, "optimizer": {"state": {}, "param_groups": [{"lr": 0.1, "params": [0, 1]}]}}
    torch.save(nested, os.path.join(OUT, "nested.pth"))

    # Legacy format (torch < 1.6).
    torch.save(state, os.path.join(OUT, "legacy.pt"), _use_new_zipfile_serialization=False)
    torch.save(views, os.path.join(OUT, "legacy_views.pt"), _use_new_zipfile_serialization=False)

    # Renamed file: the archive's folder is 'original_name', the file is not.
    torch.save(state, os.path.join(OUT, "original_name.pt"))
    os.rename(os.path.join(OUT, "original_name.pt"), os.path.join(OUT, "renamed.bin"))

    # Sharded pytorch_model.bin folder.
    shard_dir = os.path.join(OUT, "sharded_bin")
    os.makedirs(shard_dir)
    keys = list(state.keys())
    shards = {"pytorch_model-00001-of-00002.bin": keys[:3], "pytorch_model-00002-of-00002.bin": keys[3:]}
    weight_map = {}
    for file, names in shards.items():
        torch.save(OrderedDict((k, state[k].clone()) for k in names), os.path.join(shard_dir, file))
        weight_map.update({k: file for k in names})
    with open(os.path.join(shard_dir, "pytorch_model.bin.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": sum(v.numel() * v.element_size() for v in state.values())},
                   "weight_map": weight_map}, f, indent=2)


if __name__ == "__main__":
    main()
