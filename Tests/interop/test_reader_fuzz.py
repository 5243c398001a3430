"""Mutation fuzzing of every checkpoint reader through the release binary.

Seed files from Fixtures/ (safetensors single and sharded, npy, npz stored and deflated, HDF5
contiguous, chunked with gzip, Keras 2 and Keras 3) are corrupted many ways: bit flips, bytes set
to boundary values, truncations, extensions, inserted and deleted runs, integers spliced over
length and offset fields, decimal numbers in text headers swapped for huge ones. Mutations land
mostly where the structure lives (headers, zip records, HDF5 metadata rather than raw data).
Each copy is run through `tureen inspect` and `tureen convert X out.safetensors` (which reads
every tensor byte; out.npz for seeds holding complex128). The rule: exit 0, or exit 1 or 2 with
stderr starting `tureen: error:` and naming the file; never a signal (a Swift trap is SIGILL or
SIGTRAP), a timeout, or a huge allocation (the process runs with its data segment capped, so a
giant allocation dies by a signal). Hand-made files with giant declared sizes must also fail
fast in bounded memory.

The run is deterministic for a seed. CI runs a few mutations per seed file; a campaign sets
TUREEN_FUZZ_ITERATIONS (mutations per seed file), optionally TUREEN_FUZZ_SEED, and
TUREEN_FUZZ_KEEP=folder to keep every failing input there.
"""
import json
import os
import pathlib
import random
import re
import resource
import shutil
import signal
import struct
import subprocess
import time
import zlib

import h5py
import pytest

TUREEN = os.environ.get("TUREEN", "tureen")
FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "Fixtures"
ITERATIONS = int(os.environ.get("TUREEN_FUZZ_ITERATIONS", "10"))
SEED = int(os.environ.get("TUREEN_FUZZ_SEED", "20250601"))
KEEP = os.environ.get("TUREEN_FUZZ_KEEP")
TIMEOUT_SECONDS = 20
# Far above what any fixture needs, far below what a size read from a corrupt header would ask for.
DATA_LIMIT_BYTES = 1 << 30

# (test id, fixture path, the file inside the copied checkpoint to hand to tureen, files to mutate).
# Seeds holding complex128 convert to npz, as safetensors has no such dtype.
SEEDS = [
    ("safetensors-all-dtypes", "safetensors/all_dtypes.safetensors", None, None),
    ("safetensors-metadata", "safetensors/with_metadata.safetensors", None, None),
    ("safetensors-scalar-empty", "safetensors/scalar_and_empty.safetensors", None, None),
    ("safetensors-sharded-index", "safetensors/sharded", "model.safetensors.index.json",
     ["model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]),
    ("safetensors-sharded-folder", "safetensors/sharded", "",
     ["model.safetensors.index.json", "model-00002-of-00002.safetensors"]),
    ("npy-matrix", "numpy/matrix.npy", None, None),
    ("npy-fortran", "numpy/fortran_big.npy", None, None),
    ("npz-stored", "numpy/all_dtypes.npz", None, None),
    ("npz-deflated", "numpy/all_dtypes_compressed.npz", None, None),
    ("npz-void", "numpy/ml_dtypes_untyped.npz", None, None),
    ("h5-contiguous", "hdf5/flat.h5", None, None),
    ("h5-chunked-gzip", "hdf5/chunked.h5", None, None),
    ("h5-all-dtypes", "hdf5/all_dtypes.h5", None, None),
    ("h5-keras2", "hdf5/keras2_legacy.h5", None, None),
    ("h5-keras3", "hdf5/keras3.weights.h5", None, None),
    ("h5-keras3-bf16", "hdf5/keras3_bfloat16.weights.h5", None, None),
    ("keras-mlp", "keras/mlp_1.keras", None, None),
    ("pt-state-dict", "pytorch/state_dict.pt", None, None),
    ("pt-views", "pytorch/views.pt", None, None),
    ("pt-lightning", "pytorch/lightning.ckpt", None, None),
    ("pt-legacy-views", "pytorch/legacy_views.pt", None, None),
    ("pt-sharded-bin", "pytorch/sharded_bin", "",
     ["pytorch_model.bin.index.json", "pytorch_model-00001-of-00002.bin"]),
    ("gguf-small", "gguf/small.gguf", None, None),
]

BOUNDARY_BYTES = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE]
BOUNDARY_INTEGERS = [
    0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 1 << 32,
    0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, 1 << 62, 1 << 48, 100_000_000,
]
HUGE_DECIMALS = [
    "0", "1", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
    "18446744073709551615", "18446744073709551616", "99999999999999999999999", "1000000000", "-1", "1e30",
]
# libhdf5 1.10 trusts the global heap references and sizes it reads (H5HG_read copies whatever a
# corrupt variable-length string attribute points at; a zero-sized heap object loops forever), so
# some corrupt HDF5 files crash or hang it (and, more rarely, corrupt group B-tree nodes make its
# metadata reader copy out of bounds): C library bugs Tureen cannot fix (see Docs/hdf5.md,
# "Corrupt files"). Crashes and hangs whose innermost frame is libhdf5's are counted and reported,
# not failed; every other crash or hang, and any of the other readers', fails.
LIBHDF5_CRASHES = []

ZIP_SIGNATURES = [b"PK\x01\x02", b"PK\x03\x04", b"PK\x05\x06", b"PK\x06\x06", b"PK\x06\x07"]


def hot_ranges(path):
    """Where a file's structure lives, as (start, end) byte ranges: mutations aim there most often."""
    data = path.read_bytes()
    size = len(data)
    name = path.name
    if name.endswith(".safetensors") and size >= 8:
        return [(0, min(size, 8 + int.from_bytes(data[:8], "little")))]
    if name.endswith(".npy") and size >= 10:
        return [(0, min(size, 10 + int.from_bytes(data[8:10], "little")))]
    if name.endswith((".npz", ".pt", ".ckpt", ".keras")):
        ranges = [(match.start(), min(size, match.start() + 160))
                  for signature in ZIP_SIGNATURES for match in re.finditer(re.escape(signature), data)]
        return ranges + [(max(0, size - 22), size)]
    if name.endswith(".h5"):
        return complement(data_ranges(path), size)
    return [(0, size)]


def data_ranges(path):
    """The byte ranges holding HDF5 raw data (contiguous storage and every chunk)."""
    ranges = []
    with h5py.File(path, "r") as file:
        def visit(_name, item):
            if not isinstance(item, h5py.Dataset):
                return
            space = item.id
            if item.chunks is None:
                offset = space.get_offset()
                if offset is not None:
                    ranges.append((offset, offset + space.get_storage_size()))
                return
            for index in range(space.get_num_chunks()):
                chunk = space.get_chunk_info(index)
                ranges.append((chunk.byte_offset, chunk.byte_offset + chunk.size))
        file.visititems(visit)
    return sorted(ranges)


def complement(ranges, size):
    gaps, position = [], 0
    for start, end in ranges:
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    if position < size:
        gaps.append((position, size))
    return gaps or [(0, size)]


class Mutator:
    """Corrupts a file's bytes, one named operation at a time, with a seeded generator."""

    def __init__(self, rng, hot):
        self.rng = rng
        self.hot = [(start, end) for start, end in hot if end > start]

    def position(self, size):
        if size == 0:
            return 0
        if self.hot and self.rng.random() < 0.8:
            start, end = self.rng.choice(self.hot)
            return min(size - 1, self.rng.randrange(start, end))
        return self.rng.randrange(size)

    def mutate(self, data):
        operations = [self.flip_bits, self.set_bytes, self.truncate, self.extend, self.splice_integer,
                      self.splice_decimal, self.insert, self.delete, self.copy_run]
        data = bytearray(data)
        steps = []
        for _ in range(1 if self.rng.random() < 0.7 else self.rng.randint(2, 3)):
            operation = self.rng.choice(operations)
            steps.append(operation(data))
        return bytes(data), "; ".join(steps)

    def flip_bits(self, data):
        if not data:
            return "flip nothing"
        places = [(self.position(len(data)), self.rng.randrange(8)) for _ in range(self.rng.randint(1, 4))]
        for offset, bit in places:
            data[offset] ^= 1 << bit
        return "flip " + ", ".join(f"bit {bit} of byte {offset}" for offset, bit in places)

    def set_bytes(self, data):
        if not data:
            return "set nothing"
        offset, count = self.position(len(data)), self.rng.randint(1, 8)
        value = self.rng.choice(BOUNDARY_BYTES)
        data[offset:offset + count] = bytes([value]) * len(data[offset:offset + count])
        return f"set {count} bytes at {offset} to {value:#04x}"

    def truncate(self, data):
        length = self.position(len(data)) if self.rng.random() < 0.7 else self.rng.randrange(len(data) + 1)
        del data[length:]
        return f"truncate to {length} bytes"

    def extend(self, data):
        count = self.rng.choice([1, 7, 8, 64, 4096])
        fill = self.rng.choice([b"\x00", b"\xff", None])
        data += fill * count if fill else bytes(self.rng.randrange(256) for _ in range(count))
        return f"append {count} bytes"

    def splice_integer(self, data):
        width = self.rng.choice([1, 2, 4, 8])
        value = self.rng.choice(BOUNDARY_INTEGERS + [len(data), len(data) + 1, len(data) - 1]) % (1 << (8 * width))
        order = "little" if self.rng.random() < 0.8 else "big"
        offset = self.position(len(data))
        data[offset:offset + width] = value.to_bytes(width, order)
        return f"write {value:#x} as {width} {order}-endian bytes at {offset}"

    def splice_decimal(self, data):
        limit = max((end for _, end in self.hot), default=len(data))
        runs = [match.span() for match in re.finditer(rb"-?\d+", bytes(data[:limit]))]
        if not runs:
            return self.splice_integer(data)
        start, end = self.rng.choice(runs)
        text = self.rng.choice(HUGE_DECIMALS)
        data[start:end] = text.encode()
        return f"replace number at {start} with {text}"

    def insert(self, data):
        offset = self.position(len(data))
        run = bytes([self.rng.choice(BOUNDARY_BYTES)]) * self.rng.choice([1, 4, 8, 100])
        data[offset:offset] = run
        return f"insert {len(run)} bytes at {offset}"

    def delete(self, data):
        offset, count = self.position(len(data)), self.rng.choice([1, 4, 8, 100])
        del data[offset:offset + count]
        return f"delete {count} bytes at {offset}"

    def copy_run(self, data):
        if len(data) < 2:
            return "copy nothing"
        source, target, count = self.position(len(data)), self.position(len(data)), self.rng.choice([4, 8, 16, 64])
        data[target:target + count] = data[source:source + count]
        return f"copy {count} bytes from {source} to {target}"


def limit_resources():
    resource.setrlimit(resource.RLIMIT_DATA, (DATA_LIMIT_BYTES, DATA_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class Hang:
    """A run that outlived the timeout, with gdb's backtrace of it when gdb is installed."""

    def __init__(self, trace):
        self.trace = trace


def run_tureen(*args):
    process = subprocess.Popen([TUREEN, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               errors="replace", preexec_fn=limit_resources)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        trace = backtrace("-p", str(process.pid)) if shutil.which("gdb") else ""
        process.kill()
        process.communicate()
        return Hang(trace)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def backtrace(*options, program=()):
    """gdb's backtrace after `options` (`-p PID` to attach, or `-ex run` with `program`)."""
    arguments = ["--args", *map(str, program)] if program else []
    return subprocess.run(["gdb", "-q", "-batch", *options, "-ex", "bt", *arguments], capture_output=True, text=True,
                          errors="replace", timeout=120).stdout


def innermost_frame_is_libhdf5(trace):
    """Whether the innermost frame of a gdb backtrace, outside libc's memory functions, is libhdf5's."""
    frames = [line for line in trace.splitlines() if re.match(r"#\d+ ", line) and "sysdeps" not in line and "libc.so" not in line]
    return bool(frames) and bool(re.search(r" in H5\w* |libhdf5", frames[0]))


def crashed_inside_libhdf5(command, result):
    """Whether a crash happened inside libhdf5's own code (from gdb's backtrace of a rerun when gdb
    is installed, else from the Swift runtime's crash report)."""
    if shutil.which("gdb"):
        return innermost_frame_is_libhdf5(backtrace("-ex", "run", program=[TUREEN, *command]))
    crashed = result.stderr.split("crashed:", 1)[-1].strip().splitlines()
    return bool(crashed) and "libhdf5" in crashed[0]


def problem(command, result, named):
    """What is wrong with how tureen ended, or None if it ended cleanly."""
    if isinstance(result, Hang):
        if str(command[1]).endswith((".h5", ".keras")) and innermost_frame_is_libhdf5(result.trace):
            LIBHDF5_CRASHES.append(command)
            return None
        return f"timed out after {TIMEOUT_SECONDS} s"
    if result.returncode < 0:
        if str(command[1]).endswith((".h5", ".keras")) and crashed_inside_libhdf5(command, result):
            LIBHDF5_CRASHES.append(command)
            return None
        return f"killed by {signal.Signals(-result.returncode).name}: {result.stderr.strip()[-400:]}"
    if result.returncode not in (0, 1, 2):
        return f"exit status {result.returncode}: {result.stderr.strip()[-400:]}"
    if result.returncode != 0:
        if not result.stderr.startswith("tureen: error:"):
            return f"stderr does not start with 'tureen: error:': {result.stderr.strip()[:400]}"
        if named not in result.stderr:
            return f"the error does not name {named}: {result.stderr.strip()[:400]}"
    return None


def check_case(case, target, named, output_folder, output_name):
    """Runs inspect and convert on `target`; returns the problems found."""
    problems = []
    output = output_folder / output_name
    for command in (["inspect", target], ["convert", target, output]):
        found = problem(command, run_tureen(*command), named)
        if found:
            problems.append(f"{case}: tureen {command[0]}: {found}")
    shutil.rmtree(output_folder, ignore_errors=True)
    output_folder.mkdir()
    return problems


def keep(case_folder, label):
    if KEEP:
        shutil.copytree(case_folder, pathlib.Path(KEEP) / label, dirs_exist_ok=True)


@pytest.mark.parametrize("seed_id, fixture, entry, mutable", SEEDS, ids=[seed[0] for seed in SEEDS])
def test_mutated_checkpoints_fail_with_a_clear_error(tmp_path, seed_id, fixture, entry, mutable):
    source = FIXTURES / fixture
    folder = tmp_path / "input"
    output_folder = tmp_path / "output"
    output_folder.mkdir()
    if source.is_dir():
        shutil.copytree(source, folder)
    else:
        folder.mkdir()
        shutil.copy(source, folder / source.name)
    names = mutable or [source.name]
    originals = {name: (folder / name).read_bytes() for name in names}
    hot = {name: hot_ranges(folder / name) for name in names}
    target = folder / (source.name if entry is None else entry)
    named = str(folder) if source.is_dir() else str(target)
    output_name = "out.npz" if "all_dtypes" in fixture else "out.safetensors"
    assert not check_case("unmutated", target, named, output_folder, output_name)

    rng = random.Random(f"{SEED}-{seed_id}")
    failures = []
    for iteration in range(ITERATIONS):
        name = rng.choice(names)
        mutated, steps = Mutator(rng, hot[name]).mutate(originals[name])
        (folder / name).write_bytes(mutated)
        case = f"{seed_id} #{iteration} {name}: {steps}"
        found = check_case(case, target, named, output_folder, output_name)
        if found:
            failures += found
            keep(folder, f"{seed_id}-{iteration}")
        (folder / name).write_bytes(originals[name])
    if LIBHDF5_CRASHES:
        print(f"{len(LIBHDF5_CRASHES)} runs crashed or hung inside libhdf5 (a known limit, see Docs/hdf5.md)")
        LIBHDF5_CRASHES.clear()
    assert not failures, f"{len(failures)} failures, first ones:\n" + "\n".join(failures[:10])


def npy_bytes(shape, data, fortran=False):
    text = f"{{'descr': '<f4', 'fortran_order': {fortran}, 'shape': {shape}, }}".encode()
    text += b" " * (63 - (10 + len(text)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + data


def deflated_npz(member, payload, declared):
    """A one-member npz whose deflated member claims `declared` uncompressed bytes (zip64 sizes)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    compressed = compressor.compress(payload) + compressor.flush()
    name = member.encode()
    crc = zlib.crc32(payload)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0, crc, len(compressed), 0xFFFFFFFF, len(name), 0) + name
    extra = struct.pack("<HHQ", 1, 8, declared)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0, crc, len(compressed), 0xFFFFFFFF,
                          len(name), len(extra), 0, 0, 0, 0, 0) + name + extra
    body = local + compressed
    return body + central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(body), 0)


def safetensors_bytes(header, data):
    text = json.dumps(header).encode()
    return len(text).to_bytes(8, "little") + text + data


def fortran_bomb():
    """2 MiB of incompressible data behind a header declaring 1000 times as much (deflate could)."""
    rows = 1000 * (2 << 20) // 8
    header = npy_bytes((rows, 2), b"", fortran=True)
    return deflated_npz("w.npy", header + random.Random(1).randbytes(2 << 20), len(header) + 8 * rows)


def deep_groups(path):
    with h5py.File(path, "w") as file:
        group = file
        for _ in range(2000):
            group = group.create_group("g")
        group.create_dataset("w", data=[1.0])


BOMBS = {
    "giant_shape.safetensors": lambda path: path.write_bytes(safetensors_bytes(
        {"w": {"dtype": "F32", "shape": [1 << 20, 1 << 20], "data_offsets": [0, 4 << 40]}}, bytes(16))),
    "overflowing_shape.safetensors": lambda path: path.write_bytes(safetensors_bytes(
        {"w": {"dtype": "F64", "shape": [1 << 32, 1 << 32, 1 << 32], "data_offsets": [0, 8]}}, bytes(8))),
    "giant_shape.npy": lambda path: path.write_bytes(npy_bytes((1 << 40, 1 << 20), bytes(64))),
    "giant_count.npz": lambda path: path.write_bytes(
        deflated_npz("a.npy", npy_bytes((4,), bytes(16)), 0)[:-12] + b"\xff\xff\xff\xff" + (0).to_bytes(4, "little") + b"\0\0\0\0"),
    "fortran_bomb.npz": lambda path: path.write_bytes(fortran_bomb()),
    "shape_bomb_chunked.h5": lambda path: shutil.copy(FIXTURES / "hdf5/refused/shape_bomb_chunked.h5", path),
    "shape_bomb_contiguous.h5": lambda path: shutil.copy(FIXTURES / "hdf5/refused/shape_bomb_contiguous.h5", path),
    "deep_groups.h5": deep_groups,
}


@pytest.mark.parametrize("name", BOMBS)
def test_giant_declared_sizes_fail_fast_in_bounded_memory(tmp_path, name):
    path = tmp_path / name
    BOMBS[name](path)
    started = time.monotonic()
    process = subprocess.Popen([TUREEN, "convert", path, tmp_path / "out.npz"], stderr=subprocess.PIPE, text=True,
                               preexec_fn=limit_resources)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 1, stderr
    assert stderr.startswith("tureen: error:") and str(path) in stderr, stderr
    assert time.monotonic() - started < 10
    assert usage.ru_maxrss < 200 << 10, f"peak RSS {usage.ru_maxrss >> 10} MiB"
