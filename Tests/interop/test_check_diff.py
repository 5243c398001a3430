"""`tureen check` and `tureen diff` against numpy: exit codes, reports, and every figure
recomputed in float64 from the same files. Runs the binary at $TUREEN."""
import json
import os
import pathlib
import subprocess

import ml_dtypes
import numpy as np
import pytest
from safetensors.numpy import save_file

TUREEN = os.environ.get("TUREEN", "tureen")
COMPARE = pathlib.Path(__file__).resolve().parents[2] / "Fixtures" / "compare"


def run(*args):
    return subprocess.run([TUREEN, *map(str, args)], capture_output=True, text=True)


def run_json(*args, expect=0):
    result = run(*args, "--json")
    assert result.returncode == expect, result.stderr + result.stdout
    return json.loads(result.stdout)


def as_f64(array):
    return np.asarray(array).astype(np.float64).ravel()


# --- check: exit codes and reports ---------------------------------------------------------

def test_file_and_sharded_folder_share_an_architecture():
    result = run("check", COMPARE / "model.safetensors", COMPARE / "model_sharded")
    assert result.returncode == 0, result.stderr
    assert "same architecture (13 tensors)" in result.stdout


def test_changed_shape_and_missing_tensor_are_both_named():
    result = run("check", COMPARE / "model.safetensors", COMPARE / "changed.safetensors")
    assert result.returncode == 1
    assert "model.layers.1.mlp.up_proj.weight: shape [12, 8] vs [14, 8]" in result.stdout
    assert "model.norm.weight: missing from" in result.stdout


def test_check_json_lists_each_difference():
    report = run_json("check", COMPARE / "model.safetensors", COMPARE / "changed.safetensors", expect=1)
    assert report["compatible"] is False
    differences = {(d["kind"], d["name"]) for d in report["comparisons"][0]["differences"] if d["blocking"]}
    assert differences == {("shape", "model.layers.1.mlp.up_proj.weight"), ("missing", "model.norm.weight")}
    missing = next(d for d in report["comparisons"][0]["differences"] if d["kind"] == "missing")
    assert missing["missing_from"] == [str(COMPARE / "changed.safetensors")]


@pytest.mark.parametrize("bad", ["not_a_checkpoint.safetensors", "no_such_file.safetensors"])
def test_unreadable_input_exits_2_naming_the_file(bad):
    result = run("check", COMPARE / "model.safetensors", COMPARE / bad)
    assert result.returncode == 2
    assert bad in result.stderr


def test_against_checks_every_input_against_the_base():
    report = run_json("check", "--against", COMPARE / "model.safetensors",
                      COMPARE / "model_sharded", COMPARE / "changed.safetensors", expect=1)
    assert [c["compatible"] for c in report["comparisons"]] == [True, False]
    assert report["base"] == str(COMPARE / "model.safetensors")


def test_float_dtype_change_is_storage_unless_strict():
    report = run_json("check", COMPARE / "model.safetensors", COMPARE / "model_bf16.safetensors")
    groups = report["comparisons"][0]["groups"]
    assert [(g["detail"], g["blocking"]) for g in groups] == [("dtype F32 vs BF16", False)]
    assert groups[0]["count"] == 12
    strict = run_json("check", "--strict-dtype", COMPARE / "model.safetensors", COMPARE / "model_bf16.safetensors", expect=1)
    assert [(g["detail"], g["blocking"]) for g in strict["comparisons"][0]["groups"]] == [("dtype F32 vs BF16", True)]


def test_normalized_names_match_data_parallel_checkpoints_and_list_the_renames():
    plain = run("check", COMPARE / "model.safetensors", COMPARE / "model_module_prefix.safetensors")
    assert plain.returncode == 1
    report = run_json("check", "--normalize-names", COMPARE / "model.safetensors", COMPARE / "model_module_prefix.safetensors")
    assert report["compatible"] is True
    renames = {r["from"]: r["to"] for r in report["inputs"][1]["renames"]}
    assert renames["module.model.layers.0.mlp.up_proj.weight"] == "layers.0.mlp.up_proj.weight"
    assert renames["module.lm_head.weight"] == "lm_head.weight"


def test_keras_paths_match_dotted_names_when_normalized(tmp_path):
    kernel = np.ones((2, 3), dtype=np.float32)
    save_file({"layers/dense/vars/0": kernel, "layers/dense/vars/1": kernel[0]}, tmp_path / "keras.safetensors")
    save_file({"dense.0": kernel, "dense.1": kernel[0]}, tmp_path / "dotted.safetensors")
    assert run("check", tmp_path / "keras.safetensors", tmp_path / "dotted.safetensors").returncode == 1
    result = run("check", "--normalize-names", tmp_path / "keras.safetensors", tmp_path / "dotted.safetensors")
    assert result.returncode == 0, result.stdout
    assert "layers/dense/vars/{0,1} → dense.{0,1}" in result.stdout


# --- check --scan against numpy -----------------------------------------------------------

def scan_by_name(path):
    report = run_json("check", "--scan", path)
    return {t["name"]: t for t in report["scans"][0]["tensors"]}


def test_scan_counts_non_finite_values_and_flags_all_zero_tensors():
    scanned = scan_by_name(COMPARE / "scan_values.safetensors")
    special = scanned["with_nan_inf"]
    assert (special["nan"], special["pos_inf"], special["neg_inf"]) == (1, 1, 1)
    assert (special["min"], special["max"], special["mean"], special["std"]) == (2.0, 4.0, 3.0, 1.0)
    assert scanned["all_zero"]["all_zero"] is True
    assert [name for name, t in scanned.items() if t["all_zero"]] == ["all_zero"]
    assert scanned["counts"]["min"] == -1 and scanned["counts"]["max"] == 7
    assert "mean" not in scanned["empty"] and scanned["empty"]["values"] == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float16, ml_dtypes.bfloat16, np.float64])
def test_scan_statistics_match_numpy(tmp_path, dtype):
    rng = np.random.default_rng(5)
    values = (rng.standard_normal(700_001) * 3 + 1).astype(dtype)
    save_file({"big": values, "small": values[:7]}, tmp_path / "m.safetensors")
    scanned = scan_by_name(tmp_path / "m.safetensors")
    for name, array in {"big": values, "small": values[:7]}.items():
        exact = as_f64(array)
        got = scanned[name]
        assert got["values"] == exact.size
        assert got["min"] == exact.min() and got["max"] == exact.max()
        assert got["mean"] == pytest.approx(exact.mean(), rel=1e-12, abs=1e-12)
        assert got["std"] == pytest.approx(exact.std(), rel=1e-12)


# --- diff against numpy -------------------------------------------------------------------

def model(rng, dtype, scale=1.0, offset=None):
    shapes = {"embed": (50, 16), "layers.0.w": (16, 16), "layers.1.w": (16, 16), "big": (600_017,), "scalar": ()}
    tensors = {name: np.asarray(scale * rng.standard_normal(shape), dtype=np.float32) for name, shape in shapes.items()}
    if offset is not None:
        tensors = {name: np.asarray(offset[name].astype(np.float32) + value) for name, value in tensors.items()}
    tensors = {name: value.astype(dtype) for name, value in tensors.items()}
    tensors["ids"] = np.arange(4, dtype=np.int64)
    return tensors


def expected(a, b, base=None):
    names = [n for n in a if a[n].dtype != np.int64]
    per, sums = {}, dict(d2=0.0, n2=0.0, dot=0.0, da=0.0, db=0.0, mx=0.0)
    for name in names:
        x, y = as_f64(a[name]), as_f64(b[name])
        d2, n2, mx = float(np.sum((x - y) ** 2)), float(np.sum(x * x)), float(np.max(np.abs(x - y)))
        row = dict(l2=np.sqrt(d2), mx=mx, rel=np.sqrt(d2) / np.sqrt(n2))
        if base is not None:
            z = as_f64(base[name])
            dot, da, db = float(np.dot(x - z, y - z)), float(np.sum((x - z) ** 2)), float(np.sum((y - z) ** 2))
            row["cos"] = dot / np.sqrt(da) / np.sqrt(db)
            sums.update(dot=sums["dot"] + dot, da=sums["da"] + da, db=sums["db"] + db)
        per[name] = row
        sums.update(d2=sums["d2"] + d2, n2=sums["n2"] + n2, mx=max(sums["mx"], mx))
    total = dict(l2=np.sqrt(sums["d2"]), mx=sums["mx"], rel=np.sqrt(sums["d2"]) / np.sqrt(sums["n2"]))
    if base is not None:
        total["cos"] = sums["dot"] / np.sqrt(sums["da"]) / np.sqrt(sums["db"])
    return per, total


def assert_metrics(got, want):
    assert got["l2_distance"] == pytest.approx(want["l2"], rel=1e-10)
    assert got["max_abs_difference"] == want["mx"]
    assert got["relative_change"] == pytest.approx(want["rel"], rel=1e-10)
    if "cos" in want:
        assert got["cosine_from_base"] == pytest.approx(want["cos"], rel=1e-9, abs=1e-12)
        assert got["angle_from_base_degrees"] == pytest.approx(np.degrees(np.arccos(want["cos"])), rel=1e-8)
    else:
        assert "cosine_from_base" not in got


@pytest.mark.parametrize("dtype", [np.float32, ml_dtypes.bfloat16])
def test_two_way_diff_with_base_matches_numpy(tmp_path, dtype):
    rng = np.random.default_rng(17)
    base = model(rng, np.float32)
    a, b = model(rng, dtype, 0.01, base), model(rng, dtype, 0.02, base)
    b["layers.1.w"] = (a["layers.1.w"].astype(np.float32) * 1.5).astype(dtype)
    for name, tensors in {"base": base, "a": a, "b": b}.items():
        save_file(tensors, tmp_path / f"{name}.safetensors")
    report = run_json("diff", tmp_path / "a.safetensors", tmp_path / "b.safetensors", "--base", tmp_path / "base.safetensors")
    assert report["skipped_tensors"] == ["ids"]
    per, total = expected(a, b, base)
    pair = report["pairs"][0]
    for row in pair["tensors"]:
        assert_metrics(row, per[row["name"]])
    assert_metrics(pair["total"], total)


def test_pairwise_matrix_covers_every_pair(tmp_path):
    rng = np.random.default_rng(29)
    models = [model(rng, np.float32) for _ in range(3)]
    paths = []
    for index, tensors in enumerate(models):
        paths.append(tmp_path / f"m{index}.safetensors")
        save_file(tensors, paths[-1])
    report = run_json("diff", *paths)
    pairs = {(p["a"], p["b"]): p for p in report["pairs"]}
    assert len(pairs) == 3
    for i in range(3):
        for j in range(i + 1, 3):
            _, total = expected(models[i], models[j])
            assert_metrics(pairs[(str(paths[i]), str(paths[j]))]["total"], total)
    text = run("diff", *paths)
    assert text.returncode == 0
    assert "L2 distance" in text.stdout and "[3]" in text.stdout


def test_diff_of_incompatible_checkpoints_prints_the_check_report():
    result = run("diff", COMPARE / "model.safetensors", COMPARE / "changed.safetensors")
    assert result.returncode == 1
    assert "model.norm.weight: missing from" in result.stdout


def test_diff_compares_bf16_copy_against_f32_original():
    report = run_json("diff", COMPARE / "model.safetensors", COMPARE / "model_bf16.safetensors")
    from safetensors.numpy import load_file
    a = load_file(COMPARE / "model.safetensors")
    b = load_file(COMPARE / "model_bf16.safetensors")
    _, total = expected(a, b)
    assert_metrics(report["pairs"][0]["total"], total)
