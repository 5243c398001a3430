"""The wheel holds a native binary: it is tagged for the platform, not as pure Python.

`make wheel` stages this folder with the binary in tureen/_bin and sets TUREEN_VERSION (from
Sources/Tureen/TureenVersion.swift); `auditwheel repair` then gives the manylinux tag."""
import os

from setuptools import setup
from setuptools.dist import Distribution
from wheel.bdist_wheel import bdist_wheel


class BinaryDistribution(Distribution):
    """Holds a native binary, so the wheel's files go to platlib, as an extension module's would."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    """Any Python 3 can run the package: only the platform is tagged (py3-none-PLATFORM)."""

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


version = os.environ.get("TUREEN_VERSION")
if not version:
    raise SystemExit("TUREEN_VERSION is not set: build the wheel with `make wheel`")
setup(version=version, distclass=BinaryDistribution, cmdclass={"bdist_wheel": PlatformWheel})
