"""The salesforce kind against a local Salesforce REST query API (tests/sources/fake_salesforce.py)."""

from __future__ import annotations

import copy
import json

import pytest

from cxlink.contract import ENTITY_ORDER
from cxlink.extract.ledger import read_source_ledger
from cxlink.sources.kinds import salesforce
from cxlink.sources.rows import SourceError
from tests.known_account import landing_rows
from tests.sources.fake_salesforce import QUERY, TOKEN, known_accounts, serve
from tests.sources.harness import (
    assert_same_contract_rows,
    connect,
    extract_all,
    quarantined,
    run_source,
    staged,
    write_known_contract_files,
    write_sources,
)

FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "salesforce"
ENV = {"SALESFORCE_TOKEN": TOKEN}
OTHERS = [e for e in ENTITY_ORDER if e != "customers"]


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def setup(tmp_path, server, **options):
    entry = {
        "name": "sfdc",
        "kind": "salesforce",
        "entities": ["customers"],
        "base_url": server.url,
    }
    write_sources(tmp_path, [{**entry, **options}])
    write_known_contract_files(tmp_path, OTHERS)


def queries(server) -> list[str]:
    return [r.arg("q") for r in server.calls(QUERY)]


def test_known_account_in_three_pages(tmp_path):
    server, _ = serve(known_accounts(landing_rows()["customers"]), batch_size=3)
    with server:
        setup(tmp_path, server, customer_id_field="AccountNumber")
        report = run_source(tmp_path, "sfdc", env=ENV)
        extract_all(tmp_path)
    assert report.pages["records"] == 3 and report.fetched["records"] == 7
    (q,) = queries(server)
    assert q == (
        "SELECT Id, AccountNumber, CreatedDate, Segment__c, Plan_Tier__c, AccountSource, "
        "BillingCountry, Name, SystemModstamp FROM Account ORDER BY SystemModstamp, Id"
    )
    pages = [r.path for r in server.requests]
    assert pages[1:] == [f"{QUERY}/01gD0000002HU01IAW-3", f"{QUERY}/01gD0000002HU01IAW-6"]
    assert_same_contract_rows(tmp_path, ["customers"], tmp_path)
    con = connect(tmp_path, read_only=True)
    ledger = [r for r in read_source_ledger(con) if r.origin == "sfdc"]
    ids = [r[0] for r in con.execute("select _source_record from landing.customers").fetchall()]
    con.close()
    assert [(r.rows_in, r.rows_raw, r.rows_quarantined) for r in ledger] == [(7, 7, 0)]
    assert all(len(i) == 18 for i in ids)


def test_wrong_token_is_a_clear_error(tmp_path):
    server, _ = serve(known_accounts(landing_rows()["customers"]))
    with server:
        setup(tmp_path, server)
        with pytest.raises(SourceError, match=r"HTTP 401.*SALESFORCE_TOKEN"):
            run_source(tmp_path, "sfdc", env={"SALESFORCE_TOKEN": "expired"})


def test_rate_limit_and_transient_error_are_survived(tmp_path):
    server, _ = serve(known_accounts(landing_rows()["customers"]), batch_size=3)
    with server:
        setup(tmp_path, server, customer_id_field="AccountNumber")
        server.fail_next(QUERY, 429, retry_after=1)
        server.fail_next(QUERY, 500)
        report = run_source(tmp_path, "sfdc", env=ENV)
    assert report.fetched["records"] == 7
    assert len([r for r in server.requests if r.path == QUERY]) == 3


def test_incremental_rerun_new_page_and_full_reload(tmp_path):
    accounts = known_accounts(landing_rows()["customers"])
    server, fake = serve(accounts, batch_size=3)
    with server:
        setup(tmp_path, server, customer_id_field="AccountNumber")
        run_source(tmp_path, "sfdc", env=ENV)
        before = staged(tmp_path, "customers")

        report = run_source(tmp_path, "sfdc", env=ENV)  # nothing changed
        assert report.fetched["records"] == 0
        assert "WHERE SystemModstamp > 2024-01-07T10:00:00Z ORDER BY" in queries(server)[-1]
        assert staged(tmp_path, "customers") == before

        changed = copy.deepcopy(accounts[0])  # P1 moves to Growth; a new account Q1
        changed.update(Plan_Tier__c="Growth", SystemModstamp="2025-01-10T08:00:00.000+0000")
        new = copy.deepcopy(accounts[1])
        new.update(
            Id="0015g00000Zz0QqAAA",
            AccountNumber="Q1",
            SystemModstamp="2025-01-11T08:00:00.000+0000",
        )
        fake.put(changed)
        fake.put(new)
        report = run_source(tmp_path, "sfdc", env=ENV)
        assert report.pages["records"] == 1 and report.fetched["records"] == 2
        rows = {r[0]: r for r in staged(tmp_path, "customers")}
        assert rows["P1"][3] == "growth" and "Q1" in rows and len(rows) == 8

        report = run_source(tmp_path, "sfdc", env=ENV, full_reload=True)
        assert report.fetched["records"] == 8 and "WHERE" not in queries(server)[-1]
        assert {r[0]: r for r in staged(tmp_path, "customers")} == rows


def test_resume_point_repeats_a_split_second():
    page = [
        {"SystemModstamp": s}
        for s in ("2024-01-01T10:00:00.000+0000", "2024-01-02T10:00:00.000+0000")
    ]
    tie = [*page, {"SystemModstamp": "2024-01-02T10:00:00.000+0000"}]
    assert salesforce._resume_point(page, done=True) == "2024-01-02T10:00:00Z"
    assert salesforce._resume_point(tie, done=False) == "2024-01-01T10:00:00Z"
    assert salesforce._resume_point(tie[1:], done=False) is None  # keeps the stored cursor
    assert salesforce.soql_datetime("2024-01-02T10:00:00.000-0200") == "2024-01-02T12:00:00Z"


def test_fixture_accounts_map_and_quarantine(tmp_path):
    server, _ = serve(fixture("accounts.json")["records"], batch_size=2)
    with server:
        setup(tmp_path, server, customer_id_field="AccountNumber")
        run_source(tmp_path, "sfdc", env=ENV)
        extract_all(tmp_path)
    con = connect(tmp_path, read_only=True)
    raw = {
        r[0]: r[1:]
        for r in con.execute(
            "select customer_id, signup_date::varchar, segment, plan_tier, acquisition_channel, "
            "country, name from raw.customers"
        ).fetchall()
    }
    ledger = [r for r in read_source_ledger(con) if r.origin == "sfdc"]
    con.close()
    assert raw == {
        "A-100": (
            "2023-05-10",
            "mid_market",
            "starter",
            "partner_referral",
            "DE",
            "Müller Kaffee GmbH",
        ),
        "A-101": ("2023-06-30", "smb", "enterprise", "web", "US", "Account A-101"),
        "A-104": ("2023-09-01", "smb", "pay_as_you_go", "phone_inquiry", "FR", "Account A-104"),
    }
    bad = {(q["source"], q["source_record"], q["rule"]) for q in quarantined(tmp_path, "customers")}
    assert bad == {
        ("sfdc", "0015g00000kq3eFAAQ", "unknown_country"),  # "Deutschland"
        ("sfdc", "0015g00000KQ4GHAA1", "required_missing"),  # no AccountSource
    }
    assert [(r.rows_in, r.rows_raw, r.rows_quarantined) for r in ledger] == [(5, 3, 2)]


def test_documented_query_page_envelope():
    page = fixture("query_page.json")
    objects = salesforce._objects("sfdc", "GET /query", page)
    assert [len(i) for i, _ in objects] == [18, 18] and page["nextRecordsUrl"].endswith("-2")


def test_unknown_field_and_malformed_page_fail_the_source(tmp_path):
    server, _ = serve(known_accounts(landing_rows()["customers"]))
    with server:
        setup(tmp_path, server, segment_field="Market_Segment__c")
        with pytest.raises(SourceError, match="No such column 'Market_Segment__c'"):
            run_source(tmp_path, "sfdc", env=ENV)
        server.route("GET", QUERY, lambda req: (200, {"totalSize": 1, "records": []}))
        setup(tmp_path, server)
        with pytest.raises(SourceError, match="malformed page, expected `done`"):
            run_source(tmp_path, "sfdc", env=ENV)


def test_interrupted_first_load_resumes_after_the_last_stored_page(tmp_path):
    accounts = known_accounts(landing_rows()["customers"])
    for account in accounts[2:4]:  # page 1 ends inside a second two accounts share
        account["SystemModstamp"] = "2024-01-03T12:00:00.000+0000"
    server, _ = serve(accounts, batch_size=3)
    with server:
        setup(tmp_path, server, customer_id_field="AccountNumber")
        server.fail_next(f"{QUERY}/01gD0000002HU01IAW-3", 401)
        with pytest.raises(SourceError, match="HTTP 401"):
            run_source(tmp_path, "sfdc", env=ENV)
        report = run_source(tmp_path, "sfdc", env=ENV)
        extract_all(tmp_path)
    assert "WHERE SystemModstamp > 2024-01-02T10:00:00Z ORDER BY" in queries(server)[-1]
    assert report.fetched["records"] == 5  # the split second's two accounts and the three after
    assert_same_contract_rows(tmp_path, ["customers"], tmp_path)
