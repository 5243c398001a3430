"""Writes Fixtures/gguf/ with the `gguf` Python package (llama.cpp's gguf-py): `make gguf-fixtures`.

`small.gguf` holds plain tensors (F32, F16, BF16 as raw, F64, I8–I64), Q8_0 and Q4_0 tensors
quantized by gguf-py; `k_quant.gguf` adds a Q4_K tensor (random blocks) that Tureen lists but
refuses to read; `small.expected.npz` holds every readable tensor's values (quantized ones as gguf-py dequantizes
them to float32) in row-major order.
"""
import os
import shutil

import numpy as np
import gguf
from gguf.quants import quantize, dequantize

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gguf")
T = gguf.GGMLQuantizationType


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    rng = np.random.default_rng(0)
    writer = gguf.GGUFWriter(os.path.join(OUT, "small.gguf"), "llama")
    writer.add_block_count(2)
    writer.add_context_length(128)
    writer.add_string("general.name", "tiny")
    writer.add_array("tokenizer.ggml.tokens", ["<s>", "</s>", "a", "b", "c", "d"])
    expected = {}

    plain = {
        "f32": rng.standard_normal((3, 4), dtype=np.float32),
        "f16": rng.standard_normal((2, 8)).astype(np.float16),
        "f64": rng.standard_normal((5,)),
        "i8": np.arange(-4, 4, dtype=np.int8).reshape(2, 4),
        "i16": np.arange(6, dtype=np.int16),
        "i32": np.arange(6, dtype=np.int32).reshape(3, 2),
        "i64": np.arange(4, dtype=np.int64),
    }
    for name, array in plain.items():
        writer.add_tensor(name, array)
        expected[name] = array
    bf16_bits = (rng.standard_normal((2, 4), dtype=np.float32).view(np.uint32) >> 16).astype(np.uint16)
    writer.add_tensor("bf16", bf16_bits, raw_shape=bf16_bits.shape, raw_dtype=T.BF16)
    expected["bf16"] = bf16_bits
    for name, kind in [("q8_0", T.Q8_0), ("q4_0", T.Q4_0)]:
        values = rng.standard_normal((3, 64), dtype=np.float32)
        packed = quantize(values, kind)
        writer.add_tensor(name, packed, raw_shape=packed.shape, raw_dtype=kind)
        expected[name] = dequantize(packed, kind).astype(np.float32)
    finish(writer)
    np.savez(os.path.join(OUT, "small.expected.npz"), **expected)

    k_quant = gguf.GGUFWriter(os.path.join(OUT, "k_quant.gguf"), "llama")
    k_quant.add_tensor("f32", plain["f32"])
    q4k = rng.integers(0, 256, size=(2, 144), dtype=np.uint8)
    k_quant.add_tensor("q4_k", q4k, raw_shape=q4k.shape, raw_dtype=T.Q4_K)
    finish(k_quant)


def finish(writer):
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    main()
