"""`make peer-test`: transformers loads what Tureen writes from Hugging Face model folders. The soup
of the three GPT-2 fixtures (safetensors, .bin and sharded safetensors) must load with
`AutoModelForCausalLM.from_pretrained` and `AutoTokenizer.from_pretrained`, and every parameter must
be the float64 mean of the ingredients' (as transformers loads them) within 1 ulp."""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import torch
from transformers import AutoModel, AutoModelForCausalLM, AutoTokenizer

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Fixtures" / "huggingface"
TUREEN = os.environ.get("TUREEN", str(ROOT / ".build" / "release" / "tureen"))
INGREDIENTS = [FIXTURES / name for name in ("gpt2-a", "gpt2-b", "gpt2-c")]
TEXT = "the soup of models is made by averaging weights"


def tureen(*args):
    result = subprocess.run([TUREEN, *map(str, args)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


def ulps(actual, expected):
    a = actual.view(np.int32).astype(np.int64)
    b = expected.view(np.int32).astype(np.int64)
    a = np.where(a < 0, -(a & 0x7FFFFFFF), a)
    b = np.where(b < 0, -(b & 0x7FFFFFFF), b)
    return np.abs(a - b)


@pytest.mark.parametrize("shard", [None, "16KB"])
def test_transformers_loads_the_soup_and_its_weights_are_the_float64_mean(tmp_path, shard):
    out = tmp_path / "soup"
    tureen("soup", "uniform", *INGREDIENTS, "-o", out, *(["--max-shard-size", shard] if shard else []))
    souped = AutoModelForCausalLM.from_pretrained(out)
    models = [AutoModelForCausalLM.from_pretrained(folder) for folder in INGREDIENTS]
    ingredients = [{name: value.detach().numpy() for name, value in model.state_dict().items()} for model in models]
    for name, value in souped.state_dict().items():
        mean = (sum(weights[name].astype(np.float64) for weights in ingredients) / len(ingredients)).astype(np.float32)
        assert value.dtype == torch.float32, name
        assert ulps(value.detach().numpy(), mean).max() <= 1, name
    assert AutoModel.from_pretrained(out).config.n_embd == 16
    tokenizer = AutoTokenizer.from_pretrained(out)
    assert tokenizer(TEXT)["input_ids"] == AutoTokenizer.from_pretrained(INGREDIENTS[0])(TEXT)["input_ids"]
    ids = torch.tensor([tokenizer(TEXT)["input_ids"]])
    with torch.no_grad():
        assert torch.isfinite(souped(ids).logits).all()


def test_a_bf16_conversion_loads_as_bf16_from_its_config(tmp_path):
    out = tmp_path / "bf16"
    tureen("convert", INGREDIENTS[1], out, "--dtype", "bf16")
    model = AutoModelForCausalLM.from_pretrained(out, dtype="auto")
    assert model.dtype == torch.bfloat16
    reference = AutoModelForCausalLM.from_pretrained(INGREDIENTS[1]).state_dict()
    for name, value in model.state_dict().items():
        assert torch.equal(value, reference[name].to(torch.bfloat16)), name


# Scores a candidate model folder by its language-model loss on one sentence, loaded as a user would.
LOSS_EVAL = r'''
import sys
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
path = sys.argv[1]
model, tokenizer = AutoModelForCausalLM.from_pretrained(path), AutoTokenizer.from_pretrained(path)
ids = torch.tensor([tokenizer("the soup of models is made by averaging weights")["input_ids"]])
with torch.no_grad():
    print(model(ids, labels=ids).loss.item())
'''


def test_a_greedy_soup_with_folder_candidates_is_scored_by_from_pretrained(tmp_path):
    script = tmp_path / "eval.py"
    script.write_text(LOSS_EVAL)
    out = tmp_path / "greedy"
    tureen("soup", "greedy", *INGREDIENTS, "-o", out, "--eval-format", "folder", "--minimize", "--accept", "ge",
           "--eval", f"{sys.executable} {script} {{path}}")
    model = AutoModelForCausalLM.from_pretrained(out)
    assert AutoTokenizer.from_pretrained(out)(TEXT)["input_ids"]
    assert model.config.n_layer == 2
