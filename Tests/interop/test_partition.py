"""Partitioned soups (issue 16): n tasks run as separate processes, in parallel and in random order,
write the shards of one unpartitioned run byte for byte, reading only their share of the inputs
(rchar from /proc/self/io through the report_io shim); `tureen index` joins them and catches a
killed task, a missing or cut shard, a shard of another plan and a task index given twice."""
import json
import os
import pathlib
import random
import re
import signal
import subprocess

import ml_dtypes
import numpy as np
import pytest
from safetensors.numpy import save_file

from faults import build_slow_rename_shim, wait_for_temporary
from runner import ROOT, TUREEN

pytestmark = pytest.mark.skipif(__import__("shutil").which("gcc") is None, reason="gcc builds the LD_PRELOAD shims")

SHARD_SIZE = "800KB"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """Three 9 MB ingredients (bf16 weights of varied sizes, f32 biases) and their unpartitioned soup."""
    root = tmp_path_factory.mktemp("partition")
    rng = np.random.default_rng(16)
    ingredients = []
    for number in range(4):
        tensors = {}
        for layer in range(12):
            tensors[f"layers.{layer}.weight"] = rng.standard_normal((512, 256 * (layer % 4 + 1) + 64)).astype(ml_dtypes.bfloat16)
            tensors[f"layers.{layer}.bias"] = rng.standard_normal(512).astype(np.float32)
        path = root / f"ingredient{number}.safetensors"
        save_file(tensors, path)
        ingredients.append(path)
    shim = root / "report_io.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", shim, ROOT / "Tests" / "interop" / "shims" / "report_io.c"], check=True)
    workspace = Workspace(root, ingredients[:3], ingredients[3], shim)
    workspace.reference_read = workspace.soup(root / "reference", None).rchar
    return workspace


class Task:
    def __init__(self, process, report):
        self.process = process
        self.report = report

    def wait(self, check=True):
        self.stdout, stderr = self.process.communicate(timeout=300)
        if check:
            assert self.process.returncode == 0, stderr
        self.stderr = stderr
        return self

    @property
    def rchar(self):
        fields = dict(line.split(": ") for line in self.report.read_text().splitlines())
        return int(fields["rchar"])


class Workspace:
    def __init__(self, root, ingredients, other, shim):
        self.root, self.ingredients, self.other, self.shim = root, ingredients, other, shim
        self.runs = 0

    def arguments(self, inputs):
        """The command a task runs, before its output and options: the soup of `inputs` (by default the ingredients)."""
        return ["soup", "uniform", *(inputs or self.ingredients)]

    def start(self, output, partition, inputs=None, extra=(), preload=None, env=None):
        self.runs += 1
        report = self.root / f"io{self.runs}.txt"
        environment = dict(os.environ, TUREEN_TEST_IO_REPORT=str(report), **(env or {}))
        environment["LD_PRELOAD"] = " ".join(str(p) for p in (self.shim, preload) if p)
        args = [*self.arguments(inputs), "-o", output, "--max-shard-size", SHARD_SIZE, "--threads", "1", *extra]
        if partition is not None:
            args += ["--partition", partition]
        process = subprocess.Popen([TUREEN, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
        return Task(process, report)

    def soup(self, output, partition, **options):
        return self.start(output, partition, **options).wait()

    def run_all(self, output, count, order=None):
        """Starts the tasks of a run of `count` at once, in `order` (random by default); waits for all."""
        order = order or random.Random(count).sample(range(count), count)
        tasks = [self.start(output, f"{index}/{count}") for index in order]
        return [task.wait() for task in tasks]


def shard(workspace, number):
    """The name of shard `number` (from 1) of the reference."""
    names = sorted(p.name for p in (workspace.root / "reference").glob("model-*.safetensors"))
    return names[number - 1]


def index(folder, *options):
    return subprocess.run([TUREEN, "index", folder, *options], capture_output=True, text=True)


def assert_same_as_reference(workspace, folder):
    reference = workspace.root / "reference"
    expected = sorted(p.name for p in reference.iterdir())
    assert len(expected) > 8, expected
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith("tureen-task-")) == expected
    for name in expected:
        assert (folder / name).read_bytes() == (reference / name).read_bytes(), name


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7])
def test_tasks_in_parallel_write_the_unpartitioned_shards_and_read_only_their_share(workspace, tmp_path, count):
    run_joined_and_compared(workspace, tmp_path / "out", count)


def run_joined_and_compared(workspace, folder, count):
    """Runs `count` tasks at once into `folder` and joins them; checks that the shards and index are
    the reference's and that the tasks read, together, within 5 % of what one run reads. Returns the tasks."""
    tasks = workspace.run_all(folder, count)
    result = index(folder)
    assert result.returncode == 0, result.stderr
    assert_same_as_reference(workspace, folder)
    read = sum(task.rchar for task in tasks)
    assert abs(read - workspace.reference_read) <= 0.05 * workspace.reference_read, (read, workspace.reference_read, [t.rchar for t in tasks])
    return tasks


def test_a_killed_task_is_caught_and_rerunning_it_alone_completes_the_folder(workspace, tmp_path):
    folder = tmp_path / "out"
    slow = build_slow_rename_shim(tmp_path)
    killed = workspace.start(folder, "1/4", preload=slow, env={"TUREEN_TEST_RENAME_DELAY_MS": "3000"})
    others = [workspace.start(folder, f"{index}/4") for index in (0, 2, 3)]
    for task in others:
        task.wait()
    wait_for_temporary(folder)
    killed.process.send_signal(signal.SIGKILL)
    killed.wait(check=False)
    result = index(folder)
    assert result.returncode == 1
    assert "task 1 " in result.stderr and "rerun task 1 of 4" in result.stderr, result.stderr
    assert not (folder / "model.safetensors.index.json").exists()
    rerun = workspace.soup(folder, "1/4")
    assert "wrote model-" in rerun.stderr
    assert index(folder).returncode == 0
    assert_same_as_reference(workspace, folder)


def dead_process_id():
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_a_rerun_task_removes_the_manifest_of_a_dead_run_of_it(workspace, tmp_path):
    # Regression: a run of task 0 killed (its manifest unfinished) and rerun left `tureen index`
    # refusing for good ("two runs wrote as task 0"): a rerun that found its shards complete wrote
    # nothing and removed no dead run's manifest.
    folder = tmp_path / "out"
    workspace.run_all(folder, 2)
    [finished] = folder.glob("tureen-task-00000-of-00002-*.json")
    manifest = json.loads(finished.read_text())
    writer = f"{manifest['writtenBy'].rsplit('-', 1)[0]}-{dead_process_id()}"
    dead = folder / f"tureen-task-00000-of-00002-{writer}.json"
    dead.write_text(json.dumps({**manifest, "writtenBy": writer, "finished": False, "shards": manifest["shards"][:1]}))
    result = index(folder)
    assert result.returncode == 1 and "two runs wrote as task 0 of 2" in result.stderr, result.stderr
    rerun = workspace.soup(folder, "0/2")
    assert "wrote no shard" in rerun.stderr, rerun.stderr
    assert not dead.exists() and finished.exists()
    assert index(folder).returncode == 0
    assert_same_as_reference(workspace, folder)


def test_a_resubmitted_array_keeps_the_complete_shards(workspace, tmp_path):
    folder = tmp_path / "out"
    workspace.run_all(folder, 2)
    (folder / shard(workspace, 2)).unlink()
    again = workspace.run_all(folder, 2, order=[0, 1])
    assert "wrote no shard" in again[0].stderr and f"kept {shard(workspace, 1)}" in again[0].stderr
    assert f"wrote {shard(workspace, 2)};" in again[1].stderr, again[1].stderr
    assert again[0].rchar < 0.02 * workspace.reference_read
    assert index(folder).returncode == 0
    assert_same_as_reference(workspace, folder)


def test_a_missing_or_cut_shard_is_named_with_its_task(workspace, tmp_path):
    folder = tmp_path / "out"
    workspace.run_all(folder, 3)
    (folder / shard(workspace, 5)).unlink()
    with open(folder / shard(workspace, 9), "r+b") as cut:
        cut.truncate(1000)
    result = index(folder)
    assert result.returncode == 1
    assert f"{shard(workspace, 5)}, written by task 1, is missing" in result.stderr
    assert f"{shard(workspace, 9)}, written by task 2, is 1000 bytes" in result.stderr
    assert "rerun tasks 1, 2 of 3" in result.stderr


def test_a_changed_shard_is_caught_by_verify(workspace, tmp_path):
    folder = tmp_path / "out"
    workspace.run_all(folder, 2)
    changed = folder / shard(workspace, 3)
    data = bytearray(changed.read_bytes())
    data[-1] ^= 1
    changed.write_bytes(data)
    assert index(folder).returncode == 0
    result = index(folder, "--verify")
    assert result.returncode == 1 and f"{changed.name}, written by task 0, does not have the SHA-256" in result.stderr
    # Regression: the advice was "rerun task 0", which kept the shard (listed, of its size) for good.
    assert "rerun task 0 of 2 with --force" in result.stderr, result.stderr
    kept = workspace.soup(folder, "0/2")
    assert "wrote no shard" in kept.stderr and changed.name in kept.stderr, kept.stderr
    assert_rewritten_by_rerun(workspace, folder, changed.name, "--force")


def test_a_rerun_task_rewrites_its_own_cut_shard(workspace, tmp_path):
    # Regression: a shard its own manifest lists, cut short, was refused as "from another run".
    folder = tmp_path / "out"
    workspace.run_all(folder, 2)
    with open(folder / shard(workspace, 3), "r+b") as cut:
        cut.truncate(100)
    assert_rewritten_by_rerun(workspace, folder, shard(workspace, 3))


def assert_rewritten_by_rerun(workspace, folder, name, *options):
    """Reruns task 0 of 2 with `options`; checks that it wrote shard `name` and that the folder is then complete."""
    rerun = workspace.soup(folder, "0/2", extra=list(options))
    assert re.search(rf"wrote [^;]*{re.escape(name)}", rerun.stderr), rerun.stderr
    assert index(folder, "--verify").returncode == 0
    assert_same_as_reference(workspace, folder)


def test_a_shard_of_another_plan_is_refused_then_caught(workspace, tmp_path):
    folder = tmp_path / "out"
    workspace.run_all(folder, 4)
    other = [*workspace.ingredients[:2], workspace.other]
    refused = workspace.start(folder, "2/4", inputs=other).wait(check=False)
    assert refused.process.returncode == 1 and "exists with other bytes than this task writes there" in refused.stderr
    assert "--force" in refused.stderr
    workspace.soup(folder, "2/4", inputs=other, extra=["--force"])
    result = index(folder)
    assert result.returncode == 1
    assert "different plans" in result.stderr and "tureen-task-00002-of-00004" in result.stderr, result.stderr


def test_two_tasks_with_the_same_index_are_caught(workspace, tmp_path):
    folder = tmp_path / "out"
    # The two runs given index 1 overlap, as when a scheduler starts both at once: their renames are
    # slowed, so neither has put a manifest in place when the other starts. (A run that starts
    # after another of its task finished takes it for a resubmission and supersedes it.)
    slow = build_slow_rename_shim(tmp_path)
    overlapping = {"preload": slow, "env": {"TUREEN_TEST_RENAME_DELAY_MS": "500"}}
    tasks = [workspace.start(folder, f"{index}/4", **(overlapping if index == 1 else {})) for index in (0, 1, 1, 3)]
    for task in tasks:
        task.wait()
    result = index(folder)
    assert result.returncode == 1
    assert "two runs wrote as task 1 of 4" in result.stderr, result.stderr


def test_partition_auto_reads_slurm_and_kubernetes_variables(workspace, tmp_path):
    folder = tmp_path / "out"
    slurm = {"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "4", "SLURM_ARRAY_TASK_COUNT": "2"}
    workspace.start(folder, "auto", env=slurm).wait()
    kubernetes = workspace.start(folder, "auto", env={"JOB_COMPLETION_INDEX": "0"}, extra=["--partition-count", "2"]).wait()
    assert "task 0 of 2" in kubernetes.stderr
    assert index(folder).returncode == 0
    assert_same_as_reference(workspace, folder)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLURM_", "JOB_COMPLETION"))}
    missing = subprocess.run([TUREEN, "convert", workspace.other, tmp_path / "c", "--max-shard-size", "1MB", "--partition", "auto"],
                             capture_output=True, text=True, env=clean)
    assert missing.returncode == 1 and "neither SLURM_ARRAY_TASK_ID" in missing.stderr


def test_each_task_reports_the_tensors_it_wrote_not_the_whole_soup(workspace, tmp_path):
    whole = json.loads(workspace.soup(tmp_path / "whole", None, extra=["--json", "--quiet"]).stdout)
    tasks = [json.loads(workspace.soup(tmp_path / "out", f"{task}/3", extra=["--json", "--quiet"]).stdout) for task in range(3)]
    for key in ("merged_tensors", "parameters", "output_bytes"):
        assert all(0 < task[key] < whole[key] for task in tasks), key
        assert sum(task[key] for task in tasks) == whole[key], key


def test_each_convert_task_reports_the_tensors_it_wrote_not_the_whole_checkpoint(workspace, tmp_path):
    def convert(output, partition=None):
        args = [TUREEN, "convert", workspace.other, output, "--max-shard-size", SHARD_SIZE, "--json", "--quiet"]
        result = subprocess.run(args + (["--partition", partition] if partition else []), capture_output=True, text=True, check=True)
        return json.loads(result.stdout)
    whole = convert(tmp_path / "whole")
    tasks = [convert(tmp_path / "out", f"{task}/3") for task in range(3)]
    for key in ("tensors", "parameters", "output_bytes"):
        assert all(0 < task[key] < whole[key] for task in tasks), key
        assert sum(task[key] for task in tasks) == whole[key], key


def test_an_index_of_another_checkpoint_is_not_replaced_without_force(workspace, tmp_path):
    # Regression: `tureen index` replaced the index of a checkpoint already in the folder, unasked.
    folder = tmp_path / "out"
    subprocess.run([TUREEN, "convert", workspace.other, folder, "--max-shard-size", "3MB"], check=True, capture_output=True)
    old = (folder / "model.safetensors.index.json").read_bytes()
    workspace.run_all(folder, 2)
    result = index(folder)
    assert result.returncode == 1 and "model.safetensors.index.json" in result.stderr and "--force" in result.stderr, result.stderr
    assert (folder / "model.safetensors.index.json").read_bytes() == old
    assert index(folder, "--force").returncode == 0
    reference = workspace.root / "reference" / "model.safetensors.index.json"
    assert (folder / "model.safetensors.index.json").read_bytes() == reference.read_bytes()
    assert index(folder).returncode == 0, "an index with the bytes it writes is written again without --force"


def test_a_manifest_that_misstates_its_shards_tensors_is_caught(workspace, tmp_path):
    # Regression: the index was built from the manifests' tensor lists alone (a tensor left out of
    # a list was silently dropped from the index).
    folder = tmp_path / "out"
    workspace.run_all(folder, 2)
    manifest = next(folder.glob("tureen-task-00001-*.json"))
    data = json.loads(manifest.read_text())
    dropped = data["shards"][0]["tensors"].pop()
    manifest.write_text(json.dumps(data))
    result = index(folder)
    assert result.returncode == 1 and data["shards"][0]["name"] in result.stderr and dropped in result.stderr, result.stderr
    assert not (folder / "model.safetensors.index.json").exists()


def test_tasks_that_own_no_shard_need_not_have_run(workspace, tmp_path):
    # Regression: with more tasks than shards, index asked for the tasks owning nothing, listing
    # every task number (a 143 MB message for a million tasks).
    folder = tmp_path / "out"
    shards = len(list((workspace.root / "reference").glob("model-*.safetensors")))
    count = 10_000_000
    for task in range(shards):
        workspace.soup(folder, f"{task}/{count}")
    result = index(folder)
    assert result.returncode == 0, result.stderr[:2000]
    assert_same_as_reference(workspace, folder)


def test_inputs_alike_but_for_their_values_make_other_plans(workspace, tmp_path):
    # Regression: inputs of the same size, modification time and header (cp -p, rsync -a) had one
    # plan id, so shards of two different soups were indexed as one.
    folder = tmp_path / "out"
    right, wrong = tmp_path / "right.safetensors", tmp_path / "wrong.safetensors"
    right.write_bytes(workspace.ingredients[2].read_bytes())
    wrong.write_bytes(workspace.other.read_bytes())
    for path in (right, wrong):
        os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    workspace.soup(folder, "0/2", inputs=[*workspace.ingredients[:2], wrong])
    workspace.soup(folder, "1/2", inputs=[*workspace.ingredients[:2], right])
    result = index(folder)
    assert result.returncode == 1 and "different plans" in result.stderr, result.stderr


@pytest.mark.parametrize("change, expected", [
    ("repeat", "more than once"),
    ("bytes", "bytes of tensors, not the"),
    ("header", "cannot be read as a shard"),
])
def test_a_manifest_or_shard_changed_since_is_named_with_its_task(workspace, tmp_path, change, expected):
    folder = tmp_path / "out"
    workspace.run_all(folder, 2)
    manifest = next(folder.glob("tureen-task-00001-*.json"))
    data = json.loads(manifest.read_text())
    shard_entry = data["shards"][0]
    if change == "repeat":
        shard_entry["tensors"].append(shard_entry["tensors"][0])
    elif change == "bytes":
        shard_entry["tensorBytes"] = 9223372036854775807
    manifest.write_text(json.dumps(data))
    if change == "header":
        with open(folder / shard_entry["name"], "r+b") as shard_file:
            shard_file.seek(8)
            shard_file.write(b"[")
    result = index(folder)
    assert result.returncode == 1 and shard_entry["name"] in result.stderr and expected in result.stderr, result.stderr
    assert "rerun task 1 of 2" in result.stderr, result.stderr
    assert not (folder / "model.safetensors.index.json").exists()


def test_a_partitioned_folder_is_not_read_before_its_index_is_written(workspace, tmp_path):
    # Regression: a folder with a task missing was read as a whole checkpoint, its tensors silently dropped.
    folder = tmp_path / "parts"
    workspace.soup(folder, "0/3")
    workspace.soup(folder, "2/3")
    result = subprocess.run([TUREEN, "convert", folder, tmp_path / "out.safetensors"], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert "a partitioned run's folder" in result.stderr and f"tureen index {folder}" in result.stderr, result.stderr
    assert not (tmp_path / "out.safetensors").exists()
    workspace.soup(folder, "1/3")
    assert index(folder).returncode == 0
    subprocess.run([TUREEN, "convert", folder, tmp_path / "out.safetensors"], check=True, capture_output=True)
