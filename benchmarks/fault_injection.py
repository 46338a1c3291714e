"""`make fault-injection` (also the last part of `make bench`): faults and hostile input injected
on purpose into real `cxlink run`s, one line per case, held or broke, then "N of M held".

On a seeded demo landing zone (150 customers by default), after one clean reference run:

- kill -9 (the run's process group) in extraction, in dbt and in publish: the BI copy is
  absent or whole after each; kill -9 of the run's process alone during dbt: dbt dies with it;
- the next run marks the killed runs failed, refuses a second `cxlink run` beside it with the
  sentence naming it, and publishes what the clean run did;
- a reader holding warehouse.duckdb: the run stops naming its process, the copy stays;
- the disk of the data directory filling up during a run (a tmpfs of its own when this runs as
  root, else RLIMIT_FSIZE as the stand-in): the run fails, the copy stays, the next one works;
- the hostile inputs of issue 16 (benchmarks/hostile_inputs.py).

Every case is judged from what the runs published and printed (benchmarks/fault_runs.py);
nothing is mocked. A full run takes about 1-2 minutes on a laptop (8 on two loaded cores), and
the script makes about a dozen. Work files go to .bench/fault_injection/ unless --work-dir.
Exit code 0 when every case held, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from benchmarks import disk_full, fault_runs, hostile_inputs
from benchmarks.fault_runs import Bench, Verdict
from cxlink.demo import generate
from cxlink.settings import PROJECT_ROOT

GROUPS = ("runs", "disk", "inputs")


def line(name: str, verdict: Verdict, seconds: float) -> str:
    mark = "held " if verdict.held else "BROKE"
    return f"  {mark} {name} ({seconds:.0f} s): {verdict.detail}"


def summary(verdicts: dict[str, Verdict]) -> str:
    held = sum(v.held for v in verdicts.values())
    return f"{held} of {len(verdicts)} held"


def run_cases(bench: Bench, groups: tuple[str, ...], only: str | None) -> dict[str, Verdict]:
    """Every case of ``groups`` (of the hostile inputs, those whose name contains ``only``),
    printed as it ends."""
    verdicts: dict[str, Verdict] = {}

    def record(name: str, verdict: Verdict, started: float) -> None:
        verdicts[name] = verdict
        took = verdict.seconds if verdict.seconds is not None else time.monotonic() - started
        print(line(name, verdict, took), flush=True)

    started = time.monotonic()
    reference = fault_runs.clean_reference(bench)
    print(line("clean reference run", reference, time.monotonic() - started), flush=True)
    if not reference.held:
        return {"clean reference run": reference}
    if "runs" in groups:
        started = time.monotonic()
        for name, verdict in fault_runs.kill_sequence(bench).items():
            record(name, verdict, started)
            started = time.monotonic()
    if "disk" in groups:
        started = time.monotonic()
        record(*disk_full.disk_full(bench), started)
    if "inputs" in groups:
        for name, case in hostile_inputs.CASES.items():
            if only is None or only.lower() in name.lower():
                started = time.monotonic()
                try:
                    verdict = case(bench)
                except Exception as exc:  # a case that crashes the script broke, visibly
                    verdict = Verdict(False, f"{type(exc).__name__}: {exc}"[:200])
                record(name, verdict, started)
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--work-dir", type=Path, default=PROJECT_ROOT / ".bench" / "fault_injection"
    )
    parser.add_argument("--groups", default=",".join(GROUPS), help="runs, disk, inputs")
    parser.add_argument("--only", help="only the hostile-input cases whose name has this text")
    args = parser.parse_args(argv)
    groups = tuple(g.strip() for g in args.groups.split(",") if g.strip())
    unknown = set(groups) - set(GROUPS)
    if unknown:
        parser.error(f"unknown groups: {', '.join(sorted(unknown))} (known: {', '.join(GROUPS)})")

    root = args.work_dir.resolve()
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    # this checkout's cxlink in every subprocess, whatever the environment's install points at
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "DO_NOT_TRACK": "1"}
    env.pop("CXLINK_AS_OF_DATE", None)  # the as-of date follows the data (the far-future case)
    bench = Bench(root, env)
    print(f"fault injection: {args.customers} customers, seed {args.seed}, in {root}", flush=True)
    generate(bench.landing, customers=args.customers, seed=args.seed)
    verdicts = run_cases(bench, groups, args.only)
    print(summary(verdicts), flush=True)
    return 0 if all(v.held for v in verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
