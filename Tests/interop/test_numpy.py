"""NumPy interop: numpy writes, Tureen reads; Tureen writes, numpy reads; bit for bit.

Run with TUREEN=path/to/tureen (the release binary); see the Makefile's interop-test target.
"""
import json
import pathlib
import zipfile

import ml_dtypes
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from runner import tureen
from samples import sample

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "Fixtures"

NUMPY_DTYPES = [np.bool_, np.uint8, np.int8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64,
                np.float16, np.float32, np.float64, np.complex64, np.complex128]
ML_DTYPES = {"BF16": ml_dtypes.bfloat16, "F8_E4M3": ml_dtypes.float8_e4m3fn, "F8_E5M2": ml_dtypes.float8_e5m2}



def inspect(path, *options):
    return json.loads(tureen("inspect", "--json", path, *options).stdout)



def numpy_arrays(rng, complex128=True):
    """Every numpy dtype, big-endian and Fortran-order arrays, rank 0, zero-size, names with / and dots."""
    arrays = {f"t_{np.dtype(d).name}": sample(d, (3, 5), rng, full_range=True) for d in NUMPY_DTYPES if complex128 or d != np.complex128}
    arrays["big_f32"] = sample(np.float32, (4, 3), rng).astype(">f4")
    arrays["big_i64"] = sample(np.int64, (7,), rng, full_range=True).astype(">i8")
    arrays["big_c64"] = sample(np.complex64, (2, 2), rng).astype(">c8")
    arrays["fortran_f16"] = np.asfortranarray(sample(np.float16, (3, 4, 5), rng))
    arrays["fortran_big_u16"] = np.asfortranarray(sample(np.uint16, (5, 6), rng, full_range=True)).astype(">u2", order="F")
    arrays["scalar"] = np.array(-2.5, dtype=np.float64)
    arrays["empty"] = np.zeros((0, 4), dtype=np.float32)
    arrays["model.layers.0.mlp.up_proj.weight"] = sample(np.float32, (6, 2), rng)
    arrays["nested/path.with.dots"] = sample(np.int16, (3,), rng, full_range=True)
    return arrays


def canonical(array):
    """The C-order, little-endian bytes Tureen serves for an array."""
    return np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).reshape(array.shape)


def assert_same(actual, expected, name):
    expected = canonical(expected)
    assert actual.shape == expected.shape, name
    assert actual.dtype == expected.dtype, name
    assert actual.tobytes() == expected.tobytes(), name


def test_complex128_to_safetensors_names_the_formats_that_hold_it(tmp_path):
    # Regression: the message said "cast it", but no cast changes a complex tensor.
    np.savez(tmp_path / "in.npz", z=np.array([1 + 2j, 3 - 4j], dtype=np.complex128))
    result = tureen("convert", tmp_path / "in.npz", tmp_path / "out.safetensors", check=False)
    assert result.returncode == 1
    assert "tensor 'z': safetensors has no C128 dtype; write npz, HDF5 (.h5) or PyTorch (.pt) instead" in result.stderr, result.stderr
    assert not (tmp_path / "out.safetensors").exists()


@pytest.mark.parametrize("save", [np.savez, np.savez_compressed])
def test_numpy_npz_reads_in_tureen_bit_for_bit(tmp_path, save):
    arrays = numpy_arrays(np.random.default_rng(1), complex128=False)
    save(tmp_path / "in.npz", **arrays)
    listed = inspect(tmp_path / "in.npz")
    assert listed["format"] == "npz"
    assert [t["name"] for t in listed["tensors"]] == list(arrays)
    assert [t["shape"] for t in listed["tensors"]] == [list(a.shape) for a in arrays.values()]
    tureen("convert", tmp_path / "in.npz", tmp_path / "out.safetensors")
    converted = load_file(tmp_path / "out.safetensors")
    for name, array in arrays.items():
        assert_same(converted[name], array, name)


@pytest.mark.parametrize("compress", [False, True])
def test_tureen_npz_loads_in_numpy_bit_for_bit(tmp_path, compress):
    arrays = numpy_arrays(np.random.default_rng(2))
    np.savez(tmp_path / "in.npz", **arrays)
    tureen("convert", tmp_path / "in.npz", tmp_path / "out.npz", *(["--compress"] if compress else []))
    with zipfile.ZipFile(tmp_path / "out.npz") as archive:
        assert archive.testzip() is None
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED}
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    with np.load(tmp_path / "out.npz") as loaded:
        assert loaded.files == list(arrays)
        for name, array in arrays.items():
            assert loaded[name].flags.c_contiguous
            assert_same(loaded[name], array, name)


def test_bf16_and_float8_survive_numpy_and_ml_dtypes(tmp_path):
    rng = np.random.default_rng(3)
    tensors = {name: sample(dtype, (4, 3), rng) for name, dtype in ML_DTYPES.items()}
    save_file(tensors, tmp_path / "in.safetensors", metadata={"format": "pt"})
    tureen("convert", tmp_path / "in.safetensors", tmp_path / "out.npz")
    with np.load(tmp_path / "out.npz") as loaded:
        for name, dtype in ML_DTYPES.items():
            assert loaded[name].dtype.kind == "V"
            viewed = loaded[name].view(dtype)
            assert viewed.shape == (4, 3)
            assert viewed.tobytes() == tensors[name].tobytes()
    assert [t["dtype"] for t in inspect(tmp_path / "out.npz")["tensors"]] == sorted(ML_DTYPES, key=list(ML_DTYPES).index)
    tureen("convert", tmp_path / "out.npz", tmp_path / "back.safetensors")
    assert (tmp_path / "back.safetensors").read_bytes() == (tmp_path / "in.safetensors").read_bytes()


def test_untyped_void_needs_assume_v2(tmp_path):
    bf16 = sample(ml_dtypes.bfloat16, (5,), np.random.default_rng(4))
    np.savez(tmp_path / "ml.npz", w=bf16)
    refused = tureen("inspect", tmp_path / "ml.npz", check=False)
    assert refused.returncode == 1
    assert "--assume-v2" in refused.stderr
    assert inspect(tmp_path / "ml.npz", "--assume-v2", "bf16")["tensors"][0]["dtype"] == "BF16"
    tureen("convert", "--assume-v2", "bf16", tmp_path / "ml.npz", tmp_path / "out.safetensors")
    assert load_file(tmp_path / "out.safetensors")["w"].tobytes() == bf16.tobytes()


@pytest.mark.parametrize("fixture", ["safetensors/all_dtypes.safetensors", "safetensors/scalar_and_empty.safetensors",
                                     "safetensors/with_metadata.safetensors"])
@pytest.mark.parametrize("compress", [False, True])
def test_safetensors_to_npz_to_safetensors_is_byte_identical(tmp_path, fixture, compress):
    source = FIXTURES / fixture
    tureen("convert", source, tmp_path / "mid.npz", *(["--compress"] if compress else []))
    tureen("convert", tmp_path / "mid.npz", tmp_path / "back.safetensors")
    if "metadata" in fixture:
        # npz holds no metadata: the tensors survive, the note does not.
        assert load_file(tmp_path / "back.safetensors").keys() == load_file(source).keys()
    else:
        assert (tmp_path / "back.safetensors").read_bytes() == source.read_bytes()


def test_npy_both_ways(tmp_path):
    rng = np.random.default_rng(5)
    fortran = np.asfortranarray(sample(np.float64, (3, 4, 2), rng)).astype(">f8", order="F")
    np.save(tmp_path / "weights.npy", fortran)
    assert inspect(tmp_path / "weights.npy")["tensors"] == [{"name": "weights", "dtype": "F64", "shape": [3, 4, 2], "bytes": 192}]
    tureen("convert", tmp_path / "weights.npy", tmp_path / "copy.npy")
    assert_same(np.load(tmp_path / "copy.npy"), fortran, "weights")
    assert (tmp_path / "copy.npy").read_bytes()[:128] == _numpy_npy_bytes(canonical(fortran))[:128]


def _numpy_npy_bytes(array):
    import io
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_npy_output_refuses_several_tensors(tmp_path):
    result = tureen("convert", FIXTURES / "safetensors/all_dtypes.safetensors", tmp_path / "x.npy", check=False)
    assert result.returncode == 1
    assert ".npz" in result.stderr
    assert not (tmp_path / "x.npy").exists()


def test_object_arrays_are_refused(tmp_path):
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    result = tureen("inspect", tmp_path / "objects.npy", check=False)
    assert result.returncode == 1
    assert "pickle" in result.stderr


def test_zip64_archives_with_more_than_65535_members(tmp_path):
    count = 65_540
    arrays = {f"a{i}": np.array([i % 251], dtype=np.uint8) for i in range(count)}
    np.savez(tmp_path / "many.npz", **arrays)
    tureen("convert", tmp_path / "many.npz", tmp_path / "copy.npz")
    with np.load(tmp_path / "copy.npz") as loaded:
        assert len(loaded.files) == count
        assert loaded[f"a{count - 1}"].tobytes() == arrays[f"a{count - 1}"].tobytes()


def _handmade_npy(path, descr, shape, data, comment=""):
    """An .npy with a header numpy itself would not write (more dimensions than it allows, a
    contradictory dtype record), laid out as numpy lays out version 1.0 files."""
    text = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape!r}, }}{comment}".encode()
    padding = -(10 + len(text) + 1) % 64
    header = text + b" " * padding + b"\n"
    path.write_bytes(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + data)
    return path


def _hint(stderr):
    return "".join(line for line in stderr.splitlines() if line.startswith("tureen: hint:"))


def test_more_dimensions_than_numpy_allows_are_refused(tmp_path):
    deep = _handmade_npy(tmp_path / "deep.npy", "<f4", (1,) * 65, bytes(4))
    for command in (["inspect", deep], ["convert", deep, tmp_path / "out.safetensors"], ["convert", deep, tmp_path / "out.npz"]):
        result = tureen(*command, check=False)
        assert result.returncode == 1, command
        for fragment in ("deep.npy", "'deep'", "65 dimensions", "at most 64"):
            assert fragment in result.stderr, (fragment, result.stderr)
    assert not (tmp_path / "out.safetensors").exists() and not (tmp_path / "out.npz").exists()
    edge = _handmade_npy(tmp_path / "edge.npy", "<f4", (1,) * 64, np.float32(1.5).tobytes())
    tureen("convert", edge, tmp_path / "edge.npz")
    with np.load(tmp_path / "edge.npz") as loaded:
        assert loaded["edge"].shape == (1,) * 64


@pytest.mark.parametrize("names, refused, reason", [
    (["x", "x.npy"], "x.npy", "np.load"),
    (["../escape"], "../escape", ".."),
    (["a/../../b"], "a/../../b", ".."),
    (["/etc/weights"], "/etc/weights", "absolute"),
])
def test_npz_output_refuses_names_numpy_cannot_give_back_or_that_leave_the_folder(tmp_path, names, refused, reason):
    save_file({name: np.full(2, index, np.float32) for index, name in enumerate(names)}, tmp_path / "in.safetensors")
    result = tureen("convert", tmp_path / "in.safetensors", tmp_path / "out.npz", check=False)
    assert result.returncode == 1
    assert f"'{refused}'" in result.stderr and reason in result.stderr, result.stderr
    assert not (tmp_path / "out.npz").exists()


def test_npz_tensor_ending_in_npy_loads_by_its_own_name_when_nothing_clashes(tmp_path):
    tensors = {"x.npy": np.arange(3, dtype=np.float32), "a/./b": np.ones(2, np.int8)}
    save_file(tensors, tmp_path / "in.safetensors")
    tureen("convert", tmp_path / "in.safetensors", tmp_path / "out.npz")
    with np.load(tmp_path / "out.npz") as loaded:
        for name, array in tensors.items():
            assert loaded[name].tobytes() == array.tobytes()


def test_npz_mixing_bf16_and_float8_reads_with_one_assume_v2_per_width(tmp_path):
    rng = np.random.default_rng(6)
    w, q = sample(ml_dtypes.bfloat16, (3,), rng), sample(ml_dtypes.float8_e4m3fn, (4,), rng)
    np.savez(tmp_path / "mixed.npz", w=w, q=q)
    refused = tureen("convert", tmp_path / "mixed.npz", tmp_path / "out.safetensors", "--assume-v2", "bf16", check=False)
    assert refused.returncode == 1
    assert "'q.npy'" in refused.stderr
    hint = _hint(refused.stderr)
    assert "f8_e4m3" in hint and "f8_e5m2" in hint and "--assume-v2 bf16" not in hint, hint
    tureen("convert", tmp_path / "mixed.npz", tmp_path / "out.safetensors", "--assume-v2", "bf16", "--assume-v2", "f8_e4m3")
    # safetensors.numpy has no float8: the file is read by hand.
    data = (tmp_path / "out.safetensors").read_bytes()
    length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + length])
    for name, array, dtype in (("w", w, "BF16"), ("q", q, "F8_E4M3")):
        begin, end = header[name]["data_offsets"]
        assert header[name]["dtype"] == dtype and data[8 + length + begin:8 + length + end] == array.tobytes(), name
    clash = tureen("inspect", tmp_path / "mixed.npz", "--assume-v2", "f8_e4m3", "--assume-v2", "f8_e5m2", check=False)
    assert clash.returncode != 0 and "1-byte" in clash.stderr, clash.stderr


@pytest.mark.parametrize("dtype, fitting, unfitting", [
    (ml_dtypes.bfloat16, ["bf16"], ["f8_e4m3", "f8_e5m2"]),
    (ml_dtypes.float8_e4m3fn, ["f8_e4m3", "f8_e5m2"], ["bf16"]),
])
def test_untyped_void_hint_names_only_dtypes_of_its_width(tmp_path, dtype, fitting, unfitting):
    np.save(tmp_path / "v.npy", sample(dtype, (2,), np.random.default_rng(7)))
    hint = _hint(tureen("inspect", tmp_path / "v.npy", check=False).stderr)
    assert all(name in hint for name in fitting) and not any(name in hint for name in unfitting), hint


def test_void_width_that_contradicts_the_recorded_dtype_says_so(tmp_path):
    path = _handmade_npy(tmp_path / "odd.npy", "<V2", (2,), bytes(4), comment="# tureen-dtype: float8_e4m3fn")
    result = tureen("inspect", path, check=False)
    assert result.returncode == 1
    assert "2-byte" in result.stderr and "1-byte" in result.stderr and "float8_e4m3fn" in result.stderr, result.stderr
    assert "not supported" not in result.stderr



def test_a_cast_says_which_complex_tensors_it_keeps(tureen, tmp_path):
    # Regression: `--dtype f16` kept complex tensors as they were, and the summary said "as f16" alone.
    source = tmp_path / "c.npz"
    np.savez(source, z=np.array([1 + 2j, 3 - 4j], dtype=np.complex64), w=np.arange(3, dtype=np.float32))
    result = tureen("convert", source, tmp_path / "out.npz", "--dtype", "f16")
    assert "1 complex tensor ('z') kept as c64: --dtype f16 casts real floating-point tensors only" in result.stderr, result.stderr
    with np.load(tmp_path / "out.npz") as out:
        assert out["z"].dtype == np.complex64 and out["w"].dtype == np.float16
    # Regression: with c64 and c128 tensors, the note said all were "kept as c64".
    mixed = tmp_path / "mixed.npz"
    np.savez(mixed, z=np.array([1j], dtype=np.complex64), y=np.array([2j], dtype=np.complex128))
    result = tureen("convert", mixed, tmp_path / "mixed-out.npz", "--dtype", "bf16")
    assert "2 complex tensors ('z', …) kept as c64 and c128: --dtype bf16 casts" in result.stderr, result.stderr


def test_a_cast_says_which_values_it_took_beyond_the_dtypes_range(tureen, tmp_path):
    # Regression: `--dtype f16` turned 1e5 into inf without a word (f16 ends at 65504).
    source = tmp_path / "big.npz"
    np.savez(source, w=np.array([1.0, 1e5, -7e4, np.inf, np.nan], dtype=np.float32), v=np.array([65504.0], dtype=np.float32))
    result = tureen("convert", source, tmp_path / "out.npz", "--dtype", "f16")
    assert "2 finite values of 1 tensor ('w') lie beyond f16's range and became ±Inf: a wider --dtype keeps them" in result.stderr, result.stderr
    with np.load(tmp_path / "out.npz") as out:
        assert list(out["w"][:4]) == [1.0, np.inf, -np.inf, np.inf] and np.isnan(out["w"][4]) and out["v"][0] == 65504.0
    # float8 E4M3FN has no infinity: beyond 448 is NaN.
    result = tureen("convert", source, tmp_path / "out8.safetensors", "--dtype", "f8_e4m3")
    assert "3 finite values of 2 tensors ('w', …) lie beyond f8_e4m3's range and became NaN" in result.stderr, result.stderr
    # Values that fit say nothing.
    result = tureen("convert", source, tmp_path / "out32.npz", "--dtype", "bf16")
    assert "beyond" not in result.stderr, result.stderr
