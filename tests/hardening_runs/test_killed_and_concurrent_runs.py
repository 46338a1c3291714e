"""End to end on the 150-customer demo (issue 16): `cxlink run` killed alone (kill -9 of its
pid, not of its process group) while dbt builds; then the next run, and a third one beside it.

- dbt does not outlive the killed run: every process of the run's session is gone within
  ``GONE_WITHIN_S`` (before: dbt kept writing the warehouse for ~72 s);
- the killed run stays STARTED in the run history until the next `cxlink run`, which marks it
  failed with one line, and proceeds;
- a third `cxlink run` started while the second one runs stops at once (exit code 2) with the
  sentence naming the second one's pid, and the second one publishes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy.exc import OperationalError

from cxlink.demo import generate
from cxlink.runlog import processes, run_lock
from cxlink.settings import PROJECT_ROOT
from tests.hardening_runs.helpers import session_members, wait_for
from tests.killed_runs import CXLINK, RUN_TIMEOUT_S, PipelineRun, prepare_home

pytestmark = pytest.mark.xdist_group("fault_injection")

DBT_STEP = "cxlink_dbt_models"
GONE_WITHIN_S = 5.0


def statuses(home: Path) -> dict[str, str]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return {r.run_id: r.status.value for r in instance.get_runs()}


def wait_until_dbt_builds(run: PipelineRun, home: Path) -> None:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    with dg.DagsterInstance.from_config(str(home)) as instance:
        while run.log.materializations(DBT_STEP) < 1:
            assert run.proc.poll() is None, run.tail()
            assert time.monotonic() < deadline, run.tail()
            with contextlib.suppress(OperationalError):
                run.poll_events(instance)
            time.sleep(0.05)


def test_a_run_killed_alone_takes_dbt_with_it_and_the_next_run_proceeds_alone(
    tmp_path: Path, dbt_manifest: Path, tagger
):
    data_dir, home = tmp_path / "data", tmp_path / "home"
    generate(data_dir / "landing", customers=150, seed=7)
    prepare_home(home)
    env = {
        **os.environ,
        "CXLINK_AS_OF_DATE": "2026-10-31",
        "CXLINK_TAGGER_DIR": str(tagger.directory),
        "PYTHONPATH": str(PROJECT_ROOT),  # this checkout's cxlink in the subprocesses
    }

    first = PipelineRun(data_dir, home, env, "killed_alone")
    wait_until_dbt_builds(first, home)
    children = [p for p in session_members(first.proc.pid) if p != first.proc.pid]
    dbt = [p for p in children if "dbt build" in processes.describe(p)]
    assert dbt, [processes.describe(p) for p in children]
    os.kill(first.proc.pid, signal.SIGKILL)  # the run's process alone, as the OOM killer does
    first.proc.wait(30)
    gone_after = wait_for(
        lambda: not session_members(first.proc.pid), "the run's dbt gone", GONE_WITHIN_S
    )
    killed_run = first._run_id
    assert statuses(home) == {killed_run: "STARTED"}

    second = PipelineRun(data_dir, home, env, "next")
    wait_for(
        lambda: run_lock.holder_of(data_dir).get("pid") == second.proc.pid,
        "the next run holding the data directory",
        timeout=RUN_TIMEOUT_S,
    )
    third = subprocess.run(
        [str(CXLINK), "run", "--no-summary"],
        env={**env, "CXLINK_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(home)},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert third.returncode == 2, third.stdout + third.stderr
    assert third.stderr.startswith(
        f"cxlink: another cxlink run is already running on {data_dir}: run "
    ), third.stderr
    assert f"in pid {second.proc.pid} (" in third.stderr

    assert second.wait() == 0, second.tail()
    log = second.log_path.read_text()
    assert f"marked run {killed_run[:8]} (started " in log
    assert f"its process (pid {first.proc.pid}) is gone (killed or crashed)" in log
    assert (data_dir / "cxlink_bi.duckdb").exists()
    after = statuses(home)
    assert after.pop(killed_run) == "FAILURE"
    assert list(after.values()) == ["SUCCESS"]  # the third run never created one
    print(f"dbt gone {gone_after:.2f} s after the kill")
