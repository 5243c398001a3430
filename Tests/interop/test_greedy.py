"""Greedy soup end to end: `tureen soup greedy` with tiny evaluator scripts. Every candidate the
evaluator sees, and the result, is checked against a float64 numpy reference of the uniform soup of
its ingredients; bad evaluators, timeouts, interrupts and resumed runs leave nothing behind."""
import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree

import h5py
import ml_dtypes
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from runner import TUREEN
from test_soup import assert_close_to_reference

SHAPE = (64, 48)

# Scores a candidate by how close its `w` is to a target (higher is better), copies every file it
# is given into a capture folder, and counts its calls; FAIL_AT=n makes call n fail.
EVAL = r'''
import json, os, shutil, sys
import ml_dtypes  # noqa: F401 (registers bfloat16 with numpy)
import numpy as np
folder, path = sys.argv[1], sys.argv[2]
calls = len([name for name in os.listdir(folder) if name.startswith("call-")])
if os.environ.get("FAIL_AT") == str(calls):
    print("out of memory (simulated)", file=sys.stderr)
    sys.exit(7)
extension = path.rsplit(".", 1)[-1]
shutil.copy(path, os.path.join(folder, f"call-{calls:03d}.{extension}"))
if extension == "safetensors":
    from safetensors.numpy import load_file
    w = load_file(path)["w"]
elif extension == "npz":
    w = np.load(path)["w"]
else:
    import h5py
    with h5py.File(path) as f:
        w = f["w"][()]
target = np.load(os.path.join(folder, "target.npy"))
print(f"scored {path}", file=sys.stderr)
print("evaluating...")
print(json.dumps({"score": -float(((w.astype(np.float64) - target) ** 2).mean()), "examples": 100}))
'''


def ingredients(folder, count=5, dtype=ml_dtypes.bfloat16, bad=3, formats=None):
    """Fine-tunes of a target: noise around it, one (`bad`) with far more noise."""
    rng = np.random.default_rng(1)
    target = rng.standard_normal(SHAPE)
    np.save(folder / "target.npy", target)
    paths = []
    for index in range(count):
        noise = 3.0 if index == bad else 0.4 + 0.05 * index
        tensors = {
            "w": (target + noise * rng.standard_normal(SHAPE)).astype(np.float32).astype(dtype),
            "b": rng.standard_normal(48).astype(np.float32).astype(dtype),
            "position_ids": np.arange(6, dtype=np.int64),
        }
        kind = (formats or ["safetensors"])[index % len(formats or ["safetensors"])]
        path = folder / f"finetune{index}.{kind}"
        if kind == "safetensors":
            save_file(tensors, path)
        elif kind == "npz":
            np.savez(path, **tensors)
        else:
            with h5py.File(path, "w") as f:
                for name, value in tensors.items():
                    f[name] = value
        paths.append(path)
    return paths


def evaluator(folder):
    script = folder / "eval.py"
    script.write_text(EVAL)
    return f"{sys.executable} {script} {folder} {{path}}"


def greedy(tureen, paths, out, *args, check=True):
    return tureen("soup", "greedy", *paths, "-o", out, *args, check=check)


def reference(paths):
    models = [load_any(p) for p in paths]
    return {name: sum(m[name].astype(np.float64) for m in models) / len(models) for name in ("w", "b")}


def load_any(path):
    path = str(path)
    if path.endswith(".safetensors"):
        return load_file(path)
    if path.endswith(".npz"):
        return dict(np.load(path))
    with h5py.File(path) as f:
        return {name: f[name][()] for name in f}


def test_every_candidate_and_the_result_are_uniform_soups_of_their_ingredients(tureen, tmp_path):
    paths = ingredients(tmp_path)
    out = tmp_path / "soup.safetensors"
    result = greedy(tureen, paths, out, "--eval", evaluator(tmp_path), "--json", "--plot", tmp_path / "greedy.svg")
    report = json.loads(result.stdout)
    assert "step 0: start from" in result.stderr
    steps = report["steps"]
    assert [s["ingredient"] for s in steps][0] == report["best_individual"]["path"]
    assert str(paths[3]) not in report["kept"], "the noisy fine-tune is left out"
    assert report["evaluator_calls"] <= 2 * len(paths) - 1
    # The ingredients are bf16 safetensors, so each is scored as it is (calls 0–4); then one call per step.
    kept = [steps[0]["ingredient"]]
    for step in steps[1:]:
        members = kept + [step["ingredient"]]
        candidate = load_file(tmp_path / f"call-{len(paths) + step['step'] - 1:03d}.safetensors")
        assert candidate["w"].dtype == ml_dtypes.bfloat16
        assert_close_to_reference(candidate, reference(members))
        assert np.array_equal(candidate["position_ids"], np.arange(6))
        if step["kept"]:
            kept = members
    assert kept == report["kept"]
    soup = load_file(out)
    assert_close_to_reference(soup, reference(report["kept"]))
    assert report["final_score"] == max(s["candidate_score"] for s in steps if s["kept"])
    assert report["final_score"] > report["best_individual"]["score"]
    assert not (tmp_path / "soup.safetensors.scratch").exists()
    svg = ElementTree.parse(tmp_path / "greedy.svg").getroot()
    assert svg.tag.endswith("svg") and len(svg.findall(".//{http://www.w3.org/2000/svg}circle")) >= 2


def test_the_result_is_what_soup_uniform_writes_bit_for_bit(tureen, tmp_path):
    paths = ingredients(tmp_path)
    out = tmp_path / "soup.safetensors"
    report = json.loads(greedy(tureen, paths, out, "--eval", evaluator(tmp_path), "--json").stdout)
    tureen("soup", "uniform", *report["kept"], "-o", tmp_path / "uniform.safetensors")
    assert (tmp_path / "uniform.safetensors").read_bytes() == out.read_bytes()


def test_mixed_formats_with_npz_candidates_and_an_h5_result(tureen, tmp_path):
    paths = ingredients(tmp_path, dtype=np.float32, formats=["safetensors", "npz", "h5"])
    out = tmp_path / "soup.h5"
    report = json.loads(greedy(tureen, paths, out, "--eval", evaluator(tmp_path), "--eval-format", "npz", "--json").stdout)
    captured = sorted(p.name for p in tmp_path.glob("call-*"))
    assert captured and all(name.endswith(".npz") for name in captured)
    assert_close_to_reference(load_any(out), reference(report["kept"]))


def test_ties_keep_the_ingredient_under_ge_and_not_under_gt(tureen, tmp_path):
    save = lambda name, value: save_file({"w": np.full(4, value, np.float32)}, tmp_path / name)
    save("a.safetensors", 1.0)
    save("b.safetensors", 3.0)
    # Scores 1 for every soup whose mean is within 2 of 1.5: a alone, and the soup of a and b, tie.
    script = tmp_path / "tie.py"
    script.write_text("import sys\nfrom safetensors.numpy import load_file\n"
                      "w = load_file(sys.argv[1])['w']\nprint(1 if abs(float(w[0]) - 1.5) <= 0.5 else 0)\n")
    args = [tmp_path / "a.safetensors", tmp_path / "b.safetensors"]
    ge = json.loads(greedy(tureen, args, tmp_path / "ge.safetensors", "--eval", f"{sys.executable} {script} {{path}}", "--json").stdout)
    gt = json.loads(greedy(tureen, args, tmp_path / "gt.safetensors", "--eval", f"{sys.executable} {script} {{path}}", "--json", "--accept", "gt").stdout)
    assert [s["candidate_score"] for s in ge["steps"]] == [1, 1]
    assert len(ge["kept"]) == 2 and len(gt["kept"]) == 1
    assert load_file(tmp_path / "ge.safetensors")["w"][0] == 2.0
    assert load_file(tmp_path / "gt.safetensors")["w"][0] == 1.0


def test_precomputed_scores_and_min_score(tureen, tmp_path):
    paths = ingredients(tmp_path)
    scores = {str(p): -float(i) for i, p in enumerate(paths)}
    (tmp_path / "scores.json").write_text(json.dumps(scores))
    result = greedy(tureen, paths, tmp_path / "soup.safetensors", "--eval", evaluator(tmp_path), "--scores", tmp_path / "scores.json",
                    "--min-score", "-2.5", "--json")
    report = json.loads(result.stdout)
    assert [i["source"] for i in report["individuals"]] == ["precomputed"] * 5
    assert [i["left_out"] for i in report["individuals"]] == [False, False, False, True, True]
    assert [s["ingredient"] for s in report["steps"]] == [str(p) for p in paths[:3]]
    assert report["evaluator_calls"] == 2, "only the candidate soups are scored"
    (tmp_path / "partial.json").write_text(json.dumps({str(paths[0]): 1.0}))
    failed = greedy(tureen, paths, tmp_path / "other.safetensors", "--eval", evaluator(tmp_path), "--scores", tmp_path / "partial.json", check=False)
    assert failed.returncode == 1
    assert "no score for" in failed.stderr and str(paths[1]) in failed.stderr


def test_the_scores_file_is_never_an_output(tureen, tmp_path):
    # Regression: `--plot scores.json --force` replaced the precomputed scores the run read with the plot.
    paths = ingredients(tmp_path, count=2)
    scores = tmp_path / "scores.json"
    scores.write_text(json.dumps({str(p): float(i) for i, p in enumerate(paths)}))
    before = scores.read_bytes()
    for out, plot in ((tmp_path / "soup.safetensors", scores), (scores, tmp_path / "plot.svg")):
        result = greedy(tureen, paths, out, "--eval", evaluator(tmp_path), "--scores", scores, "--plot", plot, "--force", check=False)
        assert result.returncode in (1, 64), result.stderr
        assert str(scores) in result.stderr, result.stderr
        assert scores.read_bytes() == before
    assert not (tmp_path / "soup.safetensors").exists() and not (tmp_path / "plot.svg").exists()


def test_a_plot_in_the_default_scratch_folder_is_a_usage_error(tureen, tmp_path):
    # Regression: the search removed the default scratch folder (OUT.scratch) and then failed to
    # write the plot there, exiting 1 after the whole search.
    paths = ingredients(tmp_path, count=2)
    out = tmp_path / "soup.safetensors"
    for plot in (tmp_path / "soup.safetensors.scratch" / "plot.svg", tmp_path / "soup.safetensors.scratch" / "sub" / ".." / "p.svg"):
        result = greedy(tureen, paths, out, "--eval", evaluator(tmp_path), "--plot", plot, check=False)
        assert result.returncode == 64, result.stderr
        assert "scratch folder" in result.stderr and "--scratch" in result.stderr, result.stderr
        assert not out.exists() and not (tmp_path / "soup.safetensors.scratch").exists()
    # A scratch folder of one's own is kept: a plot may go there.
    scratch = tmp_path / "mine"
    greedy(tureen, paths, out, "--eval", evaluator(tmp_path), "--scratch", scratch, "--plot", scratch / "plot.svg")
    assert (scratch / "plot.svg").read_text().startswith("<svg")


def test_a_template_without_path_is_a_usage_error(tureen, tmp_path):
    paths = ingredients(tmp_path, count=2)
    result = greedy(tureen, paths, tmp_path / "soup.safetensors", "--eval", "python3 eval.py", check=False)
    assert result.returncode == 64
    assert "{path}" in result.stderr
    timeout = greedy(tureen, paths, tmp_path / "soup.safetensors", "--eval", "e {path}", "--eval-timeout", "0", check=False)
    assert timeout.returncode == 64
    # Regression: a negative value was taken for an option, and the message was "Missing value".
    negative = greedy(tureen, paths, tmp_path / "soup.safetensors", "--eval", "e {path}", "--eval-timeout", "-1", check=False)
    assert negative.returncode == 64 and "--eval-timeout takes a positive number of seconds, not -1" in negative.stderr, negative.stderr


@pytest.mark.parametrize("body, expected", [
    ("print('loading', file=sys.stderr)", "printed nothing on stdout"),
    ("print('nan')", "gave nan as its score"),
    ("print('accuracy 0.9')", "'accuracy 0.9'"),
    ("print('0x10')", "'0x10'"),  # Regression: read as hexadecimal, a score of 16.
    ("print('Traceback: boom', file=sys.stderr); sys.exit(3)", "exited with status 3"),
])
def test_a_bad_evaluator_stops_the_run_naming_the_candidate(tureen, tmp_path, body, expected):
    paths = ingredients(tmp_path, count=3)
    script = tmp_path / "bad.py"
    script.write_text(f"import sys\n{body}\n")
    out = tmp_path / "soup.safetensors"
    result = greedy(tureen, paths, out, "--eval", f"{sys.executable} {script} {{path}}", check=False)
    assert result.returncode == 1
    assert f"scoring ingredient {paths[0]} failed" in result.stderr
    assert expected in result.stderr
    if "boom" in body:
        assert "| Traceback: boom" in result.stderr
    assert not out.exists()
    assert sorted(os.listdir(tmp_path / "soup.safetensors.scratch")) == ["greedy-journal.jsonl"]


def test_a_timeout_ends_the_evaluator_and_says_which_flag_sets_it(tureen, tmp_path):
    paths = ingredients(tmp_path, count=2)
    script = tmp_path / "slow.py"
    script.write_text("import os, sys, time\nopen(sys.argv[1], 'w').write(str(os.getpid()))\ntime.sleep(60)\n")
    started = time.monotonic()
    result = greedy(tureen, paths, tmp_path / "soup.safetensors", "--eval", f"{sys.executable} {script} {tmp_path / 'pid'} {{path}}",
                    "--eval-timeout", "1", check=False)
    assert time.monotonic() - started < 15
    assert result.returncode == 1
    assert "was still running after 1 s" in result.stderr and "--eval-timeout" in result.stderr
    assert not process_alive(int((tmp_path / "pid").read_text()))


def process_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_ctrl_c_ends_the_evaluator_and_removes_candidates_but_keeps_the_journal(tureen, tmp_path):
    paths = ingredients(tmp_path, count=3)
    script = tmp_path / "slow.py"
    # Scores ingredients at once; blocks on the first candidate soup.
    script.write_text(
        "import os, sys, time\nimport ml_dtypes\nfrom safetensors.numpy import load_file\n"
        "path = sys.argv[2]\n"
        "if 'candidate' in path:\n"
        "    open(sys.argv[1], 'w').write(str(os.getpid()))\n    time.sleep(60)\n"
        "print(float(load_file(path)['w'].astype('float64').mean()))\n")
    process = subprocess.Popen([TUREEN, "soup", "greedy", *map(str, paths), "-o", str(tmp_path / "soup.safetensors"),
                                "--eval", f"{sys.executable} {script} {tmp_path / 'pid'} {{path}}"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (tmp_path / "pid").exists() or not (tmp_path / "pid").read_text():
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.05)
    scratch = tmp_path / "soup.safetensors.scratch"
    assert any(name.startswith("candidate-") for name in os.listdir(scratch))
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=20)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    # Regression: the lines printed before the interrupt were lost with stdout's buffer (a pipe or a file).
    assert stdout.count("scored ") == 3, stdout
    assert not process_alive(int((tmp_path / "pid").read_text()))
    assert os.listdir(scratch) == ["greedy-journal.jsonl"]
    assert len((scratch / "greedy-journal.jsonl").read_text().splitlines()) == 3
    assert not (tmp_path / "soup.safetensors").exists()


def test_a_resumed_run_continues_without_scoring_again(tureen, tmp_path):
    paths = ingredients(tmp_path)
    command = evaluator(tmp_path)
    uninterrupted = tmp_path / "reference"
    uninterrupted.mkdir()
    (uninterrupted / "target.npy").write_bytes((tmp_path / "target.npy").read_bytes())
    expected = json.loads(greedy(tureen, paths, tmp_path / "reference.safetensors", "--eval", evaluator(uninterrupted), "--json").stdout)
    # The first run fails at its seventh call (the second candidate).
    env = dict(os.environ, FAIL_AT="6")
    first = subprocess.run([TUREEN, "soup", "greedy", *map(str, paths), "-o", str(tmp_path / "soup.safetensors"), "--eval", command],
                           capture_output=True, text=True, env=env)
    assert first.returncode == 1
    assert "simulated" in first.stderr and "--resume" in first.stderr
    calls_before = len(list(tmp_path.glob("call-*")))
    assert calls_before == 6
    resumed = json.loads(greedy(tureen, paths, tmp_path / "soup.safetensors", "--eval", command, "--resume", "--json").stdout)
    assert len(list(tmp_path.glob("call-*"))) - calls_before == len(paths) - 2
    assert [i["source"] for i in resumed["individuals"]] == ["journal"] * 5
    assert resumed["steps"][1]["source"] == "journal"
    assert resumed["kept"] == expected["kept"]
    assert (tmp_path / "soup.safetensors").read_bytes() == (tmp_path / "reference.safetensors").read_bytes()
    assert not (tmp_path / "soup.safetensors.scratch").exists()


@pytest.mark.parametrize("name", ["candidate-1.safetensors", "ingredient-1.npz"])
def test_a_file_already_in_the_scratch_folder_is_never_replaced_or_removed(tureen, tmp_path, name):
    # Regression: candidates were written over same-named files in --scratch, then deleted (even an ingredient).
    paths = ingredients(tmp_path, count=3)
    scratch = tmp_path / "work"
    scratch.mkdir()
    mine = scratch / name
    mine.write_bytes(paths[0].read_bytes())
    args = ["--eval", evaluator(tmp_path), "--scratch", scratch] + (["--eval-format", "npz"] if name.endswith(".npz") else [])
    result = greedy(tureen, paths, tmp_path / "soup.safetensors", *args, check=False)
    assert result.returncode == 1, result.stderr
    assert f"{mine}" in result.stderr and "already" in result.stderr, result.stderr
    assert mine.read_bytes() == paths[0].read_bytes()
    assert not (tmp_path / "soup.safetensors").exists()


def test_an_earlier_journal_is_not_emptied_without_resume(tureen, tmp_path):
    paths = ingredients(tmp_path, count=3)
    scratch = tmp_path / "soup.safetensors.scratch"
    scratch.mkdir()
    journal = scratch / "greedy-journal.jsonl"
    journal.write_text("my notes\n")
    result = greedy(tureen, paths, tmp_path / "soup.safetensors", "--eval", evaluator(tmp_path), check=False)
    assert result.returncode == 1 and "--resume" in result.stderr and f"{journal}" in result.stderr, result.stderr
    assert journal.read_text() == "my notes\n"
    assert not list(tmp_path.glob("call-*")), "nothing is scored"
    # With --resume, a file that is no journal is refused too, and kept.
    result = greedy(tureen, paths, tmp_path / "soup.safetensors", "--eval", evaluator(tmp_path), "--resume", check=False)
    assert result.returncode == 1 and "not a greedy soup journal" in result.stderr, result.stderr
    assert journal.read_text() == "my notes\n"


def test_a_scratch_folder_that_is_the_output_is_refused_before_scoring(tureen, tmp_path):
    paths = ingredients(tmp_path, count=2)
    out = tmp_path / "soup.safetensors"
    result = greedy(tureen, paths, out, "--eval", evaluator(tmp_path), "--scratch", out, check=False)
    assert result.returncode == 64, result.stderr
    assert "--scratch" in result.stderr, result.stderr
    assert not out.exists() and not list(tmp_path.glob("call-*"))


def test_with_minimize_an_ingredient_left_out_is_above_the_min_score(tureen, tmp_path):
    # Regression: the line said "below --min-score" of a score above it.
    paths = ingredients(tmp_path, count=3)
    scores = {str(p): float(i) for i, p in enumerate(paths)}
    (tmp_path / "scores.json").write_text(json.dumps(scores))
    result = greedy(tureen, paths, tmp_path / "soup.safetensors", "--eval", evaluator(tmp_path), "--scores", tmp_path / "scores.json",
                    "--min-score", "1.5", "--minimize")
    assert f"scored {paths[2]}: 2 (from --scores) (above --min-score: left out)" in result.stdout, result.stdout


def test_two_scores_for_one_file_are_refused(tureen, tmp_path):
    # Regression: a repeated key, or two spellings of one file, silently kept one of the scores.
    paths = ingredients(tmp_path, count=2)
    for text in (f'{{"{paths[0]}": 1, "{paths[1]}": 2, "{paths[0]}": 9}}',
                 json.dumps({str(paths[0]): 1, str(paths[1]): 2, f"{tmp_path}/./{paths[0].name}": 3})):
        (tmp_path / "scores.json").write_text(text)
        result = greedy(tureen, paths, tmp_path / "soup.safetensors", "--eval", evaluator(tmp_path), "--scores", tmp_path / "scores.json", check=False)
        assert result.returncode == 1 and "two scores" in result.stderr and str(tmp_path / "scores.json") in result.stderr, result.stderr
    (tmp_path / "scores.json").write_text(f'{{"{paths[0]}": 1e999, "{paths[1]}": 2}}')
    result = greedy(tureen, paths, tmp_path / "soup.safetensors", "--eval", evaluator(tmp_path), "--scores", tmp_path / "scores.json", check=False)
    assert result.returncode == 1 and "not a finite number" in result.stderr, result.stderr
    (tmp_path / "scores.json").write_text(json.dumps({str(paths[0]): 1, str(paths[1]): 2, f"{tmp_path}/./{paths[0].name}": 1}))
    greedy(tureen, paths, tmp_path / "soup.safetensors", "--eval", evaluator(tmp_path), "--scores", tmp_path / "scores.json")


def test_a_journal_cut_short_and_a_killed_runs_leftovers_still_resume(tureen, tmp_path):
    # Regressions: a score appended after a line cut short made the journal unreadable at the next
    # --resume; a candidate left by a killed run stopped the resumed run as someone else's file.
    paths = ingredients(tmp_path, count=3)
    command = evaluator(tmp_path)
    out = tmp_path / "soup.safetensors"
    scratch = tmp_path / "soup.safetensors.scratch"

    def run(*args, fail_at=None):
        env = dict(os.environ, **({"FAIL_AT": str(fail_at)} if fail_at is not None else {}))
        return subprocess.run([TUREEN, "soup", "greedy", *map(str, paths), "-o", str(out), "--eval", command, *args],
                              capture_output=True, text=True, env=env)

    assert run(fail_at=3).returncode == 1  # the three ingredients scored, the first candidate failed
    with open(scratch / "greedy-journal.jsonl", "a") as journal:
        journal.write('{"ingredients": ["cut sh')
    (scratch / "candidate-2.safetensors").write_bytes(paths[0].read_bytes())
    second = run("--resume", fail_at=4)  # records candidate 1, then fails at candidate 2
    assert second.returncode == 1 and "simulated" in second.stderr, second.stderr
    third = run("--resume")
    assert third.returncode == 0, third.stderr
    assert out.exists() and not scratch.exists()


def test_an_empty_journal_left_by_a_run_stopped_early_needs_no_resume(tureen, tmp_path):
    paths = ingredients(tmp_path, count=2)
    scratch = tmp_path / "soup.safetensors.scratch"
    scratch.mkdir()
    (scratch / "greedy-journal.jsonl").write_text("")
    greedy(tureen, paths, tmp_path / "soup.safetensors", "--eval", evaluator(tmp_path))
    assert (tmp_path / "soup.safetensors").exists()
