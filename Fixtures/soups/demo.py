"""The model soups paper's table in miniature: best individual fine-tune, uniform soup, greedy soup,
learned soup and logit ensemble, on the held-out validation split and on the test split.

    TUREEN=.build/release/tureen .venv/bin/python Fixtures/soups/demo.py
    .venv/bin/python Fixtures/soups/demo.py --engine reference    # the numpy reference soups instead

The soups are made by `tureen soup uniform|greedy|learned` (greedy scores candidates with eval.py,
learned takes gradients from grad.py); `--engine reference` makes the same soups with reference.py,
in memory. Either way this script then scores every result itself, on both splits.
"""
import argparse
import os
import pathlib
import shlex
import subprocess
import sys
import tempfile

import numpy as np

import mlp
import reference
import train

STEPS, LR = 10, 0.2  # the learned soup's Adam steps and learning rate: few, so `make demo` stays fast


class TureenEngine:
    """Soups written by the `tureen` binary, run in the ingredients' folder (so the commands name
    them briefly); with `echo`, each command and its report are printed."""

    def __init__(self, binary, folder, echo):
        self.binary, self.folder, self.echo = binary, folder, echo

    def run(self, *args):
        args = [os.path.relpath(arg, self.folder) if isinstance(arg, pathlib.Path) and arg.is_relative_to(self.folder)
                else str(arg) for arg in args] + ["--force"]  # replace the outputs of an earlier run
        if self.echo:
            print("\n$ tureen " + " ".join(shlex.quote(arg) for arg in args), flush=True)
        try:
            result = subprocess.run([self.binary, *args], cwd=self.folder, text=True,
                                    stdout=None if self.echo else subprocess.PIPE, stderr=subprocess.PIPE)
        except FileNotFoundError:
            raise SystemExit(f"no tureen binary at {self.binary}: set TUREEN, or run `make release`") from None
        if self.echo:
            sys.stderr.write(result.stderr)
        if result.returncode != 0:
            raise SystemExit(f"tureen {args[0]} {args[1]} failed (exit {result.returncode})"
                             + ("" if self.echo else f":\n{result.stderr}")
                             + "\n(--engine reference makes the soups without tureen)")

    def uniform(self, paths, out):
        self.run("soup", "uniform", *paths, "-o", out)

    def greedy(self, paths, out):
        command = f"{shlex.quote(sys.executable)} {shlex.quote(str(mlp.HERE / 'eval.py'))} {{path}}"
        self.run("soup", "greedy", *paths, "--eval", command, "-o", out, "--plot", out.with_suffix(".svg"))

    def learned(self, paths, out, steps, lr):
        command = f"{shlex.quote(sys.executable)} {shlex.quote(str(mlp.HERE / 'grad.py'))} {{path}} {{grad}}"
        self.run("soup", "learned", *paths, "--grad", command, "-o", out, "--steps", steps, "--lr", lr,
                 "--weights-out", out.with_suffix(".json"), "--plot", out.with_suffix(".svg"))


class ReferenceEngine:
    """The same soups from reference.py, scored in memory exactly as eval.py and grad.py score files."""

    def __init__(self, echo):
        self.echo = echo

    def uniform(self, paths, out):
        mlp.save_checkpoint(reference.uniform([mlp.network_params(p) for p in paths]), out)

    def greedy(self, paths, out):
        x, y = mlp.load_data("val")
        ingredients = [mlp.network_params(p) for p in paths]
        kept, score, steps = reference.greedy(ingredients, lambda params: mlp.accuracy(params, x, y))
        if self.echo:
            print("\nreference greedy soup (numpy):")
            for index, own, candidate, keep in steps:
                print(f"  {paths[index].name:<20} alone {own:.4f}  soup {candidate:.4f}  {'kept' if keep else 'left out'}")
        mlp.save_checkpoint(reference.uniform([ingredients[k] for k in kept]), out)

    def learned(self, paths, out, steps, lr):
        x, y = mlp.load_data("val")
        ingredients = [mlp.network_params(p) for p in paths]
        weights, losses = reference.learned(ingredients, lambda params: mlp.loss_and_grad(params, x, y), steps, lr)
        if self.echo:
            print(f"\nreference learned soup (numpy): validation loss {losses[0]:.4f} → {losses[-1]:.4f} in {steps} steps")
        mlp.save_checkpoint(reference.mix(ingredients, weights), out)


def recover_kept(paths, soup_path):
    """Which ingredients a greedy soup averaged: the least-squares weights that rebuild the soup from
    the ingredients are 1/k for the k kept and 0 for the rest (read from the file, whatever made it)."""
    flat = lambda params: np.concatenate([params[name].astype(np.float64).ravel() for name in mlp.NAMES])
    matrix = np.stack([flat(mlp.network_params(p)) for p in paths], axis=1)
    weights = np.linalg.lstsq(matrix, flat(mlp.network_params(soup_path)), rcond=None)[0]
    return [path.name for path, weight in zip(paths, weights) if weight > 0.5 / len(paths)]


def distance(params, other):
    """How far apart two networks are: the L2 norm of the difference of all their parameters."""
    return float(np.sqrt(sum(np.sum((params[name].astype(np.float64) - other[name]) ** 2) for name in mlp.NAMES)))


def run(folder, out, engine, steps=STEPS, lr=LR):
    """Makes every soup of the fine-tunes in `folder` into `out` and scores it; returns the results."""
    splits = {split: mlp.load_data(split) for split in ("val", "test")}
    score = lambda path: {split: mlp.accuracy(mlp.network_params(path), *xy) for split, xy in splits.items()}
    paths = sorted(folder.glob("ft-*.*"))
    individual = {path.name: score(path) for path in paths}
    best = max(individual, key=lambda name: individual[name]["val"])  # chosen on validation, as greedy's start
    pretrained = mlp.network_params(folder / train.PRETRAINED)
    ingredients = [mlp.network_params(p) for p in paths]
    results = {"individual": individual, "best": best,
               "moved": {path.name: distance(params, pretrained) for path, params in zip(paths, ingredients)}}

    engine.uniform(paths, out / "uniform.safetensors")
    results["uniform"] = score(out / "uniform.safetensors")
    engine.greedy(paths, out / "greedy.safetensors")
    results["greedy"] = score(out / "greedy.safetensors")
    results["greedy_kept"] = recover_kept(paths, out / "greedy.safetensors")
    engine.learned(paths, out / "learned.safetensors", steps, lr)
    results["learned"] = score(out / "learned.safetensors")
    results["ensemble"] = {split: reference.ensemble_accuracy(ingredients, *xy) for split, xy in splits.items()}

    # The failure modes: the too-high learning rate in a uniform soup, and another initialisation.
    engine.uniform([p for p in paths if p.name != train.TOO_HIGH_LR], out / "uniform-without-bad.safetensors")
    results["uniform_without_bad"] = score(out / "uniform-without-bad.safetensors")
    runner_up = max((n for n in individual if n != best), key=lambda name: individual[name]["val"])
    engine.uniform([folder / best, folder / runner_up], out / "best-two.safetensors")
    results["runner_up"], results["best_two"] = runner_up, score(out / "best-two.safetensors")
    results["other_init"] = score(folder / train.OTHER_INIT)
    engine.uniform([folder / best, folder / train.OTHER_INIT], out / "best-and-other-init.safetensors")
    results["best_and_other_init"] = score(out / "best-and-other-init.safetensors")
    return results


def table_rows(results, steps):
    """(method, val, test) for the paper's table."""
    count = len(results["individual"])
    best = results["best"]
    return [
        (f"best individual ({pathlib.Path(best).stem})", results["individual"][best]["val"], results["individual"][best]["test"]),
        (f"uniform soup (all {count})", results["uniform"]["val"], results["uniform"]["test"]),
        (f"greedy soup ({len(results['greedy_kept'])} kept)", results["greedy"]["val"], results["greedy"]["test"]),
        (f"learned soup ({steps} steps)", results["learned"]["val"], results["learned"]["test"]),
        (f"logit ensemble (all {count})", results["ensemble"]["val"], results["ensemble"]["test"]),
    ]


def print_report(results, steps):
    print("\nfine-tunes (accuracy, %):  " + "  ".join(
        f"{pathlib.Path(name).stem} {100 * s['val']:.1f}/{100 * s['test']:.1f}" for name, s in results["individual"].items()))
    print(f"\n{'method':<30}{'val %':>8}{'test %':>8}")
    for method, val, test in table_rows(results, steps):
        print(f"{method:<30}{100 * val:>8.1f}{100 * test:>8.1f}")
    bad = train.TOO_HIGH_LR
    print(f"\ngreedy kept: {', '.join(results['greedy_kept'])}")
    print(f"{bad} (learning rate too high): alone {100 * results['individual'][bad]['val']:.1f}; uniform soup "
          f"{100 * results['uniform']['val']:.1f} with it, {100 * results['uniform_without_bad']['val']:.1f} without it (val)")
    print(f"{train.OTHER_INIT} (another initialisation): alone {100 * results['other_init']['val']:.1f}; souped with "
          f"{results['best']}: {100 * results['best_and_other_init']['val']:.1f}, while {results['best']} with "
          f"{results['runner_up']} (same start): {100 * results['best_two']['val']:.1f} (val)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("tureen", "reference"), default="tureen")
    parser.add_argument("--folder", type=pathlib.Path, default=mlp.HERE, help="where the fine-tunes are")
    parser.add_argument("--out", type=pathlib.Path, help="where the soups go (default: a new temporary folder)")
    parser.add_argument("--steps", type=int, default=STEPS, help="learned soup steps")
    parser.add_argument("--lr", type=float, default=LR, help="learned soup learning rate")
    options = parser.parse_args()
    out = (options.out or pathlib.Path(tempfile.mkdtemp(prefix="tureen-soups."))).resolve()
    out.mkdir(parents=True, exist_ok=True)
    folder = options.folder.resolve()
    engine = (TureenEngine(os.environ.get("TUREEN", "tureen"), folder, echo=True) if options.engine == "tureen"
              else ReferenceEngine(echo=True))
    results = run(folder, out, engine, options.steps, options.lr)
    print_report(results, options.steps)
    print(f"\nsoups are in {out}")


if __name__ == "__main__":
    main()
