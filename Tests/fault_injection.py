"""The long fault-injection campaign (issue 11): `RUNS` (default 240) signals at random moments
during single-file and folder outputs, each checked as Tests/interop/test_fault_injection.py checks
its 24. Run with the interop environment:

    TUREEN=.build/release/tureen .venv/bin/python Tests/fault_injection.py [RUNS] [SEED]
"""
import collections
import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "interop"))
import faults  # noqa: E402


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 240
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 11
    with tempfile.TemporaryDirectory(prefix="tureen-faults-") as root:
        lines = faults.campaign(root, runs, seed)
    for line in lines:
        print(line)
    def outcome(line):
        code = int(line.split(" exit ")[1].split()[0].rstrip(";"))
        if code == 0:
            return "finished before the signal"
        if code < 0:
            return "killed by the signal itself (SIGKILL, or before the handlers were installed)"
        return "handled: " + ("output already in place, reported written" if line.endswith("new") else "nothing written, reported so")

    tally = collections.Counter(outcome(line) for line in lines)
    tally["output path missing after SIGKILL between two-step renames, restored by the next run"] = sum("missing between" in line for line in lines)
    tally["leftovers removed by the next run"] = sum("next run cleaned" in line for line in lines)
    for key, count in sorted(tally.items()):
        print(f"{count:4d}  {key}")
    print(f"{len(lines)} runs, every invariant held")


if __name__ == "__main__":
    main()
