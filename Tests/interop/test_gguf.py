"""GGUF (read): files written by gguf-py (Fixtures/make_gguf_fixtures.py) read with the values gguf-py
holds, Q8_0/Q4_0 dequantized as gguf-py dequantizes them; other quantized types are listed and
refused when read; malformed headers are refused by ggml's rules."""
import json
import struct

import numpy as np
import pytest

from bits import read_safetensors

DTYPES = {"f32": "F32", "f16": "F16", "f64": "F64", "i8": "I8", "i16": "I16", "i32": "I32", "i64": "I64", "bf16": "BF16",
          "q8_0": "F32", "q4_0": "F32"}


def test_inspect_lists_tensors_in_row_major_order_and_key_values(tureen, fixtures):
    listing = json.loads(tureen("inspect", "--json", fixtures / "gguf" / "small.gguf").stdout)
    shapes = {t["name"]: t["shape"] for t in listing["tensors"]}
    assert shapes["f32"] == [3, 4] and shapes["q8_0"] == [3, 64] and shapes["i32"] == [3, 2]
    text = tureen("inspect", fixtures / "gguf" / "small.gguf").stdout
    assert "general.architecture: 'llama'" in text and "tokenizer.ggml.tokens: an array of 6" in text


def test_plain_and_dequantized_tensors_have_gguf_py_values(tureen, fixtures, tmp_path):
    want = np.load(fixtures / "gguf" / "small.expected.npz")
    out = tmp_path / "out.safetensors"
    tureen("convert", fixtures / "gguf" / "small.gguf", out)
    got = read_safetensors(out)
    assert set(got) == set(DTYPES)
    for name, dtype in DTYPES.items():
        assert got[name][0] == dtype and got[name][1] == list(want[name].shape), name
        assert got[name][2] == np.ascontiguousarray(want[name]).tobytes(), name


def test_other_quantized_types_are_listed_and_refused_when_read(tureen, fixtures, tmp_path):
    text = tureen("inspect", fixtures / "gguf" / "k_quant.gguf").stdout
    assert "q4_k: a Q4_K tensor" in text
    out = tmp_path / "out.safetensors"
    result = tureen("convert", fixtures / "gguf" / "k_quant.gguf", out, check=False)
    assert result.returncode != 0 and "quantized as Q4_K" in result.stderr and not out.exists()


def header_end(data):
    """The offset of the first tensor info's name length in small.gguf, found by its name."""
    return data.index(b"f32") - 8


@pytest.mark.parametrize("mutation,message", [
    (lambda d: d[:4] + struct.pack("<I", 1) + d[8:], "version 1"),
    (lambda d: b"GGUX" + d[4:], "not a GGUF"),
    (lambda d: d[:200], "truncated"),
    (lambda d: d[:8] + struct.pack("<Q", 2**40) + d[16:], "exceeds the file"),
    (lambda d: d[:header_end(d) + 11] + struct.pack("<I", 5) + d[header_end(d) + 15:], "5 dimensions"),
])
def test_malformed_headers_are_refused(tureen, fixtures, tmp_path, mutation, message):
    source = tmp_path / "bad.gguf"
    source.write_bytes(mutation((fixtures / "gguf" / "small.gguf").read_bytes()))
    result = tureen("inspect", source, check=False)
    assert result.returncode != 0 and message in result.stderr, result.stderr
