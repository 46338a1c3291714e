"""`cxlink run` as a subprocess that a test can kill -9 at a chosen stage of the pipeline.

The stage is recognised from the outside: the run's event log in the DAGSTER_HOME the command
records into (STEP_START of an extract step, materializations of the dbt step, the publish
step's start) and, for publish, the temporary files it writes beside ``cxlink_bi.duckdb``. Polling
is bounded: a run that ends, or never reaches the stage, fails the test with its log's tail.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from sqlalchemy.exc import OperationalError

from cxlink.settings import PROJECT_ROOT

CXLINK = Path(sys.executable).with_name("cxlink")
POLL_S = 0.02
RUN_TIMEOUT_S = 1200  # a whole run on 2 loaded cores, with room to spare
WATCHED = {
    dg.DagsterEventType.STEP_START,
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.ASSET_MATERIALIZATION,
}


@dataclass(frozen=True)
class Seen:
    kind: str  # DagsterEventType name
    step: str


@dataclass
class RunLog:
    """What the watcher has seen of one run so far."""

    events: list[Seen] = field(default_factory=list)

    def started(self, step: str) -> bool:
        return any(e.kind == "STEP_START" and e.step == step for e in self.events)

    def succeeded(self, step: str) -> bool:
        return any(e.kind == "STEP_SUCCESS" and e.step == step for e in self.events)

    def materializations(self, step: str) -> int:
        return sum(e.kind == "ASSET_MATERIALIZATION" and e.step == step for e in self.events)

    def running(self) -> list[str]:
        """Steps started and not ended (the one the kill interrupted)."""
        ended = {e.step for e in self.events if e.kind in ("STEP_SUCCESS", "STEP_FAILURE")}
        return [e.step for e in self.events if e.kind == "STEP_START" and e.step not in ended]


def is_extract_step(step: str) -> bool:
    return step.startswith(("raw__", "source__")) and "_gx_" not in step


def prepare_home(dagster_home: Path) -> None:
    """A DAGSTER_HOME with the project's dagster.yaml, as the Makefile's has."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", dagster_home / "dagster.yaml")


@dataclass
class PipelineRun:
    """One `cxlink run --no-summary` in its own session (process group), logging to a file."""

    data_dir: Path
    dagster_home: Path
    env: dict[str, str]
    name: str

    def __post_init__(self) -> None:
        self.log_path = self.data_dir.parent / f"{self.name}.log"
        with dg.DagsterInstance.from_config(str(self.dagster_home)) as instance:
            self._known = {r.run_id for r in instance.get_runs()}
        env = {**self.env, "CXLINK_DATA_DIR": str(self.data_dir)}
        env["DAGSTER_HOME"] = str(self.dagster_home)
        with self.log_path.open("w") as log:
            self.proc = subprocess.Popen(
                [str(CXLINK), "run", "--no-summary"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=PROJECT_ROOT,
                start_new_session=True,  # its own process group: dbt dies with it
            )
        self.log = RunLog()
        self._run_id: str | None = None
        self._cursor: str | None = None

    def tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def wait(self, timeout: float = RUN_TIMEOUT_S) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.name}: no end after {timeout} s\n{self.tail()}") from None

    def poll_events(self, instance: dg.DagsterInstance) -> None:
        if self._run_id is None:
            new = [r.run_id for r in instance.get_runs(limit=5) if r.run_id not in self._known]
            if not new:
                return
            self._run_id = new[0]
        found = instance.get_records_for_run(self._run_id, cursor=self._cursor, of_type=WATCHED)
        self._cursor = found.cursor
        for record in found.records:
            event = record.event_log_entry.dagster_event
            self.log.events.append(Seen(event.event_type.name, event.step_key))

    def kill_when(self, reached: Callable[[RunLog], bool], what: str) -> RunLog:
        """SIGKILL the whole process group as soon as ``reached(log)``; returns the log then."""
        deadline = time.monotonic() + RUN_TIMEOUT_S
        with dg.DagsterInstance.from_config(str(self.dagster_home)) as instance:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise AssertionError(
                        f"{self.name}: the run ended (exit {self.proc.returncode}) before {what}"
                        f"\n{self.tail()}"
                    )
                # the writing run may hold the sqlite file a moment: try again at the next poll
                with contextlib.suppress(OperationalError):
                    self.poll_events(instance)
                if reached(self.log):
                    self.kill()
                    self.poll_events(instance)  # what the run recorded before it died
                    return self.log
                time.sleep(POLL_S)
        self.kill()
        raise AssertionError(f"{self.name}: not {what} after {RUN_TIMEOUT_S} s\n{self.tail()}")

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        # every process of the group gone, so none holds a DuckDB lock for the rerun
        for _ in range(500):
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(POLL_S)
        raise AssertionError(f"{self.name}: processes of the killed run still alive")


def publish_temp_files(data_dir: Path) -> list[Path]:
    """Temporary files and folders of a publish (``cxlink_bi.duckdb.tmp-<pid>`` and its .wal, an
    exports staging folder, ``*.tmp-<pid>`` inside the exports): present only while one runs,
    or left by a killed one."""
    temporary = re.compile(r"\.(tmp|staging)-\d+")
    found = [p for p in data_dir.iterdir() if temporary.search(p.name)]
    exports = data_dir / "exports"
    if exports.is_dir():
        found += [p for p in exports.rglob("*") if temporary.search(p.name)]
    return sorted(found)
