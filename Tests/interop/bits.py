"""Bit-level comparisons of numpy arrays, shared by the interop tests."""
import json
import struct

import numpy as np


def bits(array):
    """The array's raw bits as unsigned integers of the same width (bool as uint8)."""
    array = np.ascontiguousarray(array)
    width = array.dtype.itemsize
    if array.dtype.kind == "c":
        return array.view(np.uint32 if width == 8 else np.uint64)
    return array.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[width])


def assert_same_bits(actual, expected, name=""):
    assert actual.dtype == expected.dtype, f"{name}: dtype {actual.dtype} != {expected.dtype}"
    assert actual.shape == expected.shape, f"{name}: shape {actual.shape} != {expected.shape}"
    assert np.array_equal(bits(actual), bits(expected)), f"{name}: bits differ"


def ulp_distance(actual, expected):
    """Distance in units in the last place between two float arrays of one dtype (sign-magnitude aware)."""
    a = bits(actual).astype(np.int64)
    b = bits(expected).astype(np.int64)
    width = actual.dtype.itemsize * 8
    sign = np.int64(1) << (width - 1)
    a = np.where(a & sign, sign - a, a + sign) if width < 64 else a
    b = np.where(b & sign, sign - b, b + sign) if width < 64 else b
    return np.abs(a - b)


def read_safetensors(path):
    """{name: (dtype, shape, raw bytes)} from a safetensors file, without the library (bf16/f8 too)."""
    data = path.read_bytes()
    size = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + size])
    header.pop("__metadata__", None)
    body = data[8 + size:]
    return {name: (entry["dtype"], entry["shape"], body[entry["data_offsets"][0]:entry["data_offsets"][1]])
            for name, entry in header.items()}
