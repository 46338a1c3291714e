"""Time the command users run, `cxlink run --no-summary`, as a subprocess.

It runs with a data directory and a DAGSTER_HOME of the benchmark's own (the repository's
dagster.yaml copied into it, as the Makefile's DAGSTER_HOME has it), so the run is recorded in
an instance exactly as `make run` records it; its event log then says where the time went
(benchmarks/run_events.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.process_tree import PeakSampler
from benchmarks.run_events import events_from_log, run_timings
from cxlink.settings import DBT_PROJECT_DIR, PROJECT_ROOT, DataLayout

MB = 1024 * 1024


def cxlink_command() -> list[str]:
    """The `cxlink` entry point of this environment (.venv/bin/cxlink)."""
    return [str(Path(sys.executable).with_name("cxlink")), "run", "--no-summary"]


def prepare_home(dagster_home: Path) -> None:
    """A DAGSTER_HOME with the project's instance settings (the Makefile's is the repo root)."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", dagster_home / "dagster.yaml")


def command_env(data_dir: Path, dagster_home: Path, base: dict[str, str] | None = None) -> dict:
    """The environment `make run` gives the command, on the benchmark's own directories."""
    env = dict(os.environ if base is None else base)
    env.update(
        CXLINK_DATA_DIR=str(data_dir),
        DAGSTER_HOME=str(dagster_home),
        DO_NOT_TRACK="1",
        DAGSTER_DISABLE_TELEMETRY="1",
        GX_ANALYTICS_ENABLED="false",
    )
    return env


def dir_bytes(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def latest_run_events(dagster_home: Path) -> tuple[str, list]:
    """The newest run recorded in the instance at ``dagster_home`` and its event log."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            raise RuntimeError(f"no run recorded in the instance at {dagster_home}")
        run_id = runs[0].run_id
        return run_id, events_from_log(instance.all_logs(run_id))


def run_command(data_dir: Path, dagster_home: Path, console_log: Path) -> dict:
    """One `cxlink run --no-summary`; returns its figures (seconds, MB, event counts)."""
    env = command_env(data_dir, dagster_home)
    dbt_target = DBT_PROJECT_DIR / "target"
    history_before, target_before = dir_bytes(dagster_home), dir_bytes(dbt_target)
    started = time.time()
    clock = time.perf_counter()
    with console_log.open("w") as out:
        proc = subprocess.Popen(
            cxlink_command(), stdout=out, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT
        )
        with PeakSampler(proc.pid) as sampler:
            # wait4: the rusage of the command and of every process it waited for (dbt)
            _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - clock
    proc.returncode = os.waitstatus_to_exitcode(status)
    run_id, events = latest_run_events(dagster_home)
    timings = run_timings(events, started)
    history = dir_bytes(dagster_home)
    return {
        "exit_code": proc.returncode,
        "run_id": run_id,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "to_first_event_s": timings.to_first_event,
        "planning_s": timings.planning,
        "to_first_step_s": timings.to_first_step,
        "to_run_start_s": timings.to_run_start,
        "stages_s": timings.stage_seconds(),
        "steps_s": timings.steps,
        "after_last_step_s": wall - timings.to_last_step_end,
        "failed_steps": timings.failed,
        "peak_tree_rss_mb": sampler.peak / MB,
        "largest_process_rss_mb": usage.ru_maxrss / 1024,  # KiB on Linux
        "history_mb": history / MB,
        "history_growth_mb": (history - history_before) / MB,
        "dbt_target_growth_mb": (dir_bytes(dbt_target) - target_before) / MB,
        "logs_mb": dir_bytes(DataLayout(data_dir).run_logs_dir) / MB,
        "console_lines": len(console_log.read_text(errors="replace").splitlines()),
        "planned_materializations": timings.counts.get("ASSET_MATERIALIZATION_PLANNED", 0),
        "planned_checks": timings.counts.get("ASSET_CHECK_EVALUATION_PLANNED", 0),
        "events": sum(timings.counts.values()),
    }


def first_and_second_run(data_dir: Path, dagster_home: Path) -> dict[str, dict]:
    """A first run on a fresh run history, then a second with nothing changed (incremental)."""
    shutil.rmtree(dagster_home, ignore_errors=True)
    prepare_home(dagster_home)
    return {
        name: run_command(data_dir, dagster_home, data_dir.parent / f"console_{name}.log")
        for name in ("first", "second")
    }
