"""What a run prints: one line per stage on the console, everything in a log file.

- ``run_job(job, log_path, run_config, instance, verbose)``: execute a job in process with that
  output (``execute``), returning a ``RunOutcome``;
- ``failure_lines(outcome, extra_lines)`` / ``success_lines(outcome)``: the end-of-run message
  (``report``); ``extra_lines`` is where other parts add what they know (unreadable files, ...).

The formatting (``progress``, ``console``, ``report``) is plain Python over ``events``; only
``dagster_records`` and ``execute`` know Dagster.
"""

from cxlink.runlog.execute import append_to_log, new_log_path, run_job
from cxlink.runlog.report import RunOutcome, failure_lines, success_lines

__all__ = [
    "RunOutcome",
    "append_to_log",
    "failure_lines",
    "new_log_path",
    "run_job",
    "success_lines",
]
