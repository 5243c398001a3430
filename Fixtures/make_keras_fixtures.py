"""Writes Tureen's Keras fixtures with Keras 3 itself (`make keras-fixtures`, in .venv-keras; the JAX
backend, never torch). The weights are deterministic; `metadata.json` records the date saved.

- `mlp_1.keras`, `mlp_2.keras`, `mlp_3.keras`: one small model (Embedding, Conv1D,
  BatchNormalization, Dense) with three seeds, the moving statistics set to random values too, as
  three fine-tunes of one architecture would be: the soup fixtures.
- `bf16.keras`: a Dense model whose variables are bfloat16 (Keras stores them as opaque data with a
  `dtype` attribute).
- `other.keras`: another architecture (wider Dense), for refusals.
"""
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
KERAS = HERE / "keras"


def mlp(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((6,), dtype="int32"),
        keras.layers.Embedding(20, 4),
        keras.layers.Conv1D(5, 3),
        keras.layers.BatchNormalization(),
        keras.layers.Flatten(),
        keras.layers.Dense(3),
    ], name="mlp")
    batch_norm = model.layers[2]
    rng = np.random.default_rng(seed)
    batch_norm.moving_mean.assign(rng.normal(size=5).astype("float32"))
    batch_norm.moving_variance.assign(rng.uniform(0.5, 2.0, size=5).astype("float32"))
    return model


def bf16():
    keras.utils.set_random_seed(7)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, dtype="bfloat16")], name="bf16")


def other():
    keras.utils.set_random_seed(8)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(5)], name="other")


def main():
    KERAS.mkdir(exist_ok=True)
    for seed in (1, 2, 3):
        mlp(seed).save(KERAS / f"mlp_{seed}.keras")
    bf16().save(KERAS / "bf16.keras")
    other().save(KERAS / "other.keras")


if __name__ == "__main__":
    main()
