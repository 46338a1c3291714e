"""One run at a time per data directory (issue 16, "two runs at once"): the second stops at
once with one sentence naming the first run's id and pid and the fix; a kill -9 of the first
frees the data directory; the landing sensor's read-only look never blocks a running run."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from cxlink.cli import main
from cxlink.demo import generate
from cxlink.runlog import run_lock
from orchestration.resources import Warehouse
from tests.hardening_runs.helpers import kill_session, python, wait_for

HOLDER = """
import sys, time
from pathlib import Path
from cxlink.runlog import run_lock
run_lock.acquire(Path(sys.argv[1]), "run-of-the-first")
Path(sys.argv[2]).write_text("held")
time.sleep(600)
"""


@pytest.fixture
def holder(tmp_path: Path):
    """Another process holding the run lock of ``tmp_path / 'data'``, as a running run does."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    marker = tmp_path / "held"
    proc = python(HOLDER, str(data_dir), str(marker))
    wait_for(marker.exists, "the lock taken")
    yield data_dir, proc
    kill_session(proc)


def test_a_second_run_stops_at_once_naming_the_first(holder):
    data_dir, proc = holder
    started = time.monotonic()
    with pytest.raises(run_lock.RunBusyError) as error:
        run_lock.acquire(data_dir, "run-of-the-second")
    assert time.monotonic() - started < 1.0  # a live holder: no retrying
    message = str(error.value)
    assert message.startswith(
        f"another cxlink run is already running on {data_dir}: run run-of-the-first in "
        f"pid {proc.pid} ("
    )
    assert message.endswith(
        f"one run at a time per data directory: wait for it to finish (or stop it with "
        f"`kill {proc.pid}`), then run again."
    )
    assert run_lock.run_in_progress(data_dir)


def test_a_kill_9_of_the_holder_frees_the_data_directory(holder):
    data_dir, proc = holder
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert not run_lock.run_in_progress(data_dir)
    with run_lock.run_lock(data_dir, "next"):
        assert run_lock.holder_of(data_dir)["pid"] == os.getpid()
        with run_lock.run_lock(data_dir):  # re-entrant: the in-process run's resource
            assert run_lock.held_here(data_dir)
        assert run_lock.held_here(data_dir)
    assert not run_lock.held_here(data_dir)
    assert run_lock.holder_of(data_dir) == {}


def test_a_readers_momentary_probe_does_not_fail_a_starting_run(tmp_path: Path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    marker = tmp_path / "probing"
    probe = """
import fcntl, os, sys, time
from pathlib import Path
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_SH)
Path(sys.argv[2]).write_text("probing")
time.sleep(0.5)
"""
    proc = python(probe, str(run_lock.lock_path(data_dir)), str(marker))
    try:
        wait_for(marker.exists, "the probe taken")
        with run_lock.run_lock(data_dir, "starting"):  # waits out the 0.5 s probe
            pass
    finally:
        kill_session(proc)


def test_cxlink_run_exits_2_with_the_sentence(holder, tmp_path: Path, capsys, monkeypatch):
    data_dir, proc = holder
    generate(data_dir / "landing", customers=20, seed=1)
    monkeypatch.setenv("CXLINK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    capsys.readouterr()
    started = time.monotonic()
    code = main(["run", "--no-summary"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert time.monotonic() - started < 10
    assert err.startswith(f"cxlink: another cxlink run is already running on {data_dir}:")
    assert f"run run-of-the-first in pid {proc.pid}" in err, err
    assert err.count("\n") == 1, err  # one sentence, no traceback


def test_a_dagster_run_holds_the_lock_and_a_sensor_does_not(holder, tmp_path: Path):
    """The daemon's runs take the lock in the warehouse resource; sensors (no run) do not,
    and their read-only look at a busy warehouse is refused without opening it."""
    data_dir, proc = holder
    duckdb.connect(str(data_dir / "warehouse.duckdb")).close()

    @dg.asset
    def touches(warehouse: Warehouse) -> None:
        pass

    result = dg.materialize(
        [touches], resources={"warehouse": Warehouse(data_dir=str(data_dir))}, raise_on_error=False
    )
    assert not result.success
    errors = [str(e.event_specific_data.error) for e in result.all_events if e.is_failure]
    assert any(f"run run-of-the-first in pid {proc.pid}" in e for e in errors), errors

    resources = {"warehouse": Warehouse(data_dir=str(data_dir))}
    with (
        dg.build_resources(resources) as built,
        pytest.raises(duckdb.IOException) as refused,
        built.warehouse.connect(read_only=True),
    ):
        pass
    assert "a cxlink run is writing" in str(refused.value)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    with dg.build_resources(resources) as built, built.warehouse.connect(read_only=True) as con:
        assert con.execute("select 1").fetchone() == (1,)
