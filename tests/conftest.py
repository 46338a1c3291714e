"""Shared fixtures: a prepared dbt manifest, and one full demo run shared by the end-to-end tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from cxlink.settings import DBT_PROJECT_DIR, PROJECT_ROOT

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

DBT = PROJECT_ROOT / ".venv" / "bin" / "dbt"


def prepare_dbt_manifest() -> Path:
    """`dbt parse` when no manifest exists, so dagster-dbt can load the project on a fresh clone.

    `make test` parses before pytest starts, so parallel workers never race on target/.
    """
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    if manifest.exists():
        return manifest
    dbt = str(DBT) if DBT.exists() else "dbt"
    subprocess.run(
        [dbt, "parse", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR)],
        cwd=DBT_PROJECT_DIR,
        check=True,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    )
    return manifest


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    return prepare_dbt_manifest()
