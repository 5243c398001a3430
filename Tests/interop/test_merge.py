"""`tureen merge` of mergekit configurations, checked against float64 numpy references of
mergekit 0.1.5's formulas written here (task arithmetic, linear, Model Stock, SLERP), hand-checked
cases, and every supported and refused configuration key."""
import json
import subprocess

import ml_dtypes
import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from runner import TUREEN
from test_soup import assert_close_to_reference

SHAPES = {
    "model.embed_tokens.weight": (16, 24),
    "model.layers.0.mlp.weight": (48, 24),
    "model.layers.1.mlp.weight": (48, 24),
    "model.layers.2.mlp.weight": (48, 24),
    "model.norm.weight": (24,),
}


def write_models(folder, count, dtype=np.float32, seed=0, spread=0.05):
    """A base model and `count` fine-tunes of it (base + small noise), all with an identical
    int64 `position_ids`; returns (base path, [model paths], {name: float64 arrays} per model)."""
    rng = np.random.default_rng(seed)
    base = {name: rng.standard_normal(shape).astype(dtype) for name, shape in SHAPES.items()}
    paths, values = [], []
    for index in range(count + 1):
        tensors = base if index == 0 else {
            name: (array.astype(np.float64) + rng.standard_normal(array.shape) * spread).astype(dtype) for name, array in base.items()}
        path = folder / ("base.safetensors" if index == 0 else f"model{index}.safetensors")
        save_file({**tensors, "position_ids": np.arange(7, dtype=np.int64)}, path)
        paths.append(path)
        values.append({name: array.astype(np.float64) for name, array in tensors.items()})
    return paths[0], paths[1:], values


def write_config(folder, text, name="merge.yml"):
    path = folder / name
    path.write_text(text)
    return path


def weighted_config(folder, method, models, weights, base=None, extra=""):
    """A configuration of `models` with a weight each (and `base_model` when given)."""
    entries = "".join(f"  - model: {model}\n    parameters: {{weight: {weight}}}\n" for model, weight in zip(models, weights))
    return write_config(folder, "models:\n" + entries + (f"base_model: {base}\n" if base else "") + f"merge_method: {method}\n" + extra)


def refusal(tureen, config, folder, *args):
    """The message of a merge that must fail (exit 1) before writing anything."""
    out = folder / "out.safetensors"
    result = tureen("merge", config, "-o", out, *args, check=False)
    assert result.returncode == 1, result.stderr
    assert not out.exists()
    return result.stderr


def merge(tureen, config, out, *args):
    result = tureen("merge", config, "-o", out, "--json", *args)
    return load_file(out), json.loads(result.stdout)


def layer_t(name):
    """mergekit 0.1.5's layer position for these fixtures: 3 layers; tensors outside them at 0."""
    if "layers." in name:
        return int(name.split("layers.")[1].split(".")[0]) / 2
    return 0.0


@pytest.mark.parametrize("dtype", [ml_dtypes.bfloat16, np.float32])
def test_task_arithmetic_with_gradient_and_filtered_weights_matches_a_float64_reference(tureen, tmp_path, dtype):
    # Weights with many digits: with round ones (0.2, 0.75, λ = 0.9) some bf16 results are exact
    # ties in decimal, which the weights' binary rounding breaks either way.
    base, models, values = write_models(tmp_path, 2, dtype)
    config = write_config(tmp_path, f"""
models:
  - model: {models[0]}
    parameters:
      weight: [0.2137, 1.0391]
  - model: {models[1]}
    parameters:
      weight:
        - filter: mlp
          value: -0.4871
        - value: 0.7391
base_model: {base}
merge_method: task_arithmetic
parameters:
  lambda: 0.913
""")
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    reference = {}
    for name in SHAPES:
        t = layer_t(name)
        weights = [0.2137 + (1.0391 - 0.2137) * t, -0.4871 if "mlp" in name else 0.7391]
        theta0 = values[0][name]
        reference[name] = theta0 + 0.913 * sum(w * (values[i + 1][name] - theta0) for i, w in enumerate(weights))
    assert_close_to_reference(out, reference)
    assert np.array_equal(out["position_ids"], np.arange(7))


def test_task_arithmetic_normalizes_only_when_told_and_not_when_weights_cancel(tureen, tmp_path):
    base, models, values = write_models(tmp_path, 2)
    for normalize, weights in [(True, (0.5137, 1.4719)), (True, (1.0, -1.0)), (False, (0.5137, 1.4719))]:
        config = write_config(tmp_path, f"""
models:
  - model: {models[0]}
    parameters: {{weight: {weights[0]}}}
  - model: {models[1]}
    parameters: {{weight: {weights[1]}}}
base_model: {base}
merge_method: task_arithmetic
parameters: {{normalize: {str(normalize).lower()}}}
""")
        out, _ = merge(tureen, config, tmp_path / "out.safetensors", "--force")
        divisor = sum(weights) if normalize and abs(sum(weights)) >= 1e-8 else 1
        reference = {name: values[0][name] + sum(w * (values[i + 1][name] - values[0][name]) for i, w in enumerate(weights)) / divisor
                     for name in SHAPES}
        assert_close_to_reference(out, reference)


def test_linear_merge_normalizes_by_default_and_reads_any_format(tureen, tmp_path):
    _, models, values = write_models(tmp_path, 3)
    npz = tmp_path / "model3.npz"
    np.savez(npz, **load_file(models[2]))
    config = write_config(tmp_path, f"""
models:
  - model: {models[0]}
    parameters: {{weight: 1}}
  - model: {models[1]}
    parameters: {{weight: 2}}
  - model: {npz}
    parameters: {{weight: 5}}
merge_method: linear
""")
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    reference = {name: (values[1][name] + 2 * values[2][name] + 5 * values[3][name]) / 8 for name in SHAPES}
    assert_close_to_reference(out, reference)


def model_stock_reference(theta0, thetas):
    """mergekit 0.1.5's Model Stock for one tensor, in float64: (result, c, t)."""
    deltas = [(theta - theta0).ravel() for theta in thetas]
    cosines = []
    for i in range(len(deltas)):
        for j in range(i + 1, len(deltas)):
            norms = np.linalg.norm(deltas[i]) * np.linalg.norm(deltas[j])
            cosines.append(np.clip(deltas[i] @ deltas[j] / max(norms, 1e-6), -1, 1))
    c = np.mean(cosines)
    n = len(thetas)
    t = n * c / (1 + (n - 1) * c)
    return t * sum(thetas) / n + (1 - t) * theta0, c, t


@pytest.mark.parametrize("dtype", [ml_dtypes.bfloat16, np.float32])
def test_model_stock_matches_a_float64_reference_and_reports_each_t(tureen, tmp_path, dtype):
    base, models, values = write_models(tmp_path, 3, dtype)
    # Correlated fine-tunes, so that t is well inside (0, 1): a shared direction plus noise.
    rng = np.random.default_rng(7)
    shared = {name: rng.standard_normal(shape) * 0.05 for name, shape in SHAPES.items()}
    for index, path in enumerate(models):
        tensors = {name: (values[0][name] + shared[name] + rng.standard_normal(SHAPES[name]) * 0.03).astype(dtype) for name in SHAPES}
        save_file({**tensors, "position_ids": np.arange(7, dtype=np.int64)}, path)
        values[index + 1] = {name: array.astype(np.float64) for name, array in tensors.items()}
    config = write_config(tmp_path, f"""
models:
  - model: {base}
  - model: {models[0]}
  - model: {models[1]}
  - model: {models[2]}
base_model: {base}
merge_method: model_stock
""")
    out, report = merge(tureen, config, tmp_path / "out.safetensors")
    reported = {entry["tensor"]: entry["values"] for entry in report["tensors"]}
    reference = {}
    for name in SHAPES:
        reference[name], c, t = model_stock_reference(values[0][name], [values[i][name] for i in (1, 2, 3)])
        assert reported[name]["cosine"] == pytest.approx(c, rel=1e-12)
        assert reported[name]["t"] == pytest.approx(t, rel=1e-12)
        assert 0.3 < t < 0.95
    assert_close_to_reference(out, reference)


def write_vectors(folder, vectors):
    """One f32 model per vector, each with the single tensor 'w'."""
    paths = []
    for index, vector in enumerate(vectors):
        path = folder / f"v{index}.safetensors"
        save_file({"w": np.asarray(vector, dtype=np.float32)}, path)
        paths.append(path)
    return paths


def model_stock_config(folder, base, models):
    return write_config(folder, "models:\n" + "".join(f"  - model: {m}\n" for m in models)
                        + f"base_model: {base}\nmerge_method: model_stock\n")


@pytest.mark.parametrize("vectors, expected, t", [
    # Orthogonal task vectors: c = 0, t = 0, the base.
    ([[1, 1, 1, 1], [2, 1, 1, 1], [1, 2, 1, 1]], [1, 1, 1, 1], 0.0),
    # Equal task vectors: c = 1, t = 1, their mean.
    ([[1, 1, 1, 1], [3, 1, 1, 1], [3, 1, 1, 1]], [3, 1, 1, 1], 1.0),
    # One zero task vector: its cosine is 0 (norms floored), so c = 0 and t = 0.
    ([[1, 1, 1, 1], [1, 1, 1, 1], [1, 5, 1, 1]], [1, 1, 1, 1], 0.0),
    # Every task vector zero: c = 0, t = 0, the base (which every model equals).
    ([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]], [1, 2, 3, 4], 0.0),
    # Two opposite task vectors: c = −1, 1 + (N − 1)·c = 0: t is undefined and taken as 0, the base.
    ([[0, 0, 0, 0], [1, 0, 0, 0], [-2, 0, 0, 0]], [0, 0, 0, 0], 0.0),
    # Three task vectors at 120°: c = −1/2 = −1/(N − 1) up to rounding: t = 0 too.
    ([[0, 0, 0, 0], [1, -1, 0, 0], [0, 1, -1, 0], [-1, 0, 1, 0]], [0, 0, 0, 0], 0.0),
])
def test_model_stock_hand_checked_cases(tureen, tmp_path, vectors, expected, t):
    base, *models = write_vectors(tmp_path, vectors)
    out, report = merge(tureen, model_stock_config(tmp_path, base, models), tmp_path / "out.safetensors")
    assert report["tensors"][0]["values"]["t"] == t
    assert out["w"].tolist() == expected


def test_model_stock_refuses_non_finite_task_vectors_before_writing(tureen, tmp_path):
    base, *models = write_vectors(tmp_path, [[0, 0, 0], [1, 0, np.inf], [0, 1, 0]])
    out = tmp_path / "out.safetensors"
    result = tureen("merge", model_stock_config(tmp_path, base, models), "-o", out, check=False)
    assert result.returncode != 0
    assert "tensor 'w'" in result.stderr and "NaN or ±Inf" in result.stderr
    assert not out.exists()


def slerp_reference(t, v0, v1):
    """mergekit 0.1.5's slerp, in float64."""
    def unit(v):
        norm = np.linalg.norm(v)
        return v / norm if norm > 1e-8 else v
    dot = np.sum(unit(v0.ravel()) * unit(v1.ravel()))
    if abs(dot) > 0.9995:
        return (1 - t) * v0 + t * v1
    theta = np.arccos(dot)
    return np.sin((1 - t) * theta) / np.sin(theta) * v0 + np.sin(t * theta) / np.sin(theta) * v1


def slerp_config(folder, base, other, t):
    return write_config(folder, f"""
models:
  - model: {base}
  - model: {other}
base_model: {base}
merge_method: slerp
parameters:
  t: {t}
""")


@pytest.mark.parametrize("dtype", [ml_dtypes.bfloat16, np.float32])
def test_slerp_with_a_layer_gradient_matches_a_float64_reference(tureen, tmp_path, dtype):
    base, models, values = write_models(tmp_path, 1, dtype, spread=1.0)
    out, report = merge(tureen, slerp_config(tmp_path, base, models[0], "[0.1, 0.9]"), tmp_path / "out.safetensors")
    reference = {name: slerp_reference(0.1 + 0.8 * layer_t(name), values[0][name], values[1][name]) for name in SHAPES}
    assert_close_to_reference(out, reference)
    assert all(entry["values"]["linear"] == 0 for entry in report["tensors"])


@pytest.mark.parametrize("t, expected", [(0, "base"), (1, "other")])
def test_slerp_at_the_ends_gives_each_model_exactly(tureen, tmp_path, t, expected):
    base, models, _ = write_models(tmp_path, 1, ml_dtypes.bfloat16, spread=1.0)
    out, _ = merge(tureen, slerp_config(tmp_path, base, models[0], t), tmp_path / "out.safetensors")
    source = load_file(base if expected == "base" else models[0])
    for name in SHAPES:
        assert np.array_equal(out[name].view(np.uint16), source[name].view(np.uint16)), name


def test_slerp_of_parallel_tensors_interpolates_linearly(tureen, tmp_path):
    base, other = write_vectors(tmp_path, [[1, 2, 3, 4], [2, 4, 6, 8]])
    out, report = merge(tureen, slerp_config(tmp_path, base, other, 0.25), tmp_path / "out.safetensors")
    assert report["tensors"][0]["values"]["linear"] == 1
    assert out["w"].tolist() == [1.25, 2.5, 3.75, 5.0]


def test_fail_on_nonfinite_names_the_models_and_the_base_by_path(tureen, tmp_path):
    base, models, _ = write_models(tmp_path, 2)
    for path in (base, models[1]):
        poisoned = load_file(path)
        poisoned["model.norm.weight"][3] = np.nan
        save_file(poisoned, path)
    config = weighted_config(tmp_path, "task_arithmetic", models, [1, 1], base=base)
    message = refusal(tureen, config, tmp_path, "--fail-on-nonfinite")
    assert f"1 in {models[1]}, 1 in the base {base}, 1 in the result" in message, message


def equal_task_arithmetic(folder):
    """The text of a task arithmetic of two f32 models with weight 1 each."""
    base, models, _ = write_models(folder, 2)
    return f"""
models:
  - model: {models[0]}
    parameters: {{weight: 1}}
  - model: {models[1]}
    parameters: {{weight: 1}}
base_model: {base}
merge_method: task_arithmetic
"""


def test_dtype_and_out_dtype_set_the_output_dtype(tureen, tmp_path):
    text = equal_task_arithmetic(tmp_path) + "dtype: float32\n"
    out, _ = merge(tureen, write_config(tmp_path, text + "out_dtype: bfloat16\n"), tmp_path / "a.safetensors")
    assert out["model.norm.weight"].dtype == ml_dtypes.bfloat16
    out, _ = merge(tureen, write_config(tmp_path, text.replace("float32", "float16")), tmp_path / "b.safetensors")
    assert out["model.norm.weight"].dtype == np.float16
    out, _ = merge(tureen, write_config(tmp_path, text), tmp_path / "c.safetensors", "--dtype", "f64")
    assert out["model.norm.weight"].dtype == np.float64


REFUSED = [
    ("slices:\n  - sources: []\n", "'slices'"),
    ("tokenizer_source: union\n", "'tokenizer_source'"),
    ("tokenizer:\n  source: base\n", "'tokenizer'"),
    ("chat_template: chatml\n", "'chat_template'"),
    ("frobnicate: 1\n", "'frobnicate'"),
    ("parameters:\n  int8_mask: true\n", "'parameters.int8_mask'"),
    ("parameters:\n  t: 0.5\n", "'parameters.t'"),
    ("dtype: int8\n", "'dtype'"),
]


@pytest.mark.parametrize("extra, named", REFUSED)
def test_unsupported_keys_are_refused_naming_the_key(tureen, tmp_path, extra, named):
    config = write_config(tmp_path, equal_task_arithmetic(tmp_path) + extra)
    out = tmp_path / "out.safetensors"
    result = tureen("merge", config, "-o", out, check=False)
    assert result.returncode != 0
    assert named in result.stderr, result.stderr
    assert not out.exists()


@pytest.mark.parametrize("method, parameters, message", [
    ("model_stock", "    parameters: {weight: 1}\n", "'models[0].parameters.weight'"),
    ("task_arithmetic", "", "parameter 'weight' of model"),
    ("ties", "    parameters: {weight: 1, density: 1.5}\n", "'models[0].parameters.density' must be a fraction from 0 to 1, not 1.5"),
    ("ties", "    parameters: {weight: 1, density: [{filter: mlp, value: -0.1}]}\n",
     "'models[0].parameters.density[0].value' must be a fraction from 0 to 1, not -0.1"),
    ("task_arithmetic", "    parameters: {weight: .nan}\n", "'models[0].parameters.weight' must be a finite number, not nan"),
    ("task_arithmetic", "    parameters: {weight: [1, 1e400]}\n", "'models[0].parameters.weight[1]' must be a finite number, not inf"),
    ("nuslerp", "", "method 'nuslerp' is not one Tureen has"),
])
def test_methods_and_their_parameters_are_checked(tureen, tmp_path, method, parameters, message):
    base, models, _ = write_models(tmp_path, 2)
    config = write_config(tmp_path, "models:\n" + "".join(f"  - model: {m}\n{parameters}" for m in models)
                          + f"base_model: {base}\nmerge_method: {method}\n")
    result = tureen("merge", config, "-o", tmp_path / "out.safetensors", check=False)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr


def test_a_layer_index_too_large_for_the_gradient_arithmetic_is_merged_not_a_crash(tureen, tmp_path):
    # Regression: `layers.9223372036854775807.` made the layer count Int.max + 1 (exit 132).
    paths = []
    for index in range(2):
        path = tmp_path / f"m{index}.safetensors"
        save_file({"layers.9223372036854775807.w": np.full(4, index, np.float32), "x": np.full(4, index, np.float32)}, path)
        paths.append(path)
    config = write_config(tmp_path, f"""
models:
  - model: {paths[0]}
    parameters: {{weight: [1, 3]}}
  - model: {paths[1]}
    parameters: {{weight: 1}}
merge_method: linear
""")
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    # The huge layer is the last one (t = 1: weight 3); "x" lies outside the layers (t = 0: weight 1).
    np.testing.assert_array_equal(out["layers.9223372036854775807.w"], np.full(4, 0.25, np.float32))
    np.testing.assert_array_equal(out["x"], np.full(4, 0.5, np.float32))


def test_linear_merges_a_base_model_listed_among_its_models(tureen, tmp_path):
    # Regression: the configuration was accepted, then the merge refused the base as unused.
    base, models, values = write_models(tmp_path, 1)
    config = weighted_config(tmp_path, "linear", [base, models[0]], [1, 3], base=base)
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    assert_close_to_reference(out, {name: (values[0][name] + 3 * values[1][name]) / 4 for name in SHAPES})


def test_the_summary_names_each_model_with_its_own_non_finite_count_and_the_base_apart(tureen, tmp_path):
    # Regression: the base was listed as the first ingredient, so every count sat one model early.
    base, models, _ = write_models(tmp_path, 2)
    for path, count in [(base, 3), (models[0], 2), (models[1], 1)]:
        tensors = load_file(path)
        tensors["model.norm.weight"][:count] = np.nan
        save_file(tensors, path)
    config = weighted_config(tmp_path, "task_arithmetic", models, [1, 1], base=base)
    result = tureen("merge", config, "-o", tmp_path / "out.safetensors")
    assert "merged 2 ingredients" in result.stderr + result.stdout
    line = next(text for text in (result.stderr + result.stdout).splitlines() if text.startswith("non-finite values"))
    assert f"{models[0]}: 2, {models[1]}: 1, base {base}: 3, result: 3" in line, line


@pytest.mark.parametrize("empty", ["null", '""'])
def test_a_null_or_empty_filter_matches_every_tensor_as_in_mergekit(tureen, tmp_path, empty):
    # Regression: `filter: null` was read as the text "null", which matched no tensor, silently;
    # `filter: ""` was refused.
    _, models, values = write_models(tmp_path, 2)
    config = write_config(tmp_path, f"""
models:
  - model: {models[0]}
    parameters:
      weight:
        - filter: {empty}
          value: 3
        - value: 1
  - model: {models[1]}
    parameters: {{weight: 1}}
merge_method: linear
""")
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    assert_close_to_reference(out, {name: (3 * values[1][name] + values[2][name]) / 4 for name in SHAPES})


@pytest.mark.parametrize("key, text", [("models[0].model", "  - model: ~\n"), ("base_model", "base_model: null\n")])
def test_a_null_model_path_is_refused_naming_the_key(tureen, tmp_path, key, text):
    base, models, _ = write_models(tmp_path, 1)
    entries = text if key.startswith("models") else ""
    config = write_config(tmp_path, "models:\n" + entries + f"  - model: {models[0]}\n"
                          + (text if key == "base_model" else f"base_model: {base}\n") + "merge_method: task_arithmetic\n")
    message = refusal(tureen, config, tmp_path)
    assert f"'{key}'" in message, message


@pytest.mark.parametrize("key", ["models[1].model", "base_model"])
def test_mergekits_model_plus_lora_syntax_is_refused_as_such(tureen, tmp_path, key):
    # Regression: "model+adapter" (mergekit applies the LoRA adapter) failed as "cannot open".
    base, models, _ = write_models(tmp_path, 2)
    lora = f"{models[1] if key.startswith('models') else base}+{tmp_path}/adapter"
    config = weighted_config(tmp_path, "task_arithmetic", [models[0], lora if key.startswith("models") else models[1]], [1, 1],
                             base=lora if key == "base_model" else base)
    message = refusal(tureen, config, tmp_path)
    assert f"'{key}' is not supported" in message and "LoRA" in message, message


def test_a_model_file_whose_name_holds_a_plus_is_merged_as_a_file(tureen, tmp_path):
    base, models, values = write_models(tmp_path, 2)
    plus = models[1].rename(tmp_path / "model+2.safetensors")
    out, _ = merge(tureen, weighted_config(tmp_path, "task_arithmetic", [models[0], plus], [1, 1], base=base), tmp_path / "out.safetensors")
    assert_close_to_reference(out, {name: values[1][name] + values[2][name] - values[0][name] for name in SHAPES})


def test_the_base_listed_among_the_models_under_another_spelling_is_still_the_base(tureen, tmp_path):
    # Regression: "./base.safetensors" among the models was merged as one more model.
    base, models, _ = write_models(tmp_path, 1)
    config = write_config(tmp_path, f"""
models:
  - model: {tmp_path}/./{base.name}
  - model: {models[0]}
base_model: {base}
merge_method: model_stock
""")
    message = refusal(tureen, config, tmp_path)
    assert "at least two models" in message, message


def test_parameters_on_the_base_models_own_entry_are_refused_not_ignored(tureen, tmp_path):
    # mergekit leaves the base out of the models it merges, and with it that entry's parameters.
    base, models, _ = write_models(tmp_path, 1)
    config = weighted_config(tmp_path, "task_arithmetic", [base, models[0]], [5, 1], base=base)
    message = refusal(tureen, config, tmp_path)
    assert "'models[0].parameters'" in message and "base model" in message, message


def test_linear_without_normalizing_takes_weights_that_sum_to_zero_as_a_difference(tureen, tmp_path):
    # Regression: weights 1 and −1 with `normalize: false` were refused as a soup's would be; mergekit
    # computes Σ wᵢθᵢ.
    _, models, values = write_models(tmp_path, 2)
    config = weighted_config(tmp_path, "linear", models, [1, -1], extra="parameters: {normalize: false}\n")
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    assert_close_to_reference(out, {name: values[1][name] - values[2][name] for name in SHAPES})


def test_a_thread_count_beyond_the_limit_is_refused_before_any_work(tureen, tmp_path):
    # Regression: --threads 100000 spent minutes and gigabytes starting threads.
    config = write_config(tmp_path, equal_task_arithmetic(tmp_path))
    out = tmp_path / "out.safetensors"
    result = tureen("merge", config, "-o", out, "--threads", "100000", check=False)
    assert result.returncode == 64, result.stderr
    assert "--threads must be at most 1024, not 100000" in result.stderr, result.stderr
    assert not out.exists()


def unreadable_configuration(folder, kind):
    """A configuration path that is no small UTF-8 file, of one kind."""
    if kind == "folder":
        return folder
    path = folder / f"{kind}.yml"
    if kind == "latin-1":
        path.write_bytes(b"merge_method: linear # caf\xe9\n")
    elif kind == "large":
        path.write_bytes(b"#" * (5 << 20))
    return path


@pytest.mark.parametrize("kind, reason", [
    ("folder", "it is a folder; give the YAML file"),
    ("latin-1", "it is not UTF-8 text"),
    ("large", "it holds more than 4 MiB; a merge configuration is a small YAML file"),
    ("missing", "No such file or directory"),
])
def test_a_configuration_that_is_no_small_utf8_file_is_refused_with_the_reason(tureen, tmp_path, kind, reason):
    # Regression: Foundation's messages ("The file isn't in the correct format", "NSCocoaErrorDomain
    # error 256"), and a checkpoint given as the configuration would have been read whole.
    (tmp_path / "configs").mkdir()
    config = unreadable_configuration(tmp_path / "configs", kind)
    message = refusal(tureen, config, tmp_path)
    assert f"{config}: cannot read the merge configuration: {reason}" in message, message


def test_a_yaml_merge_key_is_refused_as_such(tureen, tmp_path):
    # Regression: `<<` was read as a parameter name, "a condition takes 'filter' and 'value' only".
    _, models, _ = write_models(tmp_path, 2)
    config = write_config(tmp_path, f"""
models:
  - model: {models[0]}
    parameters: &defaults {{weight: 1}}
  - model: {models[1]}
    parameters:
      <<: *defaults
merge_method: linear
""")
    message = refusal(tureen, config, tmp_path)
    assert "'models[1].parameters.<<' is not supported: YAML merge keys are not supported" in message, message


@pytest.mark.parametrize("method", ["model_stock", "slerp"])
def test_finite_values_whose_squares_overflow_are_refused_with_that_reason(tureen, tmp_path, method):
    # Regression: finite float64 values near 1e200 were refused as if the tensor held NaN or ±Inf.
    paths = []
    for index, vector in enumerate([[0.0, 0.0, 0.0], [1e200, 1e200, 0.0], [1e200, 0.0, 1.0]]):
        path = tmp_path / f"v{index}.safetensors"
        save_file({"w": np.asarray(vector, dtype=np.float64)}, path)
        paths.append(path)
    if method == "model_stock":
        config = model_stock_config(tmp_path, paths[0], paths[1:])
    else:
        config = write_config(tmp_path, f"models:\n  - model: {paths[0]}\n  - model: {paths[1]}\n"
                              f"base_model: {paths[0]}\nmerge_method: slerp\nparameters: {{t: 0.5}}\n")
    message = refusal(tureen, config, tmp_path)
    assert "tensor 'w'" in message and "squares overflow" in message, message


def test_a_yaml_error_on_a_long_line_is_reported_in_a_few_lines(tureen, tmp_path):
    # Regression: the parser's message quoted the whole offending line and a caret line as long,
    # 800 KB of stderr for a 400 KB line.
    config = write_config(tmp_path, "merge_method: linear\nmodels: [" + "a," * 200_000 + ": : ]\n")
    message = refusal(tureen, config, tmp_path)
    assert "not a YAML merge configuration" in message and "line 2, column 400010" in message, message[:500]
    assert len(message) < 2000, len(message)


def test_a_configuration_with_a_byte_order_mark_is_read(tureen, tmp_path):
    # Regression: the swift-system reader kept the mark, which the YAML parser refused.
    _, models, values = write_models(tmp_path, 2)
    text = weighted_config(tmp_path, "linear", models, [1, 3]).read_text()
    config = tmp_path / "bom.yml"
    config.write_bytes(b"\xef\xbb\xbf" + text.encode())
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    assert_close_to_reference(out, {name: (values[1][name] + 3 * values[2][name]) / 4 for name in SHAPES})


def test_null_optional_keys_are_absent_as_in_mergekit(tureen, tmp_path):
    _, models, values = write_models(tmp_path, 2)
    config = weighted_config(tmp_path, "linear", models, [1, 1], extra="base_model: null\nparameters: ~\ndtype: null\nout_dtype:\n")
    out, _ = merge(tureen, config, tmp_path / "out.safetensors")
    assert_close_to_reference(out, {name: (values[1][name] + values[2][name]) / 2 for name in SHAPES})
    assert out["model.norm.weight"].dtype == np.float32


def test_the_base_listed_among_the_models_through_a_link_is_still_the_base(tureen, tmp_path):
    base, models, _ = write_models(tmp_path, 1)
    link = tmp_path / "link.safetensors"
    link.symlink_to(base)
    config = write_config(tmp_path, f"models:\n  - model: {link}\n  - model: {models[0]}\nbase_model: {base}\nmerge_method: model_stock\n")
    message = refusal(tureen, config, tmp_path)
    assert "at least two models" in message, message


def test_a_layer_gradient_where_no_tensor_name_has_a_layer_index_is_refused(tureen, tmp_path):
    # Regression: GPT-2 style names (`transformer.h.0.`) put every tensor at t = 0, so a gradient
    # silently acted as its first value.
    def model(name, offset):
        path = tmp_path / name
        save_file({f"transformer.h.{layer}.mlp.weight": np.full(4, layer + offset, dtype=np.float32) for layer in range(3)}, path)
        return path
    base, other = model("base.safetensors", 0), model("a.safetensors", 1)
    config = write_config(tmp_path, f"models:\n  - model: {other}\n    parameters: {{weight: [0, 1]}}\nbase_model: {base}\nmerge_method: task_arithmetic\n")
    message = refusal(tureen, config, tmp_path)
    assert "models[0].parameters.weight" in message and "no tensor name has a layer index" in message, message
    assert "layers.N." in message, message


def test_skipped_tensors_do_not_move_the_gradient_positions_of_the_others(tureen, tmp_path):
    # Regression: with --skip-missing the layer count came from the first model's names, so a model
    # without its last layer moved every gradient position (layers.1 at t = 1 instead of 1/2).
    base, models, values = write_models(tmp_path, 2)
    tensors = load_file(models[0])
    del tensors["model.layers.2.mlp.weight"]
    save_file(tensors, models[0])
    config = write_config(tmp_path, f"""
models:
  - model: {models[0]}
    parameters: {{weight: [0, 1]}}
  - model: {models[1]}
    parameters: {{weight: 1}}
base_model: {base}
merge_method: task_arithmetic
""")
    merged, _ = merge(tureen, config, tmp_path / "out.safetensors", "--skip-missing")
    assert "model.layers.2.mlp.weight" not in merged
    names = ("model.layers.0.mlp.weight", "model.layers.1.mlp.weight")
    reference = {name: values[0][name] + layer_t(name) * (values[1][name] - values[0][name]) + (values[2][name] - values[0][name]) for name in names}
    assert_close_to_reference({name: merged[name] for name in names}, reference)


def test_linear_weights_that_cancel_are_refused_when_normalising(tureen, tmp_path):
    # Regression: 0.1 + 0.2 − 0.3 sums to 5.6e-17 in binary, and the merge divided by it (values near 1e15).
    _, models, _ = write_models(tmp_path, 3)
    config = weighted_config(tmp_path, "linear", models, [0.1, 0.2, -0.3])
    message = refusal(tureen, config, tmp_path)
    assert "cancel" in message and "normalize: false" in message, message
    # Not normalising, the same weights are a combination, computed as given.
    tureen("merge", weighted_config(tmp_path, "linear", models, [0.1, 0.2, -0.3], extra="parameters: {normalize: false}\n"), "-o", tmp_path / "c.safetensors")



def test_a_missing_model_is_named_by_its_key_and_where_it_was_looked_for(tureen, tmp_path):
    # Regression: only "a.safetensors: cannot open: No such file or directory", from another folder.
    base, models, _ = write_models(tmp_path, 1)
    config = write_config(tmp_path, f"models:\n  - model: missing.safetensors\n    parameters: {{weight: 1}}\nbase_model: {base}\nmerge_method: task_arithmetic\n")
    result = tureen("merge", config, "-o", tmp_path / "out.safetensors", check=False)
    assert result.returncode == 1, result.stderr
    assert f"{config}: 'models[0].model' is missing.safetensors, which names no file or folder (a relative path is read from the current folder" in result.stderr, result.stderr


@pytest.mark.parametrize("line, key", [
    ("merge_method: !!python/object:os.system linear\n", "merge_method"),
    ("merge_method: linear\nparameters: {normalize: !custom true}\n", "parameters.normalize"),
])
def test_a_yaml_tag_that_is_not_a_yaml_type_is_refused_naming_the_key(tureen, tmp_path, line, key):
    # Regression: the tag was ignored and the value read by its text (PyYAML's safe_load, which
    # mergekit uses, refuses such tags).
    _, models, _ = write_models(tmp_path, 1)
    config = write_config(tmp_path, f"models:\n  - model: {models[0]}\n    parameters: {{weight: !!float 1}}\n" + line)
    message = refusal(tureen, config, tmp_path)
    assert f"'{key}' is not supported: its YAML tag" in message, message


def test_aliases_that_expand_to_billions_of_values_are_refused_at_once(tureen, tmp_path):
    # Regression (review): the tag check walked every expanded value (9^9 here) and hung.
    _, models, _ = write_models(tmp_path, 1)
    levels = "".join(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
                      for previous, name in zip("abcdefgh", "bcdefghi"))
    config = write_config(tmp_path, "a: &a [x, x, x, x, x, x, x, x, x]\n" + levels + f"models:\n  - model: {models[0]}\n    parameters: {{weight: 1}}\nmerge_method: linear\n")
    result = subprocess.run([TUREEN, "merge", config, "-o", tmp_path / "out.safetensors"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 1, result.stderr
    assert "once its aliases are expanded" in result.stderr, result.stderr
