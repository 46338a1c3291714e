"""Parquet, CSV and the finance workbook: right rows, right order, documented, atomic."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest

from cxlink.publish import FINANCE_TABLES, export_marts, mart_docs, publish_bi_copy
from cxlink.publish.exports import WORKBOOK_NAME
from tests.publish.conftest import leftovers, sha256, write_manifest

MARTS = {"data_window": 1, "nps_monthly": 48, "nps_overall": 3, "nps_retention_summary": 9}


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    return write_manifest(
        tmp_path / "manifest.json",
        {
            "nps_overall": {"period": "Which window.", "nps": "NPS, -100..100."},
            "nps_retention_summary": {"churn_rate": "Share churned within the horizon."},
        },
    )


@pytest.fixture
def published(warehouse: Path, tmp_path: Path) -> Path:
    return publish_bi_copy(warehouse, tmp_path / "data" / "cxlink_bi.duckdb").path


def rows_of(source: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(source), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_parquet_and_csv_hold_every_mart_in_order(published: Path, manifest: Path):
    out = published.parent / "exports"
    report = export_marts(published, out, schema="marts", manifest_path=manifest)

    for table, n in MARTS.items():
        parquet = out / "parquet" / f"{table}.parquet"
        expected = rows_of(published, f"select * from marts.{table} order by all")
        assert len(expected) == n
        # stored order is ORDER BY ALL order (read without sorting)
        assert rows_of(published, f"select * from read_parquet('{parquet}')") == expected
        assert (out / "csv" / f"{table}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        with (out / "csv" / f"{table}.csv").open(newline="", encoding="utf-8-sig") as f:
            lines = list(csv.reader(f))
        header = [d[0] for d in rows_of(published, f"describe marts.{table}")]
        assert lines[0] == header
        assert len(lines) == n + 1
        assert rows_of(
            published, f"select * from read_csv('{out / 'csv' / f'{table}.csv'}')"
        ) == rows_of(published, f"select * from read_parquet('{parquet}')")

    by_path = {f.path: f for f in report.files}
    assert by_path[out / "parquet" / "nps_monthly.parquet"].rows == 48
    assert all(f.bytes == f.path.stat().st_size > 0 for f in report.files)
    assert leftovers(out) == []


def test_workbook_has_a_readme_and_the_finance_tables_that_exist(published: Path, manifest: Path):
    out = published.parent / "exports"
    report = export_marts(
        published, out, schema="marts", manifest_path=manifest, run_date=date(2025, 3, 31)
    )
    # of FINANCE_TABLES only these two exist here; nps_monthly is not a finance sheet
    assert report.workbook_sheets == ["README", "nps_overall", "nps_retention_summary"]
    assert "nps_monthly" not in FINANCE_TABLES and "mrr_bridge" not in FINANCE_TABLES

    wb = openpyxl.load_workbook(out / WORKBOOK_NAME)
    try:
        assert wb.sheetnames == report.workbook_sheets
        readme = [tuple(r) for r in wb["README"].iter_rows(values_only=True)]
        sheet = {
            name: [tuple(r) for r in wb[name].iter_rows(values_only=True)]
            for name in wb.sheetnames[1:]
        }
    finally:
        wb.close()

    # every data sheet: a header (the column names, spaced) + every row
    for table, values in sheet.items():
        names = [d[0] for d in rows_of(published, f"describe marts.{table}")]
        assert sorted(values[0]) == sorted(n.replace("_", " ") for n in names)
        expected = rows_of(published, f"select * from marts.{table} order by all")
        assert len(values) - 1 == len(expected)
    # the latest period first: the date columns descending (last_3_months starts 2024-10-01,
    # last_12_months 2024-01-01, all_time 2023-06-01)
    overall = sheet["nps_overall"]
    assert [r[0] for r in overall[1:]] == ["last_3_months", "last_12_months", "all_time"]

    facts = {r[0]: r[1] for r in readme[:9] if r and r[0]}
    assert facts["version"] == report.version
    assert facts["run date"].date() == date(2025, 3, 31)
    # marts.data_window's months, not nps_monthly's 2024-01 .. 2024-12
    assert facts["data window (first month)"].date() == date(2024, 2, 1)
    assert facts["data window (last month)"].date() == date(2024, 11, 1)
    header_at = readme.index(
        (
            "sheets",
            "column",
            "unit",
            "definition (docs/metrics.md section)",
            "description",
            "additive",
        )
    )
    documented = {}
    for r in readme[header_at + 1 :]:
        for table in (r[0] or "").split(", "):
            documented[(table, r[1])] = r[4] or ""
    for table in sheet:
        for column in (d[0] for d in rows_of(published, f"describe marts.{table}")):
            assert (table, column) in documented, (table, column)
    sheets_at = readme.index(
        (
            "sheet",
            "one row per",
            "rows",
            "definition (docs/metrics.md section)",
            "summary (in full: the dbt docs)",
            None,
        )
    )
    listed = {r[0]: r for r in readme[sheets_at + 1 : sheets_at + 3]}
    assert list(listed) == ["nps_overall", "nps_retention_summary"]
    assert listed["nps_overall"][4] == "About nps_overall."
    assert documented[("nps_overall", "nps")] == "NPS, -100..100."
    assert documented[("nps_retention_summary", "churn_rate")] == (
        "Share churned within the horizon."
    )
    assert documented[("nps_overall", "period_end_date")] == ""  # undocumented: empty


def test_readme_descriptions_come_from_the_real_dbt_manifest(published: Path, dbt_manifest: Path):
    docs = mart_docs(dbt_manifest)
    assert {"nps_monthly", "nps_overall", "nps_retention_summary"} <= set(docs)
    out = published.parent / "exports"
    export_marts(published, out, schema="marts", manifest_path=dbt_manifest)
    wb = openpyxl.load_workbook(out / WORKBOOK_NAME)
    readme = [tuple(r) for r in wb["README"].iter_rows(values_only=True)]
    wb.close()
    row = next(r for r in readme if r[1] == "responses" and "nps_overall" in (r[0] or ""))
    assert row[4] == docs["nps_overall"].column("responses") != ""


def test_a_failed_export_leaves_the_previous_files_untouched(
    published: Path, manifest: Path, monkeypatch: pytest.MonkeyPatch
):
    from cxlink.publish import exports

    out = published.parent / "exports"
    export_marts(published, out, schema="marts", manifest_path=manifest)
    before = {p: sha256(p) for p in out.rglob("*") if p.is_file()}
    assert len(before) == 2 * len(MARTS) + 2  # Parquet and CSV per mart, workbook, PUBLISHED

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_workbook", broken)
    with pytest.raises(OSError, match="disk full"):
        export_marts(published, out, schema="marts", manifest_path=manifest)
    assert {p: sha256(p) for p in out.rglob("*") if p.is_file()} == before
    assert leftovers(out.parent) == []


def test_an_exports_folder_from_before_versions_is_migrated(published: Path, tmp_path: Path):
    """An `exports/` folder written by the old exporter (files of a dropped mart, a temporary
    file of a killed run, a file someone put there) becomes a symlink to a versioned set; the
    pipeline's old files go, the other file stays in exports.before-versions/."""
    out = published.parent / "exports"
    (out / "parquet").mkdir(parents=True)
    (out / "parquet" / "old_mart.parquet").write_bytes(b"stale")
    (out / "csv").mkdir()
    (out / "csv" / "old_mart.csv").write_text("stale\n")
    (out / "csv" / "nps_overall.csv.tmp-4242").write_text("half")
    (out / "notes.txt").write_text("mine")
    report = export_marts(published, out, schema="marts")
    assert out.is_symlink() and out.resolve().name == f"exports-{report.version}"
    assert sorted(p.name for p in (out / "parquet").iterdir()) == sorted(
        f"{t}.parquet" for t in MARTS
    )
    legacy = published.parent / "exports.before-versions"
    assert sorted(str(p.relative_to(legacy)) for p in legacy.rglob("*")) == ["notes.txt"]
    assert leftovers(published.parent) == []


def test_a_dropped_mart_is_not_in_the_next_set(published: Path, warehouse: Path, tmp_path: Path):
    out = published.parent / "exports"
    first = export_marts(warehouse, out, schema="marts")
    con = duckdb.connect(str(warehouse))
    con.execute("drop table marts.nps_monthly")
    con.close()
    second = export_marts(warehouse, out, schema="marts")
    assert second.version != first.version
    assert second.removed_versions == [published.parent / f"exports-{first.version}"]
    assert sorted(p.name for p in (out / "csv").iterdir()) == [
        "data_window.csv",
        "nps_overall.csv",
        "nps_retention_summary.csv",
    ]


def test_awkward_values_reach_the_workbook(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("set TimeZone = 'UTC'")
    con.execute(
        """
        create schema marts;
        create table marts.mrr_bridge as select
            date '2024-05-01' as month, timestamptz '2024-05-01 12:00:00+02' as at,
            'nan'::double as ratio, 12.345::decimal(10, 3) as amount, [1, 2] as ids,
            true as flag, null::varchar as note
        """
    )
    con.close()
    report = export_marts(db, tmp_path / "exports", finance_tables=("mrr_bridge",))
    assert report.workbook_sheets == ["README", "mrr_bridge"]
    wb = openpyxl.load_workbook(tmp_path / "exports" / WORKBOOK_NAME)
    rows = [tuple(r) for r in wb["mrr_bridge"].iter_rows(values_only=True)]
    wb.close()
    assert rows[0] == ("month", "at", "ratio", "amount", "ids", "flag", "note")  # as in the table
    month, at, ratio, amount, ids, flag, note = rows[1]
    assert month.date() == date(2024, 5, 1)
    assert at == datetime(2024, 5, 1, 10, 0) and at.tzinfo is None  # UTC, naive
    assert ratio is None  # NaN has no Excel value: an empty cell
    assert float(amount) == pytest.approx(12.345)
    assert ids == "[1, 2]" and flag is True and note is None


def test_a_second_pre_versioning_folder_never_overwrites_the_first(published: Path):
    data = published.parent
    (data / "exports.before-versions").mkdir()
    (data / "exports.before-versions" / "notes.txt").write_text("first")
    (data / "exports" / "csv").mkdir(parents=True)
    (data / "exports" / "csv" / "nps_overall.csv").write_text("old export")
    (data / "exports" / "mine.txt").write_text("second")
    export_marts(published, data / "exports", schema="marts")
    assert (data / "exports.before-versions" / "notes.txt").read_text() == "first"
    assert sorted(p.name for p in (data / "exports.before-versions-2").rglob("*")) == ["mine.txt"]
