"""Ingredients stored in different float precisions soup together (issue: a bf16 fine-tune with its
f32 base): checked against a float64 numpy reference, for files written by safetensors, numpy and h5py."""
import ml_dtypes
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from bits import assert_same_bits
from test_soup import assert_close_to_reference, write_ingredients

SHAPES = {"model.layers.0.mlp.up_proj.weight": (128, 48), "model.norm.weight": (48,), "scalar": ()}
DTYPES = [ml_dtypes.bfloat16, np.float16, np.float32, np.float64]


def mixed_ingredients(folder, dtypes, seed=0):
    """One ingredient per dtype, the same names and shapes, plus an identical integer tensor."""
    return write_ingredients(folder, dtypes, SHAPES, positions=5, seed=seed)


def as64(models, name):
    return [m[name].astype(np.float64) for m in models]


def test_uniform_soup_of_bf16_f16_f32_f64_is_in_the_first_ingredients_dtype(tureen, tmp_path):
    paths = mixed_ingredients(tmp_path, DTYPES)
    out = tmp_path / "soup.safetensors"
    result = tureen("soup", "uniform", *paths, "-o", out)
    assert f"stored as F16 in {paths[1]} were read as such; output BF16 as in {paths[0]}" in result.stderr
    inputs = [load_file(p) for p in paths]
    soup = load_file(out)
    assert soup["model.norm.weight"].dtype == ml_dtypes.bfloat16
    assert_close_to_reference(soup, {name: sum(as64(inputs, name)) / 4 for name in SHAPES})
    assert_same_bits(soup["position_ids"], inputs[0]["position_ids"], "position_ids")


@pytest.mark.parametrize("dtype,expected", [("f32", np.float32), ("widest", np.float64)])
def test_weighted_soup_of_mixed_dtypes_follows_dtype_option(tureen, tmp_path, dtype, expected):
    paths = mixed_ingredients(tmp_path, DTYPES, seed=1)
    weights = [0.4, 0.3, 0.2, 0.1]
    out = tmp_path / "soup.safetensors"
    tureen("soup", "weighted", *paths, "--weights", ",".join(map(str, weights)), "--dtype", dtype, "-o", out)
    inputs = [load_file(p) for p in paths]
    soup = load_file(out)
    assert soup["model.norm.weight"].dtype == expected
    reference = {name: sum(w * v for w, v in zip(weights, as64(inputs, name))) / sum(weights) for name in SHAPES}
    assert_close_to_reference(soup, reference)


def test_widest_of_bf16_and_f16_is_f32(tureen, tmp_path):
    paths = mixed_ingredients(tmp_path, [ml_dtypes.bfloat16, np.float16], seed=2)
    out = tmp_path / "soup.safetensors"
    tureen("soup", "uniform", *paths, "--dtype", "widest", "-o", out)
    inputs = [load_file(p) for p in paths]
    soup = load_file(out)
    assert soup["model.norm.weight"].dtype == np.float32
    assert_close_to_reference(soup, {name: sum(as64(inputs, name)) / 2 for name in SHAPES})


def test_bf16_fine_tune_with_f32_base_task_arithmetic_in_npz_and_h5(tureen, tmp_path):
    """WiSE-FT style: θ0 + 0.5 (θ_ft − θ0), base f32 in .npz, fine-tune bf16 in safetensors, output .h5 read by h5py."""
    import h5py

    rng = np.random.default_rng(3)
    base = {name: np.asarray(rng.standard_normal(shape) * 0.5).astype(np.float32) for name, shape in SHAPES.items()}
    fine_tune = {name: np.asarray(value + rng.standard_normal(value.shape).astype(np.float32) * 0.01).astype(ml_dtypes.bfloat16)
                 for name, value in base.items()}
    np.savez(tmp_path / "base.npz", **base)
    save_file(fine_tune, tmp_path / "ft.safetensors")
    out = tmp_path / "wise.safetensors"
    tureen("soup", "weighted", tmp_path / "ft.safetensors", "--weights", "1", "--base", tmp_path / "base.npz",
           "--scale", "0.5", "--dtype", "f32", "-o", out)
    soup = load_file(out)
    reference = {name: base[name].astype(np.float64) + 0.5 * (fine_tune[name].astype(np.float64) - base[name].astype(np.float64))
                 for name in SHAPES}
    assert_close_to_reference(soup, reference)
    h5_out = tmp_path / "wise.h5"
    tureen("soup", "weighted", tmp_path / "ft.safetensors", "--weights", "1", "--base", tmp_path / "base.npz",
           "--scale", "0.5", "--dtype", "f32", "-o", h5_out)
    with h5py.File(h5_out) as written:
        for name in SHAPES:
            assert np.array_equal(written[name.replace(".", "/")][()], soup[name]), name


def test_integer_against_float_is_still_refused(tureen, tmp_path):
    save_file({"t": np.zeros(3, np.float32)}, tmp_path / "a.safetensors")
    save_file({"t": np.zeros(3, np.int32)}, tmp_path / "b.safetensors")
    result = tureen("soup", "uniform", tmp_path / "a.safetensors", tmp_path / "b.safetensors", "-o", tmp_path / "o.safetensors", check=False)
    assert result.returncode != 0
    assert "'t'" in result.stderr or "t:" in result.stderr
    assert not (tmp_path / "o.safetensors").exists()


def check(tureen, *args):
    return tureen("check", *args, check=False)


def test_check_tells_storage_from_architecture(tureen, tmp_path):
    """Names, shapes and dtypes are reported separately; dtype-only differences exit 0 unless --strict-dtype."""
    import json

    f32, bf16 = mixed_ingredients(tmp_path, [np.float32, ml_dtypes.bfloat16])
    precisions = check(tureen, f32, bf16)
    assert precisions.returncode == 0, precisions.stderr
    assert "same architecture, stored in different precisions (4 tensors)" in precisions.stdout
    assert "stored in different precisions (the same architecture):" in precisions.stdout
    assert check(tureen, "--strict-dtype", f32, bf16).returncode == 1
    report = json.loads(check(tureen, "--json", f32, bf16).stdout)
    comparison = report["comparisons"][0]
    assert report["compatible"] and comparison["stored_in_different_precisions"]
    assert {(d["kind"], d["blocking"]) for d in comparison["differences"]} == {("dtype", False)}

    tensors = load_file(f32)
    renamed = dict(tensors)
    renamed["extra.weight"] = renamed.pop("scalar")
    save_file(renamed, tmp_path / "names.safetensors")
    reshaped = dict(tensors)
    reshaped["model.norm.weight"] = np.zeros(47, np.float32)
    save_file(reshaped, tmp_path / "shapes.safetensors")
    retyped = dict(tensors)
    retyped["position_ids"] = retyped["position_ids"].astype(np.int32)
    save_file(retyped, tmp_path / "dtypes.safetensors")
    for name, kind, heading in [("names", "missing", "differences in tensor names:"),
                                ("shapes", "shape", "differences in shapes:"),
                                ("dtypes", "dtype", "differences in dtypes:")]:
        other = tmp_path / f"{name}.safetensors"
        result = check(tureen, f32, other)
        assert result.returncode == 1, name
        assert heading in result.stdout, result.stdout
        differences = json.loads(check(tureen, "--json", f32, other).stdout)["comparisons"][0]["differences"]
        assert {d["kind"] for d in differences if d["blocking"]} == {kind}, name


def test_what_check_accepts_soup_accepts(tureen, tmp_path):
    f32, bf16 = mixed_ingredients(tmp_path, [np.float32, ml_dtypes.bfloat16], seed=4)
    assert check(tureen, f32, bf16).returncode == 0
    tureen("soup", "uniform", f32, bf16, "-o", tmp_path / "soup.safetensors")
