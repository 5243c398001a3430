"""The `tureen` console command: replaces the Python process with the bundled binary."""
import os
import sys

from ._run import binary


def main() -> None:
    path = binary()
    os.execv(path, [path, *sys.argv[1:]])
