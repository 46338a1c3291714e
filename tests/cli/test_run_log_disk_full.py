"""A run whose log file can no longer be written (the disk filled up) says so once, at the end,
instead of a traceback on stderr for every log line and a crash when the file is closed.
/dev/full fails every write with ENOSPC, like a full disk."""

from __future__ import annotations

import io
from pathlib import Path

import dagster as dg
import pytest

from cxlink.runlog.execute import append_to_log, run_job
from cxlink.runlog.report import success_lines

FULL = Path("/dev/full")


@dg.op
def chatty(context) -> None:  # no annotation: postponed annotations are strings to Dagster
    for i in range(50):
        context.log.info(f"line {i}")


@dg.job
def chatty_job() -> None:
    chatty()


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (Linux)")
def test_a_log_file_on_a_full_disk_is_reported_once_and_the_run_goes_on(capfd):
    outcome = run_job(chatty_job, FULL, stream=io.StringIO())

    assert outcome.success
    assert outcome.log_error is not None and "No space left on device" in outcome.log_error
    lines = success_lines(outcome)
    assert lines[-1] == (f"full log (DEBUG included): {FULL}, cut short: {outcome.log_error}")
    append_to_log(FULL, lines)  # the end-of-run lines go to the console only
    assert "Logging error" not in capfd.readouterr().err


def test_a_writable_log_file_has_every_line(tmp_path: Path):
    log = tmp_path / "logs" / "run.log"
    outcome = run_job(chatty_job, log, stream=io.StringIO())
    assert outcome.success and outcome.log_error is None
    text = log.read_text(encoding="utf-8")
    assert "line 0" in text and "line 49" in text
    assert success_lines(outcome)[-1] == f"full log (DEBUG included): {log}"
