"""Run a job in this process with cxlink's run output: stage lines on the console, everything
(DEBUG included) in a log file.

The job gets one Dagster logger of its own (``with_logger_defs``), named in the run config, so
Dagster's default colored console logger is not created at all; that logger's handlers are the
log file (every record, formatted as Dagster formats it) and the progress printer (records ->
``RunEvent`` -> lines). dagster-dbt echoes every dbt log line to ``sys.stdout``; during the run
``sys.stdout`` is the log file (and the console too with ``verbose``).
"""

from __future__ import annotations

import contextlib
import io
import logging
import sys
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import dagster as dg

from cxlink.runlog.console import Console
from cxlink.runlog.dagster_records import step_infos, to_run_event
from cxlink.runlog.progress import Progress
from cxlink.runlog.report import RunOutcome

LOGGER_KEY = "cxlink_run"
FILE_FORMAT = logging.Formatter("%(asctime)s %(levelname)-8s %(message)s")


def new_log_path(logs_dir: Path, now: datetime | None = None) -> Path:
    """``<logs_dir>/run-<UTC timestamp>.log`` (microseconds keep two runs in a second apart)."""
    now = now or datetime.now(UTC)
    return logs_dir / f"run-{now:%Y%m%dT%H%M%S.%fZ}.log"


HEARTBEAT_S = 1.0


class _ProgressHandler(logging.Handler):
    """Records -> progress lines; and, from a thread, a heartbeat for a step that goes quiet."""

    def __init__(self, progress: Progress, console: Console):
        super().__init__(logging.DEBUG)
        self.progress, self.console = progress, console
        self.stopped = threading.Event()
        self._heart = threading.Thread(target=self._beat, name="cxlink-progress", daemon=True)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            with self.lock:  # the handler's own lock, shared with the heartbeat
                self.console.write(self.progress.feed(to_run_event(record)))
        except Exception:  # a printing problem must not fail the run
            self.handleError(record)

    def start(self) -> None:
        self._heart.start()

    def stop(self) -> None:
        self.stopped.set()
        self._heart.join()

    def _beat(self) -> None:
        while not self.stopped.wait(HEARTBEAT_S):
            with self.lock:
                self.console.write(self.progress.heartbeat(time.time()))


class _EchoHandler(logging.Handler):
    """--verbose: every record on the console, as Dagster formats it."""

    def __init__(self, console: Console):
        super().__init__(logging.DEBUG)
        self.console = console
        self.setFormatter(FILE_FORMAT)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.print(self.format(record))
        except Exception:
            self.handleError(record)


class _LinesToLog(io.TextIOBase):
    """A text stream whose lines become DEBUG records of ``logger`` (and go to ``echo``)."""

    def __init__(self, logger: logging.Logger, echo: Console | None):
        self.logger, self.echo, self._partial = logger, echo, ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        *lines, self._partial = (self._partial + text).split("\n")
        for line in lines:
            self.logger.debug(line)
            if self.echo:
                self.echo.print(line)
        return len(text)

    def flush(self) -> None:
        pass  # every complete line was passed on in write


class _RunLogFile(logging.FileHandler):
    """The run's log file. When it can no longer be written (the disk filled up) it keeps the
    first error and stops writing: logging's default would print a traceback to stderr for
    every later line, burying the run's own message, and closing the file would raise."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8")
        self.write_error: OSError | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.write_error is None:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handleError(record)
            return
        self.write_error = self.write_error or error

    def close(self) -> None:
        try:
            super().close()
        except OSError as error:  # the buffered tail could not be flushed
            self.write_error = self.write_error or error


def _file_handler(path: Path) -> _RunLogFile:
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = _RunLogFile(path)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(FILE_FORMAT)
    return handler


def _logger(name: str, handlers: list[logging.Handler]) -> logging.Logger:
    logger = logging.Logger(name, logging.DEBUG)  # not registered: one per run, not shared
    for handler in handlers:
        logger.addHandler(handler)
    return logger


def run_job(
    job: dg.JobDefinition,
    log_path: Path,
    run_config: Mapping[str, Any] | None = None,
    instance: dg.DagsterInstance | None = None,
    verbose: bool = False,
    stream: TextIO | None = None,
    run_id: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> RunOutcome:
    """Execute ``job`` in process (``raise_on_error=False``) with the run output described above;
    the caller prints ``report.failure_lines``/``success_lines`` of the outcome. ``run_id`` and
    ``tags`` are the Dagster run's (``cxlink run`` names its run before it starts)."""
    console = Console(stream or sys.stdout)
    progress = Progress(step_infos(job))
    file_handler = _file_handler(log_path)
    progress_handler = _ProgressHandler(progress, console)
    handlers: list[logging.Handler] = [file_handler, progress_handler]
    if verbose:
        handlers.append(_EchoHandler(console))
    run_logger = _logger("cxlink.run", handlers)
    stdout_logger = _logger("cxlink.run.stdout", [file_handler])
    logged_job = job.with_logger_defs(
        {LOGGER_KEY: dg.LoggerDefinition(lambda _: run_logger, description="cxlink run output")}
    )
    config = {**(run_config or {}), "loggers": {LOGGER_KEY: {}}}
    started = time.monotonic()
    progress_handler.start()
    try:
        with contextlib.redirect_stdout(_LinesToLog(stdout_logger, console if verbose else None)):
            result = logged_job.execute_in_process(
                run_config=config,
                instance=instance,
                raise_on_error=False,
                run_id=run_id,
                tags=dict(tags or {}),
            )
    finally:
        progress_handler.stop()
        console.clear()
        file_handler.close()
    return RunOutcome(
        success=result.success,
        run_id=result.run_id,
        seconds=time.monotonic() - started,
        log_path=log_path,
        failed_steps=progress.failed_steps,
        failed_checks=progress.failed_checks,
        skipped_by_group={} if result.success else progress.skipped_by_group(),
        not_built=progress.not_built,
        checks_passed=progress.checks_passed_quietly,
        log_error=None if file_handler.write_error is None else str(file_handler.write_error),
    )


def append_to_log(path: Path, lines: list[str]) -> None:
    """The end-of-run message goes to the log file too, where the disk still has room (the
    console has it either way)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError), path.open("a", encoding="utf-8") as log:
        log.writelines(line + "\n" for line in lines)
