"""CSV every locale opens (UTF-8 BOM, comma or semicolon dialect), guarded against formula
injection, and Parquet that carries its descriptions; both read back to the same values."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from cxlink.publish import ExportOptions, data_files, export_marts
from cxlink.publish.common import Column
from cxlink.publish.data_files import csv_dialect, write_csv, write_parquet
from cxlink.publish.formula_guard import csv_text
from cxlink.publish.manifest import TableDocs, mart_docs
from tests.publish.conftest import sha256
from tests.publish.finance_marts import CHANNELS, build_finance_marts, write_finance_manifest


@pytest.fixture
def marts(tmp_path: Path) -> Path:
    return build_finance_marts(tmp_path / "warehouse.duckdb")


def export(marts: Path, out: Path, dialect: str = "comma") -> Path:
    export_marts(
        marts,
        out,
        manifest_path=write_finance_manifest(out.parent / "manifest.json"),
        run_date=date(2024, 4, 2),
        options=ExportOptions(csv_dialect=dialect),
    )
    return out


def source_rows(marts: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(marts), read_only=True)
    try:
        return con.execute(f"select * from marts.{table} order by all").fetchall()
    finally:
        con.close()


def read_csv_back(path: Path, **options: str) -> list[tuple]:
    con = duckdb.connect()
    try:
        args = "".join(f", {k} = '{v}'" for k, v in options.items())
        return con.execute(f"select * from read_csv('{path}'{args})").fetchall()
    finally:
        con.close()


def as_floats(row: tuple) -> tuple:
    """A row with its DECIMAL values as floats (what a CSV reader infers them as)."""
    return tuple(float(v) if isinstance(v, Decimal) else v for v in row)


def test_comma_csv_has_a_bom_and_reads_back_to_the_same_values(marts: Path, tmp_path: Path):
    out = export(marts, tmp_path / "exports")
    path = out / "csv" / "clv_by_channel.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not raw.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
    # text columns quoted, their header names too (DuckDB's force_quote)
    assert raw[3:].startswith(b'"billing_model","acquisition_channel",customers,arpu,')
    back = read_csv_back(path)
    expected = source_rows(marts, "clv_by_channel")
    assert len(back) == len(expected) == 6
    for got, want in zip(back, expected, strict=True):
        assert got == pytest.approx(want)  # doubles exactly, as DuckDB prints them


def test_semicolon_csv_writes_decimal_commas_and_reads_back(marts: Path, tmp_path: Path):
    out = export(marts, tmp_path / "exports", "semicolon")
    path = out / "csv" / "cac_total.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f, delimiter=";"))
    assert lines[0] == ["month", "spend", "new_customers", "cac", "currency"]
    assert lines[1] == ["2024-01-01", "1234567,8910", "1200", "1028,81", "EUR"]
    assert lines[3] == ["2024-03-01", "999,0000", "0", "", "EUR"]  # null: empty
    back = read_csv_back(path, delim=";", decimal_separator=",")
    assert back == [as_floats(r) for r in source_rows(marts, "cac_total")]
    # doubles keep every digit: 1000.5 * i + k, i = 1, k = 1 -> 1001.5
    clv = read_csv_back(out / "csv" / "clv_by_channel.csv", delim=";", decimal_separator=",")
    assert clv == source_rows(marts, "clv_by_channel")
    text = (out / "csv" / "clv_by_channel.csv").read_text(encoding="utf-8-sig")
    assert ";1001,5;" in text and "1001.5" not in text


def test_text_that_starts_like_a_formula_is_quoted_and_prefixed(marts: Path, tmp_path: Path):
    out = export(marts, tmp_path / "exports")
    path = out / "csv" / "cac_by_channel.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    channels = sorted({r["acquisition_channel"] for r in rows})
    assert channels == sorted(
        ['\'=HYPERLINK("http://example.com","x")', "'=1+1", "'+1", "'-2", "'@SUM(A1)", "organic"]
    )
    # every text field is quoted; numbers are not, and a negative number is no formula
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == 'month,"acquisition_channel",spend,new_customers,cac,"currency"'
    assert '2024-01-01,"\'=HYPERLINK(""http://example.com"",""x"")",101.0000,2,50.5,"EUR"' in lines
    assert all(line.count('"organic"') <= 1 for line in lines)
    assert csv_text("-2") == "'-2" and csv_text("a-2") == "a-2" and csv_text("\tx") == "'\tx"
    assert set(CHANNELS) - {"organic"} == {c[1:] for c in channels if c.startswith("'")}


def test_the_dialect_setting_is_checked(marts: Path, tmp_path: Path):
    with pytest.raises(ValueError, match=r"unknown CSV dialect 'tab'.*CXLINK_CSV_DIALECT"):
        export(marts, tmp_path / "exports", "tab")
    assert csv_dialect("semicolon").decimal == ","


def test_parquet_carries_the_table_and_column_descriptions(marts: Path, tmp_path: Path):
    out = export(marts, tmp_path / "exports")
    docs = mart_docs(tmp_path / "manifest.json")
    schema = pq.read_schema(out / "parquet" / "cac_total.parquet")
    assert schema.metadata[b"description"] == docs["cac_total"].description.encode()
    assert schema.metadata[b"cxlink.table"] == b"cac_total"
    spend = schema.field("spend").metadata
    assert spend[b"description"] == docs["cac_total"].column("spend").encode()
    assert spend[b"unit"] == b"money" and spend[b"additive"] == b"true"
    assert b"additive" not in schema.field("cac").metadata
    # DuckDB reads the values back unchanged, in ORDER BY ALL order
    con = duckdb.connect()
    rows = con.execute(f"select * from '{out / 'parquet' / 'cac_total.parquet'}'").fetchall()
    kv = con.execute(
        f"select key, value from parquet_kv_metadata('{out / 'parquet' / 'cac_total.parquet'}')"
    ).fetchall()
    con.close()
    assert rows == source_rows(marts, "cac_total")
    assert (b"description", docs["cac_total"].description.encode()) in kv


def test_files_are_byte_reproducible_and_row_groups_do_not_depend_on_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    con = duckdb.connect()
    con.execute("create table t as select range as i, range * 0.5 as x from range(1000)")
    columns = [Column("i", "BIGINT"), Column("x", "DECIMAL(18,1)")]
    monkeypatch.setattr(data_files, "PARQUET_ROW_GROUP_ROWS", 300)
    written = []
    for batch_rows in (64, 1000, 7):
        monkeypatch.setattr(data_files, "ARROW_BATCH_ROWS", batch_rows)
        path = tmp_path / f"t{batch_rows}.parquet"
        write_parquet(con, '"t"', "t", columns, TableDocs("T."), path)
        written.append(path)
        write_csv(con, '"t"', columns, tmp_path / f"t{batch_rows}.csv", csv_dialect("semicolon"))
    con.close()
    meta = pq.ParquetFile(written[0]).metadata
    assert [meta.row_group(g).num_rows for g in range(meta.num_row_groups)] == [300, 300, 300, 100]
    assert len({sha256(p) for p in written}) == 1
    assert len({sha256(tmp_path / f"t{n}.csv") for n in (64, 1000, 7)}) == 1
    assert not list(tmp_path.glob("*.body"))  # the temporary body is gone
