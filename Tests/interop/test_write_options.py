"""Write options the output's writer would not act on are usage errors (exit 64, options that do not
fit together), naming the output, what it is written as and the flag to leave out, before anything is
read or written. Regression: `--compress` for a safetensors or PyTorch output, `--max-shard-size`
for a single-file format and `--layout keras` for a non-HDF5 output were silently ignored (exit 0)."""
import pytest

from runner import ROOT

MODEL = ROOT / "Fixtures" / "compare" / "model.safetensors"


@pytest.mark.parametrize("output, flags, written_as", [
    ("out.safetensors", ["--compress"], "safetensors, which is not compressed"),
    ("out.pt", ["--compress"], "pytorch, which is not compressed"),
    # A folder output is named as one, not as the format of its shards.
    ("shards", ["--max-shard-size", "1MB", "--compress"], "a folder of safetensors shards, which is not compressed"),
    ("shards/", ["--compress"], "a folder of safetensors shards, which is not compressed"),
    ("out.safetensors", ["--max-shard-size", "1MB", "--compress"], "a folder of safetensors shards, which is not compressed"),
    ("out.npz", ["--max-shard-size", "1MB"], "npz in one piece, not in shards"),
    ("out.h5", ["--max-shard-size", "1MB"], "hdf5 in one piece, not in shards"),
    ("out.pt", ["--layout", "keras"], "pytorch, which has one layout"),
    ("out.npz", ["--layout", "keras", "--compress"], "npz, which has one layout"),
    ("shards", ["--max-shard-size", "1MB", "--partition", "0/2", "--compress"], "a folder of safetensors shards, which is not compressed"),
])
def test_convert_refuses_an_option_its_output_ignores(tureen, tmp_path, output, flags, written_as):
    out = tmp_path / output
    result = tureen("convert", MODEL, out, *flags, check=False)
    assert result.returncode == 64, result.stderr
    assert result.stderr.startswith(f"tureen: error: {out} is written as {written_as}"), result.stderr
    first_line = result.stderr.splitlines()[0]
    assert any(first_line.endswith(f"; leave out {flag}") for flag in flags if flag.startswith("--")), result.stderr
    assert "\nUsage: tureen convert" in result.stderr
    assert not out.exists()


def test_soups_and_merges_refuse_before_reading_an_input(tureen, tmp_path):
    missing = tmp_path / "missing.safetensors"
    soup = tureen("soup", "uniform", missing, missing, "-o", tmp_path / "soup.safetensors", "--compress", check=False)
    assert soup.returncode == 64 and "soup.safetensors is written as safetensors, which is not compressed" in soup.stderr, soup.stderr
    config = tmp_path / "merge.yml"
    config.write_text(f"models:\n  - model: {missing}\n  - model: {missing}\nmerge_method: linear\n")
    merge = tureen("merge", config, "-o", tmp_path / "merged.npz", "--max-shard-size", "1MB", check=False)
    assert merge.returncode == 64 and "merged.npz is written as npz in one piece" in merge.stderr, merge.stderr
    greedy = tureen("soup", "greedy", missing, missing, "-o", tmp_path / "g.pt", "--eval", "e {path}", "--layout", "keras", check=False)
    assert greedy.returncode == 64 and "g.pt is written as pytorch, which has one layout" in greedy.stderr, greedy.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["merge.yml"]


@pytest.mark.parametrize("output, flags", [
    ("out.npz", ["--compress"]),
    ("out.h5", ["--compress"]),
    ("shards", ["--max-shard-size", "1MB"]),
    ("out.safetensors", ["--max-shard-size", "1MB"]),
])
def test_options_the_output_uses_are_taken(tureen, tmp_path, output, flags):
    assert tureen("convert", MODEL, tmp_path / output, *flags, check=False).returncode == 0
    assert (tmp_path / output).exists()
