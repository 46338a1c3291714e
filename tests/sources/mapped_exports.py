"""The known account (tests/known_account.py) written as the exports people actually have,
for tests/sources/test_mapped_file.py: a German survey tool's cp1252 `;` CSV with dd.mm.yyyy
Berlin times, a billing XLSX with Helsinki datetimes and a title row on its second sheet, a CRM's
JSON dump with nested fields, a UTF-8-BOM CSV with US dates and thousands commas, JSON Lines, a
TSV with a decimal comma and a pipe-separated ISO-8859-15 text file, with the mapped_file
sources that read them back."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl

from tests.known_account import landing_rows
from tests.sources.harness import write_sources

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
    header = [
        "Antwort-ID",
        "Kundennummer",
        "Datum/Uhrzeit",
        "Empfehlung (0\u201310)",
        "Kanal",
        "Notiz",
    ]
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
            "score": "Empfehlung (0\u201310)",
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
