"""Runs the same mergekit configurations through mergekit-pytorch (mergekit 0.1.5) and
`tureen merge` on float32 inputs and prints, per configuration, how far apart the results are;
for DARE, whose masks are random in both (different generators), the fraction of elements that
the merge changed from the base, against the expected 1 − Π(1 − densityᵢ), and how large the
change is: each tensor's ‖merged − base‖₁ over mergekit's, with Tureen's default rescale
(1/density) and with `rescale: true` (mergekit's L1 norm, its default).

usage: mergekit_compat.py MERGEKIT_PYTHON TUREEN WORKDIR
(Benchmarks/mergekit_compat.sh sets it up; needs torch, so it is not part of `make test`.)
"""
import pathlib
import subprocess
import sys

import numpy as np
from safetensors.numpy import load_file, save_file

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from make_llama import llama_shapes  # noqa: E402

CONFIGS = {
    "linear": """
models:
  - model: {m1}
    parameters: {{weight: 0.3}}
  - model: {m2}
    parameters: {{weight: 0.5}}
  - model: {m3}
    parameters: {{weight: 0.2}}
merge_method: linear
""",
    "task_arithmetic": """
models:
  - model: {m1}
    parameters:
      weight:
        - filter: mlp
          value: 0.7
        - value: 0.4
  - model: {m2}
    parameters: {{weight: 0.5}}
  - model: {m3}
    parameters: {{weight: -0.2}}
base_model: {base}
merge_method: task_arithmetic
parameters: {{lambda: 0.8}}
""",
    "task_arithmetic, normalize": """
models:
  - model: {m1}
    parameters: {{weight: 0.6}}
  - model: {m2}
    parameters: {{weight: 0.3}}
base_model: {base}
merge_method: task_arithmetic
parameters: {{normalize: true}}
""",
    "model_stock": """
models:
  - model: {m1}
  - model: {m2}
  - model: {m3}
base_model: {base}
merge_method: model_stock
""",
    "slerp": """
models:
  - model: {base}
  - model: {m1}
base_model: {base}
merge_method: slerp
parameters:
  t:
    - filter: self_attn
      value: 0.3
    - value: 0.65
""",
}

SPARSE_MODELS = """
models:
  - model: {m1}
    parameters: {{weight: 0.5, density: 0.4}}
  - model: {m2}
    parameters: {{weight: 0.3, density: 0.6}}
  - model: {m3}
    parameters: {{weight: 0.2, density: 0.5}}
base_model: {base}
dtype: float32
merge_method: """
DENSITIES = (0.4, 0.6, 0.5)
CONFIGS["ties"] = SPARSE_MODELS + "ties\n"
DARE_CONFIGS = {}
for method in ("dare_ties", "dare_linear"):
    DARE_CONFIGS[method] = SPARSE_MODELS + method + "\n"
    DARE_CONFIGS[f"{method}, rescale: true"] = SPARSE_MODELS + method + "\nparameters: {{rescale: true}}\n"


def write_models(folder, seed=0):
    """A float32 LLaMA-shaped base and three fine-tunes: base + a shared update + their own noise."""
    rng = np.random.default_rng(seed)
    shapes = llama_shapes(hidden=256, layers=4, vocab=1000)
    base = {name: (rng.standard_normal(shape) * 0.02).astype(np.float32) for name, shape in shapes.items()}
    shared = {name: rng.standard_normal(shape) * 0.002 for name, shape in shapes.items()}
    paths = {"base": folder / "base.safetensors"}
    save_file(base, paths["base"])
    for index in (1, 2, 3):
        tuned = {name: (base[name] + shared[name] + rng.standard_normal(base[name].shape) * 0.002).astype(np.float32) for name in base}
        paths[f"m{index}"] = folder / f"m{index}.safetensors"
        save_file(tuned, paths[f"m{index}"])
    return paths


def load_folder(folder):
    tensors = {}
    for path in sorted(pathlib.Path(folder).glob("*.safetensors")):
        tensors.update(load_file(path))
    return tensors


def relative_difference(peer, ours):
    """The largest |difference| in a tensor over that tensor's largest |value|: in float32 ulps of
    the tensor's scale (×2²³), which near-zero elements do not inflate as per-element ulps would."""
    scale = np.abs(ours.astype(np.float64)).max()
    return float(np.abs(peer.astype(np.float64) - ours).max() / scale) if scale else 0.0


def main():
    mergekit_python, tureen, work = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    paths = write_models(work)
    mergekit_cli = pathlib.Path(mergekit_python).parent / "mergekit-pytorch"
    print("| configuration | largest difference | largest difference ÷ tensor's largest value | elements identical |")
    print("|---|---|---|---|")
    for label, template in CONFIGS.items():
        peer, ours = run_both(label, template, paths, work, mergekit_cli, tureen)
        largest = max(float(np.abs(peer[n].astype(np.float64) - ours[n]).max()) for n in ours)
        relative = max(relative_difference(peer[n], ours[n]) for n in ours)
        identical = sum(int((peer[n] == ours[n]).sum()) for n in ours) / sum(ours[n].size for n in ours)
        print(f"| {label} | {largest:.3g} | {relative:.2g} ({relative * 2 ** 23:.1f} ulp) | {identical:.2%} |")
    base = load_file(paths["base"])
    expected = 1 - np.prod([1 - density for density in DENSITIES])
    print()
    print("| DARE configuration | elements changed from the base: mergekit | Tureen | expected "
          "| ‖merged − base‖₁, Tureen ÷ mergekit, per tensor: median (range) |")
    print("|---|---|---|---|---|")
    for label, template in DARE_CONFIGS.items():
        peer, ours = run_both(label, template, paths, work, mergekit_cli, tureen)
        ratios = [change_norm(ours[n], base[n]) / change_norm(peer[n], base[n]) for n in ours if change_norm(peer[n], base[n]) > 0]
        print(f"| {label} | {changed_fraction(peer, base):.2%} | {changed_fraction(ours, base):.2%} | {expected:.2%} "
              f"| {np.median(ratios):.4f} ({min(ratios):.4f}–{max(ratios):.4f}) |")


def run_both(label, template, paths, work, mergekit_cli, tureen):
    """The configuration's result from mergekit-pytorch and from tureen merge."""
    slug = "".join(character if character.isalnum() or character == "_" else "-" for character in label)
    config = work / f"{slug}.yml"
    config.write_text(template.format(**paths))
    peer_out = work / f"{slug}-mergekit"
    subprocess.run([str(mergekit_cli), str(config), str(peer_out), "--no-copy-tokenizer", "--no-write-model-card"],
                   check=True, capture_output=True)
    ours_out = work / f"{slug}-tureen.safetensors"
    subprocess.run([tureen, "merge", str(config), "-o", str(ours_out), "--force"], check=True, capture_output=True)
    peer, ours = load_folder(peer_out), load_file(ours_out)
    assert peer.keys() == ours.keys(), f"{label}: the tensor names differ"
    return peer, ours


def change_norm(merged, base):
    """‖merged − base‖₁ in float64."""
    return float(np.abs(merged.astype(np.float64) - base).sum())


def changed_fraction(merged, base):
    """The fraction of elements whose merged value differs from the base's."""
    return sum(int((merged[n] != base[n]).sum()) for n in merged) / sum(merged[n].size for n in merged)

if __name__ == "__main__":
    main()
