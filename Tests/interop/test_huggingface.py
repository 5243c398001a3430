"""Hugging Face model folders: the fixtures written by transformers (Fixtures/huggingface/make_fixtures.py)
read in every layout (safetensors, sharded, .bin, a hub cache snapshot of links), souped into a
model folder whose weights are the float64 mean and whose other files are the first ingredient's,
byte for byte. transformers itself is not needed here (`make peer-test` loads the result with it)."""
import json
import os
import shutil
import sys

import numpy as np
import pytest
from safetensors.numpy import load_file

from bits import ulp_distance

HF = "huggingface"
COPIED = ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"]


def model_weights(folder):
    """{name: float array} of a model folder's safetensors weights (single file or shards), or the
    fixture's reference values for the .bin ingredient."""
    folder = str(folder)
    if os.path.exists(os.path.join(folder, "pytorch_model.bin")) and not os.path.exists(os.path.join(folder, "model.safetensors")):
        return dict(np.load(os.path.join(os.path.dirname(folder), os.path.basename(folder) + ".expected.npz")))
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        shards = sorted(set(json.load(open(index))["weight_map"].values()))
        return {name: value for shard in shards for name, value in load_file(os.path.join(folder, shard)).items()}
    return load_file(os.path.join(folder, "model.safetensors"))


def ingredients(fixtures):
    return [fixtures / HF / name for name in ("gpt2-a", "gpt2-b", "gpt2-c")]


def assert_mean_of(out, folders):
    got = model_weights(out)
    inputs = [model_weights(folder) for folder in folders]
    assert set(got) == set(inputs[0])
    for name, value in got.items():
        reference = (sum(weights[name].astype(np.float64) for weights in inputs) / len(inputs)).astype(np.float32)
        assert value.dtype == np.float32 and value.shape == reference.shape, name
        assert ulp_distance(value, reference).max() <= 1, name


def test_soup_of_model_folders_is_a_model_folder_with_the_mean_weights_and_the_first_ones_files(tureen, fixtures, tmp_path):
    out = tmp_path / "soup"
    tureen("soup", "uniform", *ingredients(fixtures), "-o", out)
    assert sorted(os.listdir(out)) == sorted(COPIED + ["model.safetensors"])
    for name in COPIED:
        assert (out / name).read_bytes() == (fixtures / HF / "gpt2-a" / name).read_bytes(), name
    assert_mean_of(out, ingredients(fixtures))


def test_a_hub_cache_snapshot_of_links_reads_through_them_and_the_output_holds_real_files(tureen, fixtures, tmp_path):
    snapshots = []
    for source in ingredients(fixtures):
        repo = tmp_path / "hub" / f"models--tiny--{source.name}"
        snapshot = repo / "snapshots" / "0123456789abcdef"
        (repo / "blobs").mkdir(parents=True)
        snapshot.mkdir(parents=True)
        for number, name in enumerate(sorted(os.listdir(source))):
            shutil.copy(source / name, repo / "blobs" / f"blob{number}")
            os.symlink(f"../../blobs/blob{number}", snapshot / name)
        snapshots.append(snapshot)
    out = tmp_path / "soup"
    tureen("soup", "uniform", *snapshots, "-o", out)
    assert not any(os.path.islink(out / name) for name in os.listdir(out))
    assert (out / "tokenizer.json").read_bytes() == (fixtures / HF / "gpt2-a" / "tokenizer.json").read_bytes()
    assert_mean_of(out, ingredients(fixtures))
    refused = tureen("soup", "uniform", *snapshots, "-o", tmp_path / "hub", "--force", check=False)
    assert refused.returncode == 1 and "lies inside this output folder" in refused.stderr


def test_safetensors_are_read_before_a_bin_beside_them_and_the_bin_is_not_copied(tureen, fixtures, tmp_path):
    both = tmp_path / "both"
    shutil.copytree(fixtures / HF / "gpt2-a", both)
    shutil.copy(fixtures / HF / "gpt2-b" / "pytorch_model.bin", both)
    inspected = tureen("inspect", both)
    assert "read model.safetensors; pytorch_model.bin beside it is not read" in inspected.stdout
    result = tureen("convert", both, tmp_path / "out")
    assert "not copied from" in result.stderr and "pytorch_model.bin" in result.stderr
    assert sorted(os.listdir(tmp_path / "out")) == sorted(COPIED + ["model.safetensors"])
    assert model_weights(tmp_path / "out").keys() == model_weights(fixtures / HF / "gpt2-a").keys()
    for name, value in model_weights(tmp_path / "out").items():
        assert np.array_equal(value, model_weights(fixtures / HF / "gpt2-a")[name]), name


def test_differing_configs_are_refused_naming_the_key_unless_allowed(tureen, fixtures, tmp_path):
    pair = [fixtures / HF / "gpt2-a", fixtures / HF / "gpt2-other"]
    refused = tureen("soup", "uniform", *pair, "-o", tmp_path / "soup", check=False)
    assert refused.returncode == 1
    assert "config.json differs" in refused.stderr and "activation_function" in refused.stderr
    assert "--allow-config-differences" in refused.stderr
    assert not (tmp_path / "soup").exists()
    allowed = tureen("soup", "uniform", *pair, "-o", tmp_path / "soup", "--allow-config-differences")
    assert "activation_function" in allowed.stderr
    assert (tmp_path / "soup" / "config.json").read_bytes() == (pair[0] / "config.json").read_bytes()


def test_dtype_fields_follow_the_written_dtype_and_nothing_else_in_the_config_changes(tureen, fixtures, tmp_path):
    out = tmp_path / "bf16"
    tureen("convert", fixtures / HF / "gpt2-a", out, "--dtype", "bf16")
    original = (fixtures / HF / "gpt2-a" / "config.json").read_text()
    assert (out / "config.json").read_text() == original.replace('"dtype": "float32"', '"dtype": "bfloat16"')
    # A bf16 ingredient's config says bfloat16: names and dtypes may differ, so the soup goes ahead.
    tureen("soup", "uniform", out, fixtures / HF / "gpt2-c", "-o", tmp_path / "soup", "--dtype", "f32")
    assert (tmp_path / "soup" / "config.json").read_text() == original


def test_max_shard_size_writes_shards_and_an_index_beside_the_copied_files(tureen, fixtures, tmp_path):
    out = tmp_path / "soup"
    tureen("soup", "uniform", *ingredients(fixtures), "-o", out, "--max-shard-size", "16KB")
    names = sorted(os.listdir(out))
    assert "model.safetensors.index.json" in names and "model.safetensors" not in names
    assert all(name in names for name in COPIED)
    assert_mean_of(out, ingredients(fixtures))


def test_config_from_takes_the_other_files_from_that_folder(tureen, fixtures, tmp_path):
    source = tmp_path / "source"
    shutil.copytree(fixtures / HF / "gpt2-c", source)
    (source / "README.md").write_text("# the model card\n")
    out = tmp_path / "soup"
    tureen("soup", "uniform", fixtures / HF / "gpt2-a", fixtures / HF / "gpt2-b", "-o", out, "--config-from", source)
    assert (out / "README.md").read_text() == "# the model card\n"
    assert "model.safetensors.index.json" not in os.listdir(out)
    unused = tureen("soup", "uniform", fixtures / HF / "gpt2-a", "-o", tmp_path / "soup.safetensors", "--config-from", source, check=False)
    assert unused.returncode == 1 and "not a model folder" in unused.stderr
    missing = tureen("convert", fixtures / HF / "gpt2-a", tmp_path / "other", "--config-from", tmp_path, check=False)
    assert missing.returncode == 1 and "has no config.json" in missing.stderr


def test_force_replaces_a_model_folder_tureen_wrote_but_never_a_folder_with_other_files(tureen, fixtures, tmp_path):
    out = tmp_path / "soup"
    tureen("soup", "uniform", *ingredients(fixtures), "-o", out)
    tureen("soup", "uniform", *ingredients(fixtures)[:2], "-o", out, "--force")
    assert_mean_of(out, ingredients(fixtures)[:2])
    (out / "notes.txt").write_text("mine")
    refused = tureen("soup", "uniform", *ingredients(fixtures), "-o", out, "--force", check=False)
    assert refused.returncode == 1 and "notes.txt" in refused.stderr
    assert (out / "notes.txt").read_text() == "mine"
    assert_mean_of(out, ingredients(fixtures)[:2])


def test_a_folder_output_from_plain_checkpoints_is_still_sharded_safetensors(tureen, fixtures, tmp_path):
    files = []
    for name in ("gpt2-a", "gpt2-c"):
        files.append(tmp_path / f"{name}.safetensors")
        tureen("convert", fixtures / HF / name, files[-1])
    tureen("soup", "uniform", *files, "-o", tmp_path / "plain")
    assert os.listdir(tmp_path / "plain") == ["model.safetensors"]


def test_check_diff_and_inspect_accept_model_folders(tureen, fixtures, tmp_path):
    a, b, c = ingredients(fixtures)
    assert "(huggingface)" in tureen("inspect", b).stdout
    tureen("check", a, b, c)
    diff = tureen("diff", a, c)
    assert diff.returncode == 0


def test_greedy_soup_of_model_folders_writes_a_model_folder(tureen, fixtures, tmp_path):
    script = tmp_path / "eval.py"
    script.write_text("print(1.0)\n")
    out = tmp_path / "greedy"
    tureen("soup", "greedy", *ingredients(fixtures), "-o", out, "--eval", f"{sys.executable} {script} {{path}}")
    assert sorted(os.listdir(out)) == sorted(COPIED + ["model.safetensors"])
    assert_mean_of(out, ingredients(fixtures))


# Logs every path it is given and what the folder holds, and scores it 1.
LOGGING_EVAL = r'''
import json, os, sys
log, path = sys.argv[1], sys.argv[2]
with open(log, "a") as f:
    f.write(json.dumps({"path": path, "files": sorted(os.listdir(path))}) + "\n")
print(1.0)
'''

# Writes a zero gradient for the candidate folder's weights and reports a loss of 1.
ZERO_GRADIENT = r'''
import os, sys
import numpy as np
from safetensors.numpy import load_file, save_file
path, grad = sys.argv[1], sys.argv[2]
assert os.path.exists(os.path.join(path, "tokenizer.json")), os.listdir(path)
save_file({name: np.zeros_like(value) for name, value in load_file(os.path.join(path, "model.safetensors")).items()}, grad)
print(1.0)
'''


def test_greedy_candidates_as_model_folders_carry_the_config_and_tokenizer(tureen, fixtures, tmp_path):
    script, log = tmp_path / "eval.py", tmp_path / "calls.jsonl"
    script.write_text(LOGGING_EVAL)
    out = tmp_path / "greedy"
    tureen("soup", "greedy", *ingredients(fixtures), "-o", out, "--eval-format", "folder",
           "--eval", f"{sys.executable} {script} {log} {{path}}")
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    # Each ingredient is scored as its own folder; each candidate is a model folder in the scratch folder.
    assert [call["path"] for call in calls[:3]] == [str(path) for path in ingredients(fixtures)]
    for call in calls[3:]:
        assert call["files"] == sorted(COPIED + ["model.safetensors"]), call
    assert len(calls) == 5
    assert not (tmp_path / "greedy.scratch").exists()
    assert sorted(os.listdir(out)) == sorted(COPIED + ["model.safetensors"])
    assert_mean_of(out, ingredients(fixtures))


def test_folder_candidates_need_model_folder_ingredients(tureen, fixtures, tmp_path):
    plain = tmp_path / "a.safetensors"
    tureen("convert", fixtures / HF / "gpt2-a", plain)
    result = tureen("soup", "greedy", plain, fixtures / HF / "gpt2-c", "-o", tmp_path / "out", "--eval-format", "folder",
                    "--eval", "true {path}", check=False)
    assert result.returncode == 1 and "a.safetensors: not a model folder" in result.stderr


def test_learned_soup_of_model_folders_with_folder_candidates(tureen, fixtures, tmp_path):
    script = tmp_path / "grad.py"
    script.write_text(ZERO_GRADIENT)
    out = tmp_path / "learned"
    tureen("soup", "learned", *ingredients(fixtures), "-o", out, "--eval-format", "folder", "--steps", "2",
           "--grad", f"{sys.executable} {script} {{path}} {{grad}}")
    assert sorted(os.listdir(out)) == sorted(COPIED + ["model.safetensors"])
    # A zero gradient leaves the weights uniform: the learned soup is the mean.
    assert_mean_of(out, ingredients(fixtures))
    refused = tureen("soup", "learned", *ingredients(fixtures), "-o", tmp_path / "other", "--grad-format", "folder",
                     "--grad", "true {path} {grad}", check=False)
    assert refused.returncode != 0 and "not a folder" in refused.stderr


def test_a_mergekit_merge_of_model_folders_is_a_model_folder(tureen, fixtures, tmp_path):
    a, c = fixtures / HF / "gpt2-a", fixtures / HF / "gpt2-c"
    config = tmp_path / "merge.yaml"
    config.write_text(f"merge_method: linear\nmodels:\n  - model: {a}\n    parameters: {{weight: 1.0}}\n"
                      f"  - model: {c}\n    parameters: {{weight: 1.0}}\ndtype: bfloat16\n")
    out = tmp_path / "merged"
    tureen("merge", config, "-o", out)
    assert sorted(os.listdir(out)) == sorted(COPIED + ["model.safetensors"])
    assert '"dtype": "bfloat16"' in (out / "config.json").read_text()
    assert (out / "tokenizer.json").read_bytes() == (a / "tokenizer.json").read_bytes()
