"""Dagster resources, configured from one ``Settings`` object when the definitions are built."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from packaging import version

from cxlink.runlog import dbt_child, run_lock
from cxlink.runlog.warehouse_lock import connect_waiting
from cxlink.settings import DataLayout, Settings
from orchestration.dbt_project import dbt_project


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse and landing zone under one data directory (``CXLINK_DATA_DIR``).

    In a run it holds the data directory's run lock (``cxlink.runlog.run_lock``) from its setup
    to its teardown, so a run the daemon launches and a ``cxlink run`` never write at once (the
    second stops with a message naming the first). Outside a run (the landing sensor) a
    read-only ``connect`` while another process's run holds the lock raises
    ``duckdb.IOException`` at once instead of opening the file: a reader's lock would make the
    run's next write fail. A writing connection waits out a short conflicting lock of another
    process and then names it (``cxlink.runlog.warehouse_lock``).
    """

    data_dir: str

    def layout(self) -> DataLayout:
        return DataLayout(Path(self.data_dir))

    def warehouse_path(self) -> Path:
        return self.layout().warehouse_path

    def landing_dir(self) -> Path:
        return self.layout().landing_dir

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.dagster_run is not None:  # a run, not a sensor's evaluation
            run_lock.acquire(Path(self.data_dir), context.dagster_run.run_id)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if context.dagster_run is not None:
            run_lock.release(Path(self.data_dir))

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        path = self.warehouse_path()
        if read_only and not path.exists():
            raise FileNotFoundError(f"warehouse {path} does not exist yet: run the extract assets")
        if read_only and run_lock.run_in_progress(Path(self.data_dir)):
            raise duckdb.IOException(f"a cxlink run is writing {path}: not opened now")
        path.parent.mkdir(parents=True, exist_ok=True)
        # a writer waits out a short reader of another process; a reader (the sensor) does not
        # wait: its caller skips and looks again later
        con = duckdb.connect(str(path), read_only=True) if read_only else connect_waiting(path)
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
    ``make prepare``), which dagster-dbt copies into each invocation's folder.

    dbt dies with the run: built by ``dbt_resource``, its executable is this Python running
    ``cxlink/runlog/dbt_child.py <dbt>`` (through ``global_config_flags``, the arguments
    dagster-dbt puts first), which makes the kernel kill dbt when the run's process dies and
    then execs dbt. ``dbt_path`` is the real dbt, asked for its version."""

    target_root: str
    dbt_path: str = "dbt"

    @cached_property
    def _cli_version(self) -> version.Version:
        # dagster-dbt 0.29 asks `<dbt_executable> --version`, which here is the Python
        out = subprocess.check_output([self.dbt_path, "--version"], text=True)
        found = re.search(r"(\d+\.\d+\.\d+)", out)
        if not found:
            raise ValueError(f"could not read dbt's version from `{self.dbt_path} --version`")
        return version.parse(found.group(1))

    def _get_unique_target_path(self, *, context: Any) -> Path:
        # dagster-dbt 0.29 has no setting for the base of its per-invocation folders (only a
        # per-call target_path, which the dbt asset would have to pass): keep its folder name,
        # move the base.
        unique = super()._get_unique_target_path(context=context)
        return Path(self.target_root) / unique.name


def dbt_resource(settings: Settings) -> CxlinkDbtCli:
    dbt = dbt_executable()
    return CxlinkDbtCli(
        project_dir=dbt_project,
        dbt_executable=sys.executable,
        global_config_flags=[dbt_child.__file__, dbt],
        dbt_path=dbt,
        target_root=str(settings.layout.dbt_target_dir),
    )


def build_resources(settings: Settings) -> dict[str, Any]:
    """Every resource a run needs, from one settings object.

    ``settings`` itself is a resource (assets take it as ``dg.ResourceParam[Settings]``): the
    translation, tagging and dbt assets read their settings from it, so a run never reads the
    environment.
    """
    return {
        "warehouse": Warehouse(data_dir=str(settings.data_dir)),
        "dbt": dbt_resource(settings),
        "settings": settings,
    }
