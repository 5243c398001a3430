"""Signals at random moments during single-file and folder outputs, the rename window widened by an
LD_PRELOAD shim: the output path holds the old or the complete new output, the message says which,
only Tureen's temporaries are left and the next run removes them. Tests/fault_injection.py runs the
same campaign for longer."""
import shutil

import pytest

import faults


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc builds the LD_PRELOAD shim")
def test_signals_at_random_moments_never_leave_a_wrong_output(tmp_path):
    lines = faults.campaign(tmp_path, runs=24)
    outcomes = "\n".join(lines)
    print(outcomes)
    assert "-> new" in outcomes and "-> old" in outcomes, outcomes
