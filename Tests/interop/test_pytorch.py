"""PyTorch checkpoints: fixtures written by torch (Fixtures/make_pytorch_fixtures.py) read with the
values torch saved; the writer's output read back; a hostile corpus refused. torch itself is not
needed here (see `make peer-test` for the comparison against torch.load)."""
import io
import json
import struct
import warnings
import zipfile

import numpy as np
import pytest

from bits import read_safetensors

PT = "pytorch"


DTYPES = {"float64": "F64", "float32": "F32", "float16": "F16", "bfloat16": "BF16", "int64": "I64", "int32": "I32",
          "int16": "I16", "int8": "I8", "uint8": "U8", "bool": "BOOL", "float8_e4m3fn": "F8_E4M3",
          "float8_e5m2": "F8_E5M2", "uint16": "U16", "uint32": "U32", "uint64": "U64", "complex64": "C64"}


def expected(fixtures, name):
    meta = json.loads((fixtures / PT / f"{name}.expected.json").read_text())
    arrays = np.load(fixtures / PT / f"{name}.expected.npz")
    return {key: (DTYPES[m["dtype"]], m["shape"], arrays[key].tobytes()) for key, m in meta.items() if m["dtype"] in DTYPES}


def convert(tureen, source, tmp_path, *flags, name="out.safetensors"):
    out = tmp_path / name
    tureen("convert", source, out, *flags)
    return out


@pytest.mark.parametrize("fixture,reference", [
    ("every_dtype.pt", "every_dtype"), ("state_dict.pt", "state_dict"), ("parameters.pt", "parameters"),
    ("views.pt", "views"), ("legacy.pt", "state_dict"), ("legacy_views.pt", "views"), ("renamed.bin", "state_dict"),
])
def test_converts_to_safetensors_with_the_values_torch_saved(tureen, fixtures, tmp_path, fixture, reference):
    want = expected(fixtures, reference)
    source = fixtures / PT / fixture
    if fixture == "every_dtype.pt":  # complex128 has no safetensors dtype: select the rest through an npz round trip
        want.pop("complex64")
        out = tmp_path / "out.npz"
        tureen("convert", source, out)
        with np.load(out) as archive:
            assert {k for k in want} <= set(archive.files)
            for key, (_, shape, raw) in want.items():
                assert list(archive[key].shape) == shape and archive[key].tobytes() == raw, key
        return
    got = read_safetensors(convert(tureen, source, tmp_path))
    assert got == want


def test_every_dtype_reads_bytes_exactly(tureen, fixtures, tmp_path):
    want = expected(fixtures, "every_dtype")
    result = tureen("inspect", "--json", fixtures / PT / "every_dtype.pt")
    listed = {t["name"]: (t["dtype"], t["shape"]) for t in json.loads(result.stdout)["tensors"]}
    assert {k: v[:2] for k, v in want.items()} == {k: v for k, v in listed.items() if k in want}
    assert listed["complex128"] == ("C128", [2, 3])


def test_select_and_strip_prefix_give_the_plain_state_dict(tureen, fixtures, tmp_path):
    want = expected(fixtures, "state_dict")
    lightning = convert(tureen, fixtures / PT / "lightning.ckpt", tmp_path, "--select", "state_dict", "--strip-prefix", "model.")
    assert read_safetensors(lightning) == want
    nested = convert(tureen, fixtures / PT / "nested.pth", tmp_path, "--select", "model", "--strip-prefix", "module.", name="n.safetensors")
    assert read_safetensors(nested) == want
    ema = convert(tureen, fixtures / PT / "nested.pth", tmp_path, "--select", "ema.model", name="e.safetensors")
    assert read_safetensors(ema) == want


def test_inspect_reports_non_tensor_values_and_convert_says_it_left_them_out(tureen, fixtures, tmp_path):
    listing = tureen("inspect", fixtures / PT / "lightning.ckpt").stdout
    assert "epoch: 3" in listing and "hyper_parameters.lr: 0.001" in listing
    result = tureen("convert", fixtures / PT / "lightning.ckpt", tmp_path / "out.safetensors")
    assert "left out 4 non-tensor values" in result.stderr
    header = json.loads((tmp_path / "out.safetensors").read_bytes()[8:][:struct.unpack("<Q", (tmp_path / "out.safetensors").read_bytes()[:8])[0]])
    assert "epoch" not in json.dumps(header.get("__metadata__", {}))


def test_missing_select_key_lists_the_keys(tureen, fixtures, tmp_path):
    result = tureen("inspect", "--select", "weights", fixtures / PT / "lightning.ckpt", check=False)
    assert result.returncode != 0 and "no key 'weights'" in result.stderr and "'state_dict'" in result.stderr


def test_selecting_a_value_says_what_it_is(tureen, fixtures, tmp_path):
    # Regression: "it holds only non-tensor values ()", an empty list.
    result = tureen("inspect", "--select", "epoch", fixtures / PT / "lightning.ckpt", check=False)
    assert result.returncode != 0 and "no tensors: 'epoch' is 3, not tensors" in result.stderr, result.stderr
    nested = tureen("convert", fixtures / PT / "lightning.ckpt", tmp_path / "o.safetensors", "--select", "hyper_parameters.name", check=False)
    assert nested.returncode == 1 and "'hyper_parameters.name' is 'tiny', not tensors" in nested.stderr, nested.stderr
    assert not (tmp_path / "o.safetensors").exists()


def test_tied_weights_and_exact_aliases_are_noted_in_metadata(tureen, fixtures, tmp_path):
    out = convert(tureen, fixtures / PT / "state_dict.pt", tmp_path)
    data = out.read_bytes()
    header = json.loads(data[8:8 + struct.unpack("<Q", data[:8])[0]])
    assert header["__metadata__"] == {"head.weight": "embed.weight"}


def test_written_pt_reads_back_identically_and_is_a_torch_archive(tureen, fixtures, tmp_path):
    want = expected(fixtures, "views")
    written = convert(tureen, fixtures / PT / "views.pt", tmp_path, name="views.pt")
    with zipfile.ZipFile(written) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names[0] == "archive/data.pkl" and "archive/version" in names and "archive/.format_version" not in names
        for info in archive.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            if info.filename.startswith("archive/data/"):
                local = written.read_bytes()[info.header_offset:]
                start = info.header_offset + 30 + struct.unpack("<H", local[26:28])[0] + struct.unpack("<H", local[28:30])[0]
                assert start % 64 == 0
    back = read_safetensors(convert(tureen, written, tmp_path))
    assert back == want


def test_npz_and_pt_zips_are_told_apart_by_content(tureen, fixtures, tmp_path):
    copy = tmp_path / "model"
    copy.write_bytes((fixtures / PT / "state_dict.pt").read_bytes())
    assert "(pytorch)" in tureen("inspect", copy).stdout
    npz = tmp_path / "weights"
    npz.write_bytes((fixtures / "numpy" / "all_dtypes.npz").read_bytes())
    assert "(npz)" in tureen("inspect", npz).stdout


# ---- hostile corpus: each refused with a clear error, no output written ----

def torch_zip(pickle_bytes, records=None, prefix="archive", duplicate=None, deflate=False, members=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{prefix}/data.pkl", pickle_bytes)
        for name, data in (members or {}).items():
            archive.writestr(f"{prefix}/{name}", data)
        for key, data in (records or {}).items():
            archive.writestr(f"{prefix}/data/{key}", data, compress_type=zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED)
        archive.writestr(f"{prefix}/version", "3\n")
        if duplicate:
            with warnings.catch_warnings():  # zipfile warns about the duplicate this case builds on purpose
                warnings.simplefilter("ignore")
                archive.writestr(f"{prefix}/{duplicate}", b"again")
    return buffer.getvalue()


def global_(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def string(text):
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def integer(value):
    if 0 <= value < 256:
        return b"K" + bytes([value])
    if -2**31 <= value < 2**31:
        return b"J" + struct.pack("<i", value)
    raw = value.to_bytes(16, "little", signed=True).rstrip(b"\x00") or b"\x00"
    if raw[-1] & 0x80:
        raw += b"\x00"
    return b"\x8a" + bytes([len(raw)]) + raw


def int_tuple(values):
    return b"(" + b"".join(integer(v) for v in values) + b"t"


def tensor_pickle(numel=6, size=(2, 3), stride=(3, 1), offset=0, storage="FloatStorage", key="0"):
    return (b"\x80\x02}(" + string("w") + global_("torch._utils", "_rebuild_tensor_v2")
            + b"((" + string("storage") + global_("torch", storage) + string(key) + string("cpu") + integer(numel) + b"tQ"
            + integer(offset) + int_tuple(size) + int_tuple(stride) + b"\x89}tRu.")


FLOATS6 = struct.pack("<6f", *range(6))

HOSTILE = {
    "os-system": (torch_zip(b"\x80\x02" + global_("os", "system") + b"(" + string("touch /tmp/pwned") + b"tR."), "'os.system'"),
    "posix-system": (torch_zip(b"\x80\x02" + global_("posix", "system") + b"."), "'posix.system'"),
    "eval-reduce": (torch_zip(b"\x80\x02" + global_("builtins", "eval") + b"(" + string("1+1") + b"tR."), "'builtins.eval'"),
    "getattr": (torch_zip(b"\x80\x02" + global_("builtins", "getattr") + b"."), "'builtins.getattr'"),
    "protocol-4-frame": (torch_zip(b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}."), "opcode 0x95"),
    "stack-global": (torch_zip(b"\x80\x02" + string("os") + string("system") + b"\x93."), "opcode 0x93"),
    "inst": (torch_zip(b"\x80\x02(ios\nsystem\n."), "opcode 0x69"),
    "module-persid": (torch_zip(b"\x80\x02(" + string("module") + b"tQ."), "not a ('storage'"),
    "huge-numel": (torch_zip(tensor_pickle(numel=2**60, size=(2**60,), stride=(1,)), {"0": FLOATS6}), "record holds 24 bytes"),
    "huge-numel-overflow": (torch_zip(tensor_pickle(numel=2**62 + 6, size=(6,), stride=(1,)), {"0": FLOATS6}), "storage '0'"),
    "stride-past-storage": (torch_zip(tensor_pickle(stride=(4, 1)), {"0": FLOATS6}), "reach element 6"),
    "offset-past-storage": (torch_zip(tensor_pickle(offset=1), {"0": FLOATS6}), "reach element 6"),
    "negative-stride": (torch_zip(tensor_pickle(stride=(-3, 1)), {"0": FLOATS6}), "negative"),
    "negative-size": (torch_zip(tensor_pickle(size=(-2, 3)), {"0": FLOATS6}), "negative"),
    "rank-mismatch": (torch_zip(tensor_pickle(stride=(1,)), {"0": FLOATS6}), "different ranks"),
    "short-record": (torch_zip(tensor_pickle(), {"0": FLOATS6[:20]}), "holds 20 bytes"),
    "long-record": (torch_zip(tensor_pickle(), {"0": FLOATS6 + b"\x00" * 4}), "holds 28 bytes"),
    "deflated-record": (torch_zip(tensor_pickle(), {"0": FLOATS6}, deflate=True), "compressed"),
    "duplicate-member": (torch_zip(tensor_pickle(), {"0": FLOATS6}, duplicate="version"), "more than once"),
    "memo-bomb": (torch_zip(b"\x80\x02]q\x00" + b"".join(b"h%c\x86q%c" % (i, i + 1) for i in range(60)) + b"."), "memo bomb"),
    "nested-lists": (torch_zip(b"\x80\x02" + b"]" * 100_000 + b"a" * 99_999 + b"."), "nest more than"),
    "self-reference": (torch_zip(b"\x80\x02]q\x00h\x00a."), "nest more than"),
    "undefined-memo": (torch_zip(b"\x80\x02h\x05."), "memo entry 5"),
    "mark-underflow": (torch_zip(b"\x80\x02t."), "no MARK"),
    "setitem-on-list": (torch_zip(b"\x80\x02]" + string("a") + string("b") + b"s."), "not a dict"),
    "truncated-pickle": (torch_zip(b"\x80\x02X\xff\x00\x00\x00ab"), "truncated"),
    "no-prefix": (b"", "not inside a folder"),
    # Regression: the byteorder record was ignored, so a big-endian file's values were read byte-swapped.
    "big-endian": (torch_zip(tensor_pickle(), {"0": struct.pack(">6f", *range(6))}, members={"byteorder": b"big"}), "big-endian"),
    "unknown-byteorder": (torch_zip(tensor_pickle(), {"0": FLOATS6}, members={"byteorder": b"middle"}), "byteorder record says 'middle'"),
    "key-read-as-two-dtypes": (torch_zip(
        b"\x80\x02}(" + string("a") + global_("torch._utils", "_rebuild_tensor_v2") + b"((" + string("storage")
        + global_("torch", "FloatStorage") + string("0") + string("cpu") + integer(6) + b"tQ" + integer(0) + int_tuple((6,))
        + int_tuple((1,)) + b"\x89}tR" + string("b") + global_("torch._utils", "_rebuild_tensor_v2") + b"((" + string("storage")
        + global_("torch", "IntStorage") + string("0") + string("cpu") + integer(6) + b"tQ" + integer(0) + int_tuple((6,))
        + int_tuple((1,)) + b"\x89}tRu.", {"0": FLOATS6}), "declared twice"),
}


def no_prefix_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.pkl", tensor_pickle())
        archive.writestr("data/0", FLOATS6)
    return buffer.getvalue()


HOSTILE["no-prefix"] = (no_prefix_zip(), "not inside a folder")


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_checkpoints_are_refused_with_a_clear_error(tureen, tmp_path, case):
    data, message = HOSTILE[case]
    source = tmp_path / "hostile.pt"
    source.write_bytes(data)
    out = tmp_path / "out.safetensors"
    result = tureen("convert", source, out, check=False)
    assert result.returncode != 0, result.stdout
    assert message in result.stderr, result.stderr
    assert str(source) in result.stderr
    assert not out.exists()
    assert "Fatal error" not in result.stderr and "Traceback" not in result.stderr


def test_legacy_truncated_storage_is_refused(tureen, fixtures, tmp_path):
    source = tmp_path / "legacy.pt"
    source.write_bytes((fixtures / PT / "legacy.pt").read_bytes()[:-10])
    result = tureen("inspect", source, check=False)
    assert result.returncode != 0 and "truncated" in result.stderr


def test_sharded_bin_folder_and_its_index_read_like_one_state_dict(tureen, fixtures, tmp_path):
    want = expected(fixtures, "state_dict")
    folder = fixtures / PT / "sharded_bin"
    assert read_safetensors(convert(tureen, folder, tmp_path)) == want
    index = folder / "pytorch_model.bin.index.json"
    assert read_safetensors(convert(tureen, index, tmp_path, name="i.safetensors")) == want


def test_sharded_bin_index_that_disagrees_with_a_shard_is_refused(tureen, fixtures, tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    source = fixtures / PT / "sharded_bin"
    for path in source.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    index = json.loads((folder / "pytorch_model.bin.index.json").read_text())
    index["weight_map"]["norm.bias"] = "pytorch_model-00001-of-00002.bin"
    (folder / "pytorch_model.bin.index.json").write_text(json.dumps(index))
    result = tureen("inspect", folder, check=False)
    assert result.returncode != 0 and "norm.bias" in result.stderr


def test_an_output_never_replaces_a_shard_of_its_sharded_bin_input(tureen, fixtures, tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    for path in (fixtures / PT / "sharded_bin").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    shard = folder / "pytorch_model-00001-of-00002.bin"
    before = shard.read_bytes()
    result = tureen("convert", folder / "pytorch_model.bin.index.json", shard, "--force", check=False)
    assert result.returncode != 0 and str(shard) in result.stderr
    assert shard.read_bytes() == before
