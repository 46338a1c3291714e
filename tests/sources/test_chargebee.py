"""The chargebee kind against a local Chargebee API v2: known answer (customers, subscriptions,
invoices), pages, auth, faults, incremental reruns, full reload and bad input."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from cxlink.demo.vendor_api.server import VendorServer, basic
from cxlink.extract.ledger import read_source_ledger
from cxlink.sources.rows import SourceError
from tests.sources.harness import (
    assert_same_contract_rows,
    connect,
    extract_all,
    quarantined,
    run_source,
    write_known_contract_files,
    write_sources,
)

FIXTURES = Path(__file__).parent / "fixtures" / "chargebee"
KEY = "test_cb_key_1"
ENV = {"CHARGEBEE_API_KEY": KEY}
RESOURCES = {
    "customers": "customer",
    "subscriptions": "subscription",
    "invoices": "invoice",
    "credit_notes": "credit_note",
}
FED = ["customers", "subscriptions", "invoices"]
OTHERS = ["feedback", "marketing_spend", "service_costs", "fx_rates"]


def known() -> dict[str, list[dict]]:
    return {r: json.loads((FIXTURES / f"known_{r}.json").read_text()) for r in RESOURCES}


def serve(server: VendorServer, data: dict[str, list[dict]]) -> None:
    """``/api/v2/<resource>`` as Chargebee answers it: ``updated_at[after]`` (exclusive),
    ``sort_by[asc]=updated_at``, ``limit`` <= 100 and an opaque ``next_offset``."""
    customers = {c["id"]: c for c in data["customers"]}

    def handler_for(resource: str):
        key = RESOURCES[resource]

        def handler(req):
            limit = min(int(req.arg("limit", "10")), 100)
            after = int(req.arg("updated_at[after]", "-1"))
            rows = [o for o in data[resource] if o["updated_at"] > after]
            if req.arg("sort_by[asc]") == "updated_at":
                rows.sort(key=lambda o: (o["updated_at"], o["id"]))
            start = int(json.loads(req.arg("offset", '["0", "0"]'))[1])
            entries = []
            for obj in rows[start : start + limit]:
                entry = {key: copy.deepcopy(obj)}
                if resource == "subscriptions" and obj["customer_id"] in customers:
                    entry["customer"] = copy.deepcopy(customers[obj["customer_id"]])
                entries.append(entry)
            body = {"list": entries}
            if start + limit < len(rows):
                body["next_offset"] = json.dumps(
                    [str(rows[start + limit - 1]["updated_at"]), str(start + limit)]
                )
            return 200, body

        return handler

    for resource in RESOURCES:
        server.route("GET", f"/api/v2/{resource}", handler_for(resource))


def setup(tmp_path: Path, server: VendorServer, **options) -> Path:
    data_dir = tmp_path / "data"
    entry = {"name": "chargebee", "kind": "chargebee", "entities": FED, "base_url": server.url}
    write_sources(data_dir, [{**entry, "limit": 40, **options}])
    write_known_contract_files(data_dir, OTHERS)
    return data_dir


def landing(data_dir: Path) -> dict[str, list[tuple]]:
    con = connect(data_dir, read_only=True)
    try:
        return {e: con.execute(f"select * from landing.{e} order by all").fetchall() for e in FED}
    finally:
        con.close()


def ledger(data_dir: Path) -> dict[str, tuple]:
    con = connect(data_dir, read_only=True)
    try:
        rows = [r for r in read_source_ledger(con) if r.origin == "chargebee"]
        return {r.entity: (r.rows_in, r.rows_raw, r.rows_quarantined) for r in rows}
    finally:
        con.close()


def test_known_account_through_chargebee(tmp_path):
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, known())
        data_dir = setup(tmp_path, server)
        report = run_source(data_dir, "chargebee", env=ENV)
        assert report.fetched == {
            "customers": 7,
            "subscriptions": 6,
            "invoices": 95,
            "credit_notes": 2,
        }
        assert report.pages["invoices"] == 3  # 40 + 40 + 15
        calls = server.calls("/api/v2/invoices")
        assert calls[0].arg("sort_by[asc]") == "updated_at" and "offset" not in calls[0].query
        assert all(c.arg("limit") == "40" for c in calls)
    extract_all(data_dir)
    assert_same_contract_rows(data_dir, FED, tmp_path)
    assert ledger(data_dir) == {
        "customers": (7, 7, 0),
        "subscriptions": (7, 7, 0),
        "invoices": (97, 97, 0),
    }


def test_wrong_key_and_missing_site(tmp_path):
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, known())
        data_dir = setup(tmp_path, server)
        with pytest.raises(SourceError, match=r"HTTP 401.*CHARGEBEE_API_KEY"):
            run_source(data_dir, "chargebee", env={"CHARGEBEE_API_KEY": "revoked"})
    data_dir = tmp_path / "nosite"
    write_sources(data_dir, [{"name": "chargebee", "kind": "chargebee", "entities": FED}])
    with pytest.raises(ValueError, match="option site is required"):
        run_source(data_dir, "chargebee", env=ENV)


def test_rate_limit_and_transient_error_are_survived(tmp_path):
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, known())
        server.fail_next("/api/v2/subscriptions", 429, retry_after=1)
        server.fail_next("/api/v2/invoices", 500)
        data_dir = setup(tmp_path, server)
        report = run_source(data_dir, "chargebee", env=ENV)
        assert report.fetched["subscriptions"] == 6 and report.fetched["invoices"] == 95


def test_rerun_fetches_nothing_new_and_a_new_page_loads_alone(tmp_path):
    data = known()
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, data)
        data_dir = setup(tmp_path, server)
        run_source(data_dir, "chargebee", env=ENV)
        before = landing(data_dir)
        latest = max(i["updated_at"] for i in data["invoices"])

        server.requests.clear()
        again = run_source(data_dir, "chargebee", env=ENV)
        assert set(again.fetched.values()) == {0}
        assert [c.arg("updated_at[after]") for c in server.calls("/api/v2/invoices")] == [
            str(latest - 1)
        ]
        assert landing(data_dir) == before

        # February 2025: one more renewal invoice for each of the four ongoing EUR subscriptions
        new = []
        for inv in [
            i for i in data["invoices"] if i["date"] == 1735700400 and i["currency_code"] == "EUR"
        ]:
            nxt = copy.deepcopy(inv)
            nxt["id"], nxt["date"], nxt["updated_at"] = (
                inv["id"] + "-feb",
                inv["date"] + 31 * 86400,
                latest + 100,
            )
            nxt["line_items"][0].update(
                id="li_" + nxt["id"], date_from=nxt["date"], date_to=nxt["date"] + 28 * 86400
            )
            new.append(nxt)
        data["invoices"].extend(new)
        server.requests.clear()
        third = run_source(data_dir, "chargebee", env=ENV)
        assert third.fetched == {
            "customers": 0,
            "subscriptions": 0,
            "invoices": len(new),
            "credit_notes": 0,
        }
        assert third.pages["invoices"] == 1
        assert len(landing(data_dir)["invoices"]) == 97 + len(new)
        assert landing(data_dir)["subscriptions"] == before["subscriptions"]

        full = run_source(data_dir, "chargebee", env=ENV, full_reload=True)
        assert full.fetched["invoices"] == 95 + len(new) and full.dropped_unseen == 0


def test_malformed_page_fails_the_source(tmp_path):
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, known())
        server.route("GET", "/api/v2/customers", lambda req: (200, {"list": [{"card": {}}]}))
        data_dir = setup(tmp_path, server)
        with pytest.raises(SourceError, match="malformed page, entry 1 has no `customer`"):
            run_source(data_dir, "chargebee", env=ENV)


def test_awkward_account(tmp_path):
    """A yearly JPY plan, a mid-term upgrade with proration and an adjustment credit note, an
    addon, a trial, an unknown status, voided and pending documents."""
    data = known()
    for resource, objects in json.loads((FIXTURES / "awkward.json").read_text()).items():
        data[resource] += objects
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, data)
        data_dir = setup(tmp_path, server)
        run_source(data_dir, "chargebee", env=ENV)
    extract_all(data_dir)
    con = connect(data_dir, read_only=True)
    subs = con.execute(
        "select subscription_id, plan_tier, period_start::text, period_end::text, mrr::text, "
        "currency from raw.subscriptions where customer_id like 'X%' order by all"
    ).fetchall()
    lines = con.execute(
        "select invoice_id, amount::text, line_type from raw.invoices "
        "where customer_id like 'X%' order by all"
    ).fetchall()
    customers = con.execute(
        "select customer_id, segment, plan_tier, acquisition_channel, country from raw.customers "
        "where customer_id like 'X%' order by all"
    ).fetchall()
    con.close()
    assert subs == [
        ("SX1", "pro", "2024-04-01", None, "10000.0000", "JPY"),
        ("SX2", "growth", "2024-03-15", "2024-05-01", "80.0000", "EUR"),
        ("SX2", "growth", "2024-05-01", None, "90.0000", "EUR"),
        ("SX2", "starter", "2024-01-01", "2024-03-15", "50.0000", "EUR"),
    ]
    assert lines == [
        ("X-1001/li_x1001", "120000.0000", "new"),
        ("X-1002/li_x1002", "50.0000", "new"),
        ("X-1003/li_x1003", "50.0000", "renewal"),
        ("X-1004/li_x1004", "50.0000", "renewal"),
        ("X-1005/li_x1005", "43.8700", "upsell"),
        ("X-1006/li_x1006", "80.0000", "renewal"),
        ("X-1007/li_x1007a", "80.0000", "upsell"),
        ("X-1007/li_x1007b", "10.0000", "cross_sell"),
        ("XCN-1/li_xcn1", "-27.4200", "refund"),
    ]
    assert customers == [
        ("X1", "unknown", "pro", "unknown", "JP"),
        ("X2", "mid_market", "growth", "partner", "SE"),
        ("X3", "unknown", "none", "unknown", "NO"),
    ]
    got = {
        (e, q["source"], q["source_record"], q["rule"])
        for e in FED
        for q in quarantined(data_dir, e)
    }
    assert got == {
        ("subscriptions", "chargebee", "SX3", "no_paid_terms"),
        ("subscriptions", "chargebee", "SX4", "unknown_status"),
        ("invoices", "chargebee", "X-1008", "voided_invoice"),
        ("invoices", "chargebee", "X-1009", "pending_invoice"),
        ("invoices", "chargebee", "XCN-2", "voided_credit_note"),
    }
    assert all(rows_in == raw + refused for rows_in, raw, refused in ledger(data_dir).values())
    assert ledger(data_dir)["invoices"][2] == 3


def test_customer_id_from_a_custom_field(tmp_path):
    data = known()
    for customer in data["customers"]:
        customer["cf_crm_id"], customer["id"] = customer["id"], "cb_" + customer["id"].lower()
    for resource in ("subscriptions", "invoices", "credit_notes"):
        for obj in data[resource]:
            obj["customer_id"] = "cb_" + obj["customer_id"].lower()
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, data)
        data_dir = setup(tmp_path, server, customer_id_from="cf_crm_id")
        run_source(data_dir, "chargebee", env=ENV)
    extract_all(data_dir)
    assert_same_contract_rows(data_dir, FED, tmp_path)


def test_billing_only_with_customers_from_contract_files(tmp_path):
    with VendorServer(auth=basic(KEY)) as server:
        serve(server, known())
        data_dir = tmp_path / "data"
        entry = {"name": "chargebee", "kind": "chargebee", "base_url": server.url}
        write_sources(data_dir, [{**entry, "entities": ["subscriptions", "invoices"]}])
        write_known_contract_files(data_dir, ["customers", *OTHERS])
        run_source(data_dir, "chargebee", env=ENV)
    extract_all(data_dir)
    assert_same_contract_rows(data_dir, FED, tmp_path)
    assert set(ledger(data_dir)) == {"subscriptions", "invoices"}
