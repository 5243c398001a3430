"""Soup interop: Tureen's soups of files written by the safetensors library, checked against a
float64 numpy reference (≥ 99.99 % bit-identical, every element within 1 ulp)."""
import json
import resource
import subprocess

import ml_dtypes
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from bits import assert_same_bits, ulp_distance
from runner import TUREEN


def write_ingredients(folder, dtypes, shapes, positions, seed=0, through=None):
    """One safetensors ingredient per dtype, all with the same names and shapes: normal values × 0.5
    (rounded to `through` first, when given) and an identical int64 `position_ids` of `positions` values."""
    rng = np.random.default_rng(seed)
    paths = []
    for index, dtype in enumerate(dtypes):
        tensors = {name: np.asarray(rng.standard_normal(shape) * 0.5, dtype=through).astype(dtype) for name, shape in shapes.items()}
        tensors["position_ids"] = np.arange(positions, dtype=np.int64)
        path = folder / f"ingredient{index}.safetensors"
        save_file(tensors, path)
        paths.append(path)
    return paths


def make_ingredients(folder, count, dtype, seed=0, shapes=None):
    shapes = shapes or {"model.layers.0.mlp.up_proj.weight": (256, 96), "model.norm.weight": (96,), "scalar": ()}
    return write_ingredients(folder, [dtype] * count, shapes, positions=7, seed=seed, through=np.float32)


def assert_close_to_reference(out, reference):
    for name, expected64 in reference.items():
        actual = out[name]
        expected = expected64.astype(actual.dtype)
        distance = ulp_distance(actual, expected)
        assert distance.max(initial=0) <= 1, f"{name}: {distance.max()} ulp from the float64 reference"
        if expected.size:
            assert (distance == 0).mean() >= 0.9999, f"{name}: only {(distance == 0).mean():.5%} bit-identical"


@pytest.mark.parametrize("dtype", [ml_dtypes.bfloat16, np.float16, np.float32])
def test_uniform_soup_matches_a_float64_reference(tureen, tmp_path, dtype):
    paths = make_ingredients(tmp_path, 3, dtype)
    out = tmp_path / "soup.safetensors"
    tureen("soup", "uniform", *paths, "-o", out)
    inputs = [load_file(p) for p in paths]
    result = load_file(out)
    reference = {name: sum(m[name].astype(np.float64) for m in inputs) / 3 for name in inputs[0] if name != "position_ids"}
    assert_close_to_reference(result, reference)
    assert_same_bits(result["position_ids"], inputs[0]["position_ids"], "position_ids")


def test_weighted_soup_matches_a_float64_reference(tureen, tmp_path):
    paths = make_ingredients(tmp_path, 3, ml_dtypes.bfloat16, seed=1)
    out = tmp_path / "soup.safetensors"
    tureen("soup", "weighted", *paths, "--weights", "0.5,0.3,0.2", "-o", out, "--dtype", "f32")
    inputs = [load_file(p) for p in paths]
    weights = [0.5, 0.3, 0.2]
    reference = {name: sum(w * m[name].astype(np.float64) for w, m in zip(weights, inputs)) / sum(weights)
                 for name in inputs[0] if name != "position_ids"}
    result = load_file(out)
    assert result["model.norm.weight"].dtype == np.float32
    assert_close_to_reference(result, reference)


def test_float32_soup_survives_cancellation(tureen, tmp_path):
    big = np.float32(1e8)
    values = [np.array([big + 8, 1.0, 3.0], np.float32), np.array([-big, 2.0**-30, 1.0], np.float32),
              np.array([np.float32(3.0), 1e-7, -4.0], np.float32)]
    paths = []
    for index, array in enumerate(values):
        paths.append(tmp_path / f"c{index}.safetensors")
        save_file({"w": array}, paths[-1])
    tureen("soup", "uniform", *paths, "-o", tmp_path / "soup.safetensors")
    reference = sum(v.astype(np.float64) for v in values) / 3
    assert_same_bits(load_file(tmp_path / "soup.safetensors")["w"], reference.astype(np.float32), "w")


def test_base_relative_soup_is_task_arithmetic(tureen, tmp_path):
    paths = make_ingredients(tmp_path, 3, np.float32, seed=2)
    base, tuned = paths[0], paths[1:]
    out = tmp_path / "soup.safetensors"
    tureen("soup", "weighted", *tuned, "--weights", "1,1", "--no-normalize", "--base", base, "--scale", "0.7", "-o", out)
    theta0 = load_file(base)
    models = [load_file(p) for p in tuned]
    reference = {name: theta0[name].astype(np.float64) + 0.7 * sum(m[name].astype(np.float64) - theta0[name] for m in models)
                 for name in theta0 if name != "position_ids"}
    assert_close_to_reference(load_file(out), reference)


def test_mismatched_shapes_are_reported_and_nothing_is_written(tureen, tmp_path):
    good = make_ingredients(tmp_path, 1, np.float32)[0]
    other = tmp_path / "other.safetensors"
    save_file({"model.layers.0.mlp.up_proj.weight": np.zeros((128, 96), np.float32), "position_ids": np.arange(7)}, other)
    out = tmp_path / "soup.safetensors"
    result = tureen("soup", "uniform", good, other, "-o", out, check=False)
    assert result.returncode != 0
    assert "model.layers.0.mlp.up_proj.weight: shape [256, 96] vs [128, 96]" in result.stderr
    assert "model.norm.weight, scalar: missing from" in result.stderr
    assert not out.exists()


def test_differing_integer_tensors_are_never_averaged(tureen, tmp_path):
    paths = make_ingredients(tmp_path, 2, np.float32)
    changed = load_file(paths[1])
    changed["position_ids"] = changed["position_ids"][::-1].copy()
    save_file(changed, paths[1])
    result = tureen("soup", "uniform", *paths, "-o", tmp_path / "soup.safetensors", check=False)
    assert result.returncode != 0 and "'position_ids'" in result.stderr
    tureen("soup", "uniform", *paths, "-o", tmp_path / "soup.safetensors", "--integers", "first")
    assert_same_bits(load_file(tmp_path / "soup.safetensors")["position_ids"], np.arange(7, dtype=np.int64), "position_ids")


def test_nonfinite_values_are_reported_and_can_fail_the_soup(tureen, tmp_path):
    paths = make_ingredients(tmp_path, 2, np.float32)
    poisoned = load_file(paths[0])
    poisoned["model.norm.weight"][3] = np.nan
    save_file(poisoned, paths[0])
    result = tureen("soup", "uniform", *paths, "-o", tmp_path / "soup.safetensors")
    assert "result: 1" in result.stderr
    failed = tureen("soup", "uniform", *paths, "-o", tmp_path / "strict.safetensors", "--fail-on-nonfinite", check=False)
    assert failed.returncode != 0 and "'model.norm.weight'" in failed.stderr
    assert f"1 in {paths[0]}," in failed.stderr, "the error names the ingredient's file, not its position"
    assert not (tmp_path / "strict.safetensors").exists()


@pytest.mark.skipif(__import__("shutil").which("gcc") is None, reason="gcc builds the LD_PRELOAD shim that holds the soup open")
def test_interrupted_soup_leaves_nothing_behind(tmp_path):
    """SIGINT while the soup is still writing: exit 130, 'interrupted', and no file left. The shim
    holds the process before its final rename, so the signal lands mid-write however fast the soup."""
    import signal

    import faults

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    rng = np.random.default_rng(9)
    paths = []
    for index in range(2):
        paths.append(inputs / f"big{index}.safetensors")
        save_file({"w": rng.standard_normal(4_000_000, dtype=np.float32)}, paths[-1])
    out = tmp_path / "out"
    out.mkdir()
    shim = faults.build_slow_rename_shim(tmp_path)
    process = faults.start(["soup", "uniform", *paths, "-o", out / "soup.safetensors"], preload=shim, delay_ms=5000)
    faults.wait_for_temporary(out)
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGINT, f"soup finished before the signal or failed: {errors}"
    assert "interrupted" in errors
    assert list(out.iterdir()) == []


def test_soup_of_ingredients_in_mixed_formats(tureen, tmp_path):
    import h5py

    paths = make_ingredients(tmp_path, 3, np.float32, seed=4)
    models = [load_file(p) for p in paths]
    np.savez(tmp_path / "second.npz", **models[1])
    with h5py.File(tmp_path / "third.h5", "w") as f:
        for name, array in models[2].items():
            f.create_dataset(name.replace(".", "/"), data=array)
    out = tmp_path / "soup.npz"
    tureen("soup", "uniform", paths[0], tmp_path / "second.npz", tmp_path / "third.h5", "-o", out)
    result = dict(np.load(out))
    reference = {name: sum(m[name].astype(np.float64) for m in models) / 3 for name in models[0] if name != "position_ids"}
    assert_close_to_reference(result, reference)
    assert_same_bits(result["position_ids"], models[0]["position_ids"], "position_ids")


@pytest.mark.parametrize("hard_limit_too", [False, True])
def test_soup_of_checkpoints_with_more_shards_than_the_open_file_soft_limit(tmp_path, hard_limit_too):
    # Input shards stay open for positioned reads; tureen raises its soft limit on open files to
    # the hard limit, and past half the limit reads the rest through their mappings, so a soup of
    # two 120-shard checkpoints works under a limit of 64, raisable or not.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 400:
        pytest.skip(f"the hard limit on open files ({hard}) leaves no room to test raising the soft one")
    rng = np.random.default_rng(7)
    folders = []
    for index in range(2):
        folder = tmp_path / f"sharded{index}"
        folder.mkdir()
        weight_map = {}
        for shard in range(120):
            name = f"model.layers.{shard}.weight"
            file = f"model-{shard + 1:05d}-of-00120.safetensors"
            save_file({name: rng.standard_normal(16).astype(np.float32)}, folder / file)
            weight_map[name] = file
        (folder / "model.safetensors.index.json").write_text(json.dumps({"metadata": {}, "weight_map": weight_map}))
        folders.append(folder)
    out = tmp_path / "soup.safetensors"
    def lower_the_soft_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64 if hard_limit_too else hard))

    result = subprocess.run([TUREEN, "soup", "uniform", *folders, "-o", out], capture_output=True, text=True, preexec_fn=lower_the_soft_limit)
    assert result.returncode == 0, result.stderr
    soup = load_file(out)
    assert len(soup) == 120
    parts = [{} for _ in folders]
    for part, folder in zip(parts, folders):
        for file in folder.glob("*.safetensors"):
            part.update(load_file(file))
    for name, value in soup.items():
        expected = ((parts[0][name].astype(np.float64) + parts[1][name]) / 2).astype(np.float32)
        assert_same_bits(value, expected, name)


def test_a_checkpoint_of_many_small_tensors_soups_in_linear_time(tureen, tmp_path):
    # Regression: the safetensors writer asked the soup for its tensor list inside its sort, and the
    # list was made afresh on each call, so 20,000 tensors (a mixture of experts) took minutes.
    tensors = {f"model.layers.{i // 64}.mlp.experts.{i % 64}.w": np.full(4, i, np.float32) for i in range(20_000)}
    save_file(tensors, tmp_path / "a.safetensors")
    save_file({name: values + 2 for name, values in tensors.items()}, tmp_path / "b.safetensors")
    result = subprocess.run(["/usr/bin/time", "-f", "%e", TUREEN, "soup", "uniform", tmp_path / "a.safetensors", tmp_path / "b.safetensors",
                             "-o", tmp_path / "soup.safetensors", "-q"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    seconds = float(result.stderr.split()[-1])
    assert seconds < 20, f"{seconds} s for 20,000 tensors"
    soup = load_file(tmp_path / "soup.safetensors")
    assert len(soup) == 20_000 and all((soup[name] == values + 1).all() for name, values in tensors.items())
