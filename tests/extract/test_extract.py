"""Extraction on small, hand-written landing zones: every rule, every format, idempotency."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxlink.extract import extract_entity
from cxlink.extract.ledger import build_ledger

CUSTOMERS_CSV = """customer_id,signup_date,segment,plan_tier,acquisition_channel,country,persona,email,name
C1,2024-01-05,smb,starter,organic,FI,founder,a@example.com,Anna
C2,2024-13-05,smb,starter,organic,FI,,,
C1,2024-01-06,smb,starter,organic,FI,,,
,2024-01-06,smb,starter,organic,FI,,,
C3,2024-01-06,smb,starter,organic,ZZ,,,
C4,1850-01-01,smb,starter,organic,SE,,,
C5,2024-02-01,enterprise,pro,partner,se,,,"Acme, ""Inc""\"
"""


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def jsonl(rows: list[object]) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def response(rid: str, **overrides) -> dict:
    row = {
        "response_id": rid,
        "customer_id": "C1",
        "responded_at": "2024-03-01T10:00:00",
        "survey_type": "nps",
        "score": 9,
        "channel": "email",
    }
    row.update(overrides)
    return row


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    write(root / "customers" / "crm.csv", CUSTOMERS_CSV)
    write(
        root / "feedback" / "a.jsonl",
        jsonl(
            [
                response("R1", comment='Great, "really"\nsecond line', language="en"),
                response("R2", customer_id="C9"),  # orphan
                response("R3", survey_type="csat", score=6),  # out of range for csat
                [1, 2],  # not an object
                response("R4", score=7.5),  # not a whole number
                response("R5", channel="fax"),  # unknown enum
                response("R6", responded_at="2024-03-01T10:00:00+02:00", score="10"),
                response("R7", responded_at="yesterday"),  # invalid timestamp
                response("R1", score=3),  # duplicate of R1 within the file
            ]
        ),
    )
    return root


def extract_all(con, landing: Path, entities=("customers", "feedback")):
    return {name: extract_entity(con, landing, name) for name in entities}


def test_every_row_lands_in_raw_or_quarantine_with_its_rule(tmp_path: Path, landing: Path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    reports = extract_all(con, landing)

    customers = reports["customers"].counts
    assert (customers.rows_in, customers.rows_raw, customers.rows_quarantined) == (7, 2, 5)
    assert customers.by_rule == {
        "duplicate_key": 1,
        "implausible_date": 1,
        "invalid_date": 1,
        "required_missing": 1,
        "unknown_country": 1,
    }
    feedback = reports["feedback"].counts
    assert (feedback.rows_in, feedback.rows_raw, feedback.rows_quarantined) == (9, 2, 7)
    assert feedback.by_rule == {
        "duplicate_key": 1,
        "invalid_number": 1,
        "invalid_timestamp": 1,
        "malformed_record": 1,
        "orphan_customer_id": 1,
        "score_out_of_range": 1,
        "unknown_enum": 1,
    }

    # raw rows are typed and normalised; lineage kept
    rows = con.execute(
        "select customer_id, signup_date::varchar, country, name, _source_row from raw.customers"
    ).fetchall()
    assert rows == [
        ("C1", "2024-01-05", "FI", "Anna", 1),
        ("C5", "2024-02-01", "SE", 'Acme, "Inc"', 7),
    ]
    r6 = con.execute(
        "select responded_at::varchar, score from raw.feedback where response_id = 'R6'"
    ).fetchone()
    assert r6 == ("2024-03-01 08:00:00", 10)  # offset converted to UTC
    comment = con.execute("select comment from raw.feedback where response_id = 'R1'").fetchone()[0]
    assert comment == 'Great, "really"\nsecond line'

    # quarantine rows name file, record, rule, detail and keep the original text
    dup = con.execute(
        "select source_file, source_row, detail, original_values from quarantine.feedback "
        "where rule = 'duplicate_key'"
    ).fetchone()
    assert dup[0] == "feedback/a.jsonl" and dup[1] == 9
    assert "already at landing/feedback/a.jsonl record 1" in dup[2]
    assert json.loads(dup[3])["score"] == "3"
    bad_date = con.execute(
        "select detail from quarantine.customers where rule = 'invalid_date'"
    ).fetchone()[0]
    assert bad_date == "signup_date: 2024-13-05 is not an ISO 8601 date (YYYY-MM-DD)"
    rules = con.execute("select rules from quarantine.feedback where source_row = 5").fetchone()[0]
    assert rules == ["invalid_number"]

    ledger = build_ledger(con)
    assert all(r.balanced for r in ledger)
    assert con.execute("select count(*) from quarantine.rejected_rows").fetchone()[0] == 12


def test_reruns_are_idempotent_changed_files_replace_new_files_append(
    tmp_path: Path, landing: Path
):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    extract_all(con, landing)
    before = con.execute("select * from raw.feedback order by response_id").fetchall()

    again = extract_all(con, landing)
    assert [f.status for f in again["feedback"].sync.files] == ["unchanged"]
    assert con.execute("select * from raw.feedback order by response_id").fetchall() == before
    manifest_rows = con.execute("select count(*) from landing.load_manifest").fetchone()[0]
    assert manifest_rows == 2

    # change the file: its earlier rows are replaced, not duplicated
    write(landing / "feedback" / "a.jsonl", jsonl([response("R1", score=0)]))
    # add a second file: appended
    write(landing / "feedback" / "b.jsonl", jsonl([response("R8"), response("R1", score=5)]))
    report = extract_entity(con, landing, "feedback")
    assert sorted((f.relative_path, f.status) for f in report.sync.files) == [
        ("feedback/a.jsonl", "changed"),
        ("feedback/b.jsonl", "new"),
    ]
    assert con.execute("select response_id, score from raw.feedback order by 1").fetchall() == [
        ("R1", 0),
        ("R8", 9),
    ]
    assert report.counts.by_rule == {"duplicate_key": 1}
    assert con.execute("select count(*) from landing.feedback").fetchone()[0] == 3

    # a removed file is reported and its rows go (CXLINK_KEEP_REMOVED_FILES keeps them)
    (landing / "feedback" / "b.jsonl").unlink()
    report = extract_entity(con, landing, "feedback")
    assert report.sync.missing_from_landing == ["feedback/b.jsonl"]
    assert report.sync.removed_rows == {"feedback/b.jsonl": 2}
    assert report.counts.rows_raw == 1


def test_csv_and_parquet_readers_agree(tmp_path: Path, landing: Path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    extract_entity(con, landing, "customers")
    table = pa.table(
        {
            "response_id": ["P1", "P2"],
            "customer_id": ["C1", "C5"],
            "responded_at": pa.array([1709287200, 1709290800], pa.timestamp("s")),
            "survey_type": ["nps", "ces"],
            "score": pa.array([10, 8], pa.int64()),
            "channel": ["web", "sms"],
            "extra_column": ["ignored", "ignored"],
        }
    )
    (landing / "feedback").mkdir(exist_ok=True)
    pq.write_table(table, landing / "feedback" / "c.parquet")
    write(
        landing / "feedback" / "d.csv",
        "response_id,customer_id,responded_at,survey_type,score,channel,comment\n"
        'C1,C1,2024-03-02 09:00:00,nps,6,in_app,"Slow, very slow"\n',
    )
    report = extract_entity(con, landing, "feedback")
    got = con.execute(
        "select response_id, responded_at::varchar, score, _source_file, _source_row "
        "from raw.feedback where _source_file <> 'feedback/a.jsonl' order by 1"
    ).fetchall()
    assert got == [
        ("C1", "2024-03-02 09:00:00", 6, "feedback/d.csv", 1),
        ("P1", "2024-03-01 10:00:00", 10, "feedback/c.parquet", 1),
    ]
    assert (
        con.execute(
            "select detail from quarantine.feedback where source_file = 'feedback/c.parquet'"
        ).fetchone()[0]
        == "score: 8 is outside 1..7 for ces"
    )
    assert report.counts.balanced


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "latin1.csv",
            CUSTOMERS_CSV.splitlines()[0].encode()
            + b"\nC7,2024-01-01,smb,starter,organic,FI,,,J\xf6rg\n",
            "not UTF-8 text: byte 0xF6 at offset 129 (line 2)",
        ),
        ("short.csv", "customer_id,segment\nC7,smb\n", "missing required column(s) signup_date"),
        ("empty.csv", "", "file is empty"),
        ("binary.jsonl", b"\x00\x01" * 50, "not a text file"),
    ],
)
def test_unreadable_file_is_named_and_other_files_still_load(
    tmp_path: Path, landing: Path, name: str, content, problem: str
):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    write(landing / "customers" / name, content)
    report = extract_entity(con, landing, "customers")
    assert len(report.errors) == 1
    assert report.errors[0].startswith(f"landing/customers/{name}: ")
    assert problem in report.errors[0]
    assert report.counts.rows_raw == 2  # crm.csv still loaded
    # the failed file is not in the manifest, so it is retried next run
    assert (
        con.execute(
            "select count(*) from landing.load_manifest where file_path = ?", [f"customers/{name}"]
        ).fetchone()[0]
        == 0
    )
    # other entities are unaffected
    assert extract_entity(con, landing, "feedback").counts.rows_raw == 2


def test_missing_parent_table_is_a_clear_error(tmp_path: Path, landing: Path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    with pytest.raises(RuntimeError, match=r"raw\.customers must be extracted before feedback"):
        extract_entity(con, landing, "feedback")


def test_empty_optional_entity_still_creates_typed_tables(tmp_path: Path, landing: Path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    report = extract_entity(con, landing, "fx_rates")
    assert report.counts.rows_in == 0
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'fx_rates'"
        ).fetchall()
    )
    assert types["date"] == "DATE" and types["rate_to_reporting"] == "DECIMAL(18,10)"


def test_exchange_rates_keep_ten_places_money_keeps_four(tmp_path: Path, landing: Path):
    from decimal import Decimal

    write(
        landing / "fx_rates" / "rates.csv",
        "date,currency,rate_to_reporting\n2024-01-01,JPY,0.006234567891\n2024-01-01,USD,0.9187\n",
    )
    write(
        landing / "marketing_spend" / "spend.csv",
        "month,channel,amount,currency\n2024-01-01,paid_search,1234.56789,EUR\n",
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    extract_entity(con, landing, "fx_rates")
    extract_entity(con, landing, "marketing_spend")
    rates = dict(con.execute("select currency, rate_to_reporting from raw.fx_rates").fetchall())
    # 0.0062 (four places) would misstate every yen amount by 0.6%
    assert rates == {"JPY": Decimal("0.0062345679"), "USD": Decimal("0.9187")}
    assert con.execute("select amount from raw.marketing_spend").fetchone()[0] == Decimal(
        "1234.5679"
    )
