"""Dagster resources. Settings are resolved when a run asks for them, not at import time."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from cxlink.settings import Settings


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse and landing zone under one data directory.

    ``data_dir`` defaults to ``$CXLINK_DATA_DIR`` (or ``<project>/data``), the same setting the
    dbt profile reads.
    """

    data_dir: str | None = None
    reporting_currency: str | None = None

    def settings(self) -> Settings:
        env = dict(os.environ)
        if self.data_dir:
            env["CXLINK_DATA_DIR"] = self.data_dir
        if self.reporting_currency:
            env["CXLINK_REPORTING_CURRENCY"] = self.reporting_currency
        return Settings.from_env(env)

    def warehouse_path(self) -> Path:
        return self.settings().warehouse_path

    def landing_dir(self) -> Path:
        return self.settings().landing_dir

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
