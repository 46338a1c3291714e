"""Dagster resources, configured from one ``Settings`` object when the definitions are built."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource

from cxlink.settings import DataLayout, Settings
from orchestration.dbt_project import dbt_project


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse and landing zone under one data directory (``CXLINK_DATA_DIR``)."""

    data_dir: str

    def layout(self) -> DataLayout:
        return DataLayout(Path(self.data_dir))

    def warehouse_path(self) -> Path:
        return self.layout().warehouse_path

    def landing_dir(self) -> Path:
        return self.layout().landing_dir

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        path = self.warehouse_path()
        if read_only and not path.exists():
            raise FileNotFoundError(f"warehouse {path} does not exist yet: run the extract assets")
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
        try:
            con.execute("set TimeZone = 'UTC'")
            yield con
        finally:
            con.close()


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's venv), else whatever is on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


class CxlinkDbtCli(DbtCliResource):
    """dagster-dbt's resource, writing each invocation's target folder (manifest, run results,
    compiled SQL, dbt.log: ~22 MB a run) under ``target_root`` instead of the project's
    ``target/``: the repository can be read-only, and retention (``cxlink.retention``) prunes
    one folder. dbt's partial parse file is still read from ``dbt_project/target`` (written by
    ``make prepare``), which dagster-dbt copies into each invocation's folder."""

    target_root: str

    def _get_unique_target_path(self, *, context: Any) -> Path:
        # dagster-dbt 0.29 has no setting for the base of its per-invocation folders (only a
        # per-call target_path, which the dbt asset would have to pass): keep its folder name,
        # move the base.
        unique = super()._get_unique_target_path(context=context)
        return Path(self.target_root) / unique.name


def build_resources(settings: Settings) -> dict[str, Any]:
    """Every resource a run needs, from one settings object.

    ``settings`` itself is a resource (assets take it as ``dg.ResourceParam[Settings]``): the
    translation, tagging and dbt assets read their settings from it, so a run never reads the
    environment.
    """
    return {
        "warehouse": Warehouse(data_dir=str(settings.data_dir)),
        "dbt": CxlinkDbtCli(
            project_dir=dbt_project,
            dbt_executable=dbt_executable(),
            target_root=str(settings.layout.dbt_target_dir),
        ),
        "settings": settings,
    }
