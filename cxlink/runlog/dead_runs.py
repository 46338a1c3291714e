"""Runs the history still shows as started although their process is gone: marked failed.

A run killed with ``kill -9`` (or by the OOM killer, a power cut, a closed laptop) cannot record
its own end, so Dagster keeps it ``STARTED`` for ever, and the run queue of ``dagster.yaml``
(one run at a time) holds every later run of the schedule and the sensor behind it. Two things
look for such runs and mark them failed:

- ``cxlink run`` at its start (``fail_dead_runs``), printing one line per run it failed;
- Dagster's run monitoring (``dagster.yaml``: ``run_monitoring``), through the run launcher of
  ``cxlink.runlog.launcher``, whose ``check_run_worker_health`` is ``run_worker_status`` below.

Which process ran a run: the ``cxlink/pid`` tag that ``cxlink run`` puts on its runs (with
``cxlink/host``: a run of another machine sharing the history is left alone), else the pid of
the first engine event that carries one (Dagster's "Started process for run (pid: N)" of a run
worker, or the in-process executor's "Executing steps in process (pid: N)"). A run without
either is left alone. A pid is judged by ``processes.is_alive``, against the run's start time.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import dagster as dg

from cxlink.runlog import processes

PID_TAG = "cxlink/pid"
HOST_TAG = "cxlink/host"
WATCHED = (dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING)
ENGINE_EVENTS_READ = 50  # the pid is in the first few engine events of a run


def run_tags() -> dict[str, str]:
    """The tags ``cxlink run`` gives its run: which process, on which machine."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


@dataclass(frozen=True)
class RunProcess:
    run_id: str
    status: str
    pid: int | None
    started: float | None  # the run's start (or creation) time, seconds since the epoch
    elsewhere: bool  # recorded on another machine: its process cannot be seen from here

    @property
    def alive(self) -> bool | None:
        """True / False, or None when it cannot be known (no pid, another machine)."""
        if self.pid is None or self.elsewhere:
            return None
        return processes.is_alive(self.pid, seen_at=self.started)

    def started_text(self) -> str:
        if self.started is None:
            return "start unknown"
        return f"started {datetime.fromtimestamp(self.started, UTC):%Y-%m-%d %H:%M:%S} UTC"


def _engine_event_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    found = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.ENGINE_EVENT, limit=ENGINE_EVENTS_READ
    )
    for record in found.records:
        event = record.event_log_entry.dagster_event
        data = getattr(event, "event_specific_data", None) if event else None
        pid = (getattr(data, "metadata", None) or {}).get("pid")
        if pid is not None and str(pid.value).isdigit():
            return int(pid.value)
    return None


def run_process(instance: dg.DagsterInstance, record) -> RunProcess:
    """The process of one run record (``instance.get_run_records`` row)."""
    run = record.dagster_run
    tags = run.tags or {}
    pid: int | None = int(tags[PID_TAG]) if str(tags.get(PID_TAG, "")).isdigit() else None
    elsewhere = bool(tags.get(HOST_TAG)) and tags[HOST_TAG] != socket.gethostname()
    if pid is None:
        pid = _engine_event_pid(instance, run.run_id)
    started = record.start_time
    if started is None and record.create_timestamp is not None:
        created = record.create_timestamp  # naive in SQLite storage: UTC
        started = (created if created.tzinfo else created.replace(tzinfo=UTC)).timestamp()
    return RunProcess(run.run_id, run.status.value, pid, started, elsewhere)


def unfinished_runs(instance: dg.DagsterInstance) -> Iterator[RunProcess]:
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=list(WATCHED))):
        yield run_process(instance, record)


def failure_message(run: RunProcess) -> str:
    return (
        f"the run's process (pid {run.pid}) no longer exists: it was killed or crashed "
        f"without recording its end; marked failed by cxlink (pid {os.getpid()})"
    )


def fail_dead_runs(instance: dg.DagsterInstance) -> list[RunProcess]:
    """Mark every started run of ``instance`` whose process is gone as failed; returns them."""
    failed = []
    for run in unfinished_runs(instance):
        if run.alive is False:
            dagster_run = instance.get_run_by_id(run.run_id)
            if dagster_run is None or dagster_run.is_finished:
                continue  # it ended (or was removed) meanwhile
            instance.report_run_failed(dagster_run, failure_message(run))
            failed.append(run)
    return failed


def dead_run_line(run: RunProcess) -> str:
    """The line ``cxlink run`` prints for a run it marked failed."""
    return (
        f"marked run {run.run_id[:8]} ({run.started_text()}) failed: it was still {run.status} "
        f"in the run history, but its process (pid {run.pid}) is gone (killed or crashed)"
    )
