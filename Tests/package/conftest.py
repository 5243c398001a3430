"""The shipped artefacts, run as a user without Swift would: `make package-test` builds them first
(`make dist`, `make wheel`) and names them in $TUREEN_DIST and $TUREEN_WHEEL."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def toolchain_folder():
    """The Swift toolchain's folder (/opt/swift for /opt/swift/usr/bin/swift)."""
    swift = shutil.which("swift")
    assert swift, "the tests compare against the toolchain's folder: swift must be on PATH"
    return pathlib.Path(swift).resolve().parents[2]


def hidden_toolchain_environment(*path_folders):
    """A clean environment (as `env -i` makes) whose PATH holds the system's folders and
    `path_folders` but nothing of the toolchain."""
    path = ":".join([*map(str, path_folders), "/usr/bin", "/bin"])
    assert str(toolchain_folder()) not in path
    return {"PATH": path, "LANG": "C.UTF-8"}


@pytest.fixture(scope="session")
def dist_binary():
    return pathlib.Path(os.environ["TUREEN_DIST"]).resolve()


@pytest.fixture(scope="session")
def wheel():
    return pathlib.Path(os.environ["TUREEN_WHEEL"]).resolve()


@pytest.fixture(scope="session")
def fresh_venv(tmp_path_factory, wheel):
    """A new virtual environment with the wheel installed from the file alone (no index)."""
    folder = tmp_path_factory.mktemp("venv") / "venv"
    # This interpreter's venv module (a venv made from a venv is based on the same installation),
    # not the system's python3, which on Debian lacks ensurepip without python3-venv.
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, env=hidden_toolchain_environment())
    subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index", str(wheel)],
                   check=True, env=hidden_toolchain_environment())
    return folder
