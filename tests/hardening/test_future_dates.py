"""Issue 16: a date or timestamp after the load time (plus one day) is quarantined as
``date_in_future``, in every entity, except a subscription's scheduled ``period_end``.

The load time is the extraction's clock (``extract_entity(..., loaded_at=...)``, here fixed at
2026-12-02 12:00 UTC), so the cut-off is 2026-12-03 12:00 UTC: a date counts as its midnight
(2026-12-03 passes, 2026-12-04 does not), a timestamp with an offset is compared in UTC. Rows are
re-validated from the landing store on every run, so a row refused today loads once its date
has come.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from cxlink.contract import ENTITIES
from cxlink.extract import extract_entity
from cxlink.extract.ledger import build_ledger
from cxlink.extract.rules import violations

LOADED_AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
CUTOFF = "2026-12-03 12:00:00"  # LOADED_AT + 1 day, in the detail of every future row

CUSTOMERS = (
    "customer_id,signup_date,segment,plan_tier,acquisition_channel,country\n"
    "C1,2024-01-05,smb,starter,organic,FI\n"
    "C2,2026-12-03,smb,starter,organic,FI\n"  # tomorrow: inside the tolerance
    "C3,2026-12-04,smb,starter,organic,FI\n"  # the day after: future
)
FEEDBACK = "response_id,customer_id,responded_at,survey_type,score,channel\n" + (
    "R1,C1,2026-11-30T10:00:00,nps,9,email\n"
    "R2,C1,2099-06-01,nps,10,email\n"  # the row
    "R3,C1,2026-12-03T11:59:59,nps,8,email\n"  # one second inside the cut-off
    "R4,C1,2026-12-03T12:00:01,nps,8,email\n"  # one second after it
    "R5,C1,2026-12-03T20:00:00+14:00,nps,8,email\n"  # 06:00 UTC: inside
)
SUBSCRIPTIONS = (
    "subscription_id,customer_id,plan_tier,period_start,period_end,mrr,currency\n"
    "S1,C1,starter,2024-01-01,2099-01-01,100,EUR\n"  # a scheduled end: accepted
    "S2,C1,starter,2027-05-01,,100,EUR\n"  # a period that has not started: future
)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def quarantined(con, entity: str) -> list[tuple]:
    return con.execute(
        f"select source_row, rule, detail from quarantine.{entity} order by source_row"
    ).fetchall()


@pytest.fixture
def extracted(tmp_path: Path):
    landing = tmp_path / "landing"
    write(landing / "customers" / "c.csv", CUSTOMERS)
    write(landing / "feedback" / "f.csv", FEEDBACK)
    write(landing / "subscriptions" / "s.csv", SUBSCRIPTIONS)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for entity in ("customers", "feedback", "subscriptions"):
        extract_entity(con, landing, entity, loaded_at=LOADED_AT)
    return con, landing


def test_dates_after_the_load_time_are_quarantined(extracted):
    con, _ = extracted
    later = f"is after {CUTOFF} UTC (the load time plus 1 day)"
    assert quarantined(con, "customers") == [
        (3, "date_in_future", f"signup_date: 2026-12-04 {later}")
    ]
    assert quarantined(con, "feedback") == [
        (2, "date_in_future", f"responded_at: 2099-06-01 {later}"),
        (4, "date_in_future", f"responded_at: 2026-12-03T12:00:01 {later}"),
    ]
    assert con.execute("select response_id from raw.feedback order by 1").fetchall() == [
        ("R1",),
        ("R3",),
        ("R5",),
    ]
    assert quarantined(con, "subscriptions") == [
        (2, "date_in_future", f"period_start: 2027-05-01 {later}")
    ]
    assert con.execute("select period_end::varchar from raw.subscriptions").fetchall() == [
        ("2099-01-01",)
    ]
    assert all(row.balanced for row in build_ledger(con))  # rows in = raw + quarantined


def test_a_refused_row_loads_once_its_date_has_come(extracted):
    con, landing = extracted
    later = datetime(2099, 6, 1, 0, 0, tzinfo=UTC)
    report = extract_entity(con, landing, "feedback", loaded_at=later)
    assert [f.status for f in report.sync.files] == ["unchanged"]  # nothing re-read
    assert report.counts.rows_quarantined == 0
    assert report.counts.rows_raw == 5


def test_every_date_column_but_a_scheduled_end_has_the_rule():
    checked = {
        (entity.name, column.name)
        for entity in ENTITIES.values()
        for column in entity.columns
        if column.type in ("date", "timestamp")
        and any(
            rule == "date_in_future" and column.name in condition
            for rule, condition, _ in violations(entity)
        )
    }
    dated = {
        (entity.name, column.name)
        for entity in ENTITIES.values()
        for column in entity.columns
        if column.type in ("date", "timestamp")
    }
    assert dated - checked == {("subscriptions", "period_end")}
    assert len(dated) == 11  # signup_date, period_start/end, issued_at, responded_at, 2 x month,
    # date, opened_at, closed_at, week: a new dated column must be placed on one side
