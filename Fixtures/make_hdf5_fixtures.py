"""Writes Tureen's HDF5 fixtures with h5py (run by make_fixtures.py, or on its own from the repository root).

Each `<name>.h5` comes with `<name>.expected.safetensors`: every tensor Tureen should read, stored
as its raw little-endian C-order bytes (a U8 vector), and one metadata entry `expected`, a JSON
object (sorted keys, so the file is deterministic) with `order` (the names in Tureen's order),
`tensors` (name → "DTYPE d0,d1,…") and `metadata` (the root metadata Tureen should report).
The Swift tests compare against those.

Keras and TensorFlow are too heavy to install to make fixtures, so the two Keras files are written
with h5py exactly as Keras' own saving code lays them out: Keras 2's legacy
`keras/saving/legacy/hdf5_format.py` (`save_model_to_hdf5` / `save_weights_to_hdf5_group`) and
Keras 3's `keras/src/saving/saving_lib.py` (`save_weights_only`, `H5IOStore`, `H5Entry`) for a
`Sequential([Dense(4), Dropout(0.5), BatchNormalization(), Dense(2)])` on 3 inputs.
"""
import json
import pathlib

import h5py
import ml_dtypes
import numpy as np
from safetensors.numpy import save_file

from samples import sample

HERE = pathlib.Path(__file__).resolve().parent
HDF5 = HERE / "hdf5"
DTYPE_NAMES = {
    np.dtype(np.bool_): "BOOL", np.dtype(np.uint8): "U8", np.dtype(np.int8): "I8", np.dtype(np.int16): "I16",
    np.dtype(np.uint16): "U16", np.dtype(np.int32): "I32", np.dtype(np.uint32): "U32", np.dtype(np.int64): "I64",
    np.dtype(np.uint64): "U64", np.dtype(np.float16): "F16", np.dtype(ml_dtypes.bfloat16): "BF16",
    np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(ml_dtypes.float8_e4m3fn): "F8_E4M3",
    np.dtype(ml_dtypes.float8_e5m2): "F8_E5M2", np.dtype(np.complex64): "C64", np.dtype(np.complex128): "C128",
}



def write_expected(path, tensors, metadata=None):
    """tensors: list of (name, array) in Tureen's order."""
    expected = {"order": [name for name, _ in tensors], "tensors": {}, "metadata": metadata or {}}
    raw = {}
    for name, array in tensors:
        little = array.astype(array.dtype.newbyteorder("<")) if array.dtype.byteorder == ">" else array
        expected["tensors"][name] = DTYPE_NAMES[little.dtype] + " " + ",".join(str(d) for d in array.shape)
        raw[name] = np.frombuffer(np.ascontiguousarray(little).tobytes(), dtype=np.uint8).copy()
    save_file(raw, path.with_name(path.name.replace(".h5", ".expected.safetensors")),
              metadata={"expected": json.dumps(expected, sort_keys=True)})


def opaque(group, name, array, dtype_name):
    """bf16 / f8 as Keras 3 stores bf16: h5py's opaque bytes plus a `dtype` attribute."""
    dataset = group.create_dataset(name, data=array.view(f"V{array.dtype.itemsize}"))
    dataset.attrs["dtype"] = dtype_name
    return dataset


def write_flat(rng):
    tensors = [("weight", sample(np.float32, (4, 3), rng)), ("bias", sample(np.float32, (3,), rng)),
               ("step", np.int64(7)), ("empty", np.zeros((0, 2), np.float32))]
    with h5py.File(HDF5 / "flat.h5", "w") as f:
        for name, array in tensors:
            f[name] = array
        f.attrs["format"] = "pt"
        f.attrs["numbers"] = np.arange(3)
    write_expected(HDF5 / "flat.h5", [(n, np.asarray(a)) for n, a in tensors], {"format": "pt"})


def write_nested(rng):
    tensors = [("model/embed/weight", sample(np.float32, (6, 2), rng)),
               ("model/layers.0/weight", sample(np.float16, (2, 2), rng)),
               ("model/layers.0/bias", sample(np.float16, (2,), rng)),
               ("model/layers.10/weight", sample(np.float16, (2, 2), rng)),
               ("model/layers.2/weight", sample(np.float16, (2, 2), rng)),
               ("head", sample(np.float32, (2, 6), rng))]
    with h5py.File(HDF5 / "nested.h5", "w") as f:
        for name, array in tensors:
            f[name] = array
        f["alias"] = h5py.SoftLink("/head")
        f["model/hard_alias"] = f["head"]
        f.attrs["note"] = "nested groups"
    # Listed in object header (creation) order: model's members, including the second hard link to
    # head (head's header comes after the model's groups), then head; the soft link is skipped.
    expected = [(name.replace("/", "."), array) for name, array in tensors]
    expected.insert(-1, ("model.hard_alias", tensors[-1][1]))
    write_expected(HDF5 / "nested.h5", expected, {"note": "nested groups"})


def write_chunked(rng):
    tensors = [("gzip_shuffle", sample(np.float32, (300, 70), rng), dict(chunks=(16, 32), compression="gzip", shuffle=True)),
               ("gzip_ints", sample(np.int16, (5, 7, 9), rng), dict(chunks=(2, 3, 4), compression="gzip", compression_opts=9)),
               ("big_endian", sample(np.dtype(">f8"), (10, 3), rng), {}),
               ("big_endian_chunked", sample(np.dtype(">i4"), (33,), rng), dict(chunks=(8,), compression="gzip")),
               ("fletcher", sample(np.float16, (40,), rng), dict(chunks=(10,), fletcher32=True)),
               ("compact", sample(np.uint8, (12,), rng), None)]
    with h5py.File(HDF5 / "chunked.h5", "w") as f:
        for name, array, options in tensors:
            if options is None:
                space = h5py.h5s.create_simple(array.shape)
                plist = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
                plist.set_layout(h5py.h5d.COMPACT)
                plist.set_obj_track_times(False)
                dataset = h5py.h5d.create(f.id, name.encode(), h5py.h5t.STD_U8LE, space, dcpl=plist)
                dataset.write(h5py.h5s.ALL, h5py.h5s.ALL, array)
            else:
                f.create_dataset(name, data=array, **options)
    write_expected(HDF5 / "chunked.h5", [(name, array) for name, array, _ in tensors])


def write_all_dtypes(rng):
    plain = [np.bool_, np.uint8, np.int8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64,
             np.float16, np.float32, np.float64, np.complex64, np.complex128]
    opaque_types = [(ml_dtypes.bfloat16, "bfloat16"), (ml_dtypes.float8_e4m3fn, "float8_e4m3fn"), (ml_dtypes.float8_e5m2, "float8_e5m2")]
    expected = []
    with h5py.File(HDF5 / "all_dtypes.h5", "w") as f:
        for dtype in plain:
            name = "t_" + DTYPE_NAMES[np.dtype(dtype)]
            array = sample(dtype, (2, 3), rng)
            f[name] = array
            expected.append((name, array))
        for dtype, label in opaque_types:
            name = "t_" + DTYPE_NAMES[np.dtype(dtype)]
            array = sample(dtype, (2, 3), rng)
            opaque(f, name, array, label)
            expected.append((name, array))
        for dtype in [np.int16, np.uint32, np.float16, np.float32, np.complex128]:
            name = "be_" + DTYPE_NAMES[np.dtype(dtype)]
            array = sample(np.dtype(dtype).newbyteorder(">"), (3,), rng)
            f[name] = array
            expected.append((name, array))
    write_expected(HDF5 / "all_dtypes.h5", expected)


def keras_model_weights(rng, dtype=np.float32):
    """Dense(4) → Dropout → BatchNormalization → Dense(2) on 3 inputs: (layer, [(weight, array)])."""
    return [("dense", [("kernel", sample(dtype, (3, 4), rng)), ("bias", sample(dtype, (4,), rng))]),
            ("dropout", []),
            ("batch_normalization", [(w, sample(dtype, (4,), rng)) for w in ("gamma", "beta", "moving_mean", "moving_variance")]),
            ("dense_1", [("kernel", sample(dtype, (4, 2), rng)), ("bias", sample(dtype, (2,), rng))])]


def write_keras2(rng):
    """Keras 2 `model.save("model.h5")`: root attributes, model_weights/<layer>/<layer>/<weight>:0, optimizer_weights."""
    layers = keras_model_weights(rng)
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [{"class_name": "Dense"}]}}
    iterations = np.int64(12)
    with h5py.File(HDF5 / "keras2_legacy.h5", "w") as f:
        f.attrs["backend"] = "tensorflow".encode("utf8")
        f.attrs["keras_version"] = "2.15.0".encode("utf8")
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = [name.encode("utf8") for name, _ in layers]
        group.attrs["backend"] = "tensorflow".encode("utf8")
        group.attrs["keras_version"] = "2.15.0".encode("utf8")
        for name, weights in sorted(layers, key=lambda layer: layer[0]):
            layer_group = group.create_group(name)
            weight_names = [f"{name}/{weight}:0".encode("utf8") for weight, _ in weights]
            layer_group.attrs["weight_names"] = weight_names
            for weight_name, (_, value) in zip(weight_names, weights):
                dataset = layer_group.create_dataset(weight_name, value.shape, dtype=value.dtype)
                dataset[()] = value
        optimizer = f.create_group("optimizer_weights")
        optimizer.attrs["weight_names"] = [b"Adam/iter:0"]
        optimizer.create_dataset("Adam/iter:0", data=iterations)
    expected = [(f"{layer}.{weight}", value) for layer, weights in layers for weight, value in weights]
    expected.append(("optimizer_weights.Adam.iter:0", np.asarray(iterations)))
    write_expected(HDF5 / "keras2_legacy.h5", expected,
                   {"backend": "tensorflow", "keras_version": "2.15.0", "model_config": json.dumps(config)})


def write_keras3(rng, file_name, dtype):
    """Keras 3 `model.save_weights("model.weights.h5")`: /vars for the model, then layers/<snake_case class>/vars/<i>."""
    layers = keras_model_weights(rng, dtype)
    expected = []
    with h5py.File(HDF5 / file_name, "w") as f:
        f.create_group("vars")
        for name, weights in layers:
            entry = f.create_group(f"layers/{name}").create_group("vars")
            for index, (_, value) in enumerate(weights):
                if np.dtype(dtype) == ml_dtypes.bfloat16:
                    opaque(entry, str(index), value, "bfloat16")
                else:
                    entry[str(index)] = value
                expected.append((f"layers.{name}.vars.{index}", value))
    write_expected(HDF5 / file_name, expected)


def write_refused():
    """Files Tureen must refuse, each for one reason (no expected tensors)."""
    folder = HDF5 / "refused"
    folder.mkdir(parents=True, exist_ok=True)
    with h5py.File(folder / "external_link.h5", "w") as f:
        f["ok"] = np.zeros(2, np.float32)
        f["elsewhere"] = h5py.ExternalLink("other.h5", "/data")
    with h5py.File(folder / "dangling_soft_link.h5", "w") as f:
        f["ok"] = np.zeros(2, np.float32)
        f["gone"] = h5py.SoftLink("/does/not/exist")
    with h5py.File(folder / "external_storage.h5", "w") as f:
        f.create_dataset("raw", shape=(4,), dtype=np.float32, external=[("raw.bin", 0, 16)])
    with h5py.File(folder / "virtual.h5", "w") as f:
        layout = h5py.VirtualLayout(shape=(4,), dtype=np.float32)
        layout[:] = h5py.VirtualSource("other.h5", "data", shape=(4,))
        f.create_virtual_dataset("virtual", layout)
    with h5py.File(folder / "shape_bomb_contiguous.h5", "w") as f:
        f.create_dataset("huge", shape=(1 << 40,), dtype=np.float32)
    with h5py.File(folder / "shape_bomb_chunked.h5", "w") as f:
        f.create_dataset("huge", shape=(1 << 40,), dtype=np.float32, chunks=(1024,), compression="gzip")
    with h5py.File(folder / "strings.h5", "w") as f:
        f["names"] = ["a", "bb"]
    with h5py.File(folder / "compound.h5", "w") as f:
        f["records"] = np.zeros(2, dtype=[("x", np.int32), ("y", np.float64)])
    with h5py.File(folder / "opaque_without_dtype.h5", "w") as f:
        f["mystery"] = np.zeros(3, dtype="V2")


if __name__ == "__main__":
    HDF5.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(41)
    write_flat(rng)
    write_nested(rng)
    write_chunked(rng)
    write_all_dtypes(rng)
    write_keras2(rng)
    write_keras3(rng, "keras3.weights.h5", np.float32)
    write_keras3(rng, "keras3_bfloat16.weights.h5", ml_dtypes.bfloat16)
    write_refused()
