"""MRR history from Stripe invoice lines, and the invoice-line mapping, on hand-computed cases.

Each case of fixtures/stripe/mrr_cases.json is a subscription and its invoice lines in Stripe's
field names, with the expected periods worked out by hand (its ``why`` says how)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxlink.sources.kinds.stripe import KIND, OPTIONS
from cxlink.sources.kinds.stripe_lines import invoice_rows
from cxlink.sources.kinds.stripe_mrr import line_facts, mrr_history
from cxlink.sources.model import Source
from cxlink.sources.money import minor_to_major
from cxlink.sources.options import resolve_options

CASES = json.loads((Path(__file__).parent / "fixtures" / "stripe" / "mrr_cases.json").read_text())


def source(**options) -> Source:
    values = resolve_options("test", OPTIONS, options)
    return Source("stripe", KIND, ("customers", "subscriptions", "invoices"), values)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_mrr_history(case):
    prices = {ln["price"]["id"]: ln["price"] for ln in case["lines"]}
    periods = mrr_history(
        case["subscription"], case["lines"], lambda pid: prices[pid], lambda p: p["nickname"]
    )
    got = [
        [p.start.isoformat(), p.end.isoformat() if p.end else None, p.mrr, p.tier, p.currency]
        for p in periods
    ]
    assert got == case["expected"], case["why"]


def test_minor_units_per_currency():
    assert minor_to_major(1999, "usd") == "19.99"
    assert minor_to_major(10000, "EUR") == "100"
    assert minor_to_major(-5000, "usd") == "-50"
    assert minor_to_major(1200, "jpy") == "1200"
    assert minor_to_major(55000, "KRW") == "55000"


def test_line_facts_read_the_2025_line_shape():
    line = {
        "id": "il_1",
        "amount": 2000,
        "currency": "usd",
        "discount_amounts": [{"amount": 500, "discount": "di_1"}],
        "parent": {
            "type": "subscription_item_details",
            "subscription_item_details": {
                "subscription": "sub_9",
                "subscription_item": "si_9",
                "proration": False,
            },
        },
        "pricing": {"type": "price_details", "price_details": {"price": "price_9", "product": "p"}},
        "period": {"start": 1704067200, "end": 1706745600},
        "quantity": 2,
    }
    facts = line_facts(line)
    assert (facts.subscription, facts.item, facts.price) == ("sub_9", "si_9", "price_9")
    assert facts.is_subscription and not facts.proration and facts.amount == 1500


def _invoice(iid, reason, lines, status="paid", created=1704070800):
    return {
        "id": iid,
        "object": "invoice",
        "customer": "cus_1",
        "status": status,
        "billing_reason": reason,
        "created": created,
        "status_transitions": {"finalized_at": created + 60},
        "subscription": "sub_1",
        "lines": {"object": "list", "data": lines, "has_more": False, "url": "/v1/x"},
    }


def _line(lid, amount, kind="subscription", proration=False, cur="usd"):
    return {
        "id": lid,
        "amount": amount,
        "currency": cur,
        "type": kind,
        "proration": proration,
        "subscription": "sub_1",
        "period": {"start": 1704067200, "end": 1706745600},
    }


def test_line_types_and_a_refund_by_credit_note():
    stored = {
        "customers": [{"id": "cus_1", "metadata": {"account_id": "A1"}}],
        "invoices": [
            _invoice("in_1", "subscription_create", [_line("il_1", 5000)]),
            _invoice("in_2", "subscription_cycle", [_line("il_2", 5000)], created=1706749200),
            _invoice(
                "in_3",
                "subscription_update",
                [
                    _line("il_3a", -2500, "invoiceitem", True),
                    _line("il_3b", 5000, "invoiceitem", True),
                ],
                created=1707000000,
            ),
            _invoice("in_4", "manual", [_line("il_4", 9900, "invoiceitem")], created=1707100000),
        ],
        "credit_notes": [
            {
                "id": "cn_1",
                "object": "credit_note",
                "status": "issued",
                "customer": "cus_1",
                "invoice": "in_2",
                "currency": "usd",
                "subtotal": 5000,
                "discount_amount": 0,
                "amount": 5000,
                "created": 1707200000,
                "effective_at": None,
            },
        ],
    }
    rows, by_sub = invoice_rows(
        source(customer_id_from="metadata.account_id"), stored, {"cus_1": "A1"}
    )
    got = {r.values["invoice_id"]: (r.values["amount"], r.values["line_type"]) for r in rows}
    assert got == {
        "in_1": ("50", "new"),
        "in_2": ("50", "renewal"),
        "in_3:il_3a": ("-25", "refund"),
        "in_3:il_3b": ("50", "upsell"),
        "in_4": ("99", "one_time"),
        "cn_1": ("-50", "refund"),
    }
    refund = next(r for r in rows if r.record_id == "cn_1")
    assert refund.values["subscription_id"] == "sub_1"
    assert refund.values["issued_at"] == "2024-02-06T06:13:20Z"
    assert (
        next(r for r in rows if r.record_id == "in_1").values["issued_at"] == "2024-01-01T01:01:00Z"
    )
    assert sorted(ln["id"] for ln in by_sub["sub_1"]) == ["il_1", "il_2", "il_3a", "il_3b"]
