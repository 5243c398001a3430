"""Model soups and checkpoint files from Python: a small typed layer over the bundled `tureen`
binary. Each function runs one command and returns what its `--json` prints; a failure raises
TureenError with the command's message. Depends on nothing but the standard library."""
from ._api import Report, TensorInfo, check, convert, index, inspect, merge, soup
from ._greedy import greedy_soup
from ._run import TureenError, binary

__all__ = ["Report", "TensorInfo", "TureenError", "binary", "check", "convert", "greedy_soup", "index", "inspect", "merge", "soup"]
