"""soup, merge, convert, check, inspect and index: each runs one tureen command and returns its --json report."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Sequence

from ._run import run_json


@dataclass(frozen=True)
class TensorInfo:
    """One tensor of a checkpoint, as `tureen inspect` lists it."""
    name: str
    dtype: str
    shape: tuple[int, ...]
    bytes: int


@dataclass(frozen=True)
class Report:
    """What `tureen check` found: whether the checkpoints share an architecture and, if not, the
    differences (each a dict with kind, name, blocking and detail, as the command's JSON)."""
    compatible: bool
    inputs: list[str]
    differences: list[dict[str, Any]]
    raw: dict[str, Any] = field(repr=False)


def soup(paths: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str], weights: Sequence[float] | None = None, *,
         base: str | os.PathLike[str] | None = None, scale: float | None = None, dtype: str | None = None,
         normalize: bool = True, force: bool = False) -> dict[str, Any]:
    """Averages the checkpoints at `paths` into `out`: uniformly, or with `weights` (divided by
    their sum unless `normalize=False`); with `base`, θ = base + scale · Σ wᵢ(θᵢ − base).
    `dtype` is the output's float dtype (f32, bf16, f16, f64, or "widest").

    Returns the command's report (`merged_tensors`, `parameters`, `non_finite`, …)."""
    arguments: list[Any] = ["soup", "uniform" if weights is None else "weighted", *paths, "-o", out]
    if weights is not None:
        arguments += ["--weights", ",".join(repr(float(weight)) for weight in weights)] + ([] if normalize else ["--no-normalize"])
    arguments += _options(base=base, scale=scale, dtype=dtype, force=force)
    return run_json(arguments)


def convert(src: str | os.PathLike[str], dst: str | os.PathLike[str], dtype: str | None = None, *, force: bool = False) -> dict[str, Any]:
    """Converts `src` to the format of `dst` (picked from its extension; a folder for sharded
    safetensors), casting floating-point tensors to `dtype` if given. Returns the command's report."""
    return run_json(["convert", src, dst] + _options(dtype=dtype, force=force))


def check(paths: Sequence[str | os.PathLike[str]]) -> Report:
    """Whether the checkpoints at `paths` share an architecture (names, shapes, dtypes)."""
    report = run_json(["check", *paths], accept=(0, 1))
    differences = [difference for comparison in report["comparisons"] for difference in comparison["differences"]]
    return Report(report["compatible"], [entry["path"] for entry in report["inputs"]], differences, report)


def inspect(path: str | os.PathLike[str]) -> list[TensorInfo]:
    """The tensors of the checkpoint at `path`, in its order."""
    report = run_json(["inspect", path])
    return [TensorInfo(tensor["name"], tensor["dtype"], tuple(tensor["shape"]), tensor["bytes"]) for tensor in report["tensors"]]


def merge(config: str | os.PathLike[str], out: str | os.PathLike[str], *, dtype: str | None = None, seed: int | None = None,
          force: bool = False) -> dict[str, Any]:
    """Merges checkpoints as the mergekit YAML configuration at `config` says (linear,
    task_arithmetic, ties, dare_linear, dare_ties, model_stock, slerp) into `out`. `dtype`
    overrides the configuration's out_dtype; `seed` keys DARE's masks.

    Returns the command's report (`method`, `merged_tensors`, per-tensor `tensors` statistics, …)."""
    return run_json(["merge", config, "-o", out] + _options(dtype=dtype, seed=seed, force=force))


def index(folder: str | os.PathLike[str], *, verify: bool = False) -> dict[str, Any]:
    """Joins a partitioned run's output folder once every task has finished: checks every shard
    against its task's manifest (and its SHA-256 with `verify`), then writes
    model.safetensors.index.json. Returns the command's report (`shard_count`, `index`, …)."""
    return run_json(["index", folder] + _options(verify=verify))


def _options(**options: Any) -> list[Any]:
    """`--name value` for each option given (`--force` alone for a true flag)."""
    arguments: list[Any] = []
    for name, value in options.items():
        if value is None or value is False:
            continue
        arguments += [f"--{name}"] if value is True else [f"--{name}", value]
    return arguments
