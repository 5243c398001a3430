"""Partitioned merges (issue 16): `tureen merge --partition i/n` with methods that make first passes
(TIES, DARE-TIES's norm pass, Model Stock, SLERP) and one that makes none (linear). The tasks, run as separate processes in
parallel and in random order, write the shards of one unpartitioned merge byte for byte, and their
first passes read only their own tensors (rchar, as test_partition.py measures it); a task of
another merge configuration is another plan, which `tureen index` refuses."""
import json
import subprocess

import ml_dtypes
import numpy as np
import pytest
from safetensors.numpy import save_file

from runner import ROOT, TUREEN
from test_partition import Workspace, index, run_joined_and_compared

pytestmark = pytest.mark.skipif(__import__("shutil").which("gcc") is None, reason="gcc builds the LD_PRELOAD shim")

METHODS = {
    "linear": ("", "weight: {weight}"),
    "ties": ("base_model: {base}\n", "weight: {weight}, density: {density}"),
    "dare_ties": ("base_model: {base}\n", "weight: {weight}, density: {density}"),
    "model_stock": ("base_model: {base}\n", ""),
    "slerp": ("base_model: {base}\nparameters: {{t: 0.4}}\n", ""),
}


def write_config(path, method, base, models, density=0.5):
    """A mergekit configuration of `method` over `models` (and `base` when the method takes one;
    SLERP goes from the base to the first model)."""
    header, parameters = METHODS[method]
    if method == "slerp":
        models = [base, models[0]]
    lines = [f"merge_method: {method}", header.format(base=base).rstrip(), "models:"]
    for number, model in enumerate(models):
        lines.append(f"  - model: {model}")
        if parameters:
            lines.append("    parameters: {" + parameters.format(weight=[0.5, 0.3, 0.2][number], density=density) + "}")
    path.write_text("\n".join(line for line in lines if line) + "\n")
    return path


class MergeWorkspace(Workspace):
    """Test_partition's workspace with `tureen merge CONFIG` as the tasks' command."""

    def __init__(self, root, config, shim):
        super().__init__(root, [], None, shim)
        self.config = config

    def arguments(self, inputs):
        return ["merge", inputs or self.config, "--json"]


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """A 9 MB base (bf16 weights of varied sizes, f32 biases), three fine-tunes of it, and the rchar shim."""
    root = tmp_path_factory.mktemp("models")
    rng = np.random.default_rng(17)
    base = {}
    for layer in range(12):
        base[f"layers.{layer}.weight"] = rng.standard_normal((512, 256 * (layer % 4 + 1) + 64))
        base[f"layers.{layer}.bias"] = rng.standard_normal(512)
    paths = []
    for number in range(4):
        tensors = {name: value + (0 if number == 0 else 0.05 * rng.standard_normal(value.shape)) for name, value in base.items()}
        path = root / ("base.safetensors" if number == 0 else f"model{number}.safetensors")
        save_file({name: value.astype(ml_dtypes.bfloat16 if name.endswith("weight") else np.float32) for name, value in tensors.items()}, path)
        paths.append(path)
    shim = root / "report_io.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", shim, ROOT / "Tests" / "interop" / "shims" / "report_io.c"], check=True)
    return paths[0], paths[1:], shim


@pytest.fixture(scope="module", params=list(METHODS))
def workspace(request, models, tmp_path_factory):
    """A merge by one method, and its unpartitioned run (the reference, with its rchar and report)."""
    base, ingredients, shim = models
    root = tmp_path_factory.mktemp(request.param)
    workspace = MergeWorkspace(root, write_config(root / "merge.yml", request.param, base, ingredients), shim)
    workspace.method = request.param
    workspace.reference_run = workspace.soup(root / "reference", None)
    workspace.reference_read = workspace.reference_run.rchar
    assert "partition" not in json.loads(workspace.reference_run.stdout)
    return workspace


def statistics(task):
    """The tensors of a task's --json report, by name (what its first passes found)."""
    return {entry["tensor"]: entry for entry in json.loads(task.stdout)["tensors"]}


@pytest.mark.parametrize("count", [1, 2, 3])
def test_merge_tasks_in_parallel_write_the_unpartitioned_shards_and_read_only_their_share(workspace, tmp_path, count):
    tasks = run_joined_and_compared(workspace, tmp_path / "out", count)
    # Each task reports its share, and the first passes of its own tensors: together, the unpartitioned run's.
    shares = [json.loads(task.stdout)["partition"] for task in tasks]
    assert sorted((share["task"], share["tasks"]) for share in shares) == [(number, count) for number in range(count)]
    assert len({share["plan_id"] for share in shares}) == 1
    found = [statistics(task) for task in tasks]
    expected = statistics(workspace.reference_run)
    assert sum(len(share) for share in found) == len(expected)
    assert {name: entry for share in found for name, entry in share.items()} == expected
    if workspace.method in ("model_stock", "slerp"):
        assert len(expected) == 24


def test_a_task_of_another_merge_configuration_is_another_plan(models, tmp_path):
    base, ingredients, shim = models
    workspace = MergeWorkspace(tmp_path, write_config(tmp_path / "merge.yml", "ties", base, ingredients), shim)
    other = write_config(tmp_path / "other.yml", "ties", base, ingredients, density=0.7)
    folder = tmp_path / "out"
    workspace.soup(folder, "0/2")
    workspace.soup(folder, "1/2", inputs=other)
    result = index(folder)
    assert result.returncode == 1
    assert "different plans" in result.stderr, result.stderr


@pytest.mark.parametrize("output", ["out.safetensors", "out.npz"])
def test_a_partitioned_merge_needs_sharded_safetensors_as_soup_does(models, tmp_path, output):
    base, ingredients, _ = models
    config = write_config(tmp_path / "merge.yml", "linear", base, ingredients)
    merged = subprocess.run([TUREEN, "merge", config, "-o", tmp_path / output, "--partition", "0/2"], capture_output=True, text=True)
    souped = subprocess.run([TUREEN, "soup", "uniform", *ingredients, "-o", tmp_path / output, "--partition", "0/2"], capture_output=True, text=True)
    converted = subprocess.run([TUREEN, "convert", base, tmp_path / output, "--partition", "0/2"], capture_output=True, text=True)
    # A usage error (exit 64), found before any input is read.
    for run in (merged, souped, converted):
        assert run.returncode == 64, run.stderr
        assert "a partitioned run writes sharded safetensors only" in run.stderr and "--max-shard-size" in run.stderr, run.stderr
    assert not (tmp_path / output).exists()
