"""`make bench`: stage timings and peak memory at the default demo scale and 10x.

Each stage runs in a fresh process (so peak RSS is the stage's own). Ratios compare against
baselines measured in the same run: extraction against DuckDB bare-reading the same files.
Data goes to .bench/ (git-ignored) unless CXLINK_BENCH_DIR says otherwise.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from cxlink.settings import PROJECT_ROOT, Settings

STAGES = (
    "generate",
    "bare_read",
    "extract",
    "checks",
    "dbt_build",
    "dbt_run",
    "sql_direct",
    "pipeline",
)


def run_stage(stage: str, data_dir: Path, *extra: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.stage", stage, str(data_dir), *extra],
        check=True,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_scale(customers: int, root: Path) -> dict[str, dict]:
    data_dir = root / f"customers_{customers}"
    results = {}
    for stage in STAGES:
        extra = (str(customers),) if stage == "generate" else ()
        print(f"  {customers:>7} customers: {stage} ...", flush=True)
        results[stage] = run_stage(stage, data_dir, *extra)
    return results


def report(scales: dict[int, dict[str, dict]]) -> list[str]:
    lines = [f"{'customers':>10} {'stage':<10} {'seconds':>9} {'peak MB':>9}  figures"]
    for customers, results in scales.items():
        for stage, r in results.items():
            figures = {k: v for k, v in r.items() if k not in ("stage", "seconds", "peak_rss_mb")}
            lines.append(
                f"{customers:>10} {stage:<10} {r['seconds']:>9.2f} {r['peak_rss_mb']:>9.0f}  "
                f"{json.dumps(figures)[:80]}"
            )
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
    sizes = list(scales)
    if len(sizes) == 2:
        small, large = (scales[s] for s in sizes)
        for stage in STAGES:
            lines.append(
                f"growth {sizes[1] // sizes[0]}x data, {stage}: "
                f"time {large[stage]['seconds'] / small[stage]['seconds']:.1f}x, "
                f"peak memory {large[stage]['peak_rss_mb'] / small[stage]['peak_rss_mb']:.1f}x"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--factor", type=int, default=10, help="second scale = customers x factor")
    args = parser.parse_args()
    root = Settings.from_env().bench_dir
    scales = {}
    for customers in (args.customers, args.customers * args.factor):
        scales[customers] = bench_scale(customers, root)
    print("\n".join(report(scales)))


if __name__ == "__main__":
    main()
