"""The model soups demo (Fixtures/soups): its fine-tunes load in every format, Tureen reads them,
eval.py and grad.py keep the contract `tureen soup greedy --eval` and `soup learned --grad` rely on,
the bundled fine-tunes show the paper's effect with the numpy reference soups, and Tureen's greedy
and learned soups driven by eval.py and grad.py make what the reference makes."""
import json
import subprocess
import sys

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

import runner

SOUPS = runner.ROOT / "Fixtures" / "soups"
sys.path.insert(0, str(SOUPS))

import mlp  # noqa: E402  (Fixtures/soups is on the path only from here)
import reference  # noqa: E402
import train  # noqa: E402

FINE_TUNES = sorted(SOUPS.glob("ft-*.*"))


def last_line(*args):
    """Runs a demo script with this Python and returns the last non-empty line of its stdout."""
    result = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, check=True)
    return [line for line in result.stdout.splitlines() if line.strip()][-1]


@pytest.fixture(scope="module")
def fine_tunes():
    return [mlp.network_params(path) for path in FINE_TUNES]


def test_fine_tunes_come_in_three_formats_with_one_layout():
    assert len(FINE_TUNES) == len(train.RECIPES) >= 12
    assert {path.suffix for path in FINE_TUNES} == {".safetensors", ".npz", ".h5"}
    shapes = {name: value.shape for name, value in mlp.load_checkpoint(SOUPS / "pretrained.safetensors").items()}
    for path in [*FINE_TUNES, SOUPS / train.OTHER_INIT]:
        tensors = mlp.load_checkpoint(path)
        assert {name: value.shape for name, value in tensors.items()} == shapes, path.name
        assert all(value.dtype == np.float32 for value in tensors.values()), path.name


def test_tureen_checks_the_fine_tunes_as_one_architecture(tureen):
    tureen("check", *FINE_TUNES, SOUPS / train.OTHER_INIT)


def test_tureen_uniform_soup_scores_as_the_reference(tureen, tmp_path, fine_tunes):
    out = tmp_path / "uniform.safetensors"
    tureen("soup", "uniform", *FINE_TUNES, "-o", out)
    expected = reference.uniform(fine_tunes)
    assert float(last_line(SOUPS / "eval.py", out)) == mlp.accuracy(expected, *mlp.load_data("val"))


@pytest.mark.parametrize("index", [0, 1, 2])  # one of each format
def test_eval_prints_accuracy_on_the_chosen_split(index, fine_tunes):
    path = FINE_TUNES[index]
    assert float(last_line(SOUPS / "eval.py", path)) == mlp.accuracy(fine_tunes[index], *mlp.load_data("val"))
    assert float(last_line(SOUPS / "eval.py", path, "--split", "test")) == mlp.accuracy(fine_tunes[index], *mlp.load_data("test"))


def test_grad_writes_the_validation_loss_gradient(tmp_path, fine_tunes):
    soup = tmp_path / "soup.safetensors"
    save_file(reference.uniform(fine_tunes), soup)
    params = load_file(soup)
    loss = float(last_line(SOUPS / "grad.py", soup, tmp_path / "grad.safetensors"))
    grads = load_file(tmp_path / "grad.safetensors")
    assert {name: (g.shape, g.dtype) for name, g in grads.items()} == {name: (p.shape, np.float32) for name, p in params.items()}

    x, y = mlp.load_data("val")
    params64 = {name: value.astype(np.float64) for name, value in params.items()}
    assert loss == pytest.approx(mlp.cross_entropy(mlp.logits(params64, x), y), rel=1e-5)
    rng = np.random.default_rng(0)
    for name in ("fc1.weight", "fc2.bias", "fc3.weight"):
        for _ in range(2):
            where = tuple(int(rng.integers(n)) for n in params[name].shape)
            step = 1e-4
            plus, minus = ({**params64, name: params64[name].copy()} for _ in range(2))
            plus[name][where] += step
            minus[name][where] -= step
            numeric = (mlp.cross_entropy(mlp.logits(plus, x), y) - mlp.cross_entropy(mlp.logits(minus, x), y)) / (2 * step)
            assert grads[name][where] == pytest.approx(numeric, rel=1e-3, abs=1e-6), f"{name}{where}"


def test_reference_greedy_soup_matches_or_beats_the_best_fine_tune_and_leaves_out_the_bad_one(fine_tunes):
    x, y = mlp.load_data("val")
    scores = [mlp.accuracy(params, x, y) for params in fine_tunes]
    kept, score, _ = reference.greedy(fine_tunes, lambda params: mlp.accuracy(params, x, y))
    assert score >= max(scores)
    assert mlp.accuracy(reference.uniform([fine_tunes[k] for k in kept]), x, y) == score
    assert FINE_TUNES.index(SOUPS / train.TOO_HIGH_LR) not in kept
    assert mlp.accuracy(reference.uniform(fine_tunes), x, y) < max(scores)


def test_reference_learned_soup_lowers_the_validation_loss(fine_tunes):
    x, y = mlp.load_data("val")
    weights, losses = reference.learned(fine_tunes, lambda params: mlp.loss_and_grad(params, x, y), steps=5, lr=0.2)
    assert losses[-1] < losses[0]
    assert all(w.sum() == pytest.approx(1) and (w > 0).all() for w in weights.values())


def test_a_fine_tune_from_another_initialisation_does_not_soup(fine_tunes):
    x, y = mlp.load_data("val")
    other = mlp.network_params(SOUPS / train.OTHER_INIT)
    best = max(fine_tunes, key=lambda params: mlp.accuracy(params, x, y))
    assert mlp.accuracy(reference.uniform([best, other]), x, y) < 0.5 * min(mlp.accuracy(best, x, y), mlp.accuracy(other, x, y))


@pytest.fixture(scope="module")
def search_soups(tureen):
    """`tureen`, when it has the search soups of issue 12 (`soup greedy`, `soup learned`)."""
    if "greedy" not in runner.run("soup", "--help").stdout:
        pytest.skip("this tureen has no `soup greedy` (issue 12)")
    return tureen


def test_tureen_greedy_soup_with_eval_py_is_the_reference_greedy_soup(search_soups, tmp_path, fine_tunes):
    chosen = [0, 4, 8, len(FINE_TUNES) - 1]  # ft-13, whose learning rate is too high, is last
    out = tmp_path / "greedy.safetensors"
    search_soups("soup", "greedy", *[FINE_TUNES[i] for i in chosen], "--eval", f"{sys.executable} {SOUPS / 'eval.py'} {{path}}", "-o", out)
    x, y = mlp.load_data("val")
    ingredients = [fine_tunes[i] for i in chosen]
    kept, score, _ = reference.greedy(ingredients, lambda params: mlp.accuracy(params, x, y))
    expected = reference.uniform([ingredients[k] for k in kept])
    result = load_file(out)
    for name, value in expected.items():
        assert (np.abs(result[name] - value) <= np.spacing(np.abs(value))).all(), name
    assert float(last_line(SOUPS / "eval.py", out)) == score


def test_tureen_learned_soup_with_grad_py_learns_the_reference_weights(search_soups, tmp_path, fine_tunes):
    weights_file = tmp_path / "weights.json"
    search_soups("soup", "learned", *FINE_TUNES, "--grad", f"{sys.executable} {SOUPS / 'grad.py'} {{path}} {{grad}}",
                 "-o", tmp_path / "learned.safetensors", "--steps", 3, "--lr", 0.2, "--weights-out", weights_file)
    x, y = mlp.load_data("val")
    expected, _ = reference.learned(fine_tunes, lambda params: mlp.loss_and_grad(params, x, y), steps=3, lr=0.2)
    learned = json.loads(weights_file.read_text())["tensors"]
    for name, weights in expected.items():
        np.testing.assert_allclose(learned[name], weights, rtol=1e-4, err_msg=name)
