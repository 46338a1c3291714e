"""qualtrics_export: Qualtrics CSV response exports (three header rows) -> feedback."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from cxlink.demo.vendors.qualtrics import DEMO_CHANNEL_MAP, qualtrics_export_csv
from cxlink.extract.ledger import read_source_ledger
from cxlink.sources.kinds import survey_files
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
from tests.warehouse import write_landing

FIXTURES = Path(__file__).parent / "fixtures" / "qualtrics_export"
DENVER = FIXTURES / "nps_denver_timezone.csv"
NO_ZONE = FIXTURES / "nps_no_timezone_embedded_id.csv"
KIND = KINDS["qualtrics_export"]
NOT_FEEDBACK = ["customers", "subscriptions", "invoices", "marketing_spend", "service_costs",
                "fx_rates"]  # fmt: skip


def source(**options) -> Source:
    return Source("qualtrics", KIND, ("feedback",), resolve_options("test", KIND.options, options))


def read(path: Path, **options):
    return KIND.read(source(**options), path, f"qualtrics/{path.name}")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def setup_source(data_dir: Path, **options) -> Path:
    entry = {"name": "qualtrics", "kind": "qualtrics_export", "entities": ["feedback"], **options}
    write_sources(data_dir, [entry])
    folder = data_dir / "landing" / "qualtrics"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("time_zone", ["America/Denver", "Asia/Kolkata", None])
def test_known_account_through_a_qualtrics_export(tmp_path, time_zone):
    data_dir = tmp_path / "data"
    folder = setup_source(data_dir)
    write_known_contract_files(data_dir, NOT_FEEDBACK)
    feedback = landing_rows()["feedback"]
    (folder / "responses.csv").write_text(qualtrics_export_csv(feedback, time_zone), "utf-8")
    report = run_source(data_dir, "qualtrics")
    assert not report.errors and report.staged == {"feedback": 10}
    extract_all(data_dir)
    assert_same_contract_rows(data_dir, ["feedback"], tmp_path)
    assert quarantined(data_dir, "feedback") == []


def test_fixture_with_time_zone_maps_and_refuses_what_is_not_an_answer():
    rows = {r.record_id: r for r in read(DENVER)}
    first = rows["R_1Ab2Cd3Ef4Gh5Ij"]
    assert first.rule is None
    assert first.values == {
        "response_id": "R_1Ab2Cd3Ef4Gh5Ij",
        "customer_id": "C001",
        "survey_type": "nps",
        "comment": "Great support, fast answers.\nWould buy again",  # QID3_TEXT, not QID2_4_TEXT
        "language": "en",
        "channel": "email",
        "score": "9",
        "responded_at": "2024-03-05T21:22:10Z",  # 14:22:10 MST
    }
    assert rows["R_4Uv5Wx6Yz7Ab8Cd"].values["responded_at"] == "2024-07-01T14:00:00Z"  # MDT
    assert rows["R_4Uv5Wx6Yz7Ab8Cd"].values["language"] == "pt"  # PT-BR
    assert rows["R_4Uv5Wx6Yz7Ab8Cd"].values["channel"] == "web"  # anonymous link
    assert rows["R_5Ef9Gh0Ij1Kl2Mn"].values["language"] == "zh"  # ZH-S
    assert rows["R_5Ef9Gh0Ij1Kl2Mn"].values["comment"] is None
    assert {k: r.rule for k, r in rows.items() if r.rule} == {
        "R_2Pq7Rs8Tu9Vw0Xy": "survey_preview",
        "R_3Kl1Mn2Op3Qr4St": "unfinished_response",
        "R_6Op3Qr4St5Uv6Wx": "missing_customer_id",
    }
    assert "R_3Kl1Mn2Op3Qr4St" in rows["R_3Kl1Mn2Op3Qr4St"].detail
    assert rows["R_3Kl1Mn2Op3Qr4St"].original["Finished"] == "0"


def test_fixture_without_time_zone_with_an_embedded_data_customer_id():
    rows = {r.record_id: r for r in read(NO_ZONE, customer_id_column="crm_id")}
    assert rows["R_7aaaaaaaaaaaaaa"].values["responded_at"] == "2024-11-20T08:01:12Z"  # UTC
    assert rows["R_7aaaaaaaaaaaaaa"].values["customer_id"] == "C010"
    assert (
        rows["R_10ddddddddddddd"].values["comment"] == "Hyvä tuote, mutta\nhinta on liian korkea."
    )
    assert rows["R_10ddddddddddddd"].values["language"] == "fi"
    assert {k: r.rule for k, r in rows.items() if r.rule} == {
        "R_8bbbbbbbbbbbbbb": "survey_preview",
        "R_9cccccccccccccc": "unfinished_response",
        "R_11eeeeeeeeeeeee": "unanswered_score",
        "R_12fffffffffffff": "unknown_channel",  # offline app: no default channel
    }
    zoned = {r.record_id: r for r in read(NO_ZONE, customer_id_column="crm_id",
                                          timezone="Europe/Helsinki",
                                          channel_map={"offline": "in_app"})}  # fmt: skip
    assert zoned["R_7aaaaaaaaaaaaaa"].values["responded_at"] == "2024-11-20T06:01:12Z"
    assert zoned["R_12fffffffffffff"].rule is None
    assert zoned["R_12fffffffffffff"].values["channel"] == "in_app"
    # row 3's timeZone wins over the option
    assert (
        read(DENVER, timezone="Europe/Helsinki")[0]
        .values["responded_at"]
        .startswith("2024-03-05T21:22")
    )


def test_two_exports_load_with_lineage_quarantine_and_a_balanced_ledger(tmp_path):
    data_dir = tmp_path / "data"
    folder = setup_source(data_dir, channel_map={"offline": "in_app"})
    customers = [
        {"customer_id": f"C{n:03d}", "signup_date": "2024-01-01", "segment": "smb",
         "plan_tier": "starter", "acquisition_channel": "organic", "country": "FI"}
        for n in range(1, 15)
    ]  # fmt: skip
    write_landing(data_dir / "landing", {"customers": customers})
    shutil.copy(DENVER, folder / DENVER.name)
    (folder / "2024").mkdir()
    shutil.copy(NO_ZONE, folder / "2024" / NO_ZONE.name)
    report = run_source(data_dir, "qualtrics")
    assert not report.errors and report.staged == {"feedback": 12}
    assert report.refused == {"feedback": 9}  # the 2nd file has no ExternalReference
    extract_all(data_dir)
    refused = quarantined(data_dir, "feedback")
    assert {(q["source"], q["source_record"], q["rule"]) for q in refused} >= {
        ("qualtrics", "R_2Pq7Rs8Tu9Vw0Xy", "survey_preview"),
        ("qualtrics", "R_3Kl1Mn2Op3Qr4St", "unfinished_response"),
        ("qualtrics", "R_9cccccccccccccc", "unfinished_response"),
        ("qualtrics", "R_8bbbbbbbbbbbbbb", "survey_preview"),
        ("qualtrics", "R_7aaaaaaaaaaaaaa", "missing_customer_id"),
    }
    assert all("ExternalReference is empty" in q["detail"] for q in refused if q["rule"] ==
               "missing_customer_id")  # fmt: skip
    con = connect(data_dir, read_only=True)
    try:
        raw = con.execute("select response_id from raw.feedback order by 1").fetchall()
        ledger = [r for r in read_source_ledger(con) if r.origin == "qualtrics"]
    finally:
        con.close()
    assert [r[0] for r in raw] == ["R_1Ab2Cd3Ef4Gh5Ij", "R_4Uv5Wx6Yz7Ab8Cd", "R_5Ef9Gh0Ij1Kl2Mn"]
    assert ledger and all(r.balanced for r in ledger)
    assert (ledger[0].rows_in, ledger[0].rows_raw, ledger[0].rows_quarantined) == (12, 3, 9)
    again = run_source(data_dir, "qualtrics")  # nothing new: nothing re-read
    assert again.count("unchanged") == 2 and again.staged == {"feedback": 12}


def test_a_renamed_column_fails_that_file_only(tmp_path):
    data_dir = tmp_path / "data"
    folder = setup_source(data_dir)
    write_known_contract_files(data_dir, NOT_FEEDBACK)
    text = DENVER.read_text("utf-8").replace("RecordedDate,", "Recorded Date,", 1)
    (folder / "renamed.csv").write_text(text, "utf-8")
    rows = landing_rows()["feedback"]
    (folder / "good.csv").write_text(qualtrics_export_csv(rows), "utf-8")
    report = run_source(data_dir, "qualtrics")
    assert report.count("failed") == 1 and report.staged == {"feedback": 10}
    (error,) = report.errors
    assert "qualtrics" in error and "renamed.csv" in error and "'RecordedDate'" in error


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("Q1_NPS_GROUP", "Q1_GROUP"), "option score_column"),
        (lambda t: t.replace("ExternalReference,", "ExtRef,", 1), "'ExternalReference'"),
        (lambda t: "\n".join(t.splitlines()[:2] + t.splitlines()[3:]), "ImportId"),
    ],
)
def test_layout_problems_name_the_column(tmp_path, edit, message):
    path = write(tmp_path, "x.csv", edit(DENVER.read_text("utf-8")))
    with pytest.raises(SourceFileError, match=message):
        read(path)


def test_a_legacy_export_is_refused_with_what_to_do(tmp_path):
    legacy = (
        "V1,V2,V3,V4,V5,V6,V7,V8,V9,V10,Q1,Q2\n"
        "ResponseID,ResponseSet,Name,ExternalDataReference,EmailAddress,IPAddress,Status,"
        "StartDate,EndDate,Finished,How likely...,Why?\n"
        "R_x,Default Response Set,Anonymous,C1,,1.2.3.4,0,2017-07-18 08:28:09,"
        "2017-07-18 08:28:48,1,9,ok\n"
    )
    with pytest.raises(SourceFileError, match="legacy"):
        read(write(tmp_path, "legacy.csv", legacy))


def _one_response(**cells) -> str:
    """A one-response export (the demo encoder's layout) with some cells changed."""
    row = {"response_id": "R_1", "customer_id": "P1", "responded_at": "2024-01-01T10:00:00",
           "survey_type": "nps", "score": "9", "channel": "email"}  # fmt: skip
    records = list(csv.reader(io.StringIO(qualtrics_export_csv([row]), newline="")))
    for name, value in cells.items():
        records[3][records[0].index(name)] = value
    out = io.StringIO()
    csv.writer(out).writerows(records)
    return out.getvalue()


@pytest.mark.parametrize(
    ("cells", "rule"),
    [
        ({"Status": "2"}, "survey_test"),
        ({"Status": "8"}, "spam_response"),
        ({"Status": "Survey Preview"}, "survey_preview"),
        ({"Status": "5"}, "unknown_status"),
        ({"DistributionChannel": "test"}, "survey_test"),
        ({"Finished": "False"}, "unfinished_response"),
        ({"Q1_NPS_GROUP": "1"}, "nps_group_mismatch"),
        ({"Q1": "nine"}, "invalid_score"),
        ({"RecordedDate": "yesterday"}, "invalid_responded_at"),
        ({"ResponseId": ""}, "missing_response_id"),
        ({"DistributionChannel": "kiosk"}, "unknown_channel"),
        ({"Status": "IP Address", "Finished": "True"}, None),  # a choice-text export
    ],
)
def test_record_rules(tmp_path, cells, rule):
    (row,) = read(write(tmp_path, "one.csv", _one_response(**cells)))
    assert row.rule == rule, row.detail
    if rule:
        assert row.detail.startswith("response ") and row.detail.endswith(".")


def test_csat_with_a_named_score_column(tmp_path):
    rows = [{"response_id": "R_1", "customer_id": "P1", "responded_at": "2024-01-01T10:00:00Z",
             "survey_type": "csat", "score": 4, "channel": "web", "comment": "fine",
             "language": "sv"}]  # fmt: skip
    path = write(tmp_path, "csat.csv", qualtrics_export_csv(rows))
    with pytest.raises(SourceFileError, match="score_column is required"):
        read(path, survey_type="csat")
    (row,) = read(path, survey_type="csat", score_column="QID1")
    assert row.rule is None
    assert row.values == {
        "response_id": "R_1", "customer_id": "P1", "survey_type": "csat", "comment": "fine",
        "language": "sv", "channel": "web", "score": "4", "responded_at": "2024-01-01T10:00:00Z",
    }  # fmt: skip


def test_demo_in_app_rows_round_trip_with_the_demo_channel_map(tmp_path):
    rows = [{"response_id": "R_1", "customer_id": "P1", "responded_at": "2024-05-05T23:30:00",
             "survey_type": "nps", "score": 0, "channel": "in_app"}]  # fmt: skip
    path = write(tmp_path, "app.csv", qualtrics_export_csv(rows, "Pacific/Auckland"))
    assert read(path)[0].rule == "unknown_channel"
    (row,) = read(path, channel_map=DEMO_CHANNEL_MAP)
    assert row.values["channel"] == "in_app" and row.values["score"] == "0"
    assert row.values["responded_at"] == "2024-05-05T23:30:00Z"


def test_bad_options_fail_the_source(tmp_path):
    with pytest.raises(SourceError, match="channel_map"):
        read(DENVER, channel_map={"email": "letter"})
    with pytest.raises(SourceError, match="IANA"):
        read(NO_ZONE, timezone="Mars/Olympus")
    text = DENVER.read_text("utf-8").replace("America/Denver", "America/Springfield")
    with pytest.raises(SourceFileError, match="row 3 timeZone 'America/Springfield'"):
        read(write(tmp_path, "zone.csv", text))


def test_languages_and_scores():
    assert [survey_files.language(v) for v in ("EN", "PT-BR", "ZH-S", "en-GB", "", "TGL")] == [
        "en", "pt", "zh", "en", None, None,
    ]  # fmt: skip
    assert survey_files.score("10 - Extremely likely", "Q1") == "10"
    with pytest.raises(survey_files.Refused):
        survey_files.score("9.5", "Q1")


def test_the_demo_encoder_round_trips_demo_shaped_rows(tmp_path):
    rows = [
        {"response_id": "R0000001-0001", "customer_id": "C0000001",
         "responded_at": "2024-10-27T00:30:00", "survey_type": "nps", "score": 6,
         "comment": 'Slow, "buggy" export;\nplease fix', "language": "pt", "channel": "web"},
        {"response_id": "R0000002-0001", "customer_id": "C0000002",
         "responded_at": "2024-03-31T01:15:00", "survey_type": "nps", "score": 10,
         "channel": "social"},
    ]  # fmt: skip
    path = write(tmp_path, "demo.csv", qualtrics_export_csv(rows, "Europe/Helsinki"))
    got = [r.values for r in read(path)]
    for row in rows:
        row.update(score=str(row["score"]), responded_at=row["responded_at"] + "Z")
    assert got == [{"comment": None, "language": None, **row} for row in rows]
