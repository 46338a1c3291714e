"""The BI copy: only the marts, no personal data, atomic replacement, nothing left on failure."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from cxlink.publish import PersonalDataError, PublishError, publish_bi_copy
from cxlink.publish.common import DataWindow
from tests.publish.conftest import build_warehouse, leftovers, sha256

MARTS = {"data_window": 1, "nps_monthly": 48, "nps_overall": 3, "nps_retention_summary": 9}


def tables_in(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
        return {
            f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0]
            for s, t in names
        }
    finally:
        con.close()


def fingerprints(path: Path) -> dict[str, str]:
    """Every table's rows in stored order (no ORDER BY: the copy itself must be ordered)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
        return {t: repr(con.execute(f'select * from marts."{t}"').fetchall()) for (t,) in names}
    finally:
        con.close()


def test_publish_copies_only_the_marts(warehouse: Path, tmp_path: Path):
    target = tmp_path / "data" / "cxlink_bi.duckdb"
    report = publish_bi_copy(warehouse, target, run_date=date(2025, 1, 15), version="v1")

    assert target.exists()
    assert tables_in(target) == {
        **{f"marts.{t}": n for t, n in MARTS.items()},
        "meta.publish_info": 1,
    }
    assert report.tables == {f"marts.{t}": n for t, n in MARTS.items()}
    assert report.total_rows == sum(MARTS.values())
    assert report.bytes == target.stat().st_size
    # the events' window (marts.data_window), not the span of nps_monthly's months (2024-01..12)
    assert report.window == DataWindow(date(2024, 2, 1), date(2024, 11, 1))
    assert leftovers(target.parent) == []
    assert sorted(p.name for p in target.parent.iterdir()) == ["cxlink_bi.duckdb"]

    con = duckdb.connect(str(target), read_only=True)
    try:
        # The docs' queries: marts.<table>, schema marts of catalog cxlink_bi.
        assert con.execute("select count(*) from marts.nps_monthly").fetchone()[0] == 48
        assert con.execute("select count(*) from cxlink_bi.marts.nps_overall").fetchone()[0] == 3
        assert con.execute("select * from meta.publish_info").fetchall() == [
            ("v1", date(2025, 1, 15), date(2024, 2, 1), date(2024, 11, 1), "marts", 4, 61)
        ]
    finally:
        con.close()


def test_content_is_deterministic_and_stored_in_order(warehouse: Path, tmp_path: Path):
    first = publish_bi_copy(
        warehouse, tmp_path / "a" / "cxlink_bi.duckdb", run_date=date(2025, 1, 1)
    )
    second = publish_bi_copy(
        warehouse, tmp_path / "b" / "cxlink_bi.duckdb", run_date=date(2025, 2, 1)
    )
    assert fingerprints(first.path) == fingerprints(second.path)
    con = duckdb.connect(str(first.path), read_only=True)
    try:
        for table in MARTS:
            stored = con.execute(f"select * from marts.{table}").fetchall()
            assert stored == con.execute(f"select * from marts.{table} order by all").fetchall()
    finally:
        con.close()


def test_publish_from_an_open_read_only_connection(warehouse: Path, tmp_path: Path):
    target = tmp_path / "cxlink_bi.duckdb"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        report = publish_bi_copy(con, target)
        # the caller's connection is still open and usable
        assert con.execute("select count(*) from raw.customers").fetchone()[0] == 20
    finally:
        con.close()
    assert set(tables_in(target)) == {f"marts.{t}" for t in MARTS} | {"meta.publish_info"}
    assert report.run_date == datetime.now(UTC).date()


def test_only_restricts_the_copy_and_a_missing_mart_fails(warehouse: Path, tmp_path: Path):
    target = tmp_path / "cxlink_bi.duckdb"
    publish_bi_copy(warehouse, target, only=["nps_overall", "nps_monthly"])
    assert set(tables_in(target)) == {"marts.nps_overall", "marts.nps_monthly", "meta.publish_info"}
    before = sha256(target)
    with pytest.raises(PublishError, match=r"\['mrr_bridge'\] missing"):
        publish_bi_copy(warehouse, target, only=["nps_overall", "mrr_bridge"])
    assert sha256(target) == before
    assert leftovers(tmp_path) == []


READER = r"""
import json, os, sys, time
import duckdb

path, mode, ready, stop = sys.argv[1:5]
held = duckdb.connect(path, read_only=True) if mode == "hold" else None
seen = []
deadline = time.time() + 60
while True:
    # after the stop file appears, one last read: it is certainly later than the publish
    stopping = os.path.exists(stop) or time.time() > deadline
    con = held or duckdb.connect(path, read_only=True)
    # one statement = one snapshot: the three figures must come from the same version
    n_monthly, n_overall, total = con.execute(
        "select (select count(*) from marts.nps_monthly), (select count(*) from marts.nps_overall), "
        "(select sum(responses) from marts.nps_monthly)"
    ).fetchone()
    if held is None:
        con.close()
    seen.append([time.time(), n_monthly, n_overall, int(total)])
    if not os.path.exists(ready):
        open(ready, "w").close()
    if stopping:
        break
    time.sleep(0.002)
print(json.dumps(seen))
"""


def test_a_reader_process_keeps_reading_a_consistent_version(tmp_path: Path):
    warehouse = build_warehouse(tmp_path / "warehouse.duckdb", scale=200)  # 9,600 rows
    target = tmp_path / "data" / "cxlink_bi.duckdb"
    publish_bi_copy(warehouse, target)
    v1 = tables_in(target)
    build_warehouse(warehouse, scale=400)  # the next run's marts: twice as many rows

    stop = tmp_path / "stop"
    readers = {}
    for mode in ("hold", "reopen"):
        ready = tmp_path / f"ready-{mode}"
        readers[mode] = (
            subprocess.Popen(
                [sys.executable, "-c", READER, str(target), mode, str(ready), str(stop)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
            ready,
        )
    for proc, ready in readers.values():
        while not ready.exists():
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.01)

    publish_bi_copy(warehouse, target)
    published_at = time.time()
    time.sleep(0.5)
    stop.touch()
    seen = {}
    for mode, (proc, _) in readers.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        seen[mode] = json.loads(out)

    old = (9600, 3, sum(10 + i for i in range(9600)))
    new = (19200, 3, sum(10 + i for i in range(19200)))
    assert tables_in(target)["marts.nps_monthly"] == new[0] == 2 * v1["marts.nps_monthly"]

    # The reader holding the old file open reads the old version, whole, before and after.
    hold = seen["hold"]
    assert any(t > published_at for t, *_ in hold), "the reader did not read after the publish"
    assert {tuple(obs) for _, *obs in hold} == {old}

    # A reader reopening the file gets one whole version or the other, never a mix or an error.
    reopen = seen["reopen"]
    assert {tuple(obs) for _, *obs in reopen} <= {old, new}
    assert tuple(reopen[-1][1:]) == new  # read after the stop file: the new version


def test_planted_email_fails_and_leaves_the_previous_copy_byte_identical(
    warehouse: Path, tmp_path: Path
):
    target = tmp_path / "data" / "cxlink_bi.duckdb"
    publish_bi_copy(warehouse, target)
    before = sha256(target)

    con = duckdb.connect(str(warehouse))
    con.execute(
        "update marts.nps_monthly set segment = 'contact jane.doe+cx@mail.example.org please' "
        "where responses = 11"
    )
    con.close()
    with pytest.raises(PersonalDataError) as excinfo:
        publish_bi_copy(warehouse, target)
    message = str(excinfo.value)
    assert "marts.nps_monthly.segment: 1 value(s) look like e-mail addresses" in message
    assert "jane.doe" not in message  # the error names the place, never the value

    assert sha256(target) == before
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in target.parent.iterdir()) == ["cxlink_bi.duckdb"]


@pytest.mark.parametrize("column", ["email", "name", "customer_name", "Customer_Name"])
def test_a_personal_data_column_is_refused(warehouse: Path, tmp_path: Path, column: str):
    con = duckdb.connect(str(warehouse))
    con.execute(f'create table marts.leaky as select 1 as customer_id, 2 as "{column}"')
    con.close()
    target = tmp_path / "cxlink_bi.duckdb"
    with pytest.raises(PersonalDataError, match=rf"marts\.leaky\.{column}: column name"):
        publish_bi_copy(warehouse, target)
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_a_failure_while_writing_removes_the_temporary_file(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from cxlink.publish import bi_copy

    target = tmp_path / "data" / "cxlink_bi.duckdb"
    publish_bi_copy(warehouse, target)
    before = sha256(target)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(bi_copy, "_comment", broken)
    with pytest.raises(OSError, match="disk full"):
        publish_bi_copy(warehouse, target, docs={"nps_overall": bi_copy.TableDocs("x")})
    assert sha256(target) == before
    assert leftovers(tmp_path) == []

    monkeypatch.undo()
    monkeypatch.setattr(
        bi_copy, "verify_copy", lambda *a: (_ for _ in ()).throw(PublishError("bad"))
    )
    with pytest.raises(PublishError, match="bad"):
        publish_bi_copy(warehouse, target)
    assert sha256(target) == before
    assert leftovers(tmp_path) == []


def test_nothing_to_publish_is_an_error(tmp_path: Path):
    empty = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(PublishError, match="nothing to publish"):
        publish_bi_copy(empty, tmp_path / "cxlink_bi.duckdb")
    assert not (tmp_path / "cxlink_bi.duckdb").exists()


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def test_pii_scan_of_the_published_file(warehouse: Path, tmp_path: Path):
    """An independent scan (Python's re over every text value), not the publisher's own."""
    target = tmp_path / "cxlink_bi.duckdb"
    publish_bi_copy(warehouse, target)
    con = duckdb.connect(str(target), read_only=True)
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name, data_type "
            "from information_schema.columns"
        ).fetchall()
        names = {c[2].lower() for c in columns}
        assert not names & {"email", "name", "customer_name"}
        checked = 0
        for schema, table, column, _ in columns:
            values = con.execute(
                f'select distinct cast("{column}" as varchar) from "{schema}"."{table}"'
            ).fetchall()
            for (value,) in values:
                checked += 1
                assert value is None or not EMAIL.search(value), (table, column)
        assert checked > 50
    finally:
        con.close()
    # the warehouse the copy came from does hold e-mails (the scan would have found them)
    source = duckdb.connect(str(warehouse), read_only=True)
    emails = source.execute("select email from raw.customers").fetchall()
    source.close()
    assert all(EMAIL.search(e) for (e,) in emails)


def test_the_marts_read_as_marts_tables_whatever_the_file_is_called(
    warehouse: Path, tmp_path: Path
):
    """Schema marts in the file (issue 14, bug 5): renamed, or attached under any name and
    USEd, `marts.<table>` still reads (with the tables in `main`, it did only while the file
    was called marts.duckdb)."""
    target = tmp_path / "cxlink_bi.duckdb"
    publish_bi_copy(warehouse, target)
    renamed = tmp_path / "bi_copy_for_finance.duckdb"
    renamed.write_bytes(target.read_bytes())
    con = duckdb.connect(str(renamed), read_only=True)
    try:
        assert con.execute("select count(*) from marts.nps_monthly").fetchone()[0] == 48
    finally:
        con.close()
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{target}' as bi (read_only)")
        assert con.execute("select count(*) from bi.marts.nps_overall").fetchone()[0] == 3
        con.execute("use bi")
        assert con.execute("select count(*) from marts.nps_overall").fetchone()[0] == 3
    finally:
        con.close()


def test_a_file_named_like_its_schema_is_refused(warehouse: Path, tmp_path: Path):
    """marts.duckdb opens as catalog marts: beside schema marts, marts.<table> is ambiguous."""
    with pytest.raises(PublishError, match="ambiguous"):
        publish_bi_copy(warehouse, tmp_path / "marts.duckdb")
    assert list(tmp_path.iterdir()) == [tmp_path / "warehouse.duckdb"]
