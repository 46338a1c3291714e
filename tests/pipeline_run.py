"""Helpers for tests that run the whole pipeline with dg.materialize on a temporary data dir."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.automation import full_range_tags
from orchestration.dbt_project import dbt_project
from orchestration.resources import Warehouse, dbt_executable

# The default demo scale: the shared end-to-end run (tests/conftest.py `demo_run`).
DEMO_CUSTOMERS = 5000
DEMO_SEED = 42


def all_definitions():
    from orchestration.definitions import defs

    return list(defs.assets or []), list(defs.asset_checks or [])


def materialize(data_dir: Path, raise_on_error: bool = True) -> dg.ExecuteInProcessResult:
    assets, checks = all_definitions()
    return dg.materialize(
        [*assets, *checks],
        resources={
            "warehouse": Warehouse(data_dir=str(data_dir)),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        },
        raise_on_error=raise_on_error,
        # the text assets are partitioned by feedback month: one run covers every month
        tags=full_range_tags(),
    )
