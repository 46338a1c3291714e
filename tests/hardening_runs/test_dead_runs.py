"""A run whose process was killed stays STARTED: the next `cxlink run` and Dagster's run
monitoring mark it failed (issue 16, "A killed run blocks the schedule and sensor").

A small job blocks in its op inside a subprocess that records into a DAGSTER_HOME with the
project's dagster.yaml; the subprocess is killed with SIGKILL, so the run cannot record its end.
"""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import pytest

from cxlink.runlog import dead_runs
from cxlink.runlog.launcher import CxlinkRunLauncher, run_worker_status
from tests.hardening_runs.helpers import kill_session, python, wait_for
from tests.killed_runs import prepare_home

HANGING_JOB = """
import sys, time
from pathlib import Path
import dagster as dg
from cxlink.runlog.dead_runs import run_tags

home, marker, tagged = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "tagged"

@dg.op
def wait_forever():
    marker.write_text("started")
    time.sleep(600)

@dg.job
def hang():
    wait_forever()

with dg.DagsterInstance.from_config(home) as instance:
    hang.execute_in_process(instance=instance, tags=run_tags() if tagged else {})
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    prepare_home(tmp_path / "home")
    return tmp_path / "home"


def start_hanging_run(home: Path, tmp_path: Path, name: str, tagged: bool = True):
    marker = tmp_path / f"{name}.started"
    proc = python(HANGING_JOB, str(home), str(marker), "tagged" if tagged else "untagged")
    wait_for(marker.exists, f"{name}'s op started")
    return proc


def statuses(home: Path) -> dict[str, str]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return {r.run_id: r.status.value for r in instance.get_runs()}


def run_of(home: Path, pid: int) -> str:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for record in instance.get_run_records():
            if dead_runs.run_process(instance, record).pid == pid:
                return record.dagster_run.run_id
    raise AssertionError(f"no run of pid {pid}")


def test_a_killed_runs_record_is_failed_at_the_next_start_and_a_live_one_is_left(
    home: Path, tmp_path: Path
):
    killed = start_hanging_run(home, tmp_path, "killed")
    alive = start_hanging_run(home, tmp_path, "alive")
    try:
        killed_run, alive_run = run_of(home, killed.pid), run_of(home, alive.pid)
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(10)
        # what Dagster leaves: the killed run still STARTED, for ever
        assert statuses(home) == {killed_run: "STARTED", alive_run: "STARTED"}

        with dg.DagsterInstance.from_config(str(home)) as instance:
            failed = dead_runs.fail_dead_runs(instance)
            assert [r.run_id for r in failed] == [killed_run]
            line = dead_runs.dead_run_line(failed[0])
            message = instance.get_run_record_by_id(killed_run)
        assert line.startswith(f"marked run {killed_run[:8]} (started 20")
        assert f"its process (pid {killed.pid}) is gone (killed or crashed)" in line
        assert statuses(home) == {killed_run: "FAILURE", alive_run: "STARTED"}
        assert message.dagster_run.status == dg.DagsterRunStatus.FAILURE
    finally:
        kill_session(alive)
        kill_session(killed)


def test_run_monitoring_fails_a_dead_run_through_the_launchers_health_check(
    home: Path, tmp_path: Path
):
    """Dagster's own monitoring iteration, with the instance of the project's dagster.yaml.
    The run is untagged (as a run the daemon launched): its pid comes from its engine event."""
    from dagster._daemon.monitoring.run_monitoring import execute_run_monitoring_iteration

    dead = start_hanging_run(home, tmp_path, "dead", tagged=False)
    alive = start_hanging_run(home, tmp_path, "alive", tagged=False)
    try:
        dead_run, alive_run = run_of(home, dead.pid), run_of(home, alive.pid)
        os.kill(dead.pid, signal.SIGKILL)
        dead.wait(10)
        with dg.DagsterInstance.from_config(str(home)) as instance:
            assert instance.run_monitoring_enabled
            assert instance.run_monitoring_max_resume_run_attempts == 0
            assert isinstance(instance.run_launcher, CxlinkRunLauncher)
            assert run_worker_status(instance, dead_run).status.value == "FAILED"
            assert run_worker_status(instance, alive_run).status.value == "RUNNING"
            context = SimpleNamespace(instance=instance, create_request_context=lambda: None)
            list(execute_run_monitoring_iteration(context, logging.getLogger("test")))
        assert statuses(home) == {dead_run: "FAILURE", alive_run: "STARTED"}
    finally:
        kill_session(alive)
        kill_session(dead)


def test_a_reused_pid_is_not_taken_for_the_runs_process():
    """A process that started after the run did is another process with the same id."""
    me = os.getpid()
    assert dead_runs.processes.is_alive(me)
    assert dead_runs.processes.is_alive(me, seen_at=dead_runs.processes.started_at(me))
    assert not dead_runs.processes.is_alive(me, seen_at=0.0)  # "seen" at 1970: not this one
