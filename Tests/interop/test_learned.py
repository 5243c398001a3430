"""Learned soup end to end: `tureen soup learned` with a gradient script for the quadratic loss
½‖θ − t‖², whose best mixing weights are known; the learned weights reproduce the soup through
`tureen soup weighted`, and bad gradients leave nothing behind."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from runner import TUREEN

SHAPES = {"w": (40, 30), "b": (30,)}

# The loss ½‖θ − t‖² over the floating-point tensors and its gradient θ − t, in float32.
# MODE=rename writes `w` under another name, MODE=shape with another shape, MODE=nan prints NaN.
GRAD = r'''
import os, sys
import numpy as np
from safetensors.numpy import load_file, save_file
folder, path, grad = sys.argv[1], sys.argv[2], sys.argv[3]
theta = load_file(path)
target = load_file(os.path.join(folder, "target.safetensors"))
mode = os.environ.get("MODE", "")
loss = 0.0
gradient = {}
for name, t in target.items():
    difference = theta[name].astype(np.float64) - t.astype(np.float64)
    loss += 0.5 * float((difference ** 2).sum())
    gradient[name] = difference.astype(np.float32)
if mode == "rename":
    gradient["weight"] = gradient.pop("w")
if mode == "shape":
    gradient["w"] = gradient["w"][:, :-1].copy()
save_file(gradient, grad)
print("computing the held-out loss", file=sys.stderr)
print("nan" if mode == "nan" else loss)
'''


def setup(folder, weights_by_tensor):
    """Three random f32 ingredients and a target that mixes them with the given weights per tensor."""
    rng = np.random.default_rng(3)
    paths = []
    models = []
    for index in range(3):
        model = {name: rng.standard_normal(shape).astype(np.float32) for name, shape in SHAPES.items()}
        model["step"] = np.array([7], np.int64)
        path = folder / f"finetune{index}.safetensors"
        save_file(model, path)
        paths.append(path)
        models.append(model)
    target = {name: sum(w * m[name].astype(np.float64) for w, m in zip(weights_by_tensor[name], models)).astype(np.float32)
              for name in SHAPES}
    save_file(target, folder / "target.safetensors")
    script = folder / "grad.py"
    script.write_text(GRAD)
    return paths, f"{sys.executable} {script} {folder} {{path}} {{grad}}"


def learned(tureen, paths, command, out, *args, check=True):
    return tureen("soup", "learned", *paths, "--grad", command, "-o", out, *args, check=check)


def test_learned_weights_approach_the_known_optimum(tureen, tmp_path):
    optimum = [0.6, 0.3, 0.1]
    paths, command = setup(tmp_path, {"w": optimum, "b": optimum})
    out = tmp_path / "soup.safetensors"
    report = json.loads(learned(tureen, paths, command, out, "--by", "model", "--steps", "60", "--lr", "0.1", "--json").stdout)
    losses = [s["loss"] for s in report["steps"]]
    assert losses[-1] < losses[0] / 20
    assert report["steps"][0]["entropy"] == pytest.approx(np.log(3))
    np.testing.assert_allclose(report["weights"]["weights"], optimum, atol=0.03)


def test_per_tensor_weights_follow_each_tensors_optimum(tureen, tmp_path):
    paths, command = setup(tmp_path, {"w": [0.8, 0.1, 0.1], "b": [0.1, 0.2, 0.7]})
    out = tmp_path / "soup.safetensors"
    report = json.loads(learned(tureen, paths, command, out, "--steps", "60", "--lr", "0.1", "--json",
                                "--weights-out", tmp_path / "weights.json", "--plot", tmp_path / "learned.svg").stdout)
    tensors = report["weights"]["tensors"]
    assert set(tensors) == {"w", "b"}
    np.testing.assert_allclose(tensors["w"], [0.8, 0.1, 0.1], atol=0.05)
    np.testing.assert_allclose(tensors["b"], [0.1, 0.2, 0.7], atol=0.05)
    assert (tmp_path / "learned.svg").read_text().startswith("<svg")
    # The soup is the weighted soup of the learned weights, bit for bit, and float64-exact before rounding.
    tureen("soup", "weighted", *paths, "--weights-file", tmp_path / "weights.json", "-o", tmp_path / "again.safetensors")
    assert (tmp_path / "again.safetensors").read_bytes() == out.read_bytes()
    soup = load_file(out)
    models = [load_file(p) for p in paths]
    for name, weights in tensors.items():
        expected = sum(w * m[name].astype(np.float64) for w, m in zip(weights, models)) / sum(weights)
        assert np.array_equal(soup[name], expected.astype(np.float32))
    assert np.array_equal(soup["step"], [7])


def test_per_model_weights_reproduce_with_soup_weighted(tureen, tmp_path):
    paths, command = setup(tmp_path, {"w": [0.5, 0.25, 0.25], "b": [0.5, 0.25, 0.25]})
    out = tmp_path / "soup.safetensors"
    result = learned(tureen, paths, command, out, "--by", "model", "--steps", "5")
    line = next(line for line in result.stdout.splitlines() if line.startswith("reproduce with:"))
    weights = line.split("--weights ")[1].split()[0]
    tureen("soup", "weighted", *paths, "--weights", weights, "-o", tmp_path / "again.safetensors")
    assert (tmp_path / "again.safetensors").read_bytes() == out.read_bytes()


@pytest.mark.parametrize("mode, expected", [
    ("rename", "'w' [40, 30] is missing; 'weight' is not a tensor of the soup"),
    ("shape", "'w' has shape [40, 29] where the soup's is [40, 30]"),
    ("nan", "gave nan as its loss"),
])
def test_a_bad_gradient_stops_the_soup_and_leaves_nothing(tureen, tmp_path, mode, expected):
    paths, command = setup(tmp_path, {"w": [0.5, 0.3, 0.2], "b": [0.5, 0.3, 0.2]})
    before = set(os.listdir(tmp_path))
    result = subprocess.run(
        [TUREEN, "soup", "learned", *map(str, paths), "--grad", command, "-o", str(tmp_path / "soup.safetensors"),
         "--weights-out", str(tmp_path / "weights.json")],
        capture_output=True, text=True, env=dict(os.environ, MODE=mode))
    assert result.returncode == 1
    assert "step 1:" in result.stderr and expected in result.stderr, result.stderr
    assert set(os.listdir(tmp_path)) == before


def test_a_negative_learning_rate_or_step_count_is_named_as_such(tureen, tmp_path):
    # Regression: `--lr -1` said "Missing value for '--lr <lr>'" (the -1 read as an option).
    paths, command = setup(tmp_path, {"w": [0.5, 0.3, 0.2], "b": [0.5, 0.3, 0.2]})
    for option, value, said in (("--lr", "-1", "--lr takes a positive number, not -1.0"), ("--steps", "-3", "--steps takes a positive number of steps, not -3")):
        result = learned(tureen, paths, command, tmp_path / "soup.safetensors", option, value, check=False)
        assert result.returncode == 64 and said in result.stderr, result.stderr
        assert "Missing value" not in result.stderr, result.stderr


def test_a_template_without_grad_is_a_usage_error(tureen, tmp_path):
    paths, _ = setup(tmp_path, {"w": [0.5, 0.3, 0.2], "b": [0.5, 0.3, 0.2]})
    result = learned(tureen, paths, "python3 grad.py {path}", tmp_path / "soup.safetensors", check=False)
    assert result.returncode == 64
    assert "{grad}" in result.stderr
    # Regression: refused only once the run had started (exit 1), not as the usage error it is.
    folder = learned(tureen, paths, "g {path} {grad}", tmp_path / "soup.safetensors", "--grad-format", "folder", check=False)
    assert folder.returncode == 64 and "gradients are written as one file" in folder.stderr, folder.stderr


def test_a_file_already_in_the_scratch_folder_is_never_replaced_or_removed(tureen, tmp_path):
    # Regression: the learned candidate was written over a same-named file in --scratch, then deleted.
    paths, command = setup(tmp_path, {"w": [0.5, 0.3, 0.2], "b": [0.5, 0.3, 0.2]})
    scratch = tmp_path / "work"
    scratch.mkdir()
    mine = scratch / "learned-candidate.safetensors"
    mine.write_text("mine")
    result = learned(tureen, paths, command, tmp_path / "soup.safetensors", "--steps", "1", "--scratch", scratch, check=False)
    assert result.returncode == 1 and f"{mine}" in result.stderr and "already" in result.stderr, result.stderr
    assert mine.read_text() == "mine"
    assert not (tmp_path / "soup.safetensors").exists()


def test_a_weights_file_gives_each_ingredient_its_own_weight(tureen, tmp_path):
    # Regression: the weights were applied by position, whatever the ingredients given.
    paths, command = setup(tmp_path, {"w": [0.8, 0.1, 0.1], "b": [0.1, 0.2, 0.7]})
    weights = tmp_path / "weights.json"
    learned(tureen, paths, command, tmp_path / "soup.safetensors", "--steps", "5", "--weights-out", weights)
    tensors = json.loads(weights.read_text())["tensors"]
    # The same files in another order, one of them spelled another way.
    reordered = [paths[2], tmp_path / "." / paths[0].name, paths[1]]
    out = tmp_path / "again.safetensors"
    tureen("soup", "weighted", *reordered, "--weights-file", weights, "-o", out)
    soup = load_file(out)
    models = [load_file(p) for p in paths]
    for name, mix in tensors.items():
        expected = sum(w * m[name].astype(np.float64) for w, m in zip(mix, models)) / sum(mix)
        np.testing.assert_allclose(soup[name], expected, rtol=1e-6, err_msg=name)
    # Relative paths listed are looked up beside the weights file too (the run was elsewhere).
    relative = tmp_path / "relative.json"
    relative.write_text(json.dumps({**json.loads(weights.read_text()), "ingredients": [p.name for p in paths]}))
    tureen("soup", "weighted", *paths, "--weights-file", relative, "-o", tmp_path / "relative.safetensors")
    assert (tmp_path / "relative.safetensors").read_bytes() == (tmp_path / "soup.safetensors").read_bytes()
    # Other files than the weights were learned for are refused, naming them.
    other = tmp_path / "other.safetensors"
    other.write_bytes(paths[0].read_bytes())
    result = tureen("soup", "weighted", other, paths[1], paths[2], "--weights-file", weights, "-o", tmp_path / "x.safetensors", check=False)
    assert result.returncode == 1 and f"{other}" in result.stderr and f"{weights}" in result.stderr, result.stderr
    assert not (tmp_path / "x.safetensors").exists()


def test_outputs_given_one_path_are_refused_as_such(tureen, tmp_path):
    # Regression: a plot or weights file at the output's path was refused as "also an input".
    paths, command = setup(tmp_path, {"w": [0.5, 0.3, 0.2], "b": [0.5, 0.3, 0.2]})
    out = tmp_path / "soup.safetensors"
    for option in ("--plot", "--weights-out"):
        result = learned(tureen, paths, command, out, option, out, check=False)
        assert result.returncode == 1 and "given for two of the command's outputs" in result.stderr, result.stderr
    result = learned(tureen, paths, f"{sys.executable} -c pass {{path}}", out, check=False)
    assert result.returncode == 64 and "where the gradient file goes" in result.stderr, result.stderr
