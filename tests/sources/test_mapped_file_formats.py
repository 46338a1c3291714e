"""mapped_file on the committed awkward exports (tests/sources/fixtures/mapped_file/): a German
Excel CSV (cp1252, `;`, decimal comma, dd.mm.yyyy, CRLF), a UTF-8-BOM CSV with a title and a
footer line, a JSON API dump with nested records, a 1-5 star CSAT export with text labels; plus
XLSX serial dates, score scales and the option checks."""

from __future__ import annotations

import shutil
from decimal import Decimal

import openpyxl

from cxlink.sources.kinds.mapped_readers import Layout, read_export
from tests.sources.harness import quarantined, run_source, write_sources
from tests.sources.mapped_harness import FIXTURES, load, rules

EXCEL_INVOICES = {
    "name": "erp",
    "encoding": "cp1252",
    "delimiter": ";",
    "decimal": ",",
    "thousands": ".",
    "date_format": "%d.%m.%Y",
    "columns": {
        "invoice_id": "Rechnungs-Nr.",
        "customer_id": "Kundennummer",
        "issued_at": "Rechnungsdatum",
        "amount": "Betrag (€)",
        "currency": "Währung",
        "line_type": "Rechnungsart",
    },
    "value_maps": {
        "line_type": {
            "Neukunde": "new",
            "Verlängerung": "renewal",
            "Gutschrift": "refund",
            "Einmalig": "one_time",
        }
    },
}


def test_german_excel_csv(tmp_path):
    rows = load(
        tmp_path, EXCEL_INVOICES, {"export.csv": FIXTURES / "excel_de_invoices.csv"}, "invoices"
    )
    got = [(r[0], r[1], str(r[3]), r[4], r[6]) for r in rows]
    assert got == [
        ("RE-1001", "P1", "2023-07-01 00:00:00", Decimal("1234.56"), "new"),
        ("RE-1002", "P1", "2023-08-01 00:00:00", Decimal("100"), "renewal"),
        ("RE-1003", "D1", "2023-08-15 00:00:00", Decimal("-50"), "refund"),
        ("RE-1007", "N1", "2023-11-01 00:00:00", Decimal("1000000"), "one_time"),
    ]
    assert rules(tmp_path, "invoices") == [
        ("RE-1004", "invalid_timestamp"),
        ("RE-1005", "unmapped_value"),
        ("RE-1006", "invalid_number"),
    ]
    details = [q["detail"] for q in quarantined(tmp_path / "data", "invoices")]
    assert details[0] == (
        "row 5: issued_at: '31.02.2024' is neither ISO 8601 nor date_format '%d.%m.%Y'"
    )
    assert "line_type: 'Storno' is not in value_maps.line_type" in details[1]
    assert "amount: '12.5' is not a number written with decimal ','" in details[2]


def test_quoted_delimiters_and_crlf_survive():
    layout = Layout("csv", encoding="cp1252", delimiter=";")
    export = read_export(FIXTURES / "excel_de_invoices.csv", layout)
    assert export.header[-1] == "Bemerkung / Remarqué"
    remarks = [r.values["Bemerkung / Remarqué"] for r in export.records]
    assert remarks[0] == "Erstrechnung; Juli"
    assert remarks[2] == 'Rückerstattung; Kulanz "Premium"'
    assert remarks[6] == "Café-Paket für Zürich"


BOM_CUSTOMERS = {
    "name": "acme_crm",
    "header_row": 2,
    "skip_footer": 1,
    "date_format": "%m/%d/%Y",
    "columns": {
        "customer_id": "Account ID",
        "signup_date": "Created On",
        "segment": "Segment",
        "plan_tier": "Plan",
        "acquisition_channel": "Lead Source",
        "country": "Country",
        "name": "Company",
    },
    "value_maps": {
        "segment": {"SMB": "smb"},
        "plan_tier": {"starter": "starter", "growth": "growth"},  # matched ignoring case
        "acquisition_channel": {"Organic Search": "organic", "Paid Search": "paid_search"},
    },
}


def test_utf8_bom_csv_with_title_and_footer(tmp_path):
    rows = load(
        tmp_path, BOM_CUSTOMERS, {"accounts.csv": FIXTURES / "bom_customers.csv"}, "customers"
    )
    assert [(r[0], str(r[1]), r[3], r[4], r[8]) for r in rows] == [
        ("D1", "2023-07-01", "growth", "organic", "Müller GmbH"),
        ("P1", "2023-07-01", "starter", "organic", "Pörssi Oy"),
        ("P2", "2023-07-01", "starter", "paid_search", "Smith, Jones & Co"),
    ]
    assert rules(tmp_path, "customers") == [("X9", "invalid_date"), ("X8", "unmapped_value")]


JSON_FEEDBACK = {
    "name": "widget",
    "records_path": "data.items",
    "columns": {
        "response_id": "id",
        "customer_id": "account.ref",
        "responded_at": "created",
        "score": "rating",
        "comment": "text",
        "channel": "via",
    },
    "constants": {"survey_type": "csat"},
    "value_maps": {"channel": {"Web widget": "web", "Email": "email"}},
}


def test_json_object_export_with_nested_records(tmp_path):
    files = {"dump.json": FIXTURES / "api_export_feedback.json"}
    rows = load(tmp_path, JSON_FEEDBACK, files, "feedback")
    assert [(r[0], r[1], str(r[2]), r[4], r[5], r[7]) for r in rows] == [
        ("501", "P1", "2024-01-10 08:30:00", 4, "Schnell und freundlich", "web"),
        ("502", "D1", "2024-01-11 08:00:00", 5, None, "email"),
    ]
    assert rules(tmp_path, "feedback") == [
        ("503", "score_out_of_range"),
        ("record 4", "malformed_record"),
    ]


def test_json_object_without_records_path_fails_the_file(tmp_path):
    data_dir = tmp_path / "data"
    (data_dir / "landing" / "widget").mkdir(parents=True)
    shutil.copy(FIXTURES / "api_export_feedback.json", data_dir / "landing" / "widget")
    source = {k: v for k, v in JSON_FEEDBACK.items() if k != "records_path"}
    write_sources(data_dir, [{"kind": "mapped_file", "entities": ["feedback"], **source}])
    (error,) = run_source(data_dir, "widget").errors
    assert "set `records_path:`" in error


STARS = {
    "name": "helpdesk",
    "timestamp_format": "%Y-%m-%d %H:%M",
    "timezone": "America/New_York",
    "columns": {
        "response_id": "Ticket",
        "customer_id": "Requester",
        "responded_at": "Rated at",
        "score": "Satisfaction",
        "comment": "Comment",
        "channel": "Source",
    },
    "constants": {"survey_type": "csat"},
    "value_maps": {
        "score": {
            "Very satisfied": 5,
            "Satisfied": 4,
            "Neutral": 3,
            "Dissatisfied": 2,
            "Very dissatisfied": 1,
        }
    },
}


def test_star_csat_labels(tmp_path):
    rows = load(tmp_path, STARS, {"csat.csv": FIXTURES / "stars_csat.csv"}, "feedback")
    assert [(r[0], str(r[2]), r[3], r[4]) for r in rows] == [
        ("T-1", "2024-02-01 15:15:00", "csat", 5),
        ("T-2", "2024-02-02 16:00:00", "csat", 4),
        ("T-3", "2024-02-03 17:30:00", "csat", 3),
        ("T-4", "2024-02-04 18:45:00", "csat", 2),
        ("T-5", "2024-02-05 19:00:00", "csat", 1),
    ]
    (bad,) = quarantined(tmp_path / "data", "feedback")
    assert (bad["source"], bad["source_record"], bad["rule"]) == (
        "helpdesk",
        "T-6",
        "unmapped_value",
    )
    assert "score: 'Extremely satisfied' is not in value_maps.score" in bad["detail"]


def test_score_scale_onto_the_contract_range(tmp_path):
    text = "id,who,when,kind,pct\n" + "".join(
        f"S{i},P1,2024-03-0{i}T10:00:00Z,{kind},{pct}\n"
        for i, (kind, pct) in enumerate(
            [("CSAT", 0), ("CSAT", 100), ("CSAT", 62.5), ("NPS", 73), ("NPS", 101)], start=1
        )
    )
    source = {
        "name": "pulse",
        "score_scale": "0-100",
        "columns": {
            "response_id": "id",
            "customer_id": "who",
            "responded_at": "when",
            "survey_type": "kind",
            "score": "pct",
        },
        "constants": {"channel": "in_app"},
        "value_maps": {"survey_type": {"csat": "csat", "nps": "nps"}},
    }
    rows = load(tmp_path, source, {"pulse.csv": text.encode()}, "feedback")
    assert [(r[0], r[3], r[4]) for r in rows] == [
        ("S1", "csat", 1),
        ("S2", "csat", 5),
        ("S3", "csat", 4),  # 1 + 62.5 * 4 / 100 = 3.5, rounded half up
        ("S4", "nps", 7),
    ]
    assert rules(tmp_path, "feedback") == [("S5", "score_out_of_scale")]


def test_xlsx_serial_dates_header_row_and_sheet(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Export"
    sheet.append(["CRM export"])
    sheet.append([])
    sheet.append(["Kunde", "Seit", "Stufe", "Kanal", "Land", "Segment"])
    sheet.append(["P1", 45108, "starter", "organic", "FI", "smb"])  # a serial: 2023-07-01
    sheet.append(["P2", "01.07.2023", "starter", "organic", "US", "smb"])  # text, date_format
    sheet.append([None, None, None])  # an empty row holds no record
    sheet.append(["P3", "2023-07-01", "starter", "organic", "US", "smb"])  # ISO: not the format
    path = tmp_path / "crm.xlsx"
    workbook.save(path)
    source = {
        "name": "excel_crm",
        "sheet": "Export",
        "header_row": 3,
        "date_format": "%d.%m.%Y",
        "columns": {
            "customer_id": "Kunde",
            "signup_date": "Seit",
            "plan_tier": "Stufe",
            "acquisition_channel": "Kanal",
            "country": "Land",
            "segment": "Segment",
        },
    }
    rows = load(tmp_path, source, {"crm.xlsx": path.read_bytes()}, "customers")
    assert [(r[0], str(r[1])) for r in rows] == [("P1", "2023-07-01"), ("P2", "2023-07-01")]
    assert rules(tmp_path, "customers") == [("P3", "invalid_date")]


def test_unreadable_files_fail_with_the_fix(tmp_path):
    data_dir = tmp_path / "data"
    folder = data_dir / "landing" / "excel_crm"
    folder.mkdir(parents=True)
    (folder / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    (folder / "broken.xlsx").write_bytes(b"not a zip")
    (folder / "semicolons.csv").write_bytes(b"Kunde;Seit\nP1;2023-07-01\n")
    columns = {"customer_id": "Kunde", "signup_date": "Seit", "plan_tier": "Seit"}
    constants = {"acquisition_channel": "organic", "country": "FI", "segment": "smb"}
    write_sources(
        data_dir,
        [
            {
                "name": "excel_crm",
                "kind": "mapped_file",
                "entities": ["customers"],
                "sheet": "Nope",
                "columns": columns,
                "constants": constants,
            }
        ],
    )
    errors = sorted(run_source(data_dir, "excel_crm").errors)
    assert "not a readable XLSX workbook" in errors[0]
    assert "save it as .xlsx" in errors[1]
    assert "set `delimiter:`" in errors[2]
