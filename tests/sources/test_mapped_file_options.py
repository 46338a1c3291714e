"""mapped_file options: the checks when the sources file is read, and the smaller options
(record_id, null_values, quotechar, format, case-insensitive column names), on small exports."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from cxlink.sources.config import load_sources
from cxlink.sources.kinds.mapped_values import Formats, Problem, ValueMap, scale_score
from cxlink.sources.options import SourceConfigError
from tests.sources.harness import write_sources
from tests.sources.mapped_harness import load, quarantined, rules
from tests.sources.test_mapped_file_formats import STARS


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"columns": {"customer_id": "id"}}, "missing response_id, responded_at, score"),
        ({"columns": {"customer": "id"}}, "customer is not a column of feedback"),
        ({"delimiter": "::"}, "option delimiter='::' is not allowed"),
        ({"timezone": "Mars/Olympus"}, "is not an IANA time zone"),
        ({"date_format": "dd.mm.yyyy"}, "is not a strptime pattern"),
        ({"constants": {"survey_type": "csat", "score": 5}}, "score are in both"),
        ({"score_scale": "5-1"}, "option score_scale='5-1' is not allowed"),
        ({"value_maps": {"language": {"Deutsch": "de"}}}, "language is not in columns"),
        ({"encoding": "klingon"}, "is not an encoding Python knows"),
        ({"decimal": ",", "thousands": ","}, "must differ"),
        ({"skip_rows": 1, "header_row": 3}, "disagree"),
        ({"decimal": ";"}, "option decimal=';' is not allowed"),
    ],
)
def test_wrong_options_fail_at_start_with_the_source_and_option(tmp_path, change, message):
    write_sources(tmp_path, [{"kind": "mapped_file", "entities": ["feedback"], **STARS, **change}])
    with pytest.raises(SourceConfigError) as error:
        load_sources(tmp_path / "sources.yml")
    assert "source helpdesk" in str(error.value)
    assert message in str(error.value)


def test_values():
    european = Formats(decimal=",", thousands=".")
    assert [european.number("x", v) for v in ("1.234,56", "-0,5", ",5", "7", 2.5)] == [
        "1234.56", "-0.5", "0.5", "7", "2.5"
    ]  # fmt: skip
    for bad in ("1,234.56", "12.5", "1.23,4", "€ 5"):
        with pytest.raises(Problem):
            european.number("x", bad)
    swiss = Formats(thousands="'")
    assert swiss.number("x", "1'234.50") == "1234.50"
    unix = Formats(timestamp_format="unix_ms")
    assert unix.timestamp("t", 1704103200000) == "2024-01-01T10:00:00+00:00"
    us = Formats(timestamp_format="%m/%d/%Y %I:%M %p", timezone="America/Chicago")
    assert us.timestamp("t", "07/04/2024 01:30 PM") == "2024-07-04T18:30:00+00:00"
    assert Formats(timezone="Europe/Helsinki").timestamp("t", "2024-01-01 05:00") == (
        "2024-01-01T03:00:00+00:00"
    )
    assert Formats().timestamp("t", "2024-01-01T05:00:00+02:00") == "2024-01-01T03:00:00+00:00"
    labels = ValueMap.parse("channel", {"map": {"E-Mail": "email"}, "default": "web"})
    assert (labels.lookup("channel", "e-mail "), labels.lookup("channel", "Fax")) == (
        "email",
        "web",
    )
    assert scale_score(Decimal(1), Decimal(5), (0, 10), "4") == "8"
    assert scale_score(Decimal(1), Decimal(10), (1, 7), "10") == "7"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"constants": {"survey_type": False}}, "YAML read the value as False; quote it"),
        ({"value_maps": {"channel": {"email": True}}}, "quote it"),
    ],
)
def test_yaml_booleans_are_refused_where_text_is_meant(tmp_path, change, message):
    write_sources(tmp_path, [{"kind": "mapped_file", "entities": ["feedback"], **STARS, **change}])
    with pytest.raises(SourceConfigError, match=message):
        load_sources(tmp_path / "sources.yml")


def test_yaml_boolean_keys_match_each_spelling():
    answered = ValueMap.parse("x", {True: "1", False: "0"})  # YAML's reading of `Yes: 1` / `No: 0`
    assert [answered.lookup("x", v) for v in ("Yes", "no", "TRUE", "off")] == ["1", "0", "1", "0"]


def test_record_id_null_values_quotechar_and_column_name_case(tmp_path):
    text = (
        "'ID';'CUSTOMER';'When';'Score';'Where';'Ticket'\n"
        "'a1';'P1';'2024-01-02 10:00';'9';'email';'T-1'\n"
        "'a2';'P1';'2024-01-03 10:00';'n/a';'email';'T-2'\n"
        "'a3';'P1';'2024-01-04 10:00';'-';'email';'T-3'\n"
        "'a4';'P1';'2024-01-05 10:00';'10';'pigeon';'T-4'\n"
    )
    source = {
        "name": "desk",
        "delimiter": ";",
        "quotechar": "'",
        "null_values": ["n/a", "-"],
        "record_id": "ticket",  # matched ignoring case, as customer_id's "Customer"
        "columns": {
            "response_id": "id",
            "customer_id": "Customer",
            "responded_at": "When",
            "score": "Score",
            "channel": "Where",
        },
        "constants": {"survey_type": "nps"},
    }
    rows = load(tmp_path, source, {"desk.txt": text.encode()}, "feedback")
    assert [(r[0], r[4]) for r in rows] == [("a1", 9)]
    assert rules(tmp_path, "feedback") == [
        ("T-2", "required_missing"),
        ("T-3", "required_missing"),
        ("T-4", "unknown_enum"),
    ]


def test_json_lines_with_a_broken_line_and_an_explicit_format(tmp_path):
    lines = [
        json.dumps({"m": "2024-02-01", "ch": "organic", "eur": 300}),
        '{"m": "2024-03-01", "ch": "paid_search", "eur": 1000',  # cut off
        json.dumps(["not", "an", "object"]),
        "",
        json.dumps({"m": "2024-04-01", "ch": "organic", "eur": "12,5"}),
    ]
    source = {
        "name": "ads",
        "format": "jsonl",  # the tool names its JSON Lines export .txt
        "columns": {"month": "m", "channel": "ch", "amount": "eur"},
        "constants": {"currency": "EUR"},
    }
    rows = load(tmp_path, source, {"spend.txt": "\n".join(lines).encode()}, "marketing_spend")
    assert [(str(r[0]), r[2]) for r in rows] == [("2024-02-01", Decimal("300"))]
    assert rules(tmp_path, "marketing_spend") == [
        ("line 2", "malformed_record"),
        ("line 3", "malformed_record"),
        ("line 5", "invalid_number"),
    ]
    details = [q["detail"] for q in quarantined(tmp_path / "data", "marketing_spend")]
    assert details[:2] == [
        "line 2 is not valid JSON (Expecting ',' delimiter)",
        "record 3 is a JSON list, not an object",
    ]


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path):
    text = (
        "Kunde\tSeit\tStufe\tKanal\tLand\tSegment\r\nP1\t2023-07-01\tstarter\torganic\tFI\tsmb\r\n"
    )
    source = {
        "name": "unicode_txt",
        "delimiter": "tab",
        "columns": {
            "customer_id": "Kunde",
            "signup_date": "Seit",
            "plan_tier": "Stufe",
            "acquisition_channel": "Kanal",
            "country": "Land",
            "segment": "Segment",
        },
    }
    rows = load(tmp_path, source, {"export.txt": text.encode("utf-16")}, "customers")
    assert [r[:6] for r in rows] == [("P1", date(2023, 7, 1), "smb", "starter", "organic", "FI")]
