"""`make bench`: `cxlink run` as users run it, and stage timings, at the demo scale and 10x.

At each scale the demo landing zone is generated, then:

- `cxlink run --no-summary` runs as a subprocess on a fresh data directory and run history
  (benchmarks/command.py): wall time, startup and Dagster planning before the first step,
  seconds per stage from the run's event log, peak memory of the process tree, the run history
  on disk; then a second run with nothing changed (second/first is the incremental ratio);
- each component stage runs in a fresh process (so peak RSS is the stage's own), with ratios
  against baselines measured in the same run: extraction against DuckDB bare-reading the same
  files, dbt against the same compiled SQL run directly.

Data goes to .bench/ (git-ignored) unless CXLINK_BENCH_DIR says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.command import first_and_second_run
from benchmarks.run_events import STAGES as RUN_STAGES
from cxlink.settings import PROJECT_ROOT, Settings

STAGES = ("generate", "bare_read", "extract", "checks", "dbt_build", "dbt_run", "sql_direct")


def run_stage(stage: str, data_dir: Path, *extra: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.stage", stage, str(data_dir), *extra],
        check=True,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_command(stage_dir: Path) -> dict[str, dict]:
    """`cxlink run` twice on a copy of the generated landing zone, in a data dir of its own."""
    root = stage_dir / "command"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(stage_dir / "landing", root / "data" / "landing")
    return first_and_second_run(root / "data", root / "dagster_home")


def bench_scale(customers: int, root: Path, stages: bool) -> tuple[dict, dict]:
    data_dir = root / f"customers_{customers}"
    print(f"  {customers:>7} customers: generate ...", flush=True)
    results = {"generate": run_stage("generate", data_dir, str(customers))}
    print(f"  {customers:>7} customers: cxlink run --no-summary, twice ...", flush=True)
    command = bench_command(data_dir)
    for stage in STAGES[1:] if stages else ():
        print(f"  {customers:>7} customers: {stage} ...", flush=True)
        results[stage] = run_stage(stage, data_dir)
    return results, command


def load_line(when: str) -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {when}: {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def command_report(commands: dict[int, dict[str, dict]]) -> list[str]:
    stages = [s for s in RUN_STAGES if s != "other"]
    head = ["wall", "1st step", "planning", *stages, "after", "peak MB", "history MB"]
    lines = [
        "cxlink run --no-summary (seconds; fresh data dir and run history, then a second run "
        "with nothing changed)",
        f"{'customers':>10} {'run':<6} " + " ".join(f"{h:>10}" for h in head),
    ]
    for customers, runs in commands.items():
        for name, r in runs.items():
            cells = [r["wall_s"], r["to_first_step_s"], r["planning_s"]]
            cells += [r["stages_s"].get(s, 0.0) for s in stages]
            cells += [r["after_last_step_s"], r["peak_tree_rss_mb"], r["history_mb"]]
            lines.append(
                f"{customers:>10} {name:<6} "
                + " ".join(f"{c:>10.1f}" for c in cells)
                + ("" if r["exit_code"] == 0 else f"  exit {r['exit_code']}: {r['failed_steps']}")
            )
        first, second = runs["first"], runs["second"]
        lines.append(
            f"{customers:>10} second/first wall: {second['wall_s'] / first['wall_s']:.2f}x; "
            f"startup before planning {first['to_first_event_s']:.1f} s; "
            f"{first['planned_materializations']:,} planned materializations, "
            f"{first['planned_checks']:,} planned checks, {first['events']:,} events per run"
        )
        lines.append(
            f"{customers:>10} per run: history +{first['history_growth_mb']:.1f} / "
            f"+{second['history_growth_mb']:.1f} MB, dbt target +{first['dbt_target_growth_mb']:.1f}"
            f" / +{second['dbt_target_growth_mb']:.1f} MB, logs {second['logs_mb']:.1f} MB, "
            f"console {first['console_lines']:,} lines, CPU {first['cpu_s']:.0f} s, "
            f"largest process {first['largest_process_rss_mb']:.0f} MB"
        )
    if len(commands) == 2:
        (small, a), (large, b) = commands.items()
        lines.append(
            f"growth {large // small}x data, cxlink run: time "
            f"{b['first']['wall_s'] / a['first']['wall_s']:.1f}x, peak memory "
            f"{b['first']['peak_tree_rss_mb'] / a['first']['peak_tree_rss_mb']:.1f}x"
        )
    return lines


def stage_report(scales: dict[int, dict[str, dict]]) -> list[str]:
    lines = [f"{'customers':>10} {'stage':<10} {'seconds':>9} {'peak MB':>9}  figures"]
    for customers, results in scales.items():
        for stage, r in results.items():
            figures = {k: v for k, v in r.items() if k not in ("stage", "seconds", "peak_rss_mb")}
            lines.append(
                f"{customers:>10} {stage:<10} {r['seconds']:>9.2f} {r['peak_rss_mb']:>9.0f}  "
                f"{json.dumps(figures)[:80]}"
            )
        if "extract" not in results:
            continue
        rows = results["extract"]["rows"]
        lines.append(
            f"{customers:>10} extract throughput: {rows / results['extract']['seconds']:,.0f} rows/s; "
            f"extract/bare-read time: {results['extract']['seconds'] / results['bare_read']['seconds']:.2f}x"
        )
        lines.append(
            f"{customers:>10} dbt overhead: dbt run / same compiled SQL in DuckDB: "
            f"{results['dbt_run']['seconds'] / results['sql_direct']['seconds']:.2f}x "
            f"({results['sql_direct'].get('models', '?')} models)"
        )
    if len(scales) == 2:
        (small, a), (large, b) = scales.items()
        for stage in a.keys() & b.keys():
            lines.append(
                f"growth {large // small}x data, {stage}: "
                f"time {b[stage]['seconds'] / a[stage]['seconds']:.1f}x, "
                f"peak memory {b[stage]['peak_rss_mb'] / a[stage]['peak_rss_mb']:.1f}x"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--factor", type=int, default=10, help="second scale = customers x factor")
    parser.add_argument(
        "--command-only", action="store_true", help="only `cxlink run`, not the component stages"
    )
    args = parser.parse_args()
    root = Settings.from_env().bench_dir
    print(load_line("at the start"), flush=True)
    scales, commands = {}, {}
    for customers in (args.customers, args.customers * args.factor):
        scales[customers], commands[customers] = bench_scale(customers, root, not args.command_only)
    print(
        "\n".join([*command_report(commands), "", *stage_report(scales), load_line("at the end")])
    )
    (root / "results.json").write_text(
        json.dumps({"commands": commands, "stages": scales}, indent=1, default=str)
    )


if __name__ == "__main__":
    main()
