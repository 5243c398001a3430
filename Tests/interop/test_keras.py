"""Keras 3 `.keras` archives without Keras: the fixtures (written by Keras itself,
Fixtures/make_keras_fixtures.py) read with the values h5py finds in their `model.weights.h5`;
souped and converted archives checked member by member; `.keras` told from `.npz` by content; a
hostile corpus refused. `make keras-test` loads Tureen's output with `keras.saving.load_model`."""
import io
import json
import sys
import warnings
import zipfile

import h5py
import ml_dtypes
import numpy as np
import pytest

from bits import read_safetensors, ulp_distance

MLP = [f"keras/mlp_{seed}.keras" for seed in (1, 2, 3)]


def weights(path):
    """{tensor name: array} of an archive's model.weights.h5, named as Tureen names them, in file order."""
    with zipfile.ZipFile(path) as archive:
        data = archive.read("model.weights.h5")
    found = {}
    with h5py.File(io.BytesIO(data), "r") as f:
        def visit(name, item):
            if isinstance(item, h5py.Dataset):
                value = item[()]
                if item.attrs.get("dtype") == "bfloat16":
                    value = np.asarray(value).view(ml_dtypes.bfloat16)
                found[name.replace("/", ".")] = np.asarray(value)
        f.visititems(visit)
    return found


def test_inspect_lists_the_weights_in_the_order_keras_saved_them(tureen, fixtures):
    report = json.loads(tureen("inspect", fixtures / MLP[0], "--json").stdout)
    names = [tensor["name"] for tensor in report["tensors"]]
    assert report["format"] == "keras"
    assert names[:2] == ["layers.embedding.vars.0", "layers.conv1d.vars.0"]
    assert sorted(names) == sorted(weights(fixtures / MLP[0]))


@pytest.mark.parametrize("fixture", MLP + ["keras/bf16.keras"])
def test_converts_to_safetensors_with_the_values_keras_saved(tureen, fixtures, tmp_path, fixture):
    out = tmp_path / "out.safetensors"
    tureen("convert", fixtures / fixture, out)
    got = read_safetensors(out)
    want = weights(fixtures / fixture)
    assert set(got) == set(want)
    for name, array in want.items():
        dtype, shape, raw = got[name]
        assert dtype == ("BF16" if array.dtype == ml_dtypes.bfloat16 else "F32"), name
        assert shape == list(array.shape) and raw == array.tobytes(), name


def members(path):
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None, "every member's CRC-32 matches"
        return {info.filename: (info.compress_type, archive.read(info.filename)) for info in archive.infolist()}


def test_a_soup_is_a_keras_archive_with_the_first_ingredients_configuration(tureen, fixtures, tmp_path):
    out = tmp_path / "soup.keras"
    tureen("soup", "uniform", *[fixtures / name for name in MLP], "-o", out)
    written, first = members(out), members(fixtures / MLP[0])
    assert list(written) == ["metadata.json", "config.json", "model.weights.h5"]
    assert all(method == zipfile.ZIP_STORED for method, _ in written.values())
    assert written["config.json"] == first["config.json"] and written["metadata.json"] == first["metadata.json"]
    souped = weights(out)
    inputs = [weights(fixtures / name) for name in MLP]
    assert list(souped) == list(inputs[0]), "the weights keep Keras' order"
    for name, array in souped.items():
        mean = sum(model[name].astype(np.float64) for model in inputs) / 3
        assert array.dtype == np.float32 and ulp_distance(array, mean.astype(np.float32)).max() <= 1, name


def test_the_weights_member_has_keras_layout_and_nothing_else(tureen, fixtures, tmp_path):
    out = tmp_path / "copy.keras"
    tureen("convert", fixtures / "keras/bf16.keras", out)
    with zipfile.ZipFile(out) as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as f:
        assert dict(f.attrs) == {}, "no Tureen metadata in a Keras weights file"
        kernel = f["layers/dense/vars/0"]
        assert kernel.attrs["dtype"] == "bfloat16" and kernel.dtype.itemsize == 2
    assert weights(out).keys() == weights(fixtures / "keras/bf16.keras").keys()
    for name, array in weights(out).items():
        assert array.tobytes() == weights(fixtures / "keras/bf16.keras")[name].tobytes(), name


def test_a_cast_keeps_the_configuration_and_writes_the_new_dtype(tureen, fixtures, tmp_path):
    out = tmp_path / "half.keras"
    tureen("convert", fixtures / MLP[0], out, "--dtype", "bf16")
    assert members(out)["config.json"] == members(fixtures / MLP[0])["config.json"]
    for name, array in weights(out).items():
        assert array.dtype == ml_dtypes.bfloat16, name


def test_a_keras_output_needs_a_keras_first_input(tureen, fixtures, tmp_path):
    plain = tmp_path / "plain.safetensors"
    tureen("convert", fixtures / MLP[0], plain)
    for args in (["convert", plain, tmp_path / "out.keras"], ["soup", "uniform", plain, fixtures / MLP[1], "-o", tmp_path / "out.keras"]):
        result = tureen(*args, check=False)
        assert result.returncode == 1
        assert f"{tmp_path / 'out.keras'}: a .keras file holds the model's configuration" in result.stderr
        assert f"the first input, {plain}, is not one" in result.stderr
    assert not (tmp_path / "out.keras").exists()
    # The way Docs/keras.md gives: the .keras model first, with weight 0.
    tureen("soup", "weighted", fixtures / MLP[1], plain, "--weights", "0,1", "-o", tmp_path / "out.keras")
    assert members(tmp_path / "out.keras")["config.json"] == members(fixtures / MLP[1])["config.json"]
    for name, array in weights(tmp_path / "out.keras").items():
        assert array.tobytes() == weights(fixtures / MLP[0])[name].tobytes(), name


def test_weights_that_do_not_fit_the_configuration_are_refused(tureen, fixtures, tmp_path):
    partial = tmp_path / "partial.npz"
    tureen("convert", fixtures / MLP[1], partial)
    with np.load(partial) as archive:
        tensors = {name: archive[name] for name in archive.files if name != "layers.dense.vars.1"}
    np.savez(partial, **tensors)
    out = tmp_path / "out.keras"
    result = tureen("soup", "uniform", fixtures / MLP[0], partial, "-o", out, "--skip-missing", check=False)
    assert result.returncode == 1 and not out.exists()
    assert f"{out}: the weights do not fit the model configured in {fixtures / MLP[0]}: the model's variable 'layers.dense.vars.1' is missing" in result.stderr


def test_check_and_diff_read_keras_archives(tureen, fixtures):
    assert "same architecture (9 tensors)" in tureen("check", fixtures / MLP[0], fixtures / MLP[1]).stdout
    different = tureen("check", fixtures / MLP[0], fixtures / "keras/other.keras", check=False)
    assert different.returncode == 1
    diff = tureen("diff", fixtures / MLP[0], fixtures / MLP[1]).stdout
    assert "layers.conv1d.vars.0" in diff


def test_keras_and_npz_are_told_apart_by_content(tureen, fixtures, tmp_path):
    disguised = tmp_path / "model.npz"
    disguised.write_bytes((fixtures / MLP[0]).read_bytes())
    assert json.loads(tureen("inspect", disguised, "--json").stdout)["format"] == "keras"
    arrays = tmp_path / "arrays.keras"
    with open(arrays, "wb") as f:
        np.savez(f, a=np.arange(3.0))
    report = json.loads(tureen("inspect", arrays, "--json").stdout)
    assert report["format"] == "npz" and [t["name"] for t in report["tensors"]] == ["a"]


def rezip(tmp_path, name, items, compress=None):
    path = tmp_path / f"{name}.keras"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names
        with zipfile.ZipFile(path, "w") as out:
            for member, data in items:
                out.writestr(zipfile.ZipInfo(member), data, compress_type=(compress or {}).get(member, zipfile.ZIP_STORED))
    return path


def hostile(fixtures, tmp_path):
    with zipfile.ZipFile(fixtures / MLP[0]) as archive:
        items = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    without = lambda name: [(member, data) for member, data in items if member != name]  # noqa: E731
    whole = (fixtures / MLP[0]).read_bytes()
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(whole[: len(whole) - 2000])
    return {
        "deflated": (rezip(tmp_path, "deflated", items, {"model.weights.h5": zipfile.ZIP_DEFLATED}),
                     "member 'model.weights.h5' is compressed (zip method 8)"),
        "no weights": (rezip(tmp_path, "noweights", without("model.weights.h5")), "no member 'model.weights.h5'"),
        "no config": (rezip(tmp_path, "noconfig", without("config.json")), "no member 'config.json'"),
        "npz weights": (rezip(tmp_path, "npz", without("model.weights.h5") + [("model.weights.npz", b"PK")]),
                        "the weights are in member 'model.weights.npz'"),
        "duplicate": (rezip(tmp_path, "duplicate", items + [items[-1]]), "member 'model.weights.h5' appears more than once"),
        "short h5": (rezip(tmp_path, "short", [(m, d[: len(d) // 2] if m == "model.weights.h5" else d) for m, d in items]),
                     "member 'model.weights.h5': /: libhdf5 could not open the file: truncated file"),
        "not h5": (rezip(tmp_path, "zeros", [(m, bytes(len(d)) if m == "model.weights.h5" else d) for m, d in items]),
                   "member 'model.weights.h5': not an HDF5 file"),
        "truncated": (truncated, "not a zip archive"),
    }


@pytest.mark.parametrize("case", ["deflated", "no weights", "no config", "npz weights", "duplicate", "short h5", "not h5", "truncated"])
def test_hostile_archives_are_refused_clearly_and_nothing_is_written(tureen, fixtures, tmp_path, case):
    path, message = hostile(fixtures, tmp_path)[case]
    inspected = tureen("inspect", path, check=False)
    assert inspected.returncode == 1 and inspected.stderr.startswith(f"tureen: error: {path}"), inspected.stderr
    assert message in inspected.stderr, inspected.stderr
    out = tmp_path / "out.safetensors"
    assert tureen("convert", path, out, check=False).returncode == 1 and not out.exists()


def test_a_weights_member_that_crashes_libhdf5_is_parsed_in_a_separate_process(tureen, fixtures, tmp_path):
    data = bytearray((fixtures / MLP[0]).read_bytes())
    heap = data.index(b"HEAP", data.index(b"\x89HDF\r\n\x1a\n"))
    data[heap + 24:heap + 32] = b"\xff" * 8
    crafted = tmp_path / "crafted.keras"
    crafted.write_bytes(bytes(data))
    result = tureen("inspect", crafted, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith(f"tureen: error: {crafted}: libhdf5 could not parse this file: libhdf5 crashed"), result.stderr


EVAL = r'''
import io, json, sys, zipfile
import h5py, numpy as np
with zipfile.ZipFile(sys.argv[1]) as archive, h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as f:
    kernel = f["layers/dense/vars/0"][()]
print(json.dumps({"score": -float(np.abs(kernel).mean())}))
'''


def test_greedy_soups_keras_ingredients_with_keras_candidates(tureen, fixtures, tmp_path):
    script = tmp_path / "eval.py"
    script.write_text(EVAL)
    out = tmp_path / "greedy.keras"
    result = tureen("soup", "greedy", *[fixtures / name for name in MLP], "-o", out, "--eval-format", "keras",
                    "--eval", f"{sys.executable} {script} {{path}}", "--json")
    report = json.loads(result.stdout)
    assert report["kept"] and members(out)["config.json"][1] == members(fixtures / MLP[0])["config.json"][1]
    kept = [weights(path) for path in report["kept"]]
    for name, array in weights(out).items():
        mean = sum(model[name].astype(np.float64) for model in kept) / len(kept)
        assert ulp_distance(array, mean.astype(np.float32)).max() <= 1, name
