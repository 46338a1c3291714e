"""One publish = one version: the BI copy, the workbook and exports/PUBLISHED.json agree, the
exports switch as a set, and clean_leftovers removes exactly what killed publishes leave."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from cxlink.publish import (
    PublishError,
    clean_leftovers,
    current_version,
    publish,
    published_version,
    read_published,
)
from cxlink.publish.exports_set import version_dir
from cxlink.settings import DataLayout
from tests.publish.conftest import build_warehouse, leftovers, sha256

DAY = date(2025, 1, 15)


@pytest.fixture
def layout(tmp_path: Path) -> DataLayout:
    return DataLayout(tmp_path / "data")


def workbook_version(path: Path) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = wb["README"].iter_rows(max_row=8, values_only=True)
        facts = {r[0]: r[1] for r in rows if len(r) > 1}
    finally:
        wb.close()
    return facts["version"]


def test_the_copy_the_workbook_and_the_exports_carry_one_version(warehouse, layout):
    release = publish(warehouse, layout, run_date=DAY)
    version = release.version
    assert re.fullmatch(r"20250115-[0-9a-f]{8}", version)
    assert published_version(layout.bi_copy_path) == version
    link = layout.exports_dir
    assert link.is_symlink() and os.readlink(link) == f"exports-{version}"  # relative
    assert current_version(link) == version
    assert workbook_version(link / "cxlink_finance.xlsx") == version
    manifest = read_published(link)
    assert manifest["version"] == version
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {
        p.relative_to(link).as_posix()
        for p in link.rglob("*")
        if p.is_file() and p.name != "PUBLISHED.json"
    }
    assert set(listed) == on_disk
    assert len(on_disk) == 2 * 4 + 1  # four marts
    for path, entry in listed.items():
        assert entry["sha256"] == sha256(link / path), path
        assert entry["bytes"] == (link / path).stat().st_size
    assert listed["parquet/nps_monthly.parquet"]["rows"] == 48
    assert leftovers(layout.data_dir) == []


def test_same_data_same_day_same_version_and_a_change_gets_a_new_one(warehouse, layout):
    first = publish(warehouse, layout, run_date=DAY)
    files = {p: sha256(p) for p in layout.exports_dir.rglob("*") if p.is_file()}
    assert len(files) == 2 * 4 + 2  # the workbook and PUBLISHED.json are reproducible too
    again = publish(warehouse, layout, run_date=DAY)
    assert again.version == first.version
    assert {p: sha256(p) for p in layout.exports_dir.rglob("*") if p.is_file()} == files
    build_warehouse(warehouse, scale=2)
    changed = publish(warehouse, layout, run_date=DAY)
    assert changed.version != first.version
    assert changed.exports.removed_versions == [version_dir(layout.exports_dir, first.version)]
    assert published_version(layout.bi_copy_path) == changed.version
    assert sorted(p.name for p in layout.data_dir.iterdir()) == [
        ".publish.lock",
        "cxlink_bi.duckdb",
        "exports",
        f"exports-{changed.version}",
    ]


def test_a_failed_publish_changes_nothing_visible(warehouse, layout):
    publish(warehouse, layout, run_date=DAY)
    before = {p: sha256(p) for p in layout.data_dir.rglob("*") if p.is_file()}
    con = duckdb.connect(str(warehouse))
    con.execute("update marts.nps_overall set period = 'ceo@example.com'")
    con.close()
    with pytest.raises(PublishError, match="personal data"):
        publish(warehouse, layout, run_date=date(2025, 1, 16))
    assert {p: sha256(p) for p in layout.data_dir.rglob("*") if p.is_file()} == before
    assert leftovers(layout.data_dir) == []


def plant_kill_leftovers(layout: DataLayout) -> None:
    """What a publish killed at each step leaves (temporary copy and WAL, a staging folder, a
    set renamed but never switched to, the symlink about to replace `exports`)."""
    data = layout.data_dir
    paths = [
        data / "cxlink_bi.duckdb.tmp-123",
        data / "cxlink_bi.duckdb.tmp-123.wal",
        data / "exports.staging-77" / "csv" / "nps_overall.csv",
        data / "exports-20240101-0badf00d" / "PUBLISHED.json",
    ]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half")
    os.symlink("exports-20240101-0badf00d", data / "exports.tmp-77")


def test_clean_leftovers_removes_only_what_killed_publishes_leave(warehouse, layout):
    release = publish(warehouse, layout, run_date=DAY)
    plant_kill_leftovers(layout)
    mine = [layout.data_dir / "cxlink_bi.duckdb.bak", layout.data_dir / "exports-mine" / "a.csv"]
    for path in mine:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("someone's")
    before = {
        p: sha256(p)
        for p in version_dir(layout.exports_dir, release.version).rglob("*")
        if p.is_file()
    }

    removed = clean_leftovers(layout)
    assert sorted(p.name for p in removed) == [
        "cxlink_bi.duckdb.tmp-123",
        "cxlink_bi.duckdb.tmp-123.wal",
        "exports-20240101-0badf00d",
        "exports.staging-77",
        "exports.tmp-77",
    ]
    assert leftovers(layout.data_dir) == ["exports-mine"]  # not ours: not a version's name
    assert all(p.exists() for p in mine)
    assert {p: sha256(p) for p in (layout.exports_dir).rglob("*") if p.is_file()} == {
        layout.exports_dir / p.relative_to(version_dir(layout.exports_dir, release.version)): h
        for p, h in before.items()
    }
    assert clean_leftovers(layout) == []


def test_clean_leftovers_removes_the_old_exporters_temporary_files(tmp_path: Path):
    """Before versioned sets, a kill left `<file>.tmp-<pid>` beside cxlink_bi.duckdb and in
    exports/ (up to one per export file)."""
    layout = DataLayout(tmp_path)
    (tmp_path / "exports" / "parquet").mkdir(parents=True)
    (tmp_path / "exports" / "csv").mkdir()
    old = [tmp_path / "cxlink_bi.duckdb.tmp-9"]
    old += [tmp_path / "exports" / "parquet" / f"m{i}.parquet.tmp-9" for i in range(15)]
    old += [tmp_path / "exports" / "csv" / f"m{i}.csv.tmp-9" for i in range(15)]
    old += [tmp_path / "exports" / "cxlink_finance.xlsx.tmp-9"]
    kept = [tmp_path / "exports" / "csv" / "m1.csv", tmp_path / "warehouse.duckdb"]
    for path in old + kept:
        path.write_text("x")
    assert len(clean_leftovers(layout)) == 32
    assert not any(p.exists() for p in old) and all(p.exists() for p in kept)


def test_a_copy_ahead_of_its_exports_is_rolled_forward(warehouse, layout):
    """Killed between replacing cxlink_bi.duckdb and switching exports: the next clean finishes."""
    first = publish(warehouse, layout, run_date=DAY)
    build_warehouse(warehouse, scale=2)
    second = publish(warehouse, layout, run_date=DAY)
    # put the link back on a copy of the first set, as a kill before the switch leaves it
    old = version_dir(layout.exports_dir, first.version)
    old.mkdir()
    (old / "PUBLISHED.json").write_text(json.dumps({"version": first.version}))
    os.replace(layout.exports_dir, layout.data_dir / "keep")  # swap the link by hand
    os.symlink(old.name, layout.exports_dir)
    (layout.data_dir / "keep").unlink()
    assert current_version(layout.exports_dir) == first.version

    assert clean_leftovers(layout) == [old]
    assert (
        current_version(layout.exports_dir)
        == second.version
        == published_version(layout.bi_copy_path)
    )


HOLDER = """
import sys, time
from pathlib import Path
from cxlink.publish.leftovers import publish_lock
with publish_lock(Path(sys.argv[1])) as held:
    print(held, flush=True)
    time.sleep(60)
"""


def test_no_cleaning_and_no_publish_while_another_publish_holds_the_lock(warehouse, layout):
    layout.data_dir.mkdir(parents=True)
    leftover = layout.data_dir / "cxlink_bi.duckdb.tmp-5"
    leftover.write_text("maybe still being written")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(layout.data_dir)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    try:
        assert holder.stdout.readline().strip() == "True"
        assert clean_leftovers(layout) == []
        assert leftover.exists()
        with pytest.raises(PublishError, match="another publish is running"):
            publish(warehouse, layout, run_date=DAY)
    finally:
        holder.kill()
        holder.wait()
    assert clean_leftovers(layout) == [leftover]  # the lock died with its process


def test_the_old_marts_duckdb_copy_is_removed_after_a_publish(warehouse, layout, tmp_path):
    """Before issue 14 the copy was marts.duckdb (tables in main): once cxlink_bi.duckdb is
    published, a cxlink copy of that name goes, so no BI tool keeps reading frozen figures; a
    file of that name that is not a cxlink copy stays."""
    layout.data_dir.mkdir(parents=True)
    legacy = layout.data_dir / "marts.duckdb"
    con = duckdb.connect(str(legacy))
    con.execute("create schema meta")
    con.execute("create table meta.publish_info as select 'old' as version")
    con.close()
    release = publish(warehouse, layout, run_date=DAY)
    assert not legacy.exists() and legacy in release.leftovers
    assert layout.bi_copy_path.name == "cxlink_bi.duckdb" and layout.bi_copy_path.exists()

    mine = duckdb.connect(str(legacy))
    mine.execute("create table notes as select 1 as x")
    mine.close()
    publish(warehouse, layout, run_date=DAY)
    assert legacy.exists()
