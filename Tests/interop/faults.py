"""Fault injection for the interop tests and Tests/fault_injection.py: runs `tureen convert` onto an
existing output, kills it with a signal at a random moment (the rename window widened by an
LD_PRELOAD shim in some runs), and checks what issue 11 requires: the output path holds the old or
the complete new output, the message says which, nothing but Tureen's temporaries is left, and the
next run removes those."""
import hashlib
import os
import pathlib
import random
import signal
import subprocess
import time

import numpy as np
from safetensors.numpy import save_file

from runner import ROOT, TUREEN

SHIM_SOURCE = ROOT / "Tests" / "interop" / "shims" / "slow_rename.c"
SIGNALS = [signal.SIGKILL, signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
DELAY_MS = 150


def large_checkpoint(path, megabytes, seed):
    """A safetensors file of four f32 tensors, `megabytes` in all, filled with `seed`."""
    count = megabytes * (1 << 20) // 16
    save_file({f"layer{i}.weight": np.full(count, seed + i, dtype=np.float32) for i in range(4)}, path)
    return path


def build_slow_rename_shim(folder):
    """Compiles Tests/interop/shims/slow_rename.c with gcc into `folder`; returns the library's path."""
    library = pathlib.Path(folder) / "slow_rename.so"
    if not library.exists():
        subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", library, SHIM_SOURCE, "-ldl"], check=True)
    return library


def start(args, preload=None, delay_ms=0, no_rename_flags=False, cwd=None):
    """Starts `tureen ARGS…` with the shim preloaded when given."""
    env = dict(os.environ)
    if preload:
        env["LD_PRELOAD"] = str(preload)
        env["TUREEN_TEST_RENAME_DELAY_MS"] = str(delay_ms)
        if no_rename_flags:
            env["TUREEN_TEST_NO_RENAME_FLAGS"] = "1"
    return subprocess.Popen([TUREEN, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)


def wait_for_temporary(folder, timeout=20):
    """Waits until a Tureen temporary appears in `folder`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if temporaries(folder):
            return
        time.sleep(0.005)
    raise AssertionError(f"no temporary appeared in {folder}")


def temporaries(folder):
    return sorted(p.name for p in pathlib.Path(folder).iterdir() if ".tureen-" in p.name)


def digest(path):
    """A digest of a file, or of a folder's visible files by name; None if nothing is there."""
    path = pathlib.Path(path)
    if path.is_dir():
        return tuple(sorted((p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in path.iterdir() if not p.name.startswith(".")))
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


class Workspace:
    """A folder with two inputs and the reference outputs converting each gives, file and folder."""

    def __init__(self, root, megabytes=32):
        self.root = pathlib.Path(root)
        self.inputs = [large_checkpoint(self.root / f"input{seed}.safetensors", megabytes, seed) for seed in (1, 2)]
        self.shim = build_slow_rename_shim(self.root)
        self.expected = {}
        self.durations = {}
        for kind in ("file", "folder"):
            for number, source in enumerate(self.inputs):
                reference = self.root / "reference" / f"{kind}{number}"
                reference.parent.mkdir(exist_ok=True)
                subprocess.run([TUREEN, "convert", source, self.output(kind, reference), *self.options(kind)], check=True, capture_output=True)
                self.expected[kind, number] = digest(self.output(kind, reference))
            for slow, two_step in ((False, False), (True, False), (True, True)):
                self.durations[kind, slow, two_step] = self.time_one(kind, slow, two_step)

    def time_one(self, kind, slow, two_step):
        """How long replacing an output takes in this configuration, so kills land throughout it."""
        target = self.output(kind, self.root / "reference" / "timed")
        started = time.monotonic()
        process = start(["convert", self.inputs[1], target, "--force", *self.options(kind)],
                        preload=self.shim if slow else None, delay_ms=DELAY_MS, no_rename_flags=two_step)
        process.communicate(timeout=120)
        return time.monotonic() - started

    @staticmethod
    def output(kind, stem):
        return pathlib.Path(f"{stem}.safetensors") if kind == "file" else pathlib.Path(stem)

    @staticmethod
    def options(kind):
        return ["--max-shard-size", "10MB"] if kind == "folder" else []


def one_run(workspace, run, rng):
    """One kill: returns a line describing it; raises AssertionError when an invariant fails."""
    kind = "file" if run % 2 == 0 else "folder"
    sig = SIGNALS[run % len(SIGNALS)] if run < len(SIGNALS) * 2 else rng.choice(SIGNALS)
    folder = workspace.root / f"run{run}"
    folder.mkdir()
    output = workspace.output(kind, folder / "out")
    subprocess.run([TUREEN, "convert", workspace.inputs[0], output, *workspace.options(kind)], check=True, capture_output=True)
    old, new = workspace.expected[kind, 0], workspace.expected[kind, 1]
    assert digest(output) == old
    slow = rng.random() < 2 / 3
    two_step = kind == "folder" and slow and rng.random() < 1 / 2
    process = start(["convert", workspace.inputs[1], output, "--force", *workspace.options(kind)],
                    preload=workspace.shim if slow else None, delay_ms=DELAY_MS, no_rename_flags=two_step)
    time.sleep(rng.uniform(0, workspace.durations[kind, slow, two_step]))
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    code = process.returncode
    now = digest(output)
    handled = code == 128 + sig
    describe = f"run {run}: {kind} {signal.Signals(sig).name}{' slow-rename' if slow else ''}{' two-step' if two_step else ''} exit {code}"
    if two_step and sig == signal.SIGKILL and now is None:
        describe += " (output path missing between the two renames)"
    else:
        assert now in (old, new), f"{describe}: the output is neither the old nor the new one\n{stderr}"
    if code == 0:
        assert now == new, f"{describe}: success but the output is not the new one"
    elif handled:
        if now == new:
            assert "interrupted after writing" in stderr and str(output) in stderr, f"{describe}: {stderr}"
        else:
            assert "nothing was written" in stderr, f"{describe}: {stderr}"
        assert temporaries(folder) == [], f"{describe}: a handled signal left {temporaries(folder)}"
    else:
        assert code == -sig, f"{describe}: unexpected exit\n{stderr}"
    strays = [p.name for p in folder.iterdir() if p.name != output.name and ".tureen-" not in p.name]
    assert strays == [], f"{describe}: left {strays}"
    left = temporaries(folder)
    if left or now is None:
        cleanup = subprocess.run([TUREEN, "convert", workspace.inputs[0], folder / "next.safetensors"], capture_output=True, text=True)
        assert cleanup.returncode == 0, cleanup.stderr
        assert temporaries(folder) == [], f"{describe}: the next run left {temporaries(folder)}\n{cleanup.stderr}"
        for name in left:
            assert name in cleanup.stderr, f"{describe}: the next run did not say it removed {name}\n{cleanup.stderr}"
        assert digest(output) in (old, new), f"{describe}: after the next run the output is neither old nor new"
        describe += f"; next run cleaned {len(left)}"
    return describe + f" -> {'new' if digest(output) == new else 'old'}"


def campaign(root, runs, seed=11):
    """Runs `runs` kills in `root`; returns one line per run."""
    workspace = Workspace(root)
    rng = random.Random(seed)
    return [one_run(workspace, run, rng) for run in range(runs)]
