"""The stripe kind against a local Stripe list/events API: the known account, pagination, auth,
429 / 500, incremental runs (created[gt] + events), full reload, lines paging, bad input."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cxlink.demo.vendor_api.stripe import KEY, FakeStripe
from cxlink.demo.vendors.stripe import stripe_objects
from cxlink.extract.ledger import read_source_ledger
from cxlink.sources.rows import SourceError
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

FIXTURES = Path(__file__).parent / "fixtures" / "stripe"
ENV = {"STRIPE_API_KEY": KEY}


@pytest.fixture
def stripe():
    server, fake = FakeStripe.serving(stripe_objects(landing_rows()))
    yield server, fake
    server.__exit__(None, None, None)


def setup(tmp_path: Path, server, entities=("subscriptions", "invoices"), **options) -> Path:
    data_dir = tmp_path / "data"
    entry = {"name": "stripe", "kind": "stripe", "entities": list(entities)}
    entry |= {"base_url": server.url, "page_size": 10, "customer_id_from": "metadata.account_id"}
    write_sources(data_dir, [entry | options])
    others = [
        e for e in ("customers", "subscriptions", "invoices", "feedback") if e not in entities
    ]
    write_known_contract_files(data_dir, others)
    return data_dir


def landing(data_dir: Path, entity: str) -> list[tuple]:
    con = connect(data_dir, read_only=True)
    try:
        return con.execute(
            f"select * exclude (_source_original) from landing.{entity} order by all"
        ).fetchall()
    finally:
        con.close()


def served(server, path: str, since: int = 0) -> list:
    return [r for r in server.requests[since:] if r.path == path and getattr(r, "served", False)]


def test_known_account_through_stripe(tmp_path, stripe):
    server, _ = stripe
    data_dir = setup(tmp_path, server)
    report = run_source(data_dir, "stripe", env=ENV)
    assert report.fetched["invoices"] == 95 and report.fetched["credit_notes"] == 2
    assert len(served(server, "/v1/invoices")) == 10  # 95 invoices, 10 a page
    assert all(r.arg("status") == "all" for r in server.calls("/v1/subscriptions"))
    assert all(r.arg("starting_after") for r in server.calls("/v1/invoices")[1:])
    extract_all(data_dir)
    assert_same_contract_rows(data_dir, ["subscriptions", "invoices"], tmp_path)


def test_known_account_customers_too(tmp_path, stripe):
    server, _ = stripe
    data_dir = setup(tmp_path, server, entities=("customers", "subscriptions", "invoices"))
    run_source(data_dir, "stripe", env=ENV)
    extract_all(data_dir)
    assert_same_contract_rows(data_dir, ["customers", "subscriptions", "invoices"], tmp_path)


def test_wrong_key_is_a_clear_error(tmp_path, stripe):
    server, _ = stripe
    data_dir = setup(tmp_path, server)
    with pytest.raises(SourceError, match=r"stripe.*HTTP 401.*STRIPE_API_KEY"):
        run_source(data_dir, "stripe", env={"STRIPE_API_KEY": "sk_test_wrong"})


def test_rate_limit_and_transient_error_are_survived(tmp_path, stripe):
    server, _ = stripe
    data_dir = setup(tmp_path, server)
    server.fail_next("/v1/invoices", 429, retry_after=1)
    server.fail_next("/v1/customers", 500)
    report = run_source(data_dir, "stripe", env=ENV)
    assert report.fetched["invoices"] == 95
    statuses = [r.path for r in server.requests if not getattr(r, "served", False)]
    assert statuses.count("/v1/invoices") == 1 and statuses.count("/v1/customers") == 1


def test_rerun_fetches_nothing_new_and_a_new_page_loads_only_that_page(tmp_path, stripe):
    server, fake = stripe
    data_dir = setup(tmp_path, server)
    run_source(data_dir, "stripe", env=ENV)
    extract_all(data_dir)
    before = {e: landing(data_dir, e) for e in ("subscriptions", "invoices")}
    mark = len(server.requests)
    report = run_source(data_dir, "stripe", env=ENV)
    assert sum(report.fetched.values()) == 0
    assert all(r.arg("created[gt]") for r in served(server, "/v1/invoices", mark))
    assert all(r.arg("ending_before") for r in served(server, "/v1/events", mark))
    assert {e: landing(data_dir, e) for e in before} == before

    # one new page: three February invoices of P1's subscription (a renewal each)
    newest = max(fake.objects["invoices"].values(), key=lambda i: i["created"])
    for k in range(3):
        invoice = copy.deepcopy(newest)
        invoice["id"], invoice["created"] = f"in_new{k}", newest["created"] + 10 + k
        invoice["lines"]["data"][0]["id"] = f"il_new{k}"
        fake.put("invoices", invoice)
    mark = len(server.requests)
    report = run_source(data_dir, "stripe", env=ENV)
    assert report.fetched["invoices"] == 3 + 3  # listed as new, then their invoice.created events
    assert len(served(server, "/v1/invoices", mark)) == 1
    assert len(landing(data_dir, "invoices")) == len(before["invoices"]) + 3


def test_a_change_comes_from_the_events_api(tmp_path, stripe):
    server, fake = stripe
    data_dir = setup(tmp_path, server)
    run_source(data_dir, "stripe", env=ENV)
    subscription = next(s for s in fake.objects["subscriptions"].values() if not s["ended_at"])
    cancelled = subscription | {
        "status": "canceled",
        "ended_at": subscription["current_period_end"],
    }
    fake.put("subscriptions", cancelled, event="deleted", created=subscription["created"] + 10**8)
    report = run_source(data_dir, "stripe", env=ENV)
    assert report.fetched["subscriptions"] == 1
    extract_all(data_dir)
    con = connect(data_dir, read_only=True)
    try:
        ends = con.execute(
            "select period_end from raw.subscriptions where subscription_id = ? order by 1",
            [subscription["id"]],
        ).fetchall()
    finally:
        con.close()
    assert ends == [(datetime.fromtimestamp(subscription["current_period_end"], UTC).date(),)]


def test_events_without_an_anchor_are_all_new(tmp_path):
    server, fake = FakeStripe.serving(stripe_objects(landing_rows()), initial_events=False)
    try:
        data_dir = setup(tmp_path, server)
        run_source(data_dir, "stripe", env=ENV)  # no event yet: nothing to anchor on
        subscription = next(s for s in fake.objects["subscriptions"].values() if not s["ended_at"])
        ended = subscription | {
            "status": "canceled",
            "ended_at": subscription["current_period_end"],
        }
        fake.put("subscriptions", ended, event="deleted", created=subscription["created"] + 10**8)
        mark = len(server.requests)
        assert run_source(data_dir, "stripe", env=ENV).fetched["subscriptions"] == 1
        events = [
            r
            for r in served(server, "/v1/events", mark)
            if r.arg("type") == "customer.subscription.*"
        ]
        assert [r.arg("ending_before") for r in events] == [None]
        mark = len(server.requests)
        assert run_source(data_dir, "stripe", env=ENV).fetched["subscriptions"] == 0
        events = [
            r
            for r in served(server, "/v1/events", mark)
            if r.arg("type") == "customer.subscription.*"
        ]
        assert [r.arg("ending_before") for r in events] == [fake.events[-1]["id"]]
    finally:
        server.__exit__(None, None, None)


def test_full_reload_lists_everything_again(tmp_path, stripe):
    server, _ = stripe
    data_dir = setup(tmp_path, server)
    run_source(data_dir, "stripe", env=ENV)
    before = landing(data_dir, "invoices")
    mark = len(server.requests)
    report = run_source(data_dir, "stripe", env=ENV, full_reload=True)
    assert report.fetched["invoices"] == 95
    assert not any(r.arg("created[gt]") for r in served(server, "/v1/invoices", mark))
    assert landing(data_dir, "invoices") == before


def test_events_older_than_30_days_need_a_full_reload(tmp_path, stripe):
    server, _ = stripe
    data_dir = setup(tmp_path, server)
    run_source(data_dir, "stripe", env=ENV)
    con = connect(data_dir)
    try:
        for resource, cursor in con.execute(
            "select resource, cursor from landing.source_cursors"
        ).fetchall():
            state = json.loads(cursor) | {"checked": 1_000_000}
            con.execute(
                "update landing.source_cursors set cursor = ? where resource = ?",
                [json.dumps(state), resource],
            )
    finally:
        con.close()
    with pytest.raises(SourceError, match=r"30 days.*full reload"):
        run_source(data_dir, "stripe", env=ENV)


def test_invoice_lines_beyond_the_embedded_page_are_fetched(tmp_path):
    objects = json.loads((FIXTURES / "many_lines.json").read_text())
    server, _ = FakeStripe.serving(objects, lines_per_invoice=2)
    try:
        data_dir = setup(tmp_path, server, page_size=2)
        run_source(data_dir, "stripe", env=ENV)
        assert len(server.calls("/v1/invoices/in_1Seats/lines")) == 3  # 5 lines, 2 a page
        extract_all(data_dir)
        con = connect(data_dir, read_only=True)
        ids = [
            r[0] for r in con.execute("select invoice_id from raw.invoices order by 1").fetchall()
        ]
        con.close()
        assert ids == [f"in_1Seats:il_{k}" for k in range(1, 6)]
    finally:
        server.__exit__(None, None, None)


def test_malformed_page_fails_the_source(tmp_path, stripe):
    server, _ = stripe
    data_dir = setup(tmp_path, server)
    server.route("GET", "/v1/customers", lambda req: (200, {"object": "list", "data": "oops"}))
    with pytest.raises(
        SourceError, match=r"source stripe: GET /v1/customers page 1: malformed page"
    ):
        run_source(data_dir, "stripe", env=ENV)


def test_awkward_records_are_quarantined_with_their_rule(tmp_path):
    objects = json.loads((FIXTURES / "awkward.json").read_text())
    server, _ = FakeStripe.serving(objects)
    try:
        data_dir = setup(tmp_path, server, entities=("customers", "subscriptions", "invoices"))
        run_source(data_dir, "stripe", env=ENV)
        extract_all(data_dir)
        got = {
            (q["source_record"], q["rule"])
            for e in ("customers", "subscriptions", "invoices")
            for q in quarantined(data_dir, e)
            if q["source"] == "stripe"
        }
        assert set(map(tuple, json.loads((FIXTURES / "awkward_expected.json").read_text()))) <= got
        con = connect(data_dir, read_only=True)
        ledger = [r for r in read_source_ledger(con) if r.origin == "stripe"]
        con.close()
        assert ledger and all(r.balanced for r in ledger)
    finally:
        server.__exit__(None, None, None)
