"""The optional signal entities (issue 15): support_tickets and product_usage.

Known answers on tiny landing files: every new rule quarantines exactly the row that breaks it,
rows in = raw + quarantined, a missing folder is an empty typed table, and the staging models
`stg_support__tickets` / `stg_product__usage_weeks` build on both.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from cxlink.contract import ENTITIES, ENTITY_ORDER
from cxlink.extract import extract_entity
from cxlink.extract.ledger import build_ledger
from tests.warehouse import dbt_build, extract_landing, query, write_landing

CUSTOMERS = [
    {
        "customer_id": cid,
        "signup_date": "2024-01-02",
        "segment": "smb",
        "plan_tier": "starter",
        "acquisition_channel": "organic",
        "country": "FI",
    }
    for cid in ("C1", "C2")
]

TICKETS_CSV = """ticket_id,customer_id,opened_at,closed_at,priority,category,csat_score
T1,C1,2024-03-04T09:00:00,2024-03-04T11:30:00,high,bug,4
T2,C1,2024-03-05T09:00:00,,urgent,outage,
T3,C2,2024-03-06T09:00:00,2024-03-06T09:00:00,low,,5
T4,C2,2024-03-07T09:00:00,2024-03-06T08:00:00,normal,billing,
T5,C2,2024-03-08T09:00:00,2024-03-08T10:00:00,normal,billing,6
T6,C2,2024-03-08T09:00:00,2024-03-08T10:00:00,normal,billing,0
T7,C2,2024-03-09T09:00:00,,critical,,
T8,C9,2024-03-09T09:00:00,,low,,
T9,C1,2024-03-10T09:00:00,,,,
T10,C1,2024-03-10T09:00:00+02:00,2024-03-10T08:30:00Z,low,,3
T11,C1,2024-03-11T09:00:00,,low,,4.5
T1,C2,2024-03-12T09:00:00,,low,,
"""
# T1, T2, T3 and T10 are clean: T3 closes the moment it opens (allowed), T10 opens at 07:00 UTC
# and closes at 08:30 UTC (offsets are converted before the rule compares them).
TICKET_RULES = {
    "closed_before_opened": 1,  # T4
    "csat_score_out_of_range": 2,  # T5 (6), T6 (0)
    "unknown_enum": 1,  # T7 (critical)
    "orphan_customer_id": 1,  # T8 (C9)
    "required_missing": 1,  # T9 (no priority)
    "invalid_number": 1,  # T11 (4.5 is not a whole number)
    "duplicate_key": 1,  # the second T1
}

USAGE_CSV = """customer_id,week,active_users,seats,key_events
C1,2024-03-04,5,10,120
C1,2024-03-11,4,,80
C2,2024-03-04,0,0,0
C2,2024-03-05,3,5,40
C2,2024-03-17,3,5,40
C1,2024-03-18,-1,10,5
C1,2024-03-25,2,-10,5
C1,2024-04-01,2,10,-5
C9,2024-03-04,1,1,1
C1,2024-04-08,,10,5
C1,2024-04-15,2.5,10,5
C1,2024-03-04,9,10,1
"""
# 2024-03-04 is a Monday; 2024-03-05 a Tuesday and 2024-03-17 a Sunday.
USAGE_RULES = {
    "week_not_monday": 2,
    "negative_count": 3,  # active users, seats, key events below 0
    "orphan_customer_id": 1,
    "required_missing": 1,
    "invalid_number": 1,
    "duplicate_key": 1,  # (C1, 2024-03-04) again: the first by file and record is kept
}


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    write_landing(root, {"customers": CUSTOMERS})
    (root / "support_tickets").mkdir()
    (root / "support_tickets" / "tickets.csv").write_text(TICKETS_CSV, encoding="utf-8")
    (root / "product_usage").mkdir()
    (root / "product_usage" / "usage.csv").write_text(USAGE_CSV, encoding="utf-8")
    return root


def test_each_ticket_rule_quarantines_exactly_its_row(tmp_path: Path, landing: Path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    extract_entity(con, landing, "customers")
    counts = extract_entity(con, landing, "support_tickets").counts
    # 12 rows in = 4 clean + 8 quarantined
    assert (counts.rows_in, counts.rows_raw, counts.rows_quarantined) == (12, 4, 8)
    assert counts.by_rule == TICKET_RULES
    by_ticket = dict(
        con.execute("select json_extract_string(original_values, '$.ticket_id'), rule "
                    "from quarantine.support_tickets where source_row < 12").fetchall()
    )  # fmt: skip
    assert by_ticket == {
        "T4": "closed_before_opened",
        "T5": "csat_score_out_of_range",
        "T6": "csat_score_out_of_range",
        "T7": "unknown_enum",
        "T8": "orphan_customer_id",
        "T9": "required_missing",
        "T11": "invalid_number",
    }
    assert all(
        len(r[0]) == 1
        for r in con.execute("select rules from quarantine.support_tickets").fetchall()
    )
    rows = con.execute(
        "select ticket_id, closed_at::varchar, priority, category, csat_score "
        "from raw.support_tickets order by _source_row"
    ).fetchall()
    assert rows == [
        ("T1", "2024-03-04 11:30:00", "high", "bug", 4),
        ("T2", None, "urgent", "outage", None),
        ("T3", "2024-03-06 09:00:00", "low", None, 5),
        ("T10", "2024-03-10 08:30:00", "low", None, 3),
    ]
    detail = con.execute(
        "select detail from quarantine.support_tickets where rule = 'closed_before_opened'"
    ).fetchone()[0]
    assert detail == "violates: closed_at < opened_at"


def test_each_usage_rule_quarantines_exactly_its_row(tmp_path: Path, landing: Path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    extract_entity(con, landing, "customers")
    counts = extract_entity(con, landing, "product_usage").counts
    # 12 rows in = 3 clean + 9 quarantined
    assert (counts.rows_in, counts.rows_raw, counts.rows_quarantined) == (12, 3, 9)
    assert counts.by_rule == USAGE_RULES
    assert con.execute(
        "select customer_id, week::varchar, active_users, seats, key_events "
        "from raw.product_usage order by _source_row"
    ).fetchall() == [
        ("C1", "2024-03-04", 5, 10, 120),
        ("C1", "2024-03-11", 4, None, 80),
        ("C2", "2024-03-04", 0, 0, 0),
    ]
    duplicate = con.execute(
        "select source_row, detail, original_values from quarantine.product_usage "
        "where rule = 'duplicate_key'"
    ).fetchone()
    assert duplicate[0] == 12
    assert "already at landing/product_usage/usage.csv record 1" in duplicate[1]
    assert json.loads(duplicate[2])["active_users"] == "9"
    weeks = con.execute(
        "select json_extract_string(original_values, '$.week') from quarantine.product_usage "
        "where rule = 'week_not_monday' order by source_row"
    ).fetchall()
    assert weeks == [("2024-03-05",), ("2024-03-17",)]


def test_the_ledger_balances_for_every_entity(tmp_path: Path, landing: Path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for entity in ENTITY_ORDER:
        extract_entity(con, landing, entity)
    ledger = {row.entity: row for row in build_ledger(con)}
    assert set(ledger) == set(ENTITY_ORDER)
    assert all(row.balanced for row in ledger.values())
    assert (ledger["support_tickets"].rows_in, ledger["support_tickets"].rows_quarantined) == (
        12,
        8,
    )
    assert (ledger["product_usage"].rows_in, ledger["product_usage"].rows_quarantined) == (12, 9)
    by_rule = dict(
        con.execute(
            "select rule, rule_rows from quarantine.ledger where entity = 'product_usage'"
        ).fetchall()
    )
    assert by_rule == USAGE_RULES


def test_missing_folders_give_empty_typed_tables(tmp_path: Path):
    landing = tmp_path / "landing"
    write_landing(landing, {"customers": CUSTOMERS})
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    extract_entity(con, landing, "customers")
    for entity in ("support_tickets", "product_usage"):
        assert ENTITIES[entity].optional
        report = extract_entity(con, landing, entity)
        assert report.errors == [] and report.sync.files == []
        assert (report.counts.rows_in, report.counts.rows_raw) == (0, 0)
    types = dict(
        con.execute(
            "select table_name || '.' || column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name in ('support_tickets', 'product_usage')"
        ).fetchall()
    )
    assert types["support_tickets.opened_at"] == "TIMESTAMP"
    assert types["support_tickets.csat_score"] == "INTEGER"
    assert types["product_usage.week"] == "DATE"
    assert types["product_usage.key_events"] == "INTEGER"
    assert all(row.balanced for row in build_ledger(con))


STAGING = "stg_support__tickets stg_product__usage_weeks"


def test_staging_models_rename_and_pass_their_tests(tmp_path: Path, landing: Path):
    data_dir = landing.parent
    # the clean rows only (extract_landing asserts that nothing is quarantined)
    tickets = TICKETS_CSV.splitlines()
    (landing / "support_tickets" / "tickets.csv").write_text(
        "\n".join([*tickets[:4], tickets[10]]) + "\n", encoding="utf-8"
    )
    (landing / "product_usage" / "usage.csv").write_text(
        "\n".join(USAGE_CSV.splitlines()[:4]) + "\n", encoding="utf-8"
    )
    extract_landing(data_dir)
    dbt_build(data_dir, STAGING)
    assert query(
        data_dir,
        "select ticket_id, opened_date::varchar, opened_month::varchar, is_open, csat_score "
        "from staging.stg_support__tickets order by source_row",
    ) == [
        ("T1", "2024-03-04", "2024-03-01", False, 4),
        ("T2", "2024-03-05", "2024-03-01", True, None),
        ("T3", "2024-03-06", "2024-03-01", False, 5),
        ("T10", "2024-03-10", "2024-03-01", False, 3),  # 09:00+02:00 = 07:00 UTC
    ]
    assert query(
        data_dir,
        "select customer_id, week_start::varchar, active_users, seats, key_events, "
        "week_month::varchar from staging.stg_product__usage_weeks order by source_row",
    ) == [
        ("C1", "2024-03-04", 5, 10, 120, "2024-03-01"),
        ("C1", "2024-03-11", 4, None, 80, "2024-03-01"),
        ("C2", "2024-03-04", 0, 0, 0, "2024-03-01"),
    ]


def test_staging_models_are_empty_without_landing_folders(tmp_path: Path):
    write_landing(tmp_path / "landing", {"customers": CUSTOMERS})
    extract_landing(tmp_path)
    dbt_build(tmp_path, STAGING)
    assert query(tmp_path, "select count(*) from staging.stg_support__tickets") == [(0,)]
    assert query(tmp_path, "select count(*) from staging.stg_product__usage_weeks") == [(0,)]
