"""Makes the demo's data and checkpoints: one pretrained network, fine-tuned many ways.

    .venv/bin/python Fixtures/soups/train.py               # rewrites Fixtures/soups/ (seed 0)
    .venv/bin/python Fixtures/soups/train.py --seed 3 --out /tmp/soups-3
    .venv/bin/python Fixtures/soups/train.py --make-data   # also regenerates data.npz with mnist1d

The data is MNIST-1D (`mnist1d.data.make_dataset`, generated locally, never downloaded). The
network is pretrained once on a large source set (10,000 signals from another generator seed),
then fine-tuned on the target's small training split (3,000) with the recipes below, varied as the
model soups paper varies its CLIP fine-tunes: learning rate (one too high), weight decay, label
smoothing, augmentation, length and seed. One more network is pretrained from another random
initialisation and fine-tuned with the plain recipe: about as good alone, it lies in another basin
and does not soup with the rest. Everything is seeded: the same --seed writes the same bytes (with
the same numpy on the same machine).
"""
import argparse
import os
import pathlib

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small matrices: one thread is fastest and deterministic

import numpy as np

import mlp

FORMATS = ("safetensors", "npz", "h5")


def recipe(lr, weight_decay=0.0, smoothing=0.0, noise=0.0, shift=0, epochs=12):
    return {"lr": lr, "weight_decay": weight_decay, "smoothing": smoothing, "noise": noise, "shift": shift, "epochs": epochs}


# The fine-tunes, written as ft-01 … ft-13; the last one's learning rate is too high.
RECIPES = [
    recipe(1e-3),
    recipe(3e-4),
    recipe(1e-3, weight_decay=0.01),
    recipe(2e-3, noise=0.1),
    recipe(1e-3, shift=2),
    recipe(5e-4, smoothing=0.1),
    recipe(2e-3, weight_decay=0.1, epochs=8),
    recipe(1e-3, noise=0.2, shift=1),
    recipe(3e-4, shift=3, epochs=20),
    recipe(3e-3, smoothing=0.05, epochs=6),
    recipe(1e-3, weight_decay=0.03, noise=0.1, epochs=16),
    recipe(5e-4, smoothing=0.1, shift=2),
    recipe(3e-2),
]
PLAIN = RECIPES[0]
PRETRAINED = "pretrained.safetensors"
OTHER_INIT = "other-init.safetensors"


def checkpoint_name(number):
    """ft-01.safetensors, ft-02.npz, ft-03.h5, ft-04.safetensors, …"""
    return f"ft-{number:02d}.{FORMATS[(number - 1) % len(FORMATS)]}"


TOO_HIGH_LR = checkpoint_name(len(RECIPES))


def make_data(path):
    """MNIST-1D drawn locally with two generator seeds: a large source set for pretraining, and the
    target task's train / validation (held out: greedy and learned soups tune on it) / test splits."""
    from mnist1d.data import get_dataset_args, make_dataset

    def draw(seed, count):
        args = get_dataset_args()
        args.seed, args.num_samples, args.train_split = seed, count, 1.0
        data = make_dataset(args)
        return data["x"].astype(np.float32), data["y"].astype(np.int64)

    x_source, y_source = draw(1, 10000)
    x, y = draw(42, 7000)
    splits = {"pretrain": (x_source, y_source), "train": (x[:3000], y[:3000]),
              "val": (x[3000:5000], y[3000:5000]), "test": (x[5000:], y[5000:])}
    np.savez_compressed(path, **{f"{axis}_{name}": array for name, pair in splits.items()
                                  for axis, array in zip("xy", pair)})


def train(params, x, y, rng, lr, epochs, weight_decay=0.0, smoothing=0.0, noise=0.0, shift=0, batch=64):
    """Adam with decoupled weight decay (AdamW) and the augmentations: Gaussian noise and a random
    circular shift of up to `shift` positions."""
    params = {name: value.copy() for name, value in params.items()}
    first = {name: np.zeros_like(value) for name, value in params.items()}
    second = {name: np.zeros_like(value) for name, value in params.items()}
    beta1, beta2, step = 0.9, 0.999, 0
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch):
            index = order[start:start + batch]
            xb = x[index]
            if shift:
                rolls = rng.integers(-shift, shift + 1, size=len(index))
                xb = xb[np.arange(len(index))[:, None], (np.arange(xb.shape[1]) - rolls[:, None]) % xb.shape[1]]
            if noise:
                xb = xb + noise * rng.standard_normal(xb.shape).astype(np.float32)
            _, grads = mlp.loss_and_grad(params, xb, y[index], smoothing)
            step += 1
            for name, grad in grads.items():
                first[name] = beta1 * first[name] + (1 - beta1) * grad
                second[name] = beta2 * second[name] + (1 - beta2) * grad * grad
                update = (first[name] / (1 - beta1 ** step)) / (np.sqrt(second[name] / (1 - beta2 ** step)) + 1e-8)
                params[name] = (params[name] - lr * (update + weight_decay * params[name])).astype(np.float32)
    return params


def pretrain(seed):
    x, y = mlp.load_data("pretrain")
    rng = np.random.default_rng(seed)
    return train(mlp.init_params(rng), x, y, rng, lr=1e-3, epochs=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=pathlib.Path, default=mlp.HERE)
    parser.add_argument("--make-data", action="store_true", help="regenerate data.npz with mnist1d first")
    options = parser.parse_args()
    if options.make_data or not mlp.DATA.exists():
        make_data(mlp.DATA)
    options.out.mkdir(parents=True, exist_ok=True)
    x, y = mlp.load_data("train")
    x_val, y_val = mlp.load_data("val")
    base_seed = 1000 * options.seed

    shared = pretrain(base_seed)
    mlp.save_checkpoint(shared, options.out / PRETRAINED)
    print(f"pretrained: val {mlp.accuracy(shared, x_val, y_val):.3f}")
    for number, settings in enumerate(RECIPES, start=1):
        rng = np.random.default_rng(base_seed + number)
        params = train(shared, x, y, rng, **settings)
        path = options.out / checkpoint_name(number)
        mlp.save_checkpoint(params, path)
        print(f"{path.name}: val {mlp.accuracy(params, x_val, y_val):.3f}  {settings}")

    other = pretrain(base_seed + 999)
    params = train(other, x, y, np.random.default_rng(base_seed + 998), **PLAIN)
    mlp.save_checkpoint(params, options.out / OTHER_INIT)
    print(f"{OTHER_INIT}: val {mlp.accuracy(params, x_val, y_val):.3f}  (another initialisation)")


if __name__ == "__main__":
    main()
