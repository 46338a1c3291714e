"""Issue 16: numbers too large for their column are quarantined by rule, naming file and row.

A feedback score of 2^31 used to stop the whole feedback extract with a bare DuckDB
``ConversionException ... INT32``; an amount beyond DECIMAL(18, 4) was reported as "not a decimal
number". Both are now ``number_out_of_range`` rows, the other rows load, the ledger balances, and
removing the file removes its quarantine rows at the next run.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from cxlink.extract import extract_entity
from cxlink.extract.ledger import build_ledger

CUSTOMERS = (
    "customer_id,signup_date,segment,plan_tier,acquisition_channel,country\n"
    "C1,2024-01-05,smb,starter,organic,FI\n"
)
FEEDBACK_HEADER = "response_id,customer_id,responded_at,survey_type,score,channel\n"
FEEDBACK = FEEDBACK_HEADER + (
    "R1,C1,2024-03-01,nps,9,email\n"
    "R2,C1,2024-03-01,nps,2147483648,email\n"  # 2^31: one past INTEGER's maximum
    "R3,C1,2024-03-01,nps,-2147483649,email\n"  # one below INTEGER's minimum
    "R4,C1,2024-03-01,nps,1e15,email\n"  # a whole number, also beyond DECIMAL(18, 4)
    "R5,C1,2024-03-01,nps,2147483647,email\n"  # INTEGER's maximum: typed, then out of 0..10
    "R6,C1,2024-03-01,nps,ten,email\n"  # not a number at all: still invalid_number
    "R7,C1,2024-03-01,nps,7.5,email\n"  # not whole: still invalid_number
)
SUBSCRIPTIONS = (
    "subscription_id,customer_id,plan_tier,period_start,period_end,mrr,currency\n"
    "S1,C1,starter,2024-01-01,,99999999999999.9999,EUR\n"  # DECIMAL(18, 4)'s maximum: loads
    "S2,C1,starter,2024-01-01,,100000000000000,EUR\n"  # 1e14: 15 digits before the point
    "S3,C1,starter,2024-01-01,,-1e20,EUR\n"
    "S4,C1,starter,2024-01-01,,inf,EUR\n"  # not a finite number: invalid_number
)
FX = "date,currency,rate_to_reporting\n2024-01-01,USD,0.9\n2024-01-01,JPY,123456789\n"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def quarantined(con, entity: str) -> list[tuple]:
    return con.execute(
        f"select source_file, source_row, rule, detail from quarantine.{entity} order by source_row"
    ).fetchall()


def test_out_of_range_numbers_are_quarantined_with_file_and_row(tmp_path: Path):
    landing = tmp_path / "landing"
    write(landing / "customers" / "c.csv", CUSTOMERS)
    write(landing / "feedback" / "big.csv", FEEDBACK)
    write(landing / "subscriptions" / "s.csv", SUBSCRIPTIONS)
    write(landing / "fx_rates" / "fx.csv", FX)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    reports = {
        e: extract_entity(con, landing, e)
        for e in ("customers", "feedback", "subscriptions", "fx_rates")
    }

    feedback = reports["feedback"].counts
    assert (feedback.rows_in, feedback.rows_raw, feedback.rows_quarantined) == (7, 1, 6)
    f = "feedback/big.csv"
    assert quarantined(con, "feedback") == [
        (f, 2, "number_out_of_range", "score: 2147483648 is outside INTEGER's range"),
        (f, 3, "number_out_of_range", "score: -2147483649 is outside INTEGER's range"),
        (f, 4, "number_out_of_range", "score: 1e15 is outside INTEGER's range"),
        (f, 5, "score_out_of_range", "score: 2147483647 is outside 0..10 for nps"),
        (f, 6, "invalid_number", "score: ten is not a whole number"),
        (f, 7, "invalid_number", "score: 7.5 is not a whole number"),
    ]
    rules = con.execute("select rules from quarantine.feedback where source_row = 2").fetchone()
    assert rules == (["number_out_of_range"],)  # not also invalid_number
    original = con.execute(
        "select original_values from quarantine.feedback where source_row = 2"
    ).fetchone()[0]
    assert json.loads(original)["score"] == "2147483648"  # the text as delivered

    s = "subscriptions/s.csv"
    assert reports["subscriptions"].counts.rows_raw == 1
    assert quarantined(con, "subscriptions") == [
        (s, 2, "number_out_of_range", "mrr: 100000000000000 is outside DECIMAL(18, 4)'s range"),
        (s, 3, "number_out_of_range", "mrr: -1e20 is outside DECIMAL(18, 4)'s range"),
        (s, 4, "invalid_number", "mrr: inf is not a decimal number"),
    ]
    assert quarantined(con, "fx_rates") == [
        (
            "fx_rates/fx.csv",
            2,
            "number_out_of_range",
            "rate_to_reporting: 123456789 is outside DECIMAL(18, 10)'s range",
        )
    ]
    assert all(row.balanced for row in build_ledger(con))


def test_removing_the_file_recovers(tmp_path: Path):
    landing = tmp_path / "landing"
    write(landing / "customers" / "c.csv", CUSTOMERS)
    write(landing / "feedback" / "big.csv", FEEDBACK)
    write(landing / "feedback" / "ok.csv", FEEDBACK_HEADER + "R9,C1,2024-03-02,nps,10,web\n")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    extract_entity(con, landing, "customers")
    assert extract_entity(con, landing, "feedback").counts.rows_quarantined == 6

    (landing / "feedback" / "big.csv").unlink()
    report = extract_entity(con, landing, "feedback")
    assert report.sync.removed_rows == {"feedback/big.csv": 7}
    assert (report.counts.rows_in, report.counts.rows_raw, report.counts.rows_quarantined) == (
        1,
        1,
        0,
    )
    assert con.execute("select response_id, score from raw.feedback").fetchall() == [("R9", 10)]
