"""Shared fixtures: a prepared dbt manifest, and one full demo run shared by the end-to-end tests."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from cxlink.demo import generate
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


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path):
    """One full pipeline run on the default demo landing zone, shared by every end-to-end test.

    Returns (data_dir, ground_truth, result). Modules that use it mark themselves
    `pytest.mark.xdist_group("demo_run")` so that `--dist loadgroup` runs them on one worker and
    the run happens once.
    """
    from tests.pipeline_run import DEMO_CUSTOMERS, DEMO_SEED, materialize

    data_dir = tmp_path_factory.mktemp("demo")
    generate(data_dir / "landing", customers=DEMO_CUSTOMERS, seed=DEMO_SEED)
    truth = json.loads((data_dir / "landing" / "ground_truth.json").read_text())
    result = materialize(data_dir)
    return data_dir, truth, result


@pytest.fixture
def con(demo_run):
    """Read-only connection to the demo warehouse, closed after each test (the rerun test needs
    the file to itself)."""
    data_dir, _, _ = demo_run
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()
