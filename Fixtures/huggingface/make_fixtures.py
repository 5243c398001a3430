"""Writes Fixtures/huggingface/ with transformers itself (run with the torch venv:
`make huggingface-fixtures`).

Three fine-tunes of one tiny GPT-2 (hidden size 16, two layers, a 60-token vocabulary): random
initialisations from three seeds, saved by `save_pretrained` with a tokenizer made here (a
word-level tokenizer over a small vocabulary; nothing is downloaded). They differ in their weights
only, and are saved three ways:

- `gpt2-a`: `model.safetensors`
- `gpt2-b`: `pytorch_model.bin` (the older layout; transformers 5 writes only safetensors, so the
  state dict is saved with `torch.save` as transformers 4 did, the tied `lm_head.weight` left out),
  its values also in `gpt2-b.expected.npz` for the tests that run without torch
- `gpt2-c`: sharded safetensors (`model.safetensors.index.json` and shards)

`gpt2-other` has a different activation function: its `config.json` differs in `activation_function`.
"""
import json
import os
import shutil

import numpy as np
import torch
from tokenizers import Tokenizer, models, pre_tokenizers
import transformers
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

OUT = os.path.dirname(os.path.abspath(__file__))
WORDS = ("the a soup of models is made by averaging weights fine tuned from one pretrained network "
         "each ingredient adds its own knowledge and greedy soups keep only those that help held out accuracy").split()


def tokenizer():
    vocabulary = {"[UNK]": 0, "<|endoftext|>": 1}
    for word in WORDS:
        vocabulary.setdefault(word, len(vocabulary))
    core = Tokenizer(models.WordLevel(vocab=vocabulary, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=core, unk_token="[UNK]", eos_token="<|endoftext|>", bos_token="<|endoftext|>")


def model(seed, activation="gelu_new"):
    torch.manual_seed(seed)
    config = GPT2Config(vocab_size=60, n_positions=32, n_embd=16, n_layer=2, n_head=2, activation_function=activation,
                        bos_token_id=1, eos_token_id=1)
    return GPT2LMHeadModel(config).eval()


def save(name, network, **options):
    folder = os.path.join(OUT, name)
    network.save_pretrained(folder, **options)
    tokenizer().save_pretrained(folder)
    return folder


def main():
    for name in ("gpt2-a", "gpt2-b", "gpt2-c", "gpt2-other"):
        shutil.rmtree(os.path.join(OUT, name), ignore_errors=True)
    save("gpt2-a", model(1))
    b = model(2)
    folder = save("gpt2-b", b)
    os.remove(os.path.join(folder, "model.safetensors"))
    state = {key: value for key, value in b.state_dict().items() if key != "lm_head.weight"}
    torch.save(state, os.path.join(folder, "pytorch_model.bin"))
    np.savez(os.path.join(OUT, "gpt2-b.expected.npz"), **{key: value.numpy() for key, value in state.items()})
    save("gpt2-c", model(3), max_shard_size="20KB")
    save("gpt2-other", model(4, activation="relu"))
    with open(os.path.join(OUT, "versions.json"), "w") as f:
        json.dump({"torch": torch.__version__, "transformers": transformers.__version__}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
