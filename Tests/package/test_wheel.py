"""`make wheel`: the wheel's tag and contents, and each function of the `tureen` module, run from
a fresh virtual environment without Swift on PATH, against the fixtures and the reference
libraries (which live in this test's own environment, not in the fresh one)."""
import json
import re
import subprocess
import textwrap
import zipfile

import h5py
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

from conftest import ROOT, hidden_toolchain_environment
from test_dist import X86_64_V3_FLAGS, cpu_flags, version

SOUPS = ROOT / "Fixtures" / "soups"
COMPARE = ROOT / "Fixtures" / "compare"
INGREDIENTS = [SOUPS / "ft-01.safetensors", SOUPS / "ft-04.safetensors", SOUPS / "ft-07.safetensors"]


def in_fresh_venv(venv, code):
    """Runs `code` with the fresh venv's python (stdlib and tureen only) and returns what it
    printed as JSON."""
    result = subprocess.run([str(venv / "bin" / "python"), "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            env=hidden_toolchain_environment(venv / "bin"))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_wheel_is_manylinux_and_holds_binary_man_page_and_completions(wheel):
    assert re.fullmatch(rf"tureen-{re.escape(version())}-py3-none-manylinux_\d+_\d+_x86_64\.whl", wheel.name), wheel.name
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        binary = archive.getinfo("tureen/_bin/tureen")
        metadata = archive.read(f"tureen-{version()}.dist-info/METADATA").decode()
    assert binary.external_attr >> 16 & 0o111, "the binary lost its executable bit"
    assert {"tureen/py.typed", "tureen/share/man/man1/tureen.1", "tureen/share/bash-completion/completions/tureen",
            "tureen/libexec/tureen/tureen-x86-64-v3"} <= names
    assert "Requires-Dist" not in metadata


def test_console_command_runs_the_binary_without_swift(fresh_venv):
    result = subprocess.run([str(fresh_venv / "bin" / "tureen"), "--version"], capture_output=True, text=True,
                            env=hidden_toolchain_environment(fresh_venv / "bin"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"tureen {version()} (commit ")
    tuned = X86_64_V3_FLAGS <= cpu_flags()
    assert ("avx2" in result.stdout.splitlines()[1]) == tuned, result.stdout  # the wheel's tuned build takes over


def test_soup_matches_numpy(fresh_venv, tmp_path):
    out = tmp_path / "soup.safetensors"
    report = in_fresh_venv(fresh_venv, f"""
        import json, tureen
        print(json.dumps(tureen.soup({list(map(str, INGREDIENTS[:2]))}, {str(out)!r}, weights=[1, 3])))
    """)
    first, second = load_file(INGREDIENTS[0]), load_file(INGREDIENTS[1])
    soup = load_file(out)
    assert report["output"] == str(out) and report["parameters"] == sum(value.size for value in soup.values())
    for name, value in soup.items():
        expected = (first[name].astype(np.float64) + 3 * second[name].astype(np.float64)) / 4
        np.testing.assert_array_equal(value, expected.astype(np.float32), err_msg=name)


def test_convert_matches_h5py(fresh_venv, tmp_path):
    out = tmp_path / "model.h5"
    report = in_fresh_venv(fresh_venv, f"""
        import json, tureen
        print(json.dumps(tureen.convert({str(INGREDIENTS[0])!r}, {str(out)!r}, dtype="f16")))
    """)
    source = load_file(INGREDIENTS[0])
    assert report["cast_to"] == "f16" and report["tensors"] == len(source)
    with h5py.File(out, "r") as file:  # dotted names are nested groups, as Keras and h5py users expect
        for name, value in source.items():
            np.testing.assert_array_equal(file[name.replace(".", "/")][()], value.astype(np.float16), err_msg=name)


def test_check_reports_compatibility_and_differences(fresh_venv):
    reports = in_fresh_venv(fresh_venv, f"""
        import json, tureen
        same = tureen.check({list(map(str, INGREDIENTS))})
        changed = tureen.check([{str(COMPARE / "model.safetensors")!r}, {str(COMPARE / "changed.safetensors")!r}])
        print(json.dumps([[same.compatible, same.inputs], [changed.compatible, [(d["kind"], d["name"]) for d in changed.differences if d["blocking"]]]]))
    """)
    assert reports[0] == [True, list(map(str, INGREDIENTS))]
    assert reports[1][0] is False
    assert sorted(map(tuple, reports[1][1])) == [("missing", "model.norm.weight"), ("shape", "model.layers.1.mlp.up_proj.weight")]


def test_inspect_lists_what_safetensors_reads(fresh_venv):
    tensors = in_fresh_venv(fresh_venv, f"""
        import dataclasses, json, tureen
        print(json.dumps([dataclasses.asdict(info) for info in tureen.inspect({str(COMPARE / "model.safetensors")!r})]))
    """)
    with safe_open(COMPARE / "model.safetensors", "numpy") as file:
        expected = {name: file.get_slice(name) for name in file.keys()}
    assert {tensor["name"] for tensor in tensors} == set(expected)
    for tensor in tensors:
        assert tensor["shape"] == list(expected[tensor["name"]].get_shape()), tensor
        assert tensor["dtype"] == expected[tensor["name"]].get_dtype(), tensor


def test_greedy_soup_calls_the_python_evaluator(fresh_venv, tmp_path):
    out = tmp_path / "greedy.safetensors"
    result = in_fresh_venv(fresh_venv, f"""
        import json, tureen
        individual = {{{str(INGREDIENTS[0])!r}: 0.9, {str(INGREDIENTS[1])!r}: 0.8, {str(INGREDIENTS[2])!r}: 0.7}}
        candidates = iter([0.95, 0.5])  # the soup of the first two improves; adding the third does not
        calls = []
        def accuracy(path):
            calls.append(path)
            return individual[path] if path in individual else next(candidates)
        report = tureen.greedy_soup({list(map(str, INGREDIENTS))}, {str(out)!r}, evaluate=accuracy)
        print(json.dumps([report["kept"], report["final_score"], len(calls)]))
    """)
    assert result == [list(map(str, INGREDIENTS[:2])), 0.95, 5]
    first, second = load_file(INGREDIENTS[0]), load_file(INGREDIENTS[1])
    for name, value in load_file(out).items():
        expected = (first[name].astype(np.float64) + second[name].astype(np.float64)) / 2
        np.testing.assert_array_equal(value, expected.astype(np.float32), err_msg=name)


def test_errors_carry_the_command_message(fresh_venv, tmp_path):
    raised = in_fresh_venv(fresh_venv, f"""
        import json, tureen
        try:
            tureen.convert({str(tmp_path / "missing.safetensors")!r}, {str(tmp_path / "out.h5")!r})
        except tureen.TureenError as error:
            print(json.dumps([str(error), error.exit_code]))
    """)
    assert raised[0].startswith(f"tureen: error: {tmp_path / 'missing.safetensors'}: cannot open")
    assert raised[1] == 1
    assert not (tmp_path / "out.h5").exists()


def test_merge_runs_a_mergekit_configuration(fresh_venv, tmp_path):
    config = tmp_path / "merge.yml"
    config.write_text(textwrap.dedent(f"""
        merge_method: task_arithmetic
        base_model: {INGREDIENTS[0]}
        models:
          - model: {INGREDIENTS[1]}
            parameters: {{weight: 0.5}}
          - model: {INGREDIENTS[2]}
            parameters: {{weight: 0.25}}
    """))
    out = tmp_path / "merged.safetensors"
    report = in_fresh_venv(fresh_venv, f"""
        import json, tureen
        print(json.dumps(tureen.merge({str(config)!r}, {str(out)!r})))
    """)
    base, first, second = (load_file(path) for path in INGREDIENTS)
    merged = load_file(out)
    assert report["method"] == "task_arithmetic" and report["merged_tensors"] == len(merged) == len(base)
    for name, value in merged.items():
        origin = base[name].astype(np.float64)
        expected = origin + 0.5 * (first[name].astype(np.float64) - origin) + 0.25 * (second[name].astype(np.float64) - origin)
        np.testing.assert_array_equal(value, expected.astype(np.float32), err_msg=name)


def test_index_joins_the_shards_of_a_partitioned_soup(fresh_venv, tmp_path):
    folder = tmp_path / "soup"
    for task in ("0/2", "1/2"):
        result = subprocess.run([str(fresh_venv / "bin" / "tureen"), "soup", "uniform", *map(str, INGREDIENTS), "-o", str(folder),
                                 "--max-shard-size", "30KB", "--partition", task, "--quiet"],
                                capture_output=True, text=True, env=hidden_toolchain_environment(fresh_venv / "bin"))
        assert result.returncode == 0, result.stderr
    report = in_fresh_venv(fresh_venv, f"""
        import json, tureen
        print(json.dumps(tureen.index({str(folder)!r}, verify=True)))
    """)
    index = json.loads((folder / "model.safetensors.index.json").read_text())
    assert report["task_count"] == 2 and report["verified"] and report["shard_count"] == len(set(index["weight_map"].values())) > 1
    soup = {name: value for shard in sorted(set(index["weight_map"].values())) for name, value in load_file(folder / shard).items()}
    assert set(soup) == set(load_file(INGREDIENTS[0]))
