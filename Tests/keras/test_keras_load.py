"""Keras 3 itself (JAX backend, never torch) loads what Tureen writes: the fixtures' model
(Embedding, Conv1D, BatchNormalization, Dense) built here with other seeds, saved by
`model.save`, souped and converted by Tureen, then opened with `keras.saving.load_model` and
compared with float64 numpy references."""
import json
import sys

import keras
import numpy as np
import pytest
from keras.src.utils import naming

from bits import read_safetensors, ulp_distance
from make_keras_fixtures import mlp

assert keras.backend.backend() != "torch", "the Keras tests never use the torch backend"


@pytest.fixture
def variants(tmp_path):
    paths = []
    for seed in (11, 12, 13):
        path = tmp_path / f"variant_{seed}.keras"
        mlp(seed).save(path)
        paths.append(path)
    return paths


INPUT = np.arange(12, dtype="int32").reshape(2, 6) % 20


def test_keras_loads_a_souped_archive_whose_weights_are_the_float64_mean(tureen, variants, tmp_path):
    out = tmp_path / "soup.keras"
    tureen("soup", "uniform", *variants, "-o", out)
    souped = keras.saving.load_model(out)
    inputs = [keras.saving.load_model(path) for path in variants]
    assert len(souped.weights) == 9
    for variable, *originals in zip(souped.weights, *[m.weights for m in inputs]):
        mean = sum(np.asarray(v, dtype=np.float64) for v in originals) / len(originals)
        assert ulp_distance(np.asarray(variable), mean.astype(np.float32)).max() <= 1, variable.path
    prediction = souped.predict(INPUT, verbose=0)
    assert prediction.shape == (2, 3) and np.isfinite(prediction).all()


def test_a_conversion_to_safetensors_holds_keras_own_weights(tureen, variants, tmp_path):
    out = tmp_path / "weights.safetensors"
    tureen("convert", variants[0], out)
    got = read_safetensors(out)
    loaded = keras.saving.load_model(variants[0])
    for layer in loaded.layers:
        # Keras names a layer's weights group after its class, not its name (`embedding`, not `embedding_3`).
        group = naming.to_snake_case(type(layer).__name__)
        for index, variable in enumerate(layer.weights):
            dtype, shape, raw = got[f"layers.{group}.vars.{index}"]
            assert dtype == "F32" and shape == list(variable.shape) and raw == np.asarray(variable).tobytes(), variable.path
    assert len(got) == len(loaded.weights)


def test_keras_loads_a_cast_and_a_weighted_soup(tureen, variants, tmp_path):
    half = tmp_path / "half.keras"
    tureen("convert", variants[0], half, "--dtype", "bf16")
    cast = keras.saving.load_model(half)
    original = keras.saving.load_model(variants[0])
    for variable, reference in zip(cast.weights, original.weights):
        assert np.allclose(np.asarray(variable), np.asarray(reference), rtol=2 ** -7, atol=1e-6), variable.path
    weighted = tmp_path / "weighted.keras"
    tureen("soup", "weighted", *variants, "--weights", "1,2,1", "-o", weighted)
    keras.saving.load_model(weighted).predict(INPUT, verbose=0)


EVAL = r'''
import os, sys, json
os.environ["KERAS_BACKEND"] = "jax"
import keras, numpy as np
model = keras.saving.load_model(sys.argv[1])
tokens = np.arange(12, dtype="int32").reshape(2, 6) % 20
print(json.dumps({"score": -float(np.abs(model.predict(tokens, verbose=0)).mean())}))
'''


def test_greedy_candidates_in_keras_format_are_loaded_by_an_evaluator_using_keras(tureen, variants, tmp_path):
    script = tmp_path / "eval.py"
    script.write_text(EVAL)
    out = tmp_path / "greedy.keras"
    report = json.loads(tureen("soup", "greedy", *variants, "-o", out, "--eval-format", "keras",
                               "--eval", f"{sys.executable} {script} {{path}}", "--json").stdout)
    assert report["kept"]
    keras.saving.load_model(out).predict(INPUT, verbose=0)
