"""The hubspot kind against a local HubSpot CRM v3 companies API (cxlink/demo/vendor_api/hubspot.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from cxlink.contract import ENTITY_ORDER
from cxlink.demo.vendor_api.hubspot import TOKEN, serve
from cxlink.demo.vendors.hubspot import DEMO_OPTIONS, hubspot_companies
from cxlink.extract.ledger import read_source_ledger
from cxlink.sources import config as source_config
from cxlink.sources.kinds import hubspot
from cxlink.sources.kinds.hubspot_map import map_companies
from cxlink.sources.rows import SourceError
from tests.known_account import landing_rows
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

LIST = "/crm/v3/objects/companies"
SEARCH = "/crm/v3/objects/companies/search"
MODIFIED = "hs_lastmodifieddate"
ENV = {"HUBSPOT_TOKEN": TOKEN}
OTHERS = [e for e in ENTITY_ORDER if e != "customers"]

FIXTURES = Path(__file__).parent / "fixtures" / "hubspot"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def known_companies() -> list[dict]:
    return hubspot_companies(landing_rows()["customers"])


def setup(tmp_path, server, **options):
    entry = {"name": "crm", "kind": "hubspot", "entities": ["customers"], "base_url": server.url}
    write_sources(tmp_path, [{**entry, "customer_id_property": "account_id", **options}])
    write_known_contract_files(tmp_path, OTHERS)


def test_known_account_in_three_pages(tmp_path):
    server, _ = serve(known_companies())
    with server:
        setup(tmp_path, server, page_size=3)
        report = run_source(tmp_path, "crm", env=ENV)
        extract_all(tmp_path)
    assert report.pages["companies"] == 3 and report.fetched["companies"] == 7
    calls = server.calls(LIST)
    assert [c.arg("after") for c in calls] == [None, "3", "6"]
    assert {c.arg("limit") for c in calls} == {"3"}
    assert "account_id" in calls[0].arg("properties").split(",")
    assert_same_contract_rows(tmp_path, ["customers"], tmp_path)
    con = connect(tmp_path, read_only=True)
    ledger = [r for r in read_source_ledger(con) if r.origin == "crm"]
    con.close()
    assert [(r.rows_in, r.rows_raw, r.rows_quarantined) for r in ledger] == [(7, 7, 0)]


def test_wrong_token_is_a_clear_error(tmp_path):
    server, _ = serve(known_companies())
    with server:
        setup(tmp_path, server)
        with pytest.raises(SourceError, match=r"HTTP 401.*HUBSPOT_TOKEN"):
            run_source(tmp_path, "crm", env={"HUBSPOT_TOKEN": "pat-wrong"})


def test_rate_limit_and_transient_error_are_survived(tmp_path):
    server, _ = serve(known_companies())
    with server:
        setup(tmp_path, server, page_size=3)
        server.fail_next(LIST, 429, retry_after=1)
        server.fail_next(LIST, 500)
        report = run_source(tmp_path, "crm", env=ENV)
    assert report.fetched["companies"] == 7 and len(server.calls(LIST)) == 3
    assert len([r for r in server.requests if r.path == LIST]) == 5


def test_incremental_rerun_new_page_and_full_reload(tmp_path):
    companies = known_companies()
    server, fake = serve(companies)
    with server:
        setup(tmp_path, server, page_size=3)
        run_source(tmp_path, "crm", env=ENV)
        before = staged(tmp_path, "customers")
        newest = max(c["properties"]["hs_lastmodifieddate"] for c in companies)

        report = run_source(tmp_path, "crm", env=ENV)  # nothing changed
        assert report.fetched["companies"] == 0 and len(server.calls(LIST)) == 3
        (search,) = server.calls(SEARCH)
        (flt,) = search.json()["filterGroups"][0]["filters"]
        assert flt["operator"] == "GT" and int(flt["value"]) == hubspot._ms(newest)
        assert staged(tmp_path, "customers") == before

        changed = copy.deepcopy(companies[0])  # P1 moves to growth; a new company Q1
        changed["properties"].update(
            plan_tier="growth", hs_lastmodifieddate="2025-01-10T08:00:00.000Z"
        )
        new = copy.deepcopy(companies[1])
        new["id"] = new["properties"]["hs_object_id"] = "18000000099"
        new["properties"].update(account_id="Q1", hs_lastmodifieddate="2025-01-11T08:00:00.000Z")
        fake.put(changed)
        fake.put(new)
        report = run_source(tmp_path, "crm", env=ENV)
        assert report.pages["companies"] == 1 and report.fetched["companies"] == 2
        assert len(server.calls(SEARCH)) == 2
        rows = {r[0]: r for r in staged(tmp_path, "customers")}
        assert rows["P1"][3] == "growth" and "Q1" in rows and len(rows) == 8

        report = run_source(tmp_path, "crm", env=ENV, full_reload=True)
        assert report.fetched["companies"] == 8 and len(server.calls(LIST)) == 6
        assert {r[0]: r for r in staged(tmp_path, "customers")} == rows


def test_search_restarts_before_the_10000_result_window(tmp_path, monkeypatch):
    companies = known_companies()
    server, _ = serve(companies, window=4)
    monkeypatch.setattr(hubspot, "SEARCH_WINDOW", 4)
    with server:
        setup(tmp_path, server, page_size=2)
        run_source(tmp_path, "crm", env=ENV)
        con = connect(tmp_path)
        con.execute("update landing.source_cursors set cursor = '2023-01-01T00:00:00.000Z'")
        con.close()
        report = run_source(tmp_path, "crm", env=ENV)
    assert report.fetched["companies"] >= 7
    operators = [
        c.json()["filterGroups"][0]["filters"][0]["operator"] for c in server.calls(SEARCH)
    ]
    assert operators[0] == "GT" and "GTE" in operators
    assert all((c.json().get("after") or "0") in ("0", "2") for c in server.calls(SEARCH))


def test_fixture_companies_map_and_quarantine(tmp_path):
    data = fixture("companies.json")
    server, _ = serve(data["companies"])
    with server:
        entry = {
            "name": "crm",
            "kind": "hubspot",
            "entities": ["customers"],
            "base_url": server.url,
        }
        write_sources(tmp_path, [entry])
        write_known_contract_files(tmp_path, OTHERS)
        run_source(tmp_path, "crm", env=ENV)
        extract_all(tmp_path)
    con = connect(tmp_path, read_only=True)
    raw = {
        r[0]: r[1:]
        for r in con.execute(
            "select customer_id, signup_date::varchar, plan_tier, acquisition_channel, country "
            "from raw.customers"
        ).fetchall()
    }
    ledger = [r for r in read_source_ledger(con) if r.origin == "crm"]
    con.close()
    assert raw["101"] == ("2023-07-01", "growth", "organic", "DE")
    assert raw["102"] == ("2023-07-01", "starter", "paid_social", "DE")  # epoch-ms createdate
    assert raw["105"] == ("2023-10-01", "pay_as_you_go", "referral", "GB")
    assert raw["107"] == ("2024-02-29", "starter", "partner_program", "FR")
    bad = {(q["source"], q["source_record"], q["rule"]) for q in quarantined(tmp_path, "customers")}
    assert bad == {
        ("crm", "103", "unknown_country"),
        ("crm", "104", "required_missing"),
        ("crm", "106", "invalid_date"),
    }
    assert [(r.rows_in, r.rows_raw, r.rows_quarantined) for r in ledger] == [(7, 4, 3)]


def test_archived_and_malformed_companies_are_quarantined_by_rule(tmp_path):
    path = write_sources(tmp_path, [{"name": "crm", "kind": "hubspot", "entities": ["customers"]}])
    source = source_config.load_sources(path).by_name("crm")
    archived = fixture("companies.json")["archived"]
    rows = map_companies(source, {"companies": [*archived, {"id": "109", "properties": None}]})
    assert [(r.record_id, r.rule) for r in rows] == [
        ("108", "archived_company"),
        ("109", "malformed_company"),
    ]
    assert rows[0].values["country"] == "ES" and "108" in rows[0].detail


def test_malformed_page_fails_the_source(tmp_path):
    server, _ = serve([])
    with server:
        server.route("GET", LIST, lambda req: (200, fixture("malformed_page.json")))
        setup(tmp_path, server)
        with pytest.raises(SourceError, match="malformed page, expected `results`"):
            run_source(tmp_path, "crm", env=ENV)


def test_demo_encoder_round_trips_every_column(tmp_path):
    rows = [
        {
            "customer_id": f"C{i}",
            "signup_date": "2024-03-0" + str(i + 1),
            "segment": segment,
            "plan_tier": "pro",
            "acquisition_channel": channel,
            "country": country,
            "persona": persona,
            "email": f"user{i}@example.com",
            "name": f"Name {i}",
        }
        for i, (segment, channel, country, persona) in enumerate(
            [
                ("smb", "paid_search", "US", "founder"),
                ("mid_market", "paid_social", "GB", "it_admin"),
                ("enterprise", "outbound_sales", "KR", None),
                ("smb", "partner", "DE", "ops_manager"),
                ("smb", "referral", "FI", "finance_lead"),
                ("smb", "organic", "BR", None),
            ]
        )
    ]
    entry = {"name": "crm", "kind": "hubspot", "entities": ["customers"], **DEMO_OPTIONS}
    source = source_config.load_sources(write_sources(tmp_path, [entry])).by_name("crm")
    mapped = map_companies(source, {"companies": hubspot_companies(rows)})
    assert [r.values for r in mapped] == rows
    assert all(
        isinstance(v, str | None) for c in hubspot_companies(rows) for v in c["properties"].values()
    )


def test_interrupted_search_resumes_after_the_last_stored_page(tmp_path):
    companies = known_companies()
    for company in companies[2:4]:  # two companies changed in the same millisecond
        company["properties"]["hs_lastmodifieddate"] = "2023-07-04T12:00:00.000Z"
    server, fake = serve(companies)
    calls = []

    def flaky(req):
        calls.append(req)
        return (401, {"status": "error"}) if len(calls) == 2 else fake.search(req)

    with server:
        setup(tmp_path, server, page_size=3)
        run_source(tmp_path, "crm", env=ENV)
        con = connect(tmp_path)
        con.execute("update landing.source_cursors set cursor = '2023-01-01T00:00:00.000Z'")
        con.close()
        server.route("POST", SEARCH, flaky)
        with pytest.raises(SourceError, match="HTTP 401"):
            run_source(tmp_path, "crm", env=ENV)
        report = run_source(tmp_path, "crm", env=ENV)
    first_page = sorted(companies, key=lambda c: c["properties"]["hs_lastmodifieddate"])[:3]
    assert first_page[-1]["properties"]["hs_lastmodifieddate"] == "2023-07-04T12:00:00.000Z"
    resumed = calls[2].json()["filterGroups"][0]["filters"][0]
    older = first_page[1]["properties"]["hs_lastmodifieddate"]  # not the split millisecond
    assert resumed == {"propertyName": MODIFIED, "operator": "GT", "value": str(hubspot._ms(older))}
    assert report.fetched["companies"] == 5
