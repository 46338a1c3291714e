"""Build a warehouse from a hand-written landing zone: real extraction, then a real `dbt build`.

Known-answer tests write their few rows as CSV files in the landing layout
(`landing/<entity>/<name>.csv`), extract them with `cxlink.extract`, and build the revenue
marts and everything upstream of them with dbt in a subprocess, so that every figure comes
from the code that ships.
"""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import duckdb

from cxlink.contract import ENTITY_ORDER
from cxlink.extract import extract_entity
from cxlink.settings import DBT_PROJECT_DIR, PROJECT_ROOT

DBT = PROJECT_ROOT / ".venv" / "bin" / "dbt"
REVENUE_MARTS = "+path:models/marts/revenue"


def write_landing(landing_dir: Path, rows_by_entity: dict[str, list[dict]]) -> None:
    """One CSV per entity (header from the first row); entities without rows get no file."""
    for entity, rows in rows_by_entity.items():
        if not rows:
            continue
        folder = landing_dir / entity
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{entity}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def extract(data_dir: Path) -> None:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    try:
        for entity in ENTITY_ORDER:
            report = extract_entity(con, data_dir / "landing", entity)
            assert not report.errors, report.errors
            assert report.counts.rows_quarantined == 0, (entity, report.counts)
    finally:
        con.close()


def dbt(data_dir: Path, *args: str, env: dict[str, str] | None = None, check: bool = True):
    """Run dbt on the data dir's warehouse with its own target path (no shared state)."""
    executable = str(DBT) if DBT.exists() else "dbt"
    result = subprocess.run(
        [
            executable,
            *args,
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(data_dir / "target"),
            "--log-path",
            str(data_dir / "logs"),
        ],
        cwd=DBT_PROJECT_DIR,
        env={
            **os.environ,
            "DO_NOT_TRACK": "1",
            "CXLINK_DATA_DIR": str(data_dir),
            **(env or {}),
        },
        capture_output=True,
        text=True,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}")
    return result


def build(
    data_dir: Path,
    rows_by_entity: dict[str, list[dict]],
    env: dict[str, str],
    check: bool = True,
    select: str = REVENUE_MARTS,
):
    write_landing(data_dir / "landing", rows_by_entity)
    extract(data_dir)
    # cautious: only tests whose every parent is built here (not the other marts'
    # relationship tests on shared staging models)
    return dbt(
        data_dir,
        "build",
        "--select",
        select,
        "--indirect-selection",
        "cautious",
        env=env,
        check=check,
    )


def query(data_dir: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
