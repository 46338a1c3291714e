"""exports/follow_ups.csv: the CRM task import of marts.account_follow_ups
(cxlink/publish/follow_ups.py), on the follow-up warehouse (design.py)."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from cxlink.publish.data_files import csv_dialect
from cxlink.publish.exports import export_marts
from cxlink.publish.follow_ups import (
    CRM_COLUMNS,
    FOLLOW_UPS_FILE,
    is_follow_up_mart,
    write_follow_ups_csv,
)
from cxlink.publish.manifest import TableDocs
from cxlink.publish.personal_data import EMAIL_PATTERN
from cxlink.settings import DBT_PROJECT_DIR
from tests.follow_ups.design import A1_REDACTED_ORIGINAL, A1_REDACTED_TRANSLATED

HEADER = [
    "priority_rank",
    "follow_up_id",
    "account_id",
    "owner",
    "subject",
    "reason_code",
    "reason",
    "due_date",
    "priority",
    "status",
    "arr",
    "arr_at_risk",
    "currency",
    "trigger_date",
    "ticket_id",
    "response_id",
    "score",
    "comment",
    "comment_english",
    "comment_language",
    "topics",
    "all_reasons",
]


def write(warehouse: Path, path: Path, dialect: str = "comma") -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        catalog = con.execute("select current_database()").fetchone()[0]
        return write_follow_ups_csv(con, catalog, "marts", path, csv_dialect(dialect))
    finally:
        con.close()


@pytest.fixture(scope="module")
def crm_file(follow_ups_warehouse: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("crm") / FOLLOW_UPS_FILE
    assert write(follow_ups_warehouse, path) == 23
    return path


def read_rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def test_the_crm_columns_in_priority_order(crm_file: Path):
    assert [header for header, _ in CRM_COLUMNS] == HEADER
    rows = read_rows(crm_file)
    assert list(rows[0]) == HEADER
    assert [r["priority_rank"] for r in rows] == [str(i) for i in range(1, 24)]
    assert rows[0]["follow_up_id"] == "A1:red_health_high_arr"
    first = next(r for r in rows if r["follow_up_id"] == "A1:new_detractor")
    assert first["priority_rank"] == "2"
    assert {k: first[k] for k in HEADER[1:14]} == {
        "follow_up_id": "A1:new_detractor",
        "account_id": "A1",
        "owner": "",  # no owner in the CRM contract yet
        "subject": "Follow up: new detractor",
        "reason_code": "new_detractor",
        "reason": "NPS 3 (detractor) on 2025-01-20",
        "due_date": "2025-01-22",
        "priority": "high",
        "status": "open",
        "arr": "12000.0000",
        "arr_at_risk": "4200.0",
        "currency": "EUR",
        "trigger_date": "2025-01-20",
    }
    assert (first["response_id"], first["score"], first["topics"]) == (
        "A1-1",
        "3",
        "pricing, reliability",
    )
    assert first["all_reasons"] == "new_detractor, red_health_high_arr, spike_topic"
    assert len({r["follow_up_id"] for r in rows}) == 23  # the import's external id is unique
    assert date.fromisoformat(rows[-1]["due_date"]) == date(2025, 1, 7)  # A7, rank 23


def test_a_formula_comment_is_guarded_and_quoted(crm_file: Path):
    raw = crm_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    # a leading ' keeps the spreadsheet from running the comment; the quotes inside are doubled
    assert '"\'=HYPERLINK(""http://x.example"") Preise zu hoch' in text
    first = read_rows(crm_file)[1]  # A1's new_detractor row: its comment
    assert first["comment"] == "'" + A1_REDACTED_ORIGINAL
    assert first["comment_english"] == "'" + A1_REDACTED_TRANSLATED
    assert not re.search(EMAIL_PATTERN, text)  # the e-mail address was removed in the mart


def test_the_semicolon_dialect_writes_decimal_commas(follow_ups_warehouse: Path, tmp_path: Path):
    path = tmp_path / FOLLOW_UPS_FILE
    write(follow_ups_warehouse, path, "semicolon")
    first = read_rows(path, ";")[1]
    assert (first["arr"], first["arr_at_risk"], first["due_date"]) == (
        "12000,0000",
        "4200,0",
        "2025-01-22",
    )


def test_the_export_set_holds_follow_ups_csv(follow_ups_warehouse: Path, tmp_path: Path):
    exports = tmp_path / "exports"
    docs = {"account_follow_ups": TableDocs()}
    report = export_marts(follow_ups_warehouse, exports, docs=docs, run_date=date(2025, 2, 1))
    published = json.loads((exports / "PUBLISHED.json").read_text())
    entry = next(f for f in published["files"] if f["path"] == FOLLOW_UPS_FILE)
    assert (entry["format"], entry["tables"], entry["rows"]) == ("csv", ["account_follow_ups"], 23)
    assert read_rows(exports / FOLLOW_UPS_FILE)[0]["follow_up_id"] == "A1:red_health_high_arr"
    assert FOLLOW_UPS_FILE in {f.relative_to(exports) for f in report.files}


def test_the_redaction_pattern_is_the_bi_copys():
    macro = (DBT_PROJECT_DIR / "macros" / "follow_ups.sql").read_text(encoding="utf-8")
    assert f"'{EMAIL_PATTERN}'" in macro


def test_a_table_without_the_marts_columns_gets_no_file(follow_ups_warehouse: Path):
    con = duckdb.connect(str(follow_ups_warehouse), read_only=True)
    try:
        catalog = con.execute("select current_database()").fetchone()[0]
        assert is_follow_up_mart(con, catalog, "marts")
        assert not is_follow_up_mart(con, catalog, "staging")  # no such table there
    finally:
        con.close()
    placeholder = duckdb.connect()
    placeholder.execute("create table account_follow_ups as select 1 as customers")
    assert not is_follow_up_mart(placeholder, "memory", "main")
    placeholder.close()
