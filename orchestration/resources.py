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


def build_resources(settings: Settings) -> dict[str, Any]:
    """Every resource a run needs, from one settings object.

    ``settings`` itself is a resource (assets take it as ``dg.ResourceParam[Settings]``): the
    translation, tagging and dbt assets read their settings from it, so a run never reads the
    environment.
    """
    return {
        "warehouse": Warehouse(data_dir=str(settings.data_dir)),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        "settings": settings,
    }
