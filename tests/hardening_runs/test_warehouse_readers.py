"""A reader of warehouse.duckdb during a run (issue 16): a short one is waited out, one that
stays makes the run stop with a sentence naming its process and the fix; the docs send every
reader to the BI copy."""

from __future__ import annotations

import re
import time
from pathlib import Path

import duckdb
import pytest

from cxlink.cli import main
from cxlink.demo import generate
from cxlink.runlog import warehouse_lock
from cxlink.settings import PROJECT_ROOT
from tests.hardening_runs.helpers import kill_session, python, wait_for

READER = """
import sys, time
from pathlib import Path
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
Path(sys.argv[2]).write_text("open")
time.sleep(float(sys.argv[3]))
con.close()
time.sleep(600)
"""


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "warehouse.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select 1 as x")
    return path


def open_reader(warehouse: Path, tmp_path: Path, hold_s: float):
    marker = tmp_path / "reader.open"
    proc = python(READER, str(warehouse), str(marker), str(hold_s))
    wait_for(marker.exists, "the reader open")
    return proc


def test_a_reader_makes_a_plain_write_fail_at_once(warehouse: Path, tmp_path: Path):
    """DuckDB's behaviour the rest guards against: no waiting, a bare IO Error."""
    reader = open_reader(warehouse, tmp_path, hold_s=600)
    try:
        with pytest.raises(duckdb.IOException, match="Could not set lock") as error:
            duckdb.connect(str(warehouse))
        assert warehouse_lock.lock_holder(error.value) == reader.pid
    finally:
        kill_session(reader)


def test_a_short_reader_is_waited_out(warehouse: Path, tmp_path: Path):
    reader = open_reader(warehouse, tmp_path, hold_s=1.0)
    try:
        started = time.monotonic()
        con = warehouse_lock.connect_waiting(warehouse, wait_s=30)
        con.execute("insert into t values (2)")
        con.close()
        assert time.monotonic() - started < 30
    finally:
        kill_session(reader)


def test_a_reader_that_stays_is_named_with_the_fix(warehouse: Path, tmp_path: Path):
    reader = open_reader(warehouse, tmp_path, hold_s=600)
    try:
        started = time.monotonic()
        with pytest.raises(warehouse_lock.WarehouseBusyError) as error:
            warehouse_lock.connect_waiting(warehouse, wait_s=1.0)
        assert 1.0 <= time.monotonic() - started < 10
    finally:
        kill_session(reader)
    message = str(error.value)
    assert message.startswith(f"{warehouse} is open in another process, pid {reader.pid} (python")
    assert "stayed open for 1 s, so this run cannot write it" in message
    assert f"close that connection or stop the process (`kill {reader.pid}`)" in message
    assert message.endswith("should open cxlink_bi.duckdb read-only instead (docs/bi-tools.md).")


def test_cxlink_run_stops_naming_the_reader(warehouse: Path, tmp_path: Path, capsys, monkeypatch):
    data_dir = warehouse.parent
    generate(data_dir / "landing", customers=20, seed=1)
    monkeypatch.setenv("CXLINK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.setattr(warehouse_lock, "READER_WAIT_S", 1.0)
    reader = open_reader(warehouse, tmp_path, hold_s=600)
    capsys.readouterr()
    try:
        code = main(["run", "--no-summary"])
    finally:
        kill_session(reader)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith(f"cxlink: {warehouse} is open in another process, pid {reader.pid}")
    assert err.count("\n") == 1, err


def test_the_docs_send_every_reader_to_the_bi_copy():
    bi_tools = (PROJECT_ROOT / "docs" / "bi-tools.md").read_text()
    operations = (PROJECT_ROOT / "docs" / "operations.md").read_text()
    assert "## Who reads `warehouse.duckdb`" in operations
    section = operations.split("## Who reads `warehouse.duckdb`")[1].split("\n## ")[0]
    assert "cxlink_bi.duckdb" in section and "marts." in section
    assert "marts.duckdb" not in re.sub(r"renamed from `marts.duckdb`", "", section)
    assert "warehouse.duckdb" in bi_tools and "never at `warehouse.duckdb`" in bi_tools
    assert "operations.md#who-reads-warehouseduckdb" in bi_tools


def test_the_runs_warehouse_resource_waits_out_a_short_reader(warehouse: Path, tmp_path: Path):
    """What the extract and text assets open: a writer that waits, where DuckDB would fail."""
    from orchestration.resources import Warehouse

    reader = open_reader(warehouse, tmp_path, hold_s=1.0)
    try:
        with Warehouse(data_dir=str(warehouse.parent)).connect() as con:
            assert con.execute("select count(*) from t").fetchone() == (1,)
    finally:
        kill_session(reader)
