"""The run-level cases of the fault-injection script (benchmarks/fault_injection.py).

Each case returns a ``Verdict``: held (what the issue asks for happened) or broke, with what
was seen. The runs are real `cxlink run` subprocesses (tests/killed_runs.py); a data directory
and its run history live under the script's work folder. The reference is one clean run of the
same landing zone: every faulted sequence must end with its marts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from cxlink.runlog import run_lock
from cxlink.settings import PROJECT_ROOT
from tests.killed_runs import CXLINK, PipelineRun, RunLog, is_extract_step, prepare_home
from tests.killed_runs import publish_temp_files as temp_files
from tests.mart_fingerprints import compare, mart_fingerprints

DBT_STEP, PUBLISH_STEP = "cxlink_dbt_models", "publish__bi_copy"
GONE_WITHIN_S = 5.0
REFUSED_WITHIN_S = 120.0  # a second `cxlink run` stops before loading the definitions


@dataclass
class Verdict:
    held: bool
    detail: str
    seconds: float | None = None  # what the case took, when it is one step of a sequence


@dataclass
class Bench:
    """The work folder: the landing zone, the clean reference, one data dir per sequence."""

    root: Path
    env: dict[str, str]
    landing: Path = field(init=False)
    reference: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.landing = self.root / "landing"

    def place(self, name: str, landing: Path | None = None) -> tuple[Path, Path]:
        """A fresh data dir (with a copy of ``landing``) and run history named ``name``."""
        base = self.root / name
        shutil.rmtree(base, ignore_errors=True)
        shutil.copytree(landing or self.landing, base / "data" / "landing")
        prepare_home(base / "home")
        return base / "data", base / "home"

    def run(self, data_dir: Path, home: Path, name: str) -> PipelineRun:
        return PipelineRun(data_dir, home, self.env, name)

    def bi_copy(self, data_dir: Path) -> dict[str, str] | None:
        path = data_dir / "cxlink_bi.duckdb"
        return mart_fingerprints(path, schema="marts") if path.exists() else None

    def equals_reference(self, data_dir: Path) -> list[str]:
        state = self.bi_copy(data_dir)
        return ["no cxlink_bi.duckdb"] if state is None else compare(self.reference, state)


def clean_reference(bench: Bench) -> Verdict:
    data_dir, home = bench.place("clean")
    run = bench.run(data_dir, home, "clean")
    code = run.wait()
    if code != 0:
        return Verdict(False, f"exit {code}: {run.tail(5)}")
    bench.reference = bench.bi_copy(data_dir) or {}
    return Verdict(bool(bench.reference), f"{len(bench.reference)} marts published")


def in_extraction(log: RunLog) -> bool:
    extract = [e for e in log.events if is_extract_step(e.step)]
    started = [e for e in extract if e.kind == "STEP_START"]
    return any(e.kind == "STEP_SUCCESS" for e in extract) and len(started) >= 2


class InPublish:
    """Publishing has started and written a temporary file (or has run 1.5 s without one)."""

    def __init__(self, data_dir: Path):
        self.data_dir, self.since = data_dir, None

    def __call__(self, log: RunLog) -> bool:
        if not log.started(PUBLISH_STEP):
            return False
        self.since = self.since or time.monotonic()
        return bool(temp_files(self.data_dir)) or time.monotonic() - self.since > 1.5


def kill_sequence(bench: Bench) -> dict[str, Verdict]:
    """kill -9 (process group) in extraction, dbt and publish; kill -9 of the run's process
    alone during dbt; then the next run, with a second `cxlink run` beside it."""
    data_dir, home = bench.place("killed")
    verdicts: dict[str, Verdict] = {}
    stages = {
        "kill -9 in extraction": in_extraction,
        "kill -9 in dbt": lambda log: log.materializations(DBT_STEP) >= 5,
        "kill -9 in publish": InPublish(data_dir),
    }
    runs: list[PipelineRun] = []  # every run of the sequence, in order
    killed: list[PipelineRun] = []
    for name, reached in stages.items():
        started = time.monotonic()
        run = bench.run(data_dir, home, name.replace(" ", "_"))
        runs.append(run)
        try:
            run.kill_when(reached, name)
        except AssertionError as exc:
            verdicts[name] = Verdict(False, str(exc).splitlines()[0])
            continue
        killed.append(run)
        problems = [] if bench.bi_copy(data_dir) is None else bench.equals_reference(data_dir)
        detail = "cxlink_bi.duckdb absent or whole" if not problems else str(problems)
        verdicts[name] = Verdict(not problems, detail, time.monotonic() - started)
    started = time.monotonic()
    alone = bench.run(data_dir, home, "killed_alone")
    runs.append(alone)
    verdict = _kill_alone(alone, home)
    verdict.seconds = time.monotonic() - started
    verdicts["kill -9 of the run's process alone: dbt dies with it"] = verdict
    killed.append(alone)

    started = time.monotonic()
    rerun = bench.run(data_dir, home, "rerun")
    runs.append(rerun)
    asked = time.monotonic()
    second = _second_run(bench, data_dir, rerun)
    second.seconds = time.monotonic() - asked
    verdicts["a second run at once is refused, naming the first"] = second
    code = rerun.wait()
    # each killed run is named by the `cxlink run` that started after it, and none is left
    # STARTED in the run history
    named = [
        run
        for run in killed
        if run._run_id
        and f"marked run {run._run_id[:8]}"
        in runs[runs.index(run) + 1].log_path.read_text(errors="replace")
    ]
    left = [r for r, status in _statuses(home).items() if status == "STARTED"]
    verdicts["killed runs marked failed at the next start"] = Verdict(
        bool(killed) and len(named) == len(killed) and not left,
        f"{len(named)} of {len(killed)} killed runs named by the next run; still STARTED: {len(left)}",
    )
    problems = bench.equals_reference(data_dir) + [f"left: {p.name}" for p in temp_files(data_dir)]
    verdicts["the next run publishes what a clean run does"] = Verdict(
        code == 0 and not problems,
        f"exit {code}" + (f"; {problems}" if problems else ""),
        time.monotonic() - started,
    )
    started = time.monotonic()
    reader = _reader(bench, data_dir, home)
    reader.seconds = time.monotonic() - started
    verdicts["a reader holding warehouse.duckdb is named"] = reader
    return verdicts


def _statuses(home: Path) -> dict[str, str]:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        return {r.run_id: r.status.value for r in instance.get_runs()}


def _session(sid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if entry.name.isdigit() and int(fields[3]) == sid and fields[0] not in "ZX":
                found.append(int(entry.name))
    return found


def _kill_alone(run: PipelineRun, home: Path) -> Verdict:
    import dagster as dg

    deadline = time.monotonic() + 1200
    with dg.DagsterInstance.from_config(str(home)) as instance:
        while run.log.materializations(DBT_STEP) < 1 and time.monotonic() < deadline:
            if run.proc.poll() is not None:
                return Verdict(False, f"the run ended before dbt built a model: {run.tail(3)}")
            with contextlib.suppress(Exception):
                run.poll_events(instance)
            time.sleep(0.05)
    os.kill(run.proc.pid, signal.SIGKILL)
    run.proc.wait()
    started = time.monotonic()
    while _session(run.proc.pid) and time.monotonic() - started < GONE_WITHIN_S:
        time.sleep(0.05)
    left = _session(run.proc.pid)
    for pid in left:  # the next run must not meet them
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if left:
        return Verdict(False, f"still running {GONE_WITHIN_S:.0f} s after: {left}")
    return Verdict(True, f"every process of the run gone {time.monotonic() - started:.1f} s after")


def _second_run(bench: Bench, data_dir: Path, first: PipelineRun) -> Verdict:
    started = time.monotonic()
    while run_lock.holder_of(data_dir).get("pid") != first.proc.pid:
        if first.proc.poll() is not None or time.monotonic() - started > 1200:
            return Verdict(False, "the first run never held the data directory")
        time.sleep(0.1)
    env = {**bench.env, "CXLINK_DATA_DIR": str(data_dir)}
    env["DAGSTER_HOME"] = str(first.dagster_home)
    started = time.monotonic()
    out = subprocess.run(
        [str(CXLINK), "run", "--no-summary"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    took = time.monotonic() - started
    held = (
        out.returncode == 2
        and "another cxlink run is already running" in out.stderr
        and f"pid {first.proc.pid}" in out.stderr
        and took < REFUSED_WITHIN_S
    )
    return Verdict(held, f"exit {out.returncode} after {took:.0f} s: {out.stderr.strip()[:90]}")


READER = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
    "print('open', flush=True); time.sleep(600)"
)


def _reader(bench: Bench, data_dir: Path, home: Path) -> Verdict:
    import sys

    before = bench.bi_copy(data_dir)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(data_dir / "warehouse.duckdb")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        reader.stdout.readline()
        env = {**bench.env, "CXLINK_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(home)}
        out = subprocess.run(
            [str(CXLINK), "run", "--no-summary"],
            env=env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        reader.kill()
        reader.wait()
    held = (
        out.returncode != 0
        and f"pid {reader.pid}" in out.stderr + out.stdout
        and bench.bi_copy(data_dir) == before
    )
    tail = (out.stderr.strip() or out.stdout.strip())[-120:]
    return Verdict(held, f"exit {out.returncode}: {tail}")
