"""dbt dies with its run (issue 16, "The dbt child outlives a killed run"): dagster-dbt starts
dbt through cxlink/runlog/dbt_child.py, which makes the kernel kill it when its parent dies.

The parent here is a small Python process that starts a child the way dagster-dbt does
(``subprocess.Popen``) and is then killed with SIGKILL, alone (not its process group: the OOM
killer and a `kill -9 <pid>` kill one process).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cxlink.runlog import dbt_child, processes
from cxlink.settings import Settings
from orchestration.resources import dbt_executable, dbt_resource
from tests.hardening_runs.helpers import kill_session, python, wait_for

GONE_WITHIN_S = 5.0
PARENT = """
import subprocess, sys, time
from pathlib import Path
child = subprocess.Popen(sys.argv[2:])
Path(sys.argv[1]).write_text(str(child.pid))
time.sleep(600)
"""


def orphan_after_parent_kill(tmp_path: Path, child_argv: list[str]) -> tuple[int, float | None]:
    """Start PARENT with ``child_argv``, SIGKILL the parent alone; (child pid, seconds until the
    child was gone, None when it still lived after GONE_WITHIN_S)."""
    marker = tmp_path / "child.pid"
    parent = python(PARENT, str(marker), *child_argv)
    try:
        wait_for(lambda: marker.exists() and marker.read_text().isdigit(), "the child started")
        child = int(marker.read_text())
        # the child is exec'd into what it runs: same pid, its command line is the program's
        wait_for(lambda: f"pid {child} (sleep" in processes.describe(child), "the child exec'd")
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        try:
            return child, wait_for(lambda: not processes.is_alive(child), "gone", GONE_WITHIN_S)
        except AssertionError:
            return child, None
    finally:
        kill_session(parent)


def test_a_plain_child_outlives_its_killed_parent(tmp_path: Path):
    """What dagster-dbt's Popen gives without the launcher: the orphan keeps running."""
    child, gone_after = orphan_after_parent_kill(tmp_path, ["sleep", "600"])
    assert gone_after is None
    os.kill(child, signal.SIGKILL)


def test_a_child_started_through_the_launcher_dies_with_its_parent(tmp_path: Path):
    launched = [sys.executable, dbt_child.__file__, "sleep", "600"]
    child, gone_after = orphan_after_parent_kill(tmp_path, launched)
    assert gone_after is not None and gone_after < GONE_WITHIN_S, child


def test_the_dbt_resource_starts_dbt_through_the_launcher(tmp_path: Path):
    dbt = dbt_resource(Settings(data_dir=tmp_path))
    assert dbt.dbt_executable == sys.executable
    assert dbt.global_config_flags == [dbt_child.__file__, dbt_executable()]
    assert dbt._cli_version.major == 1  # dbt-core's version, not the Python's (3.11)
    # the command dagster-dbt runs, with its first arguments, works as dbt
    out = subprocess.run(
        [dbt.dbt_executable, *dbt.global_config_flags, "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0 and f"installed: {dbt._cli_version}" in out.stdout, out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_launcher_sets_the_parent_death_signal(tmp_path: Path):
    """Read back from the launched program itself: prctl(PR_GET_PDEATHSIG) is SIGKILL."""
    code = (
        "import ctypes, signal; v = ctypes.c_int(); "
        "ctypes.CDLL(None).prctl(2, ctypes.byref(v), 0, 0, 0); print(v.value)"
    )
    out = subprocess.run(
        [sys.executable, dbt_child.__file__, sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == str(int(signal.SIGKILL)), out
