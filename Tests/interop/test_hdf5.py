"""Interop between Tureen's HDF5 format and h5py, both ways, against the release binary in $TUREEN."""
import json
import struct

import h5py
import ml_dtypes
import numpy as np
import pytest
from safetensors.numpy import save_file

from runner import run as tureen
from samples import sample

OPAQUE = {ml_dtypes.bfloat16: "bfloat16", ml_dtypes.float8_e4m3fn: "float8_e4m3fn", ml_dtypes.float8_e5m2: "float8_e5m2"}
PLAIN = [np.bool_, np.uint8, np.int8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64,
         np.float16, np.float32, np.float64, np.complex64]




def raw(array):
    """Little-endian C-order bytes, so equality is bit for bit (NaNs and -0.0 included)."""
    array = np.asarray(array)
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    return np.ascontiguousarray(array).tobytes()


def safetensors_raw(path):
    """{name: (shape, bytes)} straight from the file (safetensors' numpy loader cannot load F8)."""
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    header.pop("__metadata__", None)
    return {name: (tuple(entry["shape"]), data[8 + length + entry["data_offsets"][0]:8 + length + entry["data_offsets"][1]])
            for name, entry in header.items()}


@pytest.fixture
def safetensors_input(tmp_path):
    rng = np.random.default_rng(3)
    tensors = {f"model.layers.{i}.{dtype.__name__}": sample(dtype, (3, 5), rng) for i, dtype in enumerate(PLAIN + list(OPAQUE))}
    tensors["model.norm.weight"] = sample(np.float32, (), rng)
    tensors["model.empty"] = np.zeros((0, 4), np.float32)
    path = tmp_path / "input.safetensors"
    save_file(tensors, path, metadata={"format": "pt"})
    return path, tensors


@pytest.mark.parametrize("compress", [False, True])
def test_h5py_reads_tureen_output_bit_for_bit(tmp_path, safetensors_input, compress):
    source, tensors = safetensors_input
    out = tmp_path / "out.h5"
    result = tureen("convert", source, out, *(["--compress"] if compress else []))
    assert result.returncode == 0, result.stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["format"] == "pt"
        for name, expected in tensors.items():
            dataset = f[name.replace(".", "/")]
            assert dataset.shape == expected.shape
            if expected.dtype.type in OPAQUE:
                assert dataset.attrs["dtype"] == OPAQUE[expected.dtype.type]
                assert dataset.dtype.itemsize == expected.dtype.itemsize
            else:
                assert dataset.dtype == expected.dtype
            assert raw(dataset[()]) == raw(expected), name
            if compress and expected.ndim > 0 and expected.size > 0:
                assert dataset.compression == "gzip" and dataset.shuffle
            else:
                assert dataset.chunks is None


@pytest.mark.parametrize("compress", [False, True])
def test_safetensors_to_h5_to_safetensors_is_byte_identical(tmp_path, safetensors_input, compress):
    source, _ = safetensors_input
    assert tureen("convert", source, tmp_path / "mid.h5", *(["--compress"] if compress else [])).returncode == 0
    result = tureen("convert", tmp_path / "mid.h5", tmp_path / "back.safetensors")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "back.safetensors").read_bytes() == source.read_bytes()


def test_tureen_reads_h5py_files_bit_for_bit(tmp_path):
    rng = np.random.default_rng(5)
    path = tmp_path / "made_by_h5py.h5"
    expected = {}
    with h5py.File(path, "w") as f:
        for dtype in PLAIN + [np.complex128]:
            name = f"plain/{np.dtype(dtype).name}"
            expected[name] = f[name] = sample(dtype, (4, 6), rng)
        for dtype, label in OPAQUE.items():
            name = f"opaque/{label}"
            array = sample(dtype, (4, 6), rng)
            f.create_dataset(name, data=array.view(f"V{array.dtype.itemsize}")).attrs["dtype"] = label
            expected[name] = array
        for dtype in [">f4", ">i8", ">f2"]:
            name = f"big_endian/{dtype[1:]}"
            expected[name] = f[name] = sample(np.dtype(dtype), (7,), rng)
        array = sample(np.float32, (200, 33), rng)
        f.create_dataset("chunked/gzip_shuffle", data=array, chunks=(7, 11), compression="gzip", shuffle=True)
        expected["chunked/gzip_shuffle"] = array
    inspected = tureen("inspect", path)
    assert inspected.returncode == 0, inspected.stderr
    assert "plain.complex128" in inspected.stdout and "C128" in inspected.stdout
    # safetensors has no complex128, so it is checked by inspect and dropped before converting.
    del expected["plain/complex128"]
    with h5py.File(path, "a") as f:
        del f["plain/complex128"]
    result = tureen("convert", path, tmp_path / "out.safetensors")
    assert result.returncode == 0, result.stderr
    loaded = safetensors_raw(tmp_path / "out.safetensors")
    for name, array in expected.items():
        assert loaded[name.replace("/", ".")] == (array.shape, raw(array)), name


def test_keras_layout_writes_what_keras_load_weights_reads(tmp_path):
    """Keras is not installed: the check follows keras/src/saving/saving_lib.py's H5IOStore/H5Entry."""
    rng = np.random.default_rng(8)
    source = tmp_path / "model.weights.h5"
    layers = {"dense": [(3, 4), (4,)], "dropout": [], "dense_1": [(4, 2), (2,)]}
    arrays = {}
    with h5py.File(source, "w") as f:
        f.create_group("vars")
        for layer, shapes in layers.items():
            group = f.create_group(f"layers/{layer}").create_group("vars")
            for index, shape in enumerate(shapes):
                array = sample(ml_dtypes.bfloat16, shape, rng)
                group.create_dataset(str(index), data=array).attrs["dtype"] = "bfloat16"
                arrays[(layer, str(index))] = array
    out = tmp_path / "out.weights.h5"
    result = tureen("convert", source, out, "--layout", "keras")
    assert result.returncode == 0, result.stderr
    with h5py.File(out, "r") as f:
        assert "vars" in f and len(f["vars"]) == 0
        for (layer, index), array in arrays.items():
            entry = f[f"layers/{layer}"]["vars"]  # H5Entry(path="layers/<layer>")
            value = entry[index]
            assert value.attrs["dtype"] == "bfloat16"  # H5Entry.__getitem__'s test, a str comparison
            loaded = np.array(value, dtype=ml_dtypes.bfloat16)
            assert raw(loaded) == raw(array)
        assert len(f["layers/dense/vars"]) == 2


def test_keras_layout_refuses_other_tensors(tmp_path, safetensors_input):
    source, _ = safetensors_input
    result = tureen("convert", source, tmp_path / "out.weights.h5", "--layout", "keras")
    assert result.returncode == 1
    assert "--layout keras" in result.stderr
    assert not (tmp_path / "out.weights.h5").exists()


def test_refused_file_is_an_error_naming_the_file_and_object(tmp_path):
    path = tmp_path / "linked.h5"
    with h5py.File(path, "w") as f:
        f["ok"] = np.zeros(3, np.float32)
        f["far"] = h5py.ExternalLink("elsewhere.h5", "/x")
    result = tureen("convert", path, tmp_path / "out.safetensors")
    assert result.returncode == 1
    assert result.stderr.startswith("tureen: error:") and str(path) in result.stderr and "/far" in result.stderr
    assert not (tmp_path / "out.safetensors").exists()
    assert list(tmp_path.iterdir()) == [path]


def test_file_with_user_block_reads_zero_copy_offsets_correctly(tmp_path):
    path = tmp_path / "user_block.h5"
    array = np.arange(1000, dtype=np.float32)
    with h5py.File(path, "w", userblock_size=512) as f:
        f["x"] = array
    result = tureen("convert", path, tmp_path / "out.safetensors")
    assert result.returncode == 0, result.stderr
    assert safetensors_raw(tmp_path / "out.safetensors")["x"] == ((1000,), raw(array))


# Types h5py writes that look like its complex or bool but are not: each must be refused, never reinterpreted.
LOOKALIKE_TYPES = {
    "points_x_y": (np.array([(1.0, 2.0)], dtype=[("x", "<f4"), ("y", "<f4")]), "compound"),
    "imaginary_first": (np.array([(1.0, 2.0)], dtype=[("i", "<f8"), ("r", "<f8")]), "compound"),
    "inverted_bool": (np.array([0, 1], dtype=h5py.enum_dtype({"FALSE": 1, "TRUE": 0}, basetype="u1")), "enum"),
    "other_names": (np.array([0, 1], dtype=h5py.enum_dtype({"OFF": 0, "ON": 1}, basetype="i1")), "enum"),
}


@pytest.mark.parametrize("case", sorted(LOOKALIKE_TYPES))
def test_compounds_and_enums_other_than_h5pys_complex_and_bool_are_refused(tmp_path, case):
    array, kind = LOOKALIKE_TYPES[case]
    path = tmp_path / f"{case}.h5"
    with h5py.File(path, "w") as f:
        f["data"] = array
    result = tureen("inspect", path)
    assert result.returncode == 1, result.stdout
    assert str(path) in result.stderr and "dataset /data is not a tensor" in result.stderr
    expected = "h5py's complex (members 'r' at offset 0 and 'i'" if kind == "compound" else "h5py's bool (FALSE = 0, TRUE = 1"
    assert expected in result.stderr, result.stderr


@pytest.mark.parametrize("metadata, shown", [({"note": "a\0b"}, "metadata 'note'"), ({"k\0x": "v"}, "metadata 'k\\0x'"),
                                             ({"": "v"}, "metadata ''")])
def test_metadata_hdf5_cannot_store_is_refused_before_writing(tmp_path, metadata, shown):
    source = tmp_path / "in.safetensors"
    save_file({"w": np.zeros(2, np.float32)}, source, metadata=metadata)
    result = tureen("convert", source, tmp_path / "out.h5")
    assert result.returncode == 1
    assert shown in result.stderr and "libhdf5" not in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == [source]


@pytest.mark.parametrize("names, shared", [(["enc.w", "enc/w"], "/enc/w"), (["a.b", "a/b/c"], "/a/b"), (["a/b", "a.b.c"], "/a/b")])
def test_names_that_map_to_one_hdf5_path_are_refused_naming_both(tmp_path, names, shared):
    source = tmp_path / "in.safetensors"
    save_file({name: np.zeros(2, np.float32) for name in names}, source)
    result = tureen("convert", source, tmp_path / "out.h5")
    assert result.returncode == 1
    assert all(f"'{name}'" in result.stderr for name in names) and shared in result.stderr, result.stderr
    assert "libhdf5" not in result.stderr
    assert list(tmp_path.iterdir()) == [source]
