"""`mf query` as a user runs it, for the semantic layer's tests (docs/semantic-layer.md).

The real MetricFlow CLI in a subprocess, from dbt_project/ (where `make metrics` runs it), on
``data_dir``'s warehouse (the profile reads CXLINK_DATA_DIR), writing its result as CSV so every
digit comes back. mf reads dbt_project/target/semantic_manifest.json, written by `dbt parse`
(`make prepare`); `assert_manifest_is_current` checks it is the one the warehouse was built with.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from cxlink.settings import DBT_PROJECT_DIR, PROJECT_ROOT

MF = PROJECT_ROOT / ".venv" / "bin" / "mf"
PROJECT_MANIFEST = DBT_PROJECT_DIR / "target" / "semantic_manifest.json"


def run_mf(data_dir: Path, args: Sequence[str]) -> subprocess.CompletedProcess:
    """`mf <args>` from dbt_project/ on ``data_dir``'s warehouse; a non-zero exit (mf exits 1
    on a failed query or validation) raises AssertionError with the end of its output."""
    command = [str(MF) if MF.exists() else "mf", *args]
    done = subprocess.run(
        command,
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "DO_NOT_TRACK": "1", "CXLINK_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise AssertionError(f"mf {' '.join(args)} failed:\n{done.stdout[-4000:]}")
    return done


def mf_query(
    data_dir: Path,
    metrics: Sequence[str] = (),
    group_by: Sequence[str] = (),
    *,
    saved_query: str | None = None,
    where: str | None = None,
) -> list[dict[str, str]]:
    """The rows of one `mf query` (CSV strings by column name; empty values are nulls)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.csv"
        args = ["query", "--quiet", "--csv", str(out)]
        if saved_query:
            args += ["--saved-query", saved_query]
        if metrics:
            args += ["--metrics", ",".join(metrics)]
        if group_by:
            args += ["--group-by", ",".join(group_by)]
        if where:
            args += ["--where", where]
        run_mf(data_dir, args)
        if not out.exists():  # a query without rows writes no file
            return []
        with out.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))


def number(value: str) -> float | None:
    return None if value == "" else float(value)


def decimal(value: str) -> Decimal | None:
    return None if value == "" else Decimal(value)


def day(value: str) -> date:
    """metric_time comes back as a timestamp ('2024-01-01 00:00:00')."""
    return datetime.fromisoformat(value).date()


def _by_name(items: list[dict] | None) -> dict[str, dict]:
    # dbt writes them in no fixed order
    return {item["name"]: item for item in items or []}


def _semantic_parts(path: Path) -> dict:
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return {
        key: _by_name(manifest.get(key)) for key in ("semantic_models", "metrics", "saved_queries")
    }


def assert_manifest_is_current(run_target: Path) -> None:
    """The semantic manifest mf reads defines the same semantic models, metrics and saved queries
    as the one the dbt build of ``run_target`` wrote (the warehouse under test)."""
    built = sorted(run_target.rglob("semantic_manifest.json"))
    assert built, f"no semantic_manifest.json under {run_target}: did the dbt build run there?"
    assert PROJECT_MANIFEST.exists(), (
        f"{PROJECT_MANIFEST} is missing: parse the dbt project first (`make prepare`)"
    )
    assert _semantic_parts(PROJECT_MANIFEST) == _semantic_parts(built[-1]), (
        f"{PROJECT_MANIFEST} is not the semantic layer the warehouse was built with "
        f"({built[-1]}): parse the dbt project again (`make prepare`)"
    )
