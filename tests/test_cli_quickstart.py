"""The README's first command path, run as a user runs it: the installed `cxlink` console script.

`cxlink generate-demo` (at a small scale) into a fresh CXLINK_DATA_DIR, `cxlink run`, then
`cxlink summary`, each a subprocess with the environment `make demo` gives it. Nothing is shared
with the other tests: the run trains its own tagger on first use, as a new user's does.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from cxlink.settings import PROJECT_ROOT

CXLINK = Path(sys.executable).with_name("cxlink")
CUSTOMERS = 300


def cxlink(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CXLINK), *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generate_demo_run_and_summary(tmp_path: Path, dbt_manifest: Path):
    data_dir, dagster_home = tmp_path / "data", tmp_path / "dagster_home"
    dagster_home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", dagster_home / "dagster.yaml")
    # as the Makefile exports it; no CXLINK_* setting of the test session leaks in
    env = {k: v for k, v in os.environ.items() if not k.startswith("CXLINK_")}
    env |= {
        "CXLINK_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(dagster_home),
        "DO_NOT_TRACK": "1",
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "GX_ANALYTICS_ENABLED": "false",
    }

    generated = cxlink("generate-demo", "--customers", str(CUSTOMERS), "--seed", "42", env=env)
    assert generated.returncode == 0, generated.stderr[-3000:]
    assert f"demo landing zone written to {data_dir / 'landing'}" in generated.stdout
    assert (data_dir / "landing" / "ground_truth.json").is_file()

    run = cxlink("run", env=env)
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-3000:])
    warehouse = data_dir / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        nps, low, high, n = con.execute(
            "select nps, ci_low, ci_high, responses from marts.nps_overall "
            "where period = 'last_12_months'"
        ).fetchone()
        detractor_churn = con.execute(
            "select logo_churn_rate from marts.cx_revenue_linkage_overall "
            "where nps_category = 'detractor'"
        ).fetchone()[0]
        red, follow_ups = con.execute(
            "select (select count(*) from marts.customer_health "
            "where is_as_of_month and health_band = 'red'), "
            "(select count(*) from marts.account_follow_ups)"
        ).fetchone()
    finally:
        con.close()
    # the front page shows the mart's figure, its interval and its count
    headline = re.search(r"^  NPS, last 12 months .*$", run.stdout, re.MULTILINE)
    assert headline, run.stdout[-3000:]
    for figure in (f"{nps:+.1f}", f"{low:+.1f}", f"{high:+.1f}", f"n={n:,}"):
        assert figure in headline.group(0), (figure, headline.group(0))
    churn = re.search(r"^  12-month logo churn\s+detractors .*$", run.stdout, re.MULTILINE)
    assert churn and f"{100 * detractor_churn:.1f}%" in churn.group(0), run.stdout[-3000:]
    # the customer-success block counts what the marts hold
    health = re.search(r"^  health, as-of month  .* red ([\d,]+) active", run.stdout, re.MULTILINE)
    assert health and int(health.group(1).replace(",", "")) == red, run.stdout[-3000:]
    calls = re.search(r"^  follow-ups\s+([\d,]+) accounts? to contact", run.stdout, re.MULTILINE)
    assert (int(calls.group(1).replace(",", "")) if calls else 0) == follow_ups, run.stdout[-3000:]
    report = re.search(r"^report:\s+(/\S+)", run.stdout, re.MULTILINE)
    assert report and Path(report.group(1)).is_file(), run.stdout[-3000:]
    # where BI tools read the marts: the published copy, not the warehouse
    marts = re.search(r"^BI tools:\s+(/\S+)", run.stdout, re.MULTILINE)
    assert marts, run.stdout[-3000:]
    assert Path(marts.group(1)) == data_dir / "cxlink_bi.duckdb"
    assert Path(marts.group(1)).is_file()

    before = sha256(warehouse)
    summary = cxlink("summary", env=env)
    assert summary.returncode == 0, summary.stderr[-3000:]
    # the same summary again, read-only
    assert summary.stdout.strip() and run.stdout.endswith(summary.stdout)
    assert sha256(warehouse) == before
