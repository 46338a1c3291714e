"""surveymonkey_export: SurveyMonkey "All responses data" CSV exports (two header rows)."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cxlink.extract.ledger import read_source_ledger
from cxlink.sources.model import Source
from cxlink.sources.options import resolve_options
from cxlink.sources.registry import KINDS
from cxlink.sources.rows import SourceError, SourceFileError
from tests.known_account import landing_rows
from tests.sources.harness import (
    assert_same_contract_rows,
    connect,
    extract_all,
    quarantined,
    run_source,
    write_known_contract_files,
    write_sources,
)

FIXTURE = Path(__file__).parent / "fixtures" / "surveymonkey_export" / "all_responses_expanded.csv"
KIND = KINDS["surveymonkey_export"]
NOT_FEEDBACK = ["customers", "subscriptions", "invoices", "marketing_spend", "service_costs",
                "fx_rates"]  # fmt: skip
FIXED = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
         "Email Address", "First Name", "Last Name", "Custom Data 1"]  # fmt: skip
NPS = "How likely is it that you would recommend us to a friend or colleague?"


def surveymonkey_csv(feedback_rows: list[dict], zone: str) -> str:
    """Contract feedback rows as a SurveyMonkey export: the fixed columns, the NPS question,
    a "select all" question over three columns and an open-ended comment; US dates in zone."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*FIXED, NPS, "Which plans did you consider?", "", "", "Why this score?"])
    writer.writerow([""] * 9 + ["Response", "Starter", "Growth", "Other (please specify)",
                                "Open-Ended Response"])  # fmt: skip
    for n, row in enumerate(feedback_rows):
        end = datetime.fromisoformat(row["responded_at"]).replace(tzinfo=UTC)
        local = end.astimezone(ZoneInfo(zone)).strftime("%m/%d/%Y %I:%M:%S %p")
        writer.writerow(
            [str(11800000000 + n), "431234567", local, local, "203.0.113.1", "", "", "",
             row["customer_id"], row["score"], "Starter", "", "", row.get("comment", "")]
        )  # fmt: skip
    return out.getvalue()


def source(**options) -> Source:
    return Source("monkey", KIND, ("feedback",), resolve_options("test", KIND.options, options))


def read(path: Path, **options):
    return KIND.read(source(**options), path, f"monkey/{path.name}")


def setup_source(data_dir: Path, **options) -> Path:
    entry = {"name": "monkey", "kind": "surveymonkey_export", "entities": ["feedback"], **options}
    write_sources(data_dir, [entry])
    folder = data_dir / "landing" / "monkey"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_known_account_through_a_surveymonkey_export(tmp_path):
    data_dir = tmp_path / "data"
    folder = setup_source(data_dir, channel="email", timezone="America/New_York")
    write_known_contract_files(data_dir, NOT_FEEDBACK)
    text = surveymonkey_csv(landing_rows()["feedback"], "America/New_York")
    (folder / "responses.csv").write_text(text, encoding="utf-8-sig")
    report = run_source(data_dir, "monkey")
    assert not report.errors and report.staged == {"feedback": 10}
    extract_all(data_dir)
    assert_same_contract_rows(data_dir, ["feedback"], tmp_path)
    assert quarantined(data_dir, "feedback") == []


def test_fixture_with_multi_column_questions():
    rows = {r.record_id: r for r in read(FIXTURE, timezone="America/New_York", language="EN")}
    assert rows["114455667788"].values == {
        "response_id": "114455667788",
        "customer_id": "C001",
        "survey_type": "nps",
        "comment": "Fast, friendly support.\nThanks!",  # the first open-ended column after it
        "language": "en",
        "channel": "web",
        "score": "9",
        "responded_at": "2024-11-03T15:15:32Z",  # 10:15:32 AM EST, the day DST ended
    }
    assert rows["114455667790"].values["score"] == "0"
    assert rows["114455667790"].values["responded_at"] == "2024-11-04T20:05:00Z"  # 03:05 PM
    assert rows["114455667793"].values["comment"] is None  # not the "Why recommend" column
    assert rows["114455667793"].values["language"] is None  # no comment, no language
    assert rows["114455667793"].values["responded_at"] == "2024-11-08T05:00:15Z"  # 12:00 AM
    assert {k: r.rule for k, r in rows.items() if r.rule} == {
        "114455667791": "unanswered_score",
        "114455667792": "missing_customer_id",
    }
    assert "Custom Data 1" in rows["114455667792"].detail


def test_options_name_other_columns():
    rows = {
        r.record_id: r
        for r in read(
            FIXTURE,
            customer_id_column="Email Address",
            comment_column="Why would you recommend us, if at all?",
            survey_type="nps",
            channel="in_app",
        )
    }
    first = rows["114455667788"].values
    assert first["customer_id"] == "ana@example.com"
    assert first["comment"] == "Because it just works"
    assert first["channel"] == "in_app"
    assert first["responded_at"] == "2024-11-03T10:15:32Z"  # UTC by default
    assert rows["114455667790"].rule == "missing_customer_id"
    (row, *_) = read(FIXTURE, score_column="likely is it", survey_type="nps")
    assert row.values["score"] == "9"


def test_a_csat_score_needs_its_column_and_ambiguous_names_fail():
    with pytest.raises(SourceFileError, match="score_column is required"):
        read(FIXTURE, survey_type="csat")
    with pytest.raises(SourceFileError, match="several questions"):
        read(FIXTURE, score_column="recommend")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("Custom Data 1", "Custom data"), "'Custom Data 1'"),
        (lambda t: t.replace("End Date", "Finish Date"), "'End Date'"),
        (lambda t: t.replace("recommend", "suggest"), "option score_column"),
        (lambda t: t.replace("Respondent ID", "Id"), "not a SurveyMonkey"),
    ],
)
def test_layout_problems_fail_the_file(tmp_path, edit, message):
    path = tmp_path / "x.csv"
    path.write_text(edit(FIXTURE.read_text("utf-8")), "utf-8")
    with pytest.raises(SourceFileError, match=message):
        read(path)


def test_record_rules(tmp_path):
    lines = FIXTURE.read_text("utf-8").splitlines()
    head = "\n".join(lines[:2])
    bad = [
        ",431234567,11/03/2024 10:12:01 AM,11/03/2024 10:15:32 AM,,,,,C009,8",
        "114455669999,431234567,,,,,,,C009,8",
        "114455669998,431234567,,2024-13-45,,,,,C009,8",
        "114455669997,431234567,,11/03/2024 10:15:32 AM,,,,,C009,eight",
        "114455669996,431234567,,2024-11-03 10:15:32,,,,,C009,10",
    ]
    path = tmp_path / "bad.csv"
    path.write_text(head + "\n" + "\n".join(bad) + "\n", "utf-8")
    rows = read(path)
    assert [r.rule for r in rows] == [
        "missing_response_id",
        "missing_responded_at",
        "invalid_responded_at",
        "invalid_score",
        None,  # an ISO date is read too
    ]
    assert rows[0].record_id == "monkey/bad.csv record 1"
    with pytest.raises(SourceError, match="ISO 639-1"):
        read(FIXTURE, language="english")


def test_fixture_loads_with_quarantine_and_a_balanced_ledger(tmp_path):
    data_dir = tmp_path / "data"
    folder = setup_source(data_dir, timezone="America/New_York")
    customers = [
        {"customer_id": f"C00{n}", "signup_date": "2024-01-01", "segment": "smb",
         "plan_tier": "starter", "acquisition_channel": "organic", "country": "US"}
        for n in range(1, 6)
    ]  # fmt: skip
    contract = data_dir / "landing" / "customers"
    contract.mkdir(parents=True)
    with (contract / "customers.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(customers[0]))
        writer.writeheader()
        writer.writerows(customers)
    shutil.copy(FIXTURE, folder / FIXTURE.name)
    report = run_source(data_dir, "monkey")
    assert (
        not report.errors and report.staged == {"feedback": 5} and report.refused == {"feedback": 2}
    )
    extract_all(data_dir)
    refused = {
        (q["source"], q["source_record"], q["rule"]) for q in quarantined(data_dir, "feedback")
    }
    assert refused == {
        ("monkey", "114455667791", "unanswered_score"),
        ("monkey", "114455667792", "missing_customer_id"),
    }
    con = connect(data_dir, read_only=True)
    try:
        ledger = [r for r in read_source_ledger(con) if r.origin == "monkey"]
    finally:
        con.close()
    assert [(r.rows_in, r.rows_raw, r.rows_quarantined) for r in ledger] == [(5, 3, 2)]
