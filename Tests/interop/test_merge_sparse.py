"""`tureen merge` with TIES, DARE-TIES and DARE-linear, checked against float64 numpy references of
mergekit 0.1.5's formulas written here: TIES's trim with ties at the threshold kept lowest index
first, DARE's counter-based mask reimplemented from its definition in Docs/merging.md, mergekit's
L1-norm rescale (exact sums, math.fsum), sign election and the agreeing weights' divisor."""
import math

import ml_dtypes
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from test_merge import SHAPES, layer_t, merge, write_config, write_models
from test_soup import assert_close_to_reference

GAMMA = 0x9E3779B97F4A7C15
WORD = (1 << 64) - 1


def mix(z):
    """SplitMix64's finaliser on numpy uint64 arrays (wrapping arithmetic)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def mix_int(z):
    return int(mix(np.array([z & WORD], dtype=np.uint64))[0])


def fnv1a(name):
    value = 0xCBF29CE484222325
    for byte in name.encode():
        value = ((value ^ byte) * 0x100000001B3) & WORD
    return value


def dare_kept(seed, ingredient, name, count, density):
    """Docs/merging.md's definition of DARE's mask: element i is kept when u(i) < density."""
    key = mix_int(mix_int(mix_int(seed + GAMMA) ^ ((ingredient + GAMMA) & WORD)) ^ fnv1a(name))
    with np.errstate(over="ignore"):
        index = np.arange(count, dtype=np.uint64)
        output = (index >> np.uint64(4)) << np.uint64(2) | (index & np.uint64(3))
        lane = (index >> np.uint64(2)) & np.uint64(3)
        word = mix(np.uint64(key) + (output + np.uint64(1)) * np.uint64(GAMMA))
        draws = ((word >> (np.uint64(48) - np.uint64(16) * lane)) & np.uint64(0xFFFF)).astype(np.float64) * 2.0 ** -16
    return draws < density


def trim_kept(delta, density):
    """mergekit's magnitude: the k = max(1, int(density·n)) largest |δ|, lower index first among equals."""
    flat = delta.ravel()
    if density >= 1:
        return np.ones(flat.size, dtype=bool)
    kept = np.zeros(flat.size, dtype=bool)
    if density <= 0:
        return kept
    key = np.abs(flat).view(np.uint64)
    order = np.lexsort((np.arange(flat.size), ~key))
    kept[order[:max(1, int(density * flat.size))]] = True
    return kept


def sparsified(delta, kept, rescale, density, zero_when_none=False):
    """δ·m, rescaled: True to the L1 norm before thinning (mergekit 0.1.5), "density" by 1/density
    (the DARE paper), False not at all."""
    if zero_when_none and not kept.any():
        return np.zeros_like(delta)
    thinned = delta * kept.reshape(delta.shape)
    if rescale == "density":
        thinned = thinned * (1 / density) if density > 0 else thinned
    elif rescale:
        before, after = math.fsum(np.abs(delta).ravel()), math.fsum(np.abs(thinned).ravel())
        if before >= 1e-7 and after >= 1e-7:
            thinned = thinned * (before / after)
    return thinned


def combine(theta0, deltas, weights, consensus, normalize, lam):
    """mergekit's generalized task arithmetic on float64 task vectors (already sparsified)."""
    terms = [w * d for w, d in zip(weights, deltas)]
    if consensus:
        elected = np.where(sum(terms) >= 0, 1.0, -1.0)
        agree = [(np.sign(t) == elected).astype(np.float64) for t in terms]
        mixed = sum(t * a for t, a in zip(terms, agree))
        divisor = sum(w * a for w, a in zip(weights, agree))
        divisor[divisor == 0] = 1
    else:
        mixed = sum(terms)
        divisor = sum(weights)
        divisor = 1.0 if abs(divisor) < 1e-8 else divisor
    if normalize:
        mixed = mixed / divisor
    return theta0 + mixed * lam


def reference(method, values, weights, densities, normalize, rescale, lam=1.0, seed=0):
    result = {}
    for name in SHAPES:
        theta0 = values[0][name]
        deltas = []
        for index, model in enumerate(values[1:]):
            delta = model[name] - theta0
            density = densities(name)[index]
            if method == "ties":
                deltas.append(sparsified(delta, trim_kept(delta, density), rescale if density < 1 else False, density,
                                         zero_when_none=density <= 0))
            else:
                kept = np.ones(delta.size, bool) if density >= 1 else dare_kept(seed, index, name, delta.size, density)
                deltas.append(sparsified(delta, kept, rescale if density < 1 else False, density))
        result[name] = combine(theta0, deltas, weights(name), method != "dare_linear", normalize, lam)
    return result


def single_tensor_models(folder, base, models, name="w"):
    paths = []
    for index, values in enumerate([base] + models):
        path = folder / f"t{index}.safetensors"
        save_file({name: np.asarray(values, dtype=np.float32)}, path)
        paths.append(path)
    return paths[0], paths[1:]


def sparse_config(folder, method, base, models, weights, densities, parameters=""):
    """A configuration merging `models` onto `base` with a weight and density each (a list of
    numbers for a layer gradient)."""
    entries = "".join(f"""
  - model: {path}
    parameters: {{weight: {weight}, density: {density}}}""" for path, weight, density in zip(models, weights, densities))
    return write_config(folder, f"""
models:{entries}
base_model: {base}
merge_method: {method}
{parameters}
""")


@pytest.mark.parametrize("dtype", [ml_dtypes.bfloat16, np.float32])
def test_ties_with_default_normalize_and_a_density_gradient_matches_a_float64_reference(tureen, tmp_path, dtype):
    base, models, values = write_models(tmp_path, 3, dtype)
    config = sparse_config(tmp_path, "ties", base, models, [1.0, 0.5, -0.3], [[0.2, 0.8], 0.5, 0.7])
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    expected = reference("ties", values, lambda name: [1.0, 0.5, -0.3],
                         lambda name: [0.2 + 0.6 * layer_t(name), 0.5, 0.7], normalize=True, rescale=False)
    assert_close_to_reference(out, expected)


@pytest.mark.parametrize("method", ["ties", "dare_ties"])
def test_sign_consensus_of_eleven_models_matches_a_float64_reference(tureen, tmp_path, method):
    # More ingredients than one consensus loop takes (eight): the sums carry over between groups.
    weights = [1.0, 0.5, -0.3, 0.8, 0.2, 1.5, 0.7, -0.1, 0.9, 0.4, 1.1]
    densities = [0.5, 0.3, 0.7, 0.6, 0.4, 0.5, 0.8, 0.2, 0.5, 0.9, 0.6]
    base, models, values = write_models(tmp_path, len(weights), np.float32, seed=5)
    config = sparse_config(tmp_path, method, base, models, weights, densities)
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    expected = reference(method, values, lambda name: weights, lambda name: densities,
                         normalize=method == "ties", rescale="density" if method == "dare_ties" else False)
    assert_close_to_reference(out, expected)


@pytest.mark.parametrize("method", ["dare_ties", "dare_linear"])
@pytest.mark.parametrize("rescale", [True, False, "density"])
def test_dare_matches_a_float64_reference_with_the_documented_mask(tureen, tmp_path, method, rescale):
    base, models, values = write_models(tmp_path, 2, np.float32, seed=3)
    config = sparse_config(tmp_path, method, base, models, [0.6, 0.8], [0.4, 0.9],
                           f"parameters: {{lambda: 1.5, rescale: {str(rescale).lower()}}}")
    out, _ = merge(tureen, config, tmp_path / "out.safetensors", "--seed", "11")
    expected = reference(method, values, lambda name: [0.6, 0.8], lambda name: [0.4, 0.9],
                         normalize=False, rescale=rescale, lam=1.5, seed=11)
    assert_close_to_reference(out, expected)


@pytest.mark.parametrize("method", ["dare_ties", "dare_linear"])
def test_dare_rescaled_by_the_density_adds_nothing_for_a_model_at_density_zero(tureen, tmp_path, method):
    # Regression: 1/0 made every value of the tensor NaN, the other models' too.
    base, models, values = write_models(tmp_path, 3, np.float32, seed=9)
    weights, densities = [0.6, 0.8, 1.0], [0.0, 0.6, 0.3]
    config = sparse_config(tmp_path, method, base, models, weights, densities, "parameters: {rescale: density}")
    out, _ = merge(tureen, config, tmp_path / "out.safetensors", "--seed", "4")
    expected = reference(method, values, lambda name: weights, lambda name: densities,
                         normalize=False, rescale="density", seed=4)
    assert_close_to_reference(out, expected)


@pytest.mark.parametrize("dtype", [ml_dtypes.bfloat16, np.float32])
def test_ties_rescaled_by_the_density_matches_a_float64_reference_and_leaves_density_zero_and_one_alone(tureen, tmp_path, dtype):
    base, models, values = write_models(tmp_path, 4, dtype, seed=7)
    weights, densities = [1.0, 0.5, -0.3, 0.8], [0.3, 0.6, 0.0, 1.0]
    config = sparse_config(tmp_path, "ties", base, models, weights, densities, "parameters: {rescale: density}")
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    expected = reference("ties", values, lambda name: weights, lambda name: densities, normalize=True, rescale="density")
    assert_close_to_reference(out, expected)


def test_ties_keeps_the_first_of_equal_magnitudes_and_elects_signs_by_weighted_sum(tureen, tmp_path):
    # δ₁ = [1, −1, 1, −1, 1, −1] keeps its first three (all tie); δ₂ = [−2, 0, 0, 0, 0, 2] keeps both.
    base, models = single_tensor_models(tmp_path, [0] * 6, [[1, -1, 1, -1, 1, -1], [-2, 0, 0, 0, 0, 2]])
    config = sparse_config(tmp_path, "ties", base, models, [1, 1], [0.5, 0.34])
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    np.testing.assert_array_equal(out["w"], np.array([-2, -1, 1, 0, 0, 2], dtype=np.float32))


def test_ties_at_density_one_and_zero_and_with_a_zero_task_vector(tureen, tmp_path):
    base, models = single_tensor_models(tmp_path, [1, 2, 3, 4], [[2, 2, 2, 2], [1, 2, 3, 4], [9, 9, 9, 9]])
    config = sparse_config(tmp_path, "ties", base, models, [1, 1, 1], [1, 0.5, 0])
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    # Only model 1's δ = [1, 0, −1, −2] remains (zeros have no sign); the divisor is its weight.
    np.testing.assert_array_equal(out["w"], np.array([2, 2, 2, 2], dtype=np.float32))


@pytest.mark.parametrize("parameters", ["", "parameters: {rescale: true}"])
def test_dare_output_is_the_same_for_one_and_two_threads_and_seeds_give_other_masks(tureen, tmp_path, parameters):
    # By default (1/density) and with mergekit's L1 rescale, whose norms are summed on every thread.
    rng = np.random.default_rng(4)
    base = rng.standard_normal((512, 300)).astype(np.float32)
    paths = []
    for index in range(3):
        path = tmp_path / f"m{index}.safetensors"
        save_file({"w": base if index == 0 else base + rng.standard_normal(base.shape).astype(np.float32) * 0.01}, path)
        paths.append(path)
    config = sparse_config(tmp_path, "dare_ties", paths[0], paths[1:], [1, 1], [0.3, 0.3], parameters)
    outputs = []
    for threads, seed in [(1, 0), (2, 0), (2, 1)]:
        out = tmp_path / f"out{threads}-{seed}.safetensors"
        tureen("merge", config, "-o", out, "--threads", str(threads), "--seed", str(seed))
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0] != outputs[2]


def test_dare_keeps_a_density_fraction_within_five_sigma_with_its_own_mask_per_model(tureen, tmp_path):
    count = 200_000
    base, models = single_tensor_models(tmp_path, np.zeros(count), [np.ones(count), np.ones(count)])
    config = sparse_config(tmp_path, "dare_linear", base, models, [1, 2], [0.25, 0.25], "parameters: {rescale: false}")
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    w = out["w"]
    first, second = (w == 1) | (w == 3), (w == 2) | (w == 3)
    sigma = math.sqrt(count * 0.25 * 0.75)
    for kept in (first, second):
        assert abs(kept.sum() - count * 0.25) < 5 * sigma
    # Independent masks: both kept in about a sixteenth of the elements, not a quarter.
    assert abs((first & second).sum() - count / 16) < 5 * math.sqrt(count / 16 * 15 / 16)
