"""safetensors interop: files written by the safetensors library are read by Tureen, and Tureen's
outputs are read back by the library bit for bit."""
import json

import ml_dtypes
import numpy as np
import pytest
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

from bits import assert_same_bits


def test_convert_keeps_every_dtype_and_the_bytes(tureen, fixtures, tmp_path):
    source = fixtures / "safetensors" / "all_dtypes.safetensors"
    out = tmp_path / "out.safetensors"
    tureen("convert", source, out)
    assert out.read_bytes() == source.read_bytes()
    # safetensors.numpy cannot build float8 arrays (numpy has no such dtype): compare those by bytes above.
    with safe_open(source, framework="numpy") as original, safe_open(out, framework="numpy") as converted:
        assert set(original.keys()) == set(converted.keys())
        for name in original.keys():
            if "F8" not in name:
                assert_same_bits(converted.get_tensor(name), original.get_tensor(name), name)


def test_cast_to_f32_and_back_to_bf16_matches_ml_dtypes(tureen, tmp_path):
    rng = np.random.default_rng(3)
    values = (rng.standard_normal(4096) * 10.0 ** rng.integers(-20, 20, 4096)).astype(np.float32)
    source = tmp_path / "f32.safetensors"
    save_file({"w": values, "ids": np.arange(5, dtype=np.int32)}, source)
    tureen("convert", source, tmp_path / "bf16.safetensors", "--dtype", "bf16")
    narrowed = load_file(tmp_path / "bf16.safetensors")
    assert_same_bits(narrowed["w"], values.astype(ml_dtypes.bfloat16), "w")
    assert_same_bits(narrowed["ids"], np.arange(5, dtype=np.int32), "ids")
    tureen("convert", tmp_path / "bf16.safetensors", tmp_path / "wide.safetensors", "--dtype", "f32")
    widened = load_file(tmp_path / "wide.safetensors")
    assert_same_bits(widened["w"], narrowed["w"].astype(np.float32), "w")


def test_sharded_output_has_an_index_that_transformers_can_follow(tureen, fixtures, tmp_path):
    source = fixtures / "safetensors" / "sharded"
    out = tmp_path / "shards"
    tureen("convert", source, out, "--max-shard-size", "150")
    index = json.loads((out / "model.safetensors.index.json").read_text())
    expected = {}
    for shard in sorted(source.glob("*.safetensors")):
        expected.update(load_file(shard))
    assert set(index["weight_map"]) == set(expected)
    assert index["metadata"]["total_size"] == sum(v.nbytes for v in expected.values())
    for name, shard in index["weight_map"].items():
        with safe_open(out / shard, framework="numpy") as f:
            assert_same_bits(f.get_tensor(name), expected[name], name)


def test_inspect_json_agrees_with_safe_open(tureen, fixtures):
    source = fixtures / "safetensors" / "with_metadata.safetensors"
    report = json.loads(tureen("inspect", source, "--json").stdout)
    with safe_open(source, framework="numpy") as f:
        assert report["metadata"] == f.metadata()
        for tensor in report["tensors"]:
            assert list(f.get_slice(tensor["name"]).get_shape()) == tensor["shape"]


def test_existing_output_is_kept_without_force(tureen, fixtures, tmp_path):
    out = tmp_path / "out.safetensors"
    out.write_bytes(b"precious")
    source = fixtures / "safetensors" / "scalar_and_empty.safetensors"
    result = tureen("convert", source, out, check=False)
    assert result.returncode != 0
    assert "--force" in result.stderr
    assert out.read_bytes() == b"precious"
    tureen("convert", source, out, "--force")
    assert load_file(out).keys()


def test_truncated_input_names_the_file_and_leaves_no_output(tureen, fixtures, tmp_path):
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes((fixtures / "safetensors" / "all_dtypes.safetensors").read_bytes()[:-10])
    out = tmp_path / "out.safetensors"
    result = tureen("convert", broken, out, check=False)
    assert result.returncode != 0
    assert str(broken) in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.safetensors"]


def test_output_equal_to_input_is_refused(tureen, fixtures, tmp_path):
    copy = tmp_path / "model.safetensors"
    copy.write_bytes((fixtures / "safetensors" / "all_dtypes.safetensors").read_bytes())
    result = tureen("convert", copy, copy, "--force", check=False)
    assert result.returncode != 0
    assert "also an input" in result.stderr
