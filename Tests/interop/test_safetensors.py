"""safetensors interop: files written by the safetensors library are read by Tureen, and Tureen's
outputs are read back by the library bit for bit."""
import json
import struct

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


def test_strip_prefix_applies_to_every_format_and_select_is_refused_where_nothing_nests(tureen, tmp_path):
    # Regression: both were silently ignored for inputs other than PyTorch checkpoints.
    ddp = tmp_path / "ddp.safetensors"
    save_file({"module.fc.weight": np.ones((2, 2), np.float32), "module.fc.bias": np.zeros(2, np.float32), "step": np.ones(1, np.int64)}, ddp)
    for source in (ddp, tmp_path / "ddp.npz"):
        if source.suffix == ".npz":
            tureen("convert", ddp, source)
        out = tmp_path / f"stripped-{source.suffix[1:]}.safetensors"
        tureen("convert", source, out, "--strip-prefix", "module.")
        assert sorted(load_file(out)) == ["fc.bias", "fc.weight", "step"]
    result = tureen("convert", ddp, tmp_path / "selected.safetensors", "--select", "state_dict", check=False)
    assert result.returncode == 1 and "state_dict" in result.stderr and "PyTorch" in result.stderr, result.stderr
    assert not (tmp_path / "selected.safetensors").exists()
    clash = tmp_path / "clash.safetensors"
    save_file({"module.w": np.ones(2, np.float32), "w": np.zeros(2, np.float32)}, clash)
    result = tureen("convert", clash, tmp_path / "clash-out.safetensors", "--strip-prefix", "module.", check=False)
    assert result.returncode == 1 and "'w'" in result.stderr, result.stderr


def sharded_checkpoint(tureen, tmp_path):
    """A checkpoint of six tensors written as a folder of at least three shards: the folder, the shards' names."""
    source = tmp_path / "m.safetensors"
    save_file({f"w{k}": np.full(64, k, dtype=np.float32) for k in range(6)}, source)
    folder = tmp_path / "shards"
    tureen("convert", source, folder, "--max-shard-size", "300")
    shards = sorted(p.name for p in folder.glob("model-*.safetensors"))
    assert len(shards) >= 3, shards
    return folder, shards


def test_a_sharded_folder_without_its_index_and_a_numbered_shard_is_refused(tureen, tmp_path):
    # Regression: the remaining shards were read as the whole checkpoint, and their tensors alone converted.
    folder, shards = sharded_checkpoint(tureen, tmp_path)
    (folder / "model.safetensors.index.json").unlink()
    tureen("convert", folder, tmp_path / "whole.npz")  # every shard there: read in name order
    (folder / shards[1]).unlink()
    result = tureen("convert", folder, tmp_path / "out.npz", check=False)
    assert result.returncode == 1, result.stderr
    assert f"{folder}: shard {shards[1]} is missing" in result.stderr, result.stderr
    assert not (tmp_path / "out.npz").exists()


def test_an_index_that_leaves_out_a_shard_of_its_series_is_refused(tureen, tmp_path):
    # Regression: the shard the index did not list was never read, and its tensors were left out
    # without a word (a shard the index lists with a tensor removed was refused).
    folder, shards = sharded_checkpoint(tureen, tmp_path)
    index_path = folder / "model.safetensors.index.json"
    index = json.loads(index_path.read_text())
    left_out = shards[-1]
    index["weight_map"] = {name: shard for name, shard in index["weight_map"].items() if shard != left_out}
    index_path.write_text(json.dumps(index))
    for args in (("inspect", folder), ("convert", folder, tmp_path / "out.npz"), ("inspect", index_path)):
        result = tureen(*args, check=False)
        assert result.returncode == 1, result.stderr
        assert f"{left_out}" in result.stderr and "the index maps no tensor to it" in result.stderr, result.stderr
    assert not (tmp_path / "out.npz").exists()
    # A file of another name, or of another series, is not the index's business.
    (folder / left_out).rename(folder / "notes-00001-of-00001.safetensors")
    assert tureen("inspect", folder, check=False).returncode == 0


def test_shard_like_names_with_a_total_of_zero_are_read_as_plain_files(tureen, tmp_path):
    # Regression (review): "x-0-of-0" made the missing-shard check build the range 1...0 and trap.
    folder = tmp_path / "odd"
    folder.mkdir()
    save_file({"a": np.ones(2, dtype=np.float32)}, folder / "x-0-of-0.safetensors")
    save_file({"b": np.ones(2, dtype=np.float32)}, folder / "y-00001-of-00000.safetensors")
    result = tureen("inspect", folder, "--json")
    assert sorted(t["name"] for t in json.loads(result.stdout)["tensors"]) == ["a", "b"]


def test_null_metadata_reads_as_none_as_the_reference_reads_it(tureen, tmp_path):
    # Regression: `"__metadata__": null` was refused; the reference reader takes it for no metadata.
    from safetensors import safe_open
    header = json.dumps({"__metadata__": None, "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    path = tmp_path / "null.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + struct.pack("<2f", 1.5, -2))
    with safe_open(path, "np") as f:
        assert f.metadata() is None and f.get_tensor("w").tolist() == [1.5, -2]
    tureen("convert", path, tmp_path / "out.safetensors")
    assert load_file(tmp_path / "out.safetensors")["w"].tolist() == [1.5, -2]
    for bad in (3, [], "x"):
        header = json.dumps({"__metadata__": bad}).encode()
        (tmp_path / "bad.safetensors").write_bytes(struct.pack("<Q", len(header)) + header)
        result = tureen("inspect", tmp_path / "bad.safetensors", check=False)
        assert result.returncode == 1 and "__metadata__" in result.stderr, result.stderr
