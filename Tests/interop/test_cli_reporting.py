"""A CLI that finishes what it starts: every command that writes prints one summary line on stderr
(none with --quiet) and, with --json, a machine-readable report on stdout; the progress bar ends at
100 % with a newline on a terminal, and never draws elsewhere; completions and --version."""
import json
import os
import pty
import re
import subprocess

import pytest
from safetensors.numpy import load_file

from runner import ROOT, TUREEN

MODEL = ROOT / "Fixtures" / "compare" / "model.safetensors"


def test_convert_prints_one_summary_line_on_stderr_and_nothing_on_stdout(tureen, tmp_path):
    result = tureen("convert", MODEL, tmp_path / "out.npz", "--dtype", "f32")
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"converted {MODEL} (safetensors) to {tmp_path / 'out.npz'} as f32 in ")


def test_convert_json_reports_what_was_written(tureen, tmp_path):
    result = tureen("convert", MODEL, tmp_path / "out.safetensors", "--dtype", "f16", "--json")
    report = json.loads(result.stdout)
    written = load_file(tmp_path / "out.safetensors")
    expected_bytes = sum(value.size * (2 if value.dtype.kind == "f" else value.itemsize) for value in load_file(MODEL).values())
    assert report["output"] == str(tmp_path / "out.safetensors")
    assert report["input_format"] == "safetensors" and report["cast_to"] == "f16"
    assert report["tensors"] == len(written)
    assert report["parameters"] == sum(value.size for value in written.values())
    assert report["output_bytes"] == expected_bytes


def test_soup_json_reports_the_soup(tureen, tmp_path):
    result = tureen("soup", "uniform", MODEL, MODEL, "-o", tmp_path / "soup.safetensors", "--json")
    report = json.loads(result.stdout)
    assert report["ingredients"] == [str(MODEL), str(MODEL)]
    assert report["merged_tensors"] + report["copied_tensors"] == len(load_file(tmp_path / "soup.safetensors"))
    assert report["non_finite"]["result"] == 0
    assert result.stderr.startswith("souped 2 ingredients into ")


@pytest.mark.parametrize("args", [
    ("convert", MODEL, "{out}/out.npz"),
    ("soup", "uniform", MODEL, MODEL, "-o", "{out}/soup.npz"),
])
def test_quiet_prints_nothing(tureen, tmp_path, args):
    result = tureen(*(str(arg).format(out=tmp_path) for arg in args), "--quiet")
    assert result.stdout == "" and result.stderr == ""


def run_on_terminal(*args):
    """Runs tureen with stderr on a pseudo-terminal and returns what it drew there."""
    controller, terminal = pty.openpty()
    environment = dict(os.environ, TUREEN_PROGRESS_DELAY="0")
    process = subprocess.Popen([TUREEN, *map(str, args)], stdout=subprocess.DEVNULL, stderr=terminal, env=environment)
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal's other end closed: the process has exited
            break
        if not chunk:
            break
        drawn += chunk
    os.close(controller)
    assert process.wait() == 0, drawn
    return drawn.decode().replace("\r\n", "\n")


def test_progress_bar_ends_at_100_percent_on_a_line_of_its_own(tmp_path):
    drawn = run_on_terminal("convert", MODEL, tmp_path / "out.h5", "--dtype", "f32")
    bar, summary, after = drawn.split("\n")
    frames = [frame.replace("\x1b[K", "") for frame in bar.split("\r") if frame]
    assert frames, drawn
    assert re.match(r"convert \[#{30}\] 100% ", frames[-1]), frames[-1]
    size = re.search(r"100% (\S+ \S+) / (\S+ \S+)", frames[-1])
    assert size and size.group(1) == size.group(2), frames[-1]
    assert summary.startswith("converted ") and after == "", drawn


def test_progress_bar_draws_nothing_with_quiet_on_a_terminal(tmp_path):
    assert run_on_terminal("convert", MODEL, tmp_path / "out.npz", "--quiet") == ""


def test_progress_bar_never_draws_when_stderr_is_not_a_terminal(tureen, tmp_path):
    environment = dict(os.environ, TUREEN_PROGRESS_DELAY="0")
    result = subprocess.run([TUREEN, "convert", str(MODEL), str(tmp_path / "out.npz")], capture_output=True, text=True, env=environment)
    assert result.returncode == 0 and "\r" not in result.stderr and "[#" not in result.stderr


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o filenames -F _tureen tureen"), ("zsh", "#compdef tureen"), ("fish", "complete -c 'tureen'")])
def test_completion_scripts_name_the_subcommands(tureen, shell, marker):
    script = tureen("--generate-completion-script", shell).stdout
    assert marker in script
    for subcommand in ("inspect", "convert", "soup", "check", "diff"):
        assert subcommand in script
    assert "hdf5-preflight" not in script


def test_version_names_the_release_commit_and_cpu_features(tureen):
    lines = tureen("--version").stdout.splitlines()
    number = re.search(r'static let current = "(.*)"', (ROOT / "Sources/Tureen/TureenVersion.swift").read_text()).group(1)
    assert re.fullmatch(rf"tureen {re.escape(number)} \(commit [0-9a-f]{{7,}}(-dirty)?\)", lines[0]), lines[0]
    assert lines[1].startswith("kernels built for: ")
    assert lines[2].startswith("this CPU has: ")


def test_control_characters_in_names_are_escaped_in_what_people_read(tureen, tmp_path):
    # Regression: a tensor name or metadata value holding escape sequences reached the terminal raw,
    # so a stranger's checkpoint could clear the screen or hide a line of `check`'s report.
    import numpy as np
    from safetensors.numpy import save_file
    name = "evil\x1b[2J\x1b]0;title\x07\r\x9b"
    save_file({name: np.ones(1, np.float32)}, tmp_path / "a.safetensors", metadata={"k\x1b[1m": "v\x1b[8m"})
    save_file({name: np.ones(2, np.float32)}, tmp_path / "b.safetensors")
    for args in (("inspect", tmp_path / "a.safetensors"), ("check", tmp_path / "a.safetensors", tmp_path / "b.safetensors")):
        result = tureen(*args, check=False)
        shown = result.stdout + result.stderr
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown), repr(shown)
        assert "evil\\u{1b}[2J\\u{1b}]0;title\\u{7}\\r\\u{9b}" in shown, shown
    refused = tureen("soup", "uniform", tmp_path / "a.safetensors", tmp_path / "b.safetensors", "-o", tmp_path / "s.safetensors", check=False)
    assert refused.returncode == 1 and "\\u{1b}[2J" in refused.stderr and "\x1b" not in refused.stderr, repr(refused.stderr)
    # JSON carries the name as it is (escaped by JSON's own rules).
    assert json.loads(tureen("inspect", tmp_path / "a.safetensors", "--json").stdout)["tensors"][0]["name"] == name
