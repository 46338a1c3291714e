"""mapped_file: the known account written as the exports people actually have (a cp1252 `;` CSV
with dd.mm.yyyy dates, an XLSX workbook, a JSON API dump, a UTF-8-BOM CSV, JSON Lines, a TSV, a
pipe-separated latin-1 text file) comes back as the same contract rows; reruns read nothing;
a changed file replaces its rows; rows in = raw + quarantined per source."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from cxlink.contract import ENTITY_ORDER
from cxlink.extract.ledger import read_source_ledger
from tests.known_account import landing_rows
from tests.sources.harness import (
    assert_same_contract_rows,
    connect,
    extract_all,
    quarantined,
    run_source,
    write_sources,
)

GERMAN_TYPES = {"new": "Neu", "renewal": "Verlängerung", "refund": "Gutschrift"}


def _local(iso: str, zone: str) -> datetime:
    """A UTC contract timestamp as the naive wall-clock time an export in ``zone`` shows."""
    moment = datetime.fromisoformat(iso).replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def _csv_text(header: list[str], rows: list[list[str]], delimiter: str, crlf: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_feedback(folder: Path, rows: list[dict]) -> None:
    """A German survey tool's Excel export: cp1252, `;`, CRLF, dd.mm.yyyy HH:MM Berlin time."""
    header = ["Antwort-ID", "Kundennummer", "Datum/Uhrzeit", "Empfehlung (0–10)", "Kanal", "Notiz"]
    body = [
        [
            r["response_id"],
            r["customer_id"],
            f"{_local(r['responded_at'], 'Europe/Berlin'):%d.%m.%Y %H:%M}",
            r["score"],
            "E-Mail",
            "Grüße; é und ß",  # an unmapped column with a quoted ';'
        ]
        for r in rows
    ]
    folder.mkdir(parents=True, exist_ok=True)
    text = _csv_text(header, body, ";", crlf=True)
    (folder / "umfrage_2024.csv").write_bytes(text.encode("cp1252"))


def write_invoices(folder: Path, rows: list[dict]) -> None:
    """A billing tool's XLSX: a summary sheet first, a title row, Helsinki datetimes, numbers
    as numbers except credits typed as text with a decimal comma."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Summary"
    workbook["Summary"].append(["Invoices export", len(rows)])
    sheet = workbook.create_sheet("Rechnungen")
    sheet.append(["Rechnungen 2023-2025"])
    sheet.append(["Nr.", "Kunde", "Abo", "Ausgestellt", "Betrag", "Währung", "Typ"])
    for r in rows:
        amount = int(r["amount"])
        sheet.append(
            [
                r["invoice_id"],
                r["customer_id"],
                r["subscription_id"] or None,
                _local(r["issued_at"], "Europe/Helsinki"),
                f"{amount},00" if amount < 0 else amount,
                r["currency"],
                GERMAN_TYPES.get(r["line_type"], "Einmalkauf"),
            ]
        )
    folder.mkdir(parents=True, exist_ok=True)
    workbook.save(folder / "rechnungen.xlsx")


def write_customers(folder: Path, rows: list[dict]) -> None:
    records = [
        {
            "id": r["customer_id"],
            "created": r["signup_date"],
            "profile": {"segment": r["segment"].upper(), "tier": r["plan_tier"]},
            "source": r["acquisition_channel"],
            "country": r["country"].lower(),
        }
        for r in rows
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "accounts.json").write_text(json.dumps({"results": records}), encoding="utf-8")


def write_subscriptions(folder: Path, rows: list[dict]) -> None:
    """A UTF-8-with-BOM CSV with US dates and thousands commas."""

    def us(day: str) -> str:
        return f"{date.fromisoformat(day):%m/%d/%Y}" if day else ""

    header = ["Subscription", "Customer", "Plan", "Start", "End", "MRR", "Currency"]
    body = [
        [
            r["subscription_id"],
            r["customer_id"],
            r["plan_tier"].title(),
            us(r["period_start"]),
            us(r["period_end"]),
            f"{int(r['mrr']):,}.00",
            r["currency"],
        ]
        for r in rows
    ]
    folder.mkdir(parents=True, exist_ok=True)
    text = _csv_text(header, body, ",", crlf=False)
    (folder / "subscriptions.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


def write_small_entities(landing: Path, rows: dict[str, list[dict]]) -> None:
    spend = landing / "ads"
    spend.mkdir(parents=True)
    (spend / "spend.jsonl").write_text(
        "".join(
            json.dumps(
                {"Month": r["month"][:7], "Channel": r["channel"], "Cost": float(r["amount"])}
            )
            + "\n"
            for r in rows["marketing_spend"]
        ),
        encoding="utf-8",
    )
    costs = landing / "finance_costs"
    costs.mkdir(parents=True)
    body = [
        [f"{date.fromisoformat(r['month']):%m/%Y}", r["cost_type"].title(), f"{r['amount']},00"]
        for r in rows["service_costs"]
    ]
    (costs / "costs.tsv").write_text(
        _csv_text(["Monat", "Kostenart", "Betrag"], body, "\t", crlf=False), encoding="utf-8"
    )
    fx = landing / "ecb"
    fx.mkdir(parents=True)
    body = [
        [
            f"{date.fromisoformat(r['date']):%d.%m.%Y}",
            r["currency"],
            r["rate_to_reporting"].replace(".", ","),
        ]
        for r in rows["fx_rates"]
    ]
    (fx / "kurse.txt").write_bytes(
        _csv_text(["Datum", "Währung", "Kurs (€)"], body, "|", crlf=True).encode("iso-8859-15")
    )


SOURCES = [
    {
        "name": "survey",
        "kind": "mapped_file",
        "entities": ["feedback"],
        "encoding": "cp1252",
        "delimiter": ";",
        "timestamp_format": "%d.%m.%Y %H:%M",
        "timezone": "Europe/Berlin",
        "columns": {
            "response_id": "Antwort-ID",
            "customer_id": "Kundennummer",
            "responded_at": "Datum/Uhrzeit",
            "score": "Empfehlung (0–10)",
            "channel": "Kanal",
        },
        "constants": {"survey_type": "nps"},
        "value_maps": {"channel": {"E-Mail": "email", "Web": "web", "App": "in_app"}},
    },
    {
        "name": "billing",
        "kind": "mapped_file",
        "entities": ["invoices"],
        "sheet": "Rechnungen",
        "skip_rows": 1,
        "decimal": ",",
        "timezone": "Europe/Helsinki",
        "columns": {
            "invoice_id": "Nr.",
            "customer_id": "Kunde",
            "subscription_id": "Abo",
            "issued_at": "Ausgestellt",
            "amount": "Betrag",
            "currency": "Währung",
            "line_type": "Typ",
        },
        "value_maps": {
            "line_type": {
                "map": {"Neu": "new", "Verlängerung": "renewal", "Gutschrift": "refund"},
                "default": "one_time",
            }
        },
    },
    {
        "name": "crm",
        "kind": "mapped_file",
        "entities": ["customers"],
        "records_path": "results",
        "columns": {
            "customer_id": "id",
            "signup_date": "created",
            "segment": "profile.segment",
            "plan_tier": "profile.tier",
            "acquisition_channel": "source",
            "country": "country",
        },
        "value_maps": {"segment": {"SMB": "smb", "Mid-Market": "mid_market"}},
    },
    {
        "name": "chargify",
        "kind": "mapped_file",
        "entities": ["subscriptions"],
        "date_format": "%m/%d/%Y",
        "thousands": ",",
        "columns": {
            "subscription_id": "Subscription",
            "customer_id": "Customer",
            "plan_tier": "Plan",
            "period_start": "Start",
            "period_end": "End",
            "mrr": "MRR",
            "currency": "Currency",
        },
        "value_maps": {"plan_tier": {"Starter": "starter", "Growth": "growth"}},
    },
    {
        "name": "ads",
        "kind": "mapped_file",
        "entities": ["marketing_spend"],
        "date_format": "%Y-%m",
        "columns": {"month": "Month", "channel": "Channel", "amount": "Cost"},
        "constants": {"currency": "EUR"},
    },
    {
        "name": "finance_costs",
        "kind": "mapped_file",
        "entities": ["service_costs"],
        "date_format": "%m/%Y",
        "decimal": ",",
        "columns": {"month": "Monat", "cost_type": "Kostenart", "amount": "Betrag"},
        "constants": {"currency": "EUR"},
        "value_maps": {"cost_type": {"Support": "support", "Onboarding": "onboarding"}},
    },
    {
        "name": "ecb",
        "kind": "mapped_file",
        "entities": ["fx_rates"],
        "encoding": "iso-8859-15",
        "delimiter": "|",
        "date_format": "%d.%m.%Y",
        "decimal": ",",
        "columns": {"date": "Datum", "currency": "Währung", "rate_to_reporting": "Kurs (€)"},
    },
]


def write_known_exports(data_dir: Path) -> None:
    rows, landing = landing_rows(), data_dir / "landing"
    write_feedback(landing / "survey", rows["feedback"])
    write_invoices(landing / "billing", rows["invoices"])
    write_customers(landing / "crm", rows["customers"])
    write_subscriptions(landing / "chargify", rows["subscriptions"])
    write_small_entities(landing, rows)
    write_sources(data_dir, SOURCES)


def run_all(data_dir: Path) -> dict:
    return {s["name"]: run_source(data_dir, s["name"]) for s in SOURCES}


def test_known_account_through_everyday_exports(tmp_path):
    data_dir = tmp_path / "data"
    write_known_exports(data_dir)
    reports = run_all(data_dir)
    assert all(not r.errors for r in reports.values()), {n: r.errors for n, r in reports.items()}
    extract_all(data_dir)
    for entity in ENTITY_ORDER:
        assert quarantined(data_dir, entity) == [], entity
    assert_same_contract_rows(data_dir, list(ENTITY_ORDER), tmp_path)
    con = connect(data_dir, read_only=True)
    try:
        ledger = {(r.origin, r.entity): r for r in read_source_ledger(con)}
        records = con.execute(
            "select _source_record from landing.invoices order by _source_row limit 2"
        ).fetchall()
    finally:
        con.close()
    expected = {len(v) for v in landing_rows().values()}
    assert {(s["name"], s["entities"][0]) for s in SOURCES} == set(ledger)
    assert all(r.balanced and r.rows_quarantined == 0 for r in ledger.values())
    assert {r.rows_in for r in ledger.values()} == expected
    assert records == [("SP1-202307",), ("SP1-202308",)]  # the invoice number names the record


def test_rerun_reads_nothing_and_a_changed_file_replaces_its_rows(tmp_path):
    data_dir = tmp_path / "data"
    write_known_exports(data_dir)
    run_all(data_dir)
    extract_all(data_dir)
    con = connect(data_dir, read_only=True)
    before = con.execute("select * from raw.feedback order by all").fetchall()
    con.close()

    again = run_all(data_dir)
    assert all(f.status == "unchanged" for r in again.values() for f in r.files)
    extract_all(data_dir)
    con = connect(data_dir, read_only=True)
    assert con.execute("select * from raw.feedback order by all").fetchall() == before
    con.close()

    rows = landing_rows()["feedback"][:3]
    write_feedback(data_dir / "landing" / "survey", rows)  # the export now has 3 responses
    report = run_source(data_dir, "survey")
    assert [(f.status, f.rows) for f in report.files] == [("changed", 3)]
    extract_all(data_dir)
    con = connect(data_dir, read_only=True)
    try:
        assert con.execute("select count(*) from landing.feedback").fetchone() == (3,)
        assert con.execute("select count(*) from raw.feedback").fetchone() == (3,)
    finally:
        con.close()


def test_bad_rows_are_quarantined_with_source_record_and_rule(tmp_path):
    data_dir = tmp_path / "data"
    write_known_exports(data_dir)
    path = data_dir / "landing" / "survey" / "umfrage_2024.csv"
    text = path.read_bytes().decode("cp1252")
    text = text.replace(";E-Mail;", ";Telefon;", 1)  # R0: a channel not in the value map
    text = text.replace("20.11.2023", "31.11.2023", 1)  # R4 (D2): no such day
    text = text.replace(";5;E-Mail", ";fünf;E-Mail", 1)  # R4 again: its first problem wins
    text = text.replace("R6;N1;", "R6;N1;20.01.2024 13:00;x;Web\r\nR6b;N1;", 1)  # short row
    path.write_bytes(text.encode("cp1252"))
    run_all(data_dir)
    extract_all(data_dir)
    got = [(q["source"], q["source_record"], q["rule"]) for q in quarantined(data_dir, "feedback")]
    assert got == [
        ("survey", "R0", "unmapped_value"),
        ("survey", "R4", "invalid_timestamp"),
        ("survey", "R6", "malformed_record"),
    ]
    details = [q["detail"] for q in quarantined(data_dir, "feedback")]
    assert "channel: 'Telefon' is not in value_maps.channel" in details[0]
    assert "'31.11.2023 13:00' does not match '%d.%m.%Y %H:%M'" in details[1]
    assert "has 5 fields, the header has 6" in details[2]
    con = connect(data_dir, read_only=True)
    try:
        ledger = [r for r in read_source_ledger(con) if r.origin == "survey"]
    finally:
        con.close()
    assert [(r.rows_in, r.rows_raw, r.rows_quarantined) for r in ledger] == [(11, 8, 3)]


@pytest.mark.parametrize(("encoding", "fix"), [("utf-8", "encoding: cp1252"), ("cp1252", None)])
def test_windows_export_read_with_the_wrong_encoding_fails_the_file(tmp_path, encoding, fix):
    data_dir = tmp_path / "data"
    write_known_exports(data_dir)
    source = {**SOURCES[0], "encoding": encoding}
    write_sources(data_dir, [source, *SOURCES[1:]])
    folder = data_dir / "landing" / "survey"
    if fix is None:  # a UTF-8 file declared cp1252 would turn ä into Ã¤: refused, not misread
        utf8 = (folder / "umfrage_2024.csv").read_bytes().decode("cp1252").encode("utf-8")
        (folder / "umfrage_2024.csv").write_bytes(utf8)
        fix = "encoding: utf-8"
    (folder / "extra.csv").write_bytes("Antwort-ID;Kundennummer\r\n".encode())
    report = run_source(data_dir, "survey")
    failed = {f.relative_path: f.error for f in report.files if f.status == "failed"}
    assert set(failed) == {"survey/umfrage_2024.csv", "survey/extra.csv"}
    assert fix in failed["survey/umfrage_2024.csv"]
    assert "source survey: landing/survey/umfrage_2024.csv" in failed["survey/umfrage_2024.csv"]
    assert (
        "column 'Datum/Uhrzeit' (columns.responded_at) is not in the file"
        in failed["survey/extra.csv"]
    )
