"""The demo over several training seeds: for each seed, train.py makes a new pretrained network and
new fine-tunes in a temporary folder, demo.py soups and scores them, and Docs/soups.md gets the
tables, the mean paired difference of each method against the best individual fine-tune, and the
failure modes. Seed 0 writes the same fine-tunes as the ones in Fixtures/soups.

    TUREEN=.build/release/tureen .venv/bin/python Fixtures/soups/study.py --seeds 0 1 2 3 4
    .venv/bin/python Fixtures/soups/study.py --engine reference --doc /tmp/soups.md
"""
import argparse
import datetime
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import numpy as np

import demo
import mlp
import train

ROOT = mlp.HERE.parents[1]
METHODS = ("uniform", "greedy", "learned", "ensemble")
LABELS = {"best": "best individual", "uniform": "uniform soup", "greedy": "greedy soup",
          "learned": "learned soup", "ensemble": "logit ensemble"}


def pct(value):
    return f"{100 * value:.1f}"


def pair(accuracy):
    """A {"val": …, "test": …} pair as "75.9 / 77.0" (percent)."""
    return f"{pct(accuracy['val'])} / {pct(accuracy['test'])}"


def scores(results, method):
    if method == "best":
        return results["individual"][results["best"]]
    return results[method]


def seed_table(results, steps):
    lines = ["| method | val % | test % |", "|---|---|---|"]
    lines += [f"| {method} | {pct(val)} | {pct(test)} |" for method, val, test in demo.table_rows(results, steps)]
    return lines


def study_tables(runs):
    """Every seed's accuracies with their means, and each method's mean paired difference against
    the best individual (with its standard error over seeds)."""
    seeds, methods = sorted(runs), ("best",) + METHODS
    lines = ["| seed | " + " | ".join(LABELS[m] for m in methods) + " | greedy kept |", "|---|" + "---|" * (len(methods) + 1)]
    for seed in seeds:
        kept = ", ".join(pathlib.Path(name).stem for name in runs[seed]["greedy_kept"])
        lines.append(f"| {seed} | " + " | ".join(pair(scores(runs[seed], m)) for m in methods) + f" | {kept} |")
    means = [{split: np.mean([scores(runs[s], m)[split] for s in seeds]) for split in ("val", "test")} for m in methods]
    lines.append("| mean | " + " | ".join(pair(mean) for mean in means) + " | |")

    diff = ["| method − best individual | val (points) | test (points) | seeds ≥ best on test |", "|---|---|---|---|"]
    for method in METHODS:
        cells = [LABELS[method]]
        for split in ("val", "test"):
            d = 100 * np.array([scores(runs[s], method)[split] - scores(runs[s], "best")[split] for s in seeds])
            error = d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else 0.0
            cells.append(f"{d.mean():+.2f} ± {error:.2f}")
        wins = sum(scores(runs[s], method)["test"] >= scores(runs[s], "best")["test"] for s in seeds)
        cells.append(f"{wins} of {len(seeds)}")
        diff.append("| " + " | ".join(cells) + " |")
    return lines, diff


def failure_tables(runs):
    bad = train.TOO_HIGH_LR
    stem = pathlib.Path(bad).stem
    too_high = [f"| seed | {stem} alone | uniform soup of all | uniform soup without {stem} | {stem} in the greedy soup "
                f"| distance from the pretrained weights: {stem} (the others) |", "|---|---|---|---|---|---|"]
    other = ["| seed | other-init alone | best individual alone | best + other-init soup | best + runner-up soup (same start) |",
             "|---|---|---|---|---|"]
    for seed in sorted(runs):
        r = runs[seed]
        kept = "kept" if bad in r["greedy_kept"] else "left out"
        others = [moved for name, moved in r["moved"].items() if name != bad]
        too_high.append(f"| {seed} | {pair(r['individual'][bad])} | {pair(r['uniform'])} | {pair(r['uniform_without_bad'])} "
                        f"| {kept} | {r['moved'][bad]:.1f} ({min(others):.1f}–{max(others):.1f}) |")
        other.append(f"| {seed} | {pair(r['other_init'])} | {pair(scores(r, 'best'))} | {pair(r['best_and_other_init'])} "
                     f"| {pair(r['best_two'])} |")
    return too_high, other


def recipe_table():
    lines = ["| fine-tune | learning rate | weight decay | label smoothing | noise σ | shift | epochs |",
             "|---|---|---|---|---|---|---|"]
    for number, r in enumerate(train.RECIPES, start=1):
        lines.append(f"| {pathlib.Path(train.checkpoint_name(number)).name} | {r['lr']:g} | {r['weight_decay']:g} "
                     f"| {r['smoothing']:g} | {r['noise']:g} | {r['shift']} | {r['epochs']} |")
    return lines


def write_doc(path, runs, options, plots):
    seeds = sorted(runs)
    table, diff = study_tables(runs)
    too_high, other = failure_tables(runs)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    engine = ("`tureen soup uniform`, `tureen soup greedy` and `tureen soup learned`" if options.engine == "tureen"
              else "the numpy reference soups of `Fixtures/soups/reference.py`, not by Tureen (`--engine reference`)")
    mean_test = lambda method: np.mean([scores(runs[s], method)["test"] for s in seeds])
    gap = mean_test("ensemble") - max(mean_test("greedy"), mean_test("learned"))
    ensemble_note = (f"The logit ensemble is the most accurate on test here, by {100 * gap:.1f} points over the better soup on "
                     f"average, at {len(train.RECIPES)} forward passes per input where a soup needs one."
                     if gap > 0 else f"The soups match the logit ensemble on test at one forward pass per input, "
                     f"where the ensemble needs {len(train.RECIPES)}.")
    text = f"""# Model soups, in miniature

The model soups paper (Wortsman et al., 2022) fine-tunes one pretrained network many ways and
averages the weights: a *uniform* soup of every fine-tune can fall below the best one when some are poor, a
*greedy* soup (add fine-tunes best first, keep one only if held-out accuracy does not drop) beats
the best single fine-tune, and a *learned* soup (mixing weights learned on held-out loss) does about
as well. Averaging weights only works for fine-tunes of one shared start: a network from another
initialisation does not soup. This page reproduces that table on a network small enough to train
in seconds with numpy, and `make demo` prints it from the bundled fine-tunes.

## Set-up
- **Data**: MNIST-1D (`mnist1d.data.make_dataset`, generated locally). A source set of 10,000
  signals (generator seed 1) for pretraining; the target task (generator seed 42) split into 3,000
  training, 2,000 validation (held out: greedy and learned soups tune on it) and 2,000 test signals.
  `Fixtures/soups/data.npz` holds all of it.
- **Network**: an MLP 40 → 128 → 128 → 10 (ReLU, softmax cross-entropy, 23 K parameters), forward
  and backward written by hand in numpy (`Fixtures/soups/mlp.py`), trained with AdamW, batch 64.
- **Fine-tunes**: one pretraining run (30 epochs on the source set), then 13 fine-tunes of it on the
  target's training split (`Fixtures/soups/train.py`), stored as safetensors, npz and h5 in turn.
  Augmentation is Gaussian noise of σ and a random circular shift of up to `shift` positions.
  `{pathlib.Path(train.TOO_HIGH_LR).stem}`'s learning rate is too high. `other-init` is pretrained
  from another random initialisation and fine-tuned with `ft-01`'s recipe.

{chr(10).join(recipe_table())}

- **Methods**: the best individual is the fine-tune with the best validation accuracy. The greedy
  soup scores candidates with `eval.py` (validation accuracy; `--accept ge`); the learned soup
  mixes by tensor, {options.steps} Adam steps of lr {options.lr:g} from the uniform soup, on the
  validation loss and gradient from `grad.py`. The logit ensemble averages the 13 networks'
  logits. `Fixtures/soups/demo.py` scores every result on both splits. The soups here were made by
  {engine}.

Reproduce: `{options.command}` ({len(seeds)} seeds: {', '.join(map(str, seeds))}; run at commit
{commit}, {datetime.date.today().isoformat()}). `make demo` prints seed 0's table.

## Seed 0: the bundled fine-tunes (what `make demo` prints)

{chr(10).join(seed_table(runs[seeds[0]], options.steps))}

## Every seed (accuracy %, val / test)

Each seed trains its own pretrained network and its own 13 fine-tunes (same recipes).

{chr(10).join(table)}

Mean paired difference against the best individual of the same seed, in percentage points (± the
standard error over seeds):

{chr(10).join(diff)}

On validation the greedy soup cannot lose to the best individual: it starts from it and keeps a
fine-tune only if validation accuracy does not drop. The test split is the honest measure.
{ensemble_note}

## Failure modes

**A learning rate too high.** `{pathlib.Path(train.TOO_HIGH_LR).stem}`'s learning rate is ten times
the next highest: it moves far from the pretrained weights (last column: the L2 distance) and is
much less accurate alone. Averaged in with an equal weight it drags the uniform soup down; the greedy
soup leaves it out (accuracy %, val / test):

{chr(10).join(too_high)}

**Another initialisation.** `other-init` is about as accurate alone as the fine-tunes, but it was
pretrained from other random weights, so its hidden units do not line up with theirs: averaging it
with the best fine-tune destroys both, while two fine-tunes of the shared start average well
(accuracy %, val / test):

{chr(10).join(other)}
"""
    if plots:
        text += f"""
## Plots (seed 0, drawn by `tureen soup greedy --plot` and `tureen soup learned --plot`)

![greedy soup: score at each step]({plots[0]})

![learned soup: validation loss at each step]({plots[1]})
"""
    path.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(8)))
    parser.add_argument("--engine", choices=("tureen", "reference"), default="tureen")
    parser.add_argument("--steps", type=int, default=demo.STEPS)
    parser.add_argument("--lr", type=float, default=demo.LR)
    parser.add_argument("--doc", type=pathlib.Path, default=ROOT / "Docs" / "soups.md")
    options = parser.parse_args()
    options.command = "make soups-study" if options.engine == "tureen" else "make soups-study SOUPS_ENGINE=reference"
    runs, plots = {}, []
    with tempfile.TemporaryDirectory(prefix="tureen-soups-study.") as scratch:
        for seed in options.seeds:
            folder = pathlib.Path(scratch) / f"seed-{seed}"
            subprocess.run([sys.executable, str(mlp.HERE / "train.py"), "--seed", str(seed), "--out", str(folder)],
                           check=True, stdout=subprocess.DEVNULL)
            out = folder / "soups"
            out.mkdir()
            engine = (demo.TureenEngine(os.environ.get("TUREEN", "tureen"), folder, echo=False)
                      if options.engine == "tureen" else demo.ReferenceEngine(echo=False))
            runs[seed] = demo.run(folder, out, engine, options.steps, options.lr)
            r = runs[seed]
            print(f"seed {seed}: " + "  ".join(f"{LABELS[m]} {pct(scores(r, m)['val'])}/{pct(scores(r, m)['test'])}"
                                               for m in ("best",) + METHODS), flush=True)
            if seed == options.seeds[0] and options.engine == "tureen":
                figures = options.doc.parent / "soups"
                figures.mkdir(exist_ok=True)
                for name in ("greedy", "learned"):
                    shutil.copy(out / f"{name}.svg", figures / f"{name}.svg")
                    plots.append(f"soups/{name}.svg")
    write_doc(options.doc, runs, options, plots)
    print(f"wrote {options.doc}")


if __name__ == "__main__":
    main()
