"""One error style and one exit-code policy for every command: usage errors print `tureen: error: …`
and the usage and exit 64 (as swift-argument-parser does); failures print `tureen: error: …`, with a
`tureen: hint: …` line naming the flag that would help, and exit 1; check and diff keep 0/1/2."""
import subprocess

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from runner import ROOT, TUREEN

MODEL = ROOT / "Fixtures" / "compare" / "model.safetensors"


def save(path, **tensors):
    save_file({name: np.asarray(values) for name, values in tensors.items()}, path)
    return path


@pytest.mark.parametrize("args", [
    ("convert", MODEL, "{out}/out.safetensors", "--dtype", "i32"),
    ("convert", MODEL, "{out}/shards", "--max-shard-size", "5XB"),
    ("convert", MODEL, "{out}/out.h5", "--layout", "torch"),
    # Regression: `-o -` wrote a folder named '-' (a user means standard output).
    ("convert", MODEL, "-"),
    ("inspect", MODEL, "--assume-v2", "f16"),
    ("soup", "weighted", MODEL, MODEL, "--weights", "1,x", "-o", "{out}/soup.safetensors"),
    # Regression: empty fields were dropped (1,,2 was 1,2) and hexadecimal read (0x10 was 16).
    ("soup", "weighted", MODEL, MODEL, "--weights", "1,,2", "-o", "{out}/soup.safetensors"),
    ("soup", "weighted", MODEL, MODEL, "--weights", "1,2,", "-o", "{out}/soup.safetensors"),
    ("soup", "weighted", MODEL, MODEL, "--weights", "1,0x10", "-o", "{out}/soup.safetensors"),
    # Regression: weights that are not finite were parsed, then refused as failures (exit 1).
    ("soup", "weighted", MODEL, MODEL, "--weights", "inf,1", "-o", "{out}/soup.safetensors"),
    ("soup", "weighted", MODEL, MODEL, "--weights", "1,nan", "-o", "{out}/soup.safetensors"),
    ("soup", "weighted", MODEL, MODEL, "--weights", "1e400,1", "-o", "{out}/soup.safetensors"),
    ("soup", "weighted", MODEL, "--weights", "1,2", "-o", "{out}/soup.safetensors"),
    ("check", MODEL),
    ("diff", MODEL, "--threads", "0"),
])
def test_usage_errors_exit_64_in_the_common_style(tureen, tmp_path, args):
    result = tureen(*(str(arg).format(out=tmp_path) for arg in args), check=False)
    assert result.returncode == 64, result.stderr
    assert result.stderr.startswith("tureen: error: "), result.stderr
    assert "\nUsage: tureen " in result.stderr
    assert not list(tmp_path.iterdir())


def test_failures_exit_1_in_the_same_style(tureen, tmp_path):
    result = tureen("convert", tmp_path / "missing.safetensors", tmp_path / "out.safetensors", check=False)
    assert result.returncode == 1
    assert result.stderr.startswith(f"tureen: error: {tmp_path / 'missing.safetensors'}: ")
    assert "Usage:" not in result.stderr


def test_check_exits_2_for_an_unreadable_input_in_the_same_style(tureen, tmp_path):
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\x00" * 3)
    result = tureen("check", MODEL, broken, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(f"tureen: error: {broken}: ")


def test_help_lists_the_values_an_option_takes(tureen):
    help_text = " ".join(tureen("convert", "--help").stdout.split())
    assert "(values: f16, bf16, f32, f64, f8_e4m3, f8_e5m2)" in help_text
    assert "(values: keras)" in help_text
    assert "(values: bf16, f8_e4m3, f8_e5m2)" in help_text


def test_negative_weights_and_scales_are_values_not_options(tureen, tmp_path):
    a = save(tmp_path / "a.safetensors", w=np.array([1, 2], np.float32))
    b = save(tmp_path / "b.safetensors", w=np.array([3, 5], np.float32))
    c = save(tmp_path / "c.safetensors", w=np.array([7, 7], np.float32))
    tureen("soup", "weighted", a, b, c, "--weights", "-1,2,0", "-o", tmp_path / "weighted.safetensors")
    assert load_file(tmp_path / "weighted.safetensors")["w"].tolist() == [5, 8]
    base = save(tmp_path / "base.safetensors", w=np.array([1, 1], np.float32))
    tureen("soup", "weighted", b, "--weights", "1", "--base", base, "--scale", "-0.5", "-o", tmp_path / "negated.safetensors")
    assert load_file(tmp_path / "negated.safetensors")["w"].tolist() == [0, -1]


def test_hints_name_the_flag_that_would_help(tureen, tmp_path):
    a = save(tmp_path / "a.safetensors", w=np.array([1, 2], np.float32), ids=np.array([0, 1], np.int64))
    b = save(tmp_path / "b.safetensors", w=np.array([3, 5], np.float32), ids=np.array([1, 0], np.int64))
    short = save(tmp_path / "short.safetensors", w=np.array([3, 5], np.float32))
    out = tmp_path / "soup.safetensors"
    cases = [
        (("soup", "uniform", a, b), "tureen: hint: pass --integers first to take the first ingredient's"),
        (("soup", "uniform", a, short), "tureen: hint: pass --skip-missing to leave out the tensors some ingredients lack"),
        (("soup", "weighted", a, b, "--weights", "1,-1", "--base", a), "tureen: hint: pass --no-normalize to use them as given"),
    ]
    for args, hint in cases:
        result = tureen(*args, "-o", out, check=False)
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("tureen: error: ")
        assert result.stderr.rstrip("\n").endswith("\n" + hint), result.stderr
        assert not out.exists()


@pytest.mark.parametrize("args, which", [
    (("convert", "", "{out}/out.safetensors"), "input"),
    (("convert", MODEL, ""), "output"),
    # A model folder input makes a folder output a model folder: the empty path must not count as one.
    (("convert", ROOT / "Fixtures" / "huggingface" / "gpt2-a", ""), "output"),
    (("soup", "uniform", MODEL, "", "-o", "{out}/soup.safetensors"), "input"),
    (("soup", "uniform", MODEL, MODEL, "-o", ""), "output"),
])
def test_an_empty_path_says_so(tureen, tmp_path, args, which):
    # Regression: ": cannot open: No such file or directory" (an unset shell variable, as in -o "$OUT").
    result = tureen(*(str(arg).format(out=tmp_path) for arg in args), check=False)
    assert result.returncode == 1
    assert f"tureen: error: the {which} path is empty" in result.stderr, result.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("args", [("inspect", MODEL, "--json"), ("check", MODEL, MODEL, "--json"), ("diff", MODEL, MODEL)])
def test_a_report_that_cannot_be_written_to_stdout_is_a_failure(tureen, args):
    # Regression: a full stdout (/dev/full) lost the report and the command still exited 0.
    with open("/dev/full", "w") as full:
        result = subprocess.run([TUREEN, *map(str, args)], stdout=full, stderr=subprocess.PIPE, text=True)
    assert result.returncode == (2 if args[0] in ("check", "diff") else 1), result.stderr
    assert "tureen: error: cannot write to standard output: No space left on device" in result.stderr, result.stderr


def test_an_error_is_reported_as_itself_when_stdout_is_lost_too(tureen, tmp_path):
    # The error itself, with its exit code, comes before any word on the lost output.
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\x00" * 3)
    with open("/dev/full", "w") as full:
        result = subprocess.run([TUREEN, "check", MODEL, broken], stdout=full, stderr=subprocess.PIPE, text=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"tureen: error: {broken}: "), result.stderr
