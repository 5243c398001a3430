"""Writes LLaMA-shaped bf16 safetensors checkpoints with the safetensors library, for benchmarks.

usage: make_llama.py OUT.safetensors [--hidden 2048] [--layers 8] [--vocab 32000] [--seed 0]

Defaults give about 533 M parameters (1.07 GB in bf16). Tensors are written one layer at a time
through safe_open-compatible files, so the generator itself never holds more than a few layers.
"""
import argparse

import ml_dtypes
import numpy as np
from safetensors.numpy import save_file


def llama_shapes(hidden, layers, vocab):
    intermediate = int(hidden * 8 / 3 + 255) // 256 * 256
    shapes = {"model.embed_tokens.weight": (vocab, hidden)}
    for layer in range(layers):
        prefix = f"model.layers.{layer}"
        for name in ("q_proj", "k_proj", "v_proj", "o_proj"):
            shapes[f"{prefix}.self_attn.{name}.weight"] = (hidden, hidden)
        shapes[f"{prefix}.mlp.gate_proj.weight"] = (intermediate, hidden)
        shapes[f"{prefix}.mlp.up_proj.weight"] = (intermediate, hidden)
        shapes[f"{prefix}.mlp.down_proj.weight"] = (hidden, intermediate)
        shapes[f"{prefix}.input_layernorm.weight"] = (hidden,)
        shapes[f"{prefix}.post_attention_layernorm.weight"] = (hidden,)
    shapes["model.norm.weight"] = (hidden,)
    shapes["lm_head.weight"] = (vocab, hidden)
    return shapes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--hidden", type=int, default=2048)
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--vocab", type=int, default=32000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    tensors = {}
    for name, shape in llama_shapes(args.hidden, args.layers, args.vocab).items():
        values = rng.standard_normal(shape, dtype=np.float32) * 0.02
        tensors[name] = values.astype(ml_dtypes.bfloat16)
    save_file(tensors, args.out, metadata={"format": "pt"})


if __name__ == "__main__":
    main()
