"""The salesforce_report kind: report CSV exports with their footer, 15-character ids, dates in
the user's locale; and the same customer ids as the salesforce API kind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cxlink.contract import ENTITY_ORDER
from cxlink.extract.ledger import read_source_ledger
from cxlink.sources.kinds.crm_common import salesforce_id18
from tests.known_account import landing_rows
from tests.sources.fake_salesforce import IDS15, TOKEN, known_accounts, known_report_csv, serve
from tests.sources.harness import (
    assert_same_contract_rows,
    connect,
    extract_all,
    quarantined,
    run_source,
    write_known_contract_files,
    write_sources,
)

FIXTURES = Path(__file__).parent / "fixtures" / "salesforce_report"
OTHERS = [e for e in ENTITY_ORDER if e != "customers"]
ENTRY = {"name": "sfdc_report", "kind": "salesforce_report", "entities": ["customers"]}
# (15-character id, 18-character id): Salesforce's REST API guide (first two), its
# CASESAFEID() examples and the codegolf.stackexchange.com test data (69127)
KNOWN_PAIRS = [
    ("001D000000IRFma", "001D000000IRFmaIAH"),
    ("001D000000Iomaz", "001D000000IomazIAB"),
    ("001A0000006Vm9r", "001A0000006Vm9rIAC"),
    ("a0D30000001n7Pi", "a0D30000001n7PiEAI"),
    ("a01M00000062mPg", "a01M00000062mPgIAI"),
    ("001M000000qfPyS", "001M000000qfPySIAU"),
    ("a0FE000000D6r3F", "a0FE000000D6r3FMAR"),
    ("0F9E000000092w2", "0F9E000000092w2KAA"),
    ("aaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaAAA"),
]


def setup(tmp_path, files: dict[str, str | Path], **options) -> Path:
    folder = tmp_path / "landing" / "sfdc_report"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if isinstance(content, Path):
            shutil.copy(content, folder / name)
        else:
            (folder / name).write_text(content, encoding="utf-8", newline="")
    write_sources(tmp_path, [{**ENTRY, **options}])
    write_known_contract_files(tmp_path, OTHERS)
    return folder


@pytest.mark.parametrize(("id15", "id18"), KNOWN_PAIRS)
def test_15_to_18_character_ids(id15, id18):
    assert salesforce_id18(id15) == id18
    assert salesforce_id18(id18) == id18 and salesforce_id18("P1") == "P1"


def test_known_account_report(tmp_path):
    setup(tmp_path, {"customers.csv": known_report_csv(landing_rows()["customers"])},
          customer_id_column="Account Number")  # fmt: skip
    report = run_source(tmp_path, "sfdc_report")
    extract_all(tmp_path)
    assert report.errors == [] and report.staged["customers"] == 7
    assert_same_contract_rows(tmp_path, ["customers"], tmp_path)
    con = connect(tmp_path, read_only=True)
    records = sorted(
        r[0] for r in con.execute("select _source_record from landing.customers").fetchall()
    )
    ledger = [r for r in read_source_ledger(con) if r.origin == "sfdc_report"]
    con.close()
    assert records == sorted(salesforce_id18(i) for i in IDS15)  # the API's 18-character ids
    assert [(r.rows_in, r.rows_raw, r.rows_quarantined) for r in ledger] == [(7, 7, 0)]
    assert run_source(tmp_path, "sfdc_report").count("unchanged") == 1


def test_report_and_api_give_the_same_customer_ids(tmp_path):
    customers = landing_rows()["customers"]
    report_dir, api_dir = tmp_path / "report", tmp_path / "api"
    setup(report_dir, {"customers.csv": known_report_csv(customers)})  # customer id: Account ID
    run_source(report_dir, "sfdc_report")
    server, _ = serve(known_accounts(customers))
    with server:
        write_sources(api_dir, [{"name": "sfdc", "kind": "salesforce", "entities": ["customers"],
                                 "base_url": server.url}])  # fmt: skip
        run_source(api_dir, "sfdc", env={"SALESFORCE_TOKEN": TOKEN})
    got = []
    for folder in (report_dir, api_dir):
        con = connect(folder, read_only=True)
        got.append(
            con.execute(
                "select customer_id, signup_date from landing.customers order by 1"
            ).fetchall()
        )
        con.close()
    assert got[0] == got[1] and all(len(r[0]) == 18 for r in got[0])


def test_fixture_report_footer_encoding_and_quarantine(tmp_path):
    setup(tmp_path, {"accounts.csv": FIXTURES / "accounts_report.csv"},
          customer_id_column="Account Number")  # fmt: skip
    report = run_source(tmp_path, "sfdc_report")
    extract_all(tmp_path)
    assert report.errors == [] and report.staged["customers"] == 5  # no footer line is a row
    con = connect(tmp_path, read_only=True)
    raw = con.execute(
        "select customer_id, signup_date::varchar, segment, plan_tier, acquisition_channel, "
        "country, name from raw.customers order by 1"
    ).fetchall()
    ledger = [r for r in read_source_ledger(con) if r.origin == "sfdc_report"]
    con.close()
    assert raw == [
        ("A-100", "2023-05-10", "mid_market", "starter", "partner_referral", "DE", 'Müller, "Kaffee" GmbH'),
        ("A-101", "2023-06-30", "smb", "enterprise", "web", "US", "Account A-101"),
    ]  # fmt: skip
    bad = [(q["source"], q["source_record"], q["rule"]) for q in quarantined(tmp_path, "customers")]
    assert bad == [
        ("sfdc_report", "0015g00000kq3eFAAQ", "unknown_country"),  # Atlantis
        ("sfdc_report", "0015g00000KQ4GHAA1", "invalid_date"),  # 31/12/2023 is not M/D/YYYY
        ("sfdc_report", "0015g00000kq5ijAAA", "malformed_row"),  # two values short
    ]
    assert [(r.rows_in, r.rows_raw, r.rows_quarantined) for r in ledger] == [(5, 2, 3)]


def test_renamed_column_fails_that_file_only(tmp_path):
    setup(
        tmp_path,
        {
            "renamed.csv": FIXTURES / "accounts_report_renamed.csv",
            "known.csv": known_report_csv(landing_rows()["customers"]),
        },
        customer_id_column="Account Number",
    )
    report = run_source(tmp_path, "sfdc_report")
    (error,) = report.errors
    assert "landing/sfdc_report/renamed.csv" in error and "'Created Date' not found" in error
    assert '"Date Created"' in error
    assert report.staged["customers"] == 7


def test_rows_after_the_footer_blank_line_fail_the_file(tmp_path):
    text = known_report_csv(landing_rows()["customers"]) + '"0015g00000Zz9Zz","x","Z9"\r\n'
    setup(tmp_path, {"odd.csv": text}, customer_id_column="Account Number")
    (error,) = run_source(tmp_path, "sfdc_report").errors
    assert "report footer" in error and "line 15" in error


def test_custom_date_format_and_value_maps(tmp_path):
    text = known_report_csv(landing_rows()["customers"])
    text = text.replace('"7/1/2023"', '"01.07.2023"').replace('"2/10/2024"', '"10.02.2024"')
    text = text.replace('"3/1/2024"', '"01.03.2024"').replace('"Paid Search"', '"Google Ads"')
    setup(tmp_path, {"de.csv": text}, customer_id_column="Account Number", date_format="%d.%m.%Y",
          channel_values={"Google Ads": "paid_search"})  # fmt: skip
    run_source(tmp_path, "sfdc_report")
    extract_all(tmp_path)
    assert_same_contract_rows(tmp_path, ["customers"], tmp_path)
