"""The run launcher of ``dagster.yaml``: Dagster's default one, plus a health check of its runs.

``DefaultRunLauncher`` starts each run in a process of its own on this machine but cannot say
whether that process still lives, so Dagster's run monitoring (the daemon of ``make dev``)
never fails a run whose process was killed, and with ``run_queue.max_concurrent_runs: 1`` every
later run waits behind it. This subclass answers the monitoring daemon's question from the
process table (``dead_runs.run_process``): a run whose process is gone is reported ``FAILED``
and the daemon marks it failed (``max_resume_run_attempts: 0``: a run is never resumed).
It judges the in-process runs of ``cxlink run`` the same way.
"""

from __future__ import annotations

from dagster import DefaultRunLauncher

# Dagster exports neither type at the top level (dagster 1.13); both are plain value types.
from dagster._core.launcher.base import CheckRunHealthResult, WorkerStatus

from cxlink.runlog.dead_runs import run_process


def run_worker_status(instance, run_id: str) -> CheckRunHealthResult:
    record = instance.get_run_record_by_id(run_id)
    if record is None:
        return CheckRunHealthResult(WorkerStatus.NOT_FOUND, f"no run {run_id} in the history")
    process = run_process(instance, record)
    alive = process.alive
    if alive is False:
        return CheckRunHealthResult(
            WorkerStatus.FAILED,
            f"the run's process (pid {process.pid}) no longer exists (killed or crashed)",
        )
    if alive is None:  # no pid recorded yet, or another machine's run: leave it alone
        return CheckRunHealthResult(WorkerStatus.RUNNING, "the run's process is not known here")
    return CheckRunHealthResult(WorkerStatus.RUNNING, f"pid {process.pid} is running")


class CxlinkRunLauncher(DefaultRunLauncher):
    """``DefaultRunLauncher`` whose runs the monitoring daemon can check (see the module)."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run) -> CheckRunHealthResult:
        return run_worker_status(self._instance, run.run_id)
