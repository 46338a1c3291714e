"""Stripe objects -> contract rows: customers, subscription periods, invoice lines (pure).

``map_objects`` gets every stored object by resource (customers, prices, products,
subscriptions, invoices, credit_notes) and returns the rows of every entity; the sync step keeps
those of the entities the source feeds. Records the kind refuses carry one of ``RULES``.
"""

from __future__ import annotations

from typing import Any

from cxlink.sources.kinds.stripe_fields import day, pick, ref, refused, text, without_id
from cxlink.sources.kinds.stripe_lines import Customers, invoice_rows
from cxlink.sources.kinds.stripe_mrr import LIVE_STATUSES, mrr_history
from cxlink.sources.model import Source
from cxlink.sources.rows import SourceRow

RULES = {
    "stripe_missing_id": "a Stripe object without an `id`",
    "stripe_unknown_status": "a status this kind does not know (subscription, invoice, credit note)",
    "stripe_customer_unmapped": "the customer has no value at `customer_id_from` (or is unknown)",
    "stripe_subscription_incomplete": "status incomplete / incomplete_expired: never paid",
    "stripe_subscription_no_revenue": "no paid subscription period yet (trial only, or zero)",
    "stripe_invoice_draft": "a draft invoice: not issued, it may still change",
    "stripe_invoice_void": "a voided invoice: cancelled, no revenue",
    "stripe_invoice_uncollectible": "an invoice marked uncollectible: written off, no revenue",
    "stripe_credit_note_void": "a voided credit note: no refund",
    "stripe_invoice_no_lines": "a counted invoice without a `lines.data` list (missing or renamed)",
    "stripe_malformed_line": "an invoice line without `id`, or with a non-integer amount / period",
    "stripe_zero_amount_line": "an invoice line of amount 0 (a trial period): no revenue",
    "stripe_unknown_billing_reason": "an invoice `billing_reason` this kind does not know",
}
SUBSCRIPTION_STATUSES = (*LIVE_STATUSES, "canceled", "incomplete", "incomplete_expired", "paused")


class Catalog:
    """Prices (stored, or embedded in lines) and products, and the tier option."""

    def __init__(self, source: Source, stored: dict[str, list[dict]]):
        self.tier_from = source.options["tier_from"]
        self.prices = {p["id"]: p for p in stored.get("prices", []) if p.get("id")}
        self.products = {p["id"]: p for p in stored.get("products", []) if p.get("id")}
        for invoice in stored.get("invoices", []):
            for line in pick(invoice, "lines.data") or []:
                price = line.get("price")
                if isinstance(price, dict) and price.get("id"):
                    self.prices.setdefault(price["id"], price)

    def price(self, price_id: str | None) -> dict[str, Any]:
        return self.prices.get(price_id or "", {"id": price_id})

    def tier(self, price: dict[str, Any]) -> str:
        head, _, rest = self.tier_from.partition(".")
        if head == "product":
            product = price.get("product")
            product = product if isinstance(product, dict) else self.products.get(product, {})
            value = pick(product, rest)
        else:
            value = pick(price, rest)
        return text(value) or str(price.get("id") or "unknown")


def customer_index(source: Source, customers: list[dict]) -> dict[str, str | None]:
    """Stripe customer id -> contract customer id (None when the option's field is empty)."""
    field = source.options["customer_id_from"]
    return {c["id"]: text(pick(c, field)) for c in customers if c.get("id")}


def _subscription_rows(source, stored, catalog, customer_of, counted_lines) -> list[SourceRow]:
    rows = []
    for sub in stored.get("subscriptions", []):
        sid, status = sub.get("id"), sub.get("status")
        original = {"id": sid, "status": status, "customer": ref(sub.get("customer"))}
        if not sid:
            rows.append(without_id("subscriptions", "subscription", sub))
            continue
        problem = None
        if status not in SUBSCRIPTION_STATUSES:
            problem = ("stripe_unknown_status", f"subscription {sid} has unknown status {status!r}")
        elif status in ("incomplete", "incomplete_expired"):
            problem = ("stripe_subscription_incomplete", f"subscription {sid} is {status}")
        elif not customer_of(ref(sub.get("customer"))):
            problem = (
                "stripe_customer_unmapped",
                f"subscription {sid}: customer {original['customer']} has no {source.options['customer_id_from']}",
            )
        periods = (
            []
            if problem
            else mrr_history(sub, counted_lines.get(sid, []), catalog.price, catalog.tier)
        )
        if not problem and not periods:
            problem = (
                "stripe_subscription_no_revenue",
                f"subscription {sid} ({status}) has no paid period",
            )
        if problem:
            rows.append(refused("subscriptions", sid, *problem, original))
            continue
        customer = customer_of(ref(sub["customer"]))
        for p in periods:
            values = {
                "subscription_id": sid,
                "customer_id": customer,
                "plan_tier": p.tier,
                "period_start": p.start.isoformat(),
                "period_end": p.end.isoformat() if p.end else None,
                "mrr": p.mrr,
                "currency": p.currency,
            }
            rows.append(SourceRow("subscriptions", values, f"{sid}@{p.start}", original=original))
    return rows


def _customer_rows(source, stored, ids, tiers) -> list[SourceRow]:
    o = source.options
    rows = []
    for c in stored.get("customers", []):
        cid = c.get("id")
        original = {"id": cid, o["customer_id_from"]: pick(c, o["customer_id_from"])}
        if not cid:
            rows.append(without_id("customers", "customer", c))
            continue
        if not ids.get(cid):
            detail = f"customer {cid} has no {o['customer_id_from']}"
            rows.append(refused("customers", cid, "stripe_customer_unmapped", detail, original))
            continue
        country = text(pick(c, o["country_from"])) or o["default_country"]
        values = {
            "customer_id": ids[cid],
            "signup_date": day(c.get("created")),
            "segment": text(pick(c, o["segment_from"])) or o["default_segment"],
            "plan_tier": text(pick(c, o["customer_tier_from"])) or tiers.get(cid) or "none",
            "acquisition_channel": text(pick(c, o["channel_from"])) or o["default_channel"],
            "country": country.upper() if country else None,
            "email": text(c.get("email")),
            "name": text(c.get("name")),
        }
        rows.append(SourceRow("customers", values, cid, original=original))
    return rows


def map_objects(source: Source, stored: dict[str, list[dict]]) -> list[SourceRow]:
    catalog = Catalog(source, stored)
    ids = customer_index(source, stored.get("customers", []))
    invoice_out, counted_lines = invoice_rows(source, stored, ids)
    subscriptions = _subscription_rows(
        source, stored, catalog, Customers(source, ids), counted_lines
    )
    latest: dict[str, tuple[str, str]] = {}  # Stripe customer -> (period start, tier)
    by_sub = {s.get("id"): ref(s.get("customer")) for s in stored.get("subscriptions", [])}
    for row in subscriptions:
        if row.rule is None:
            key = by_sub[row.values["subscription_id"]]
            mark = (row.values["period_start"], row.values["plan_tier"])
            latest[key] = max(latest.get(key, mark), mark)
    tiers = {k: v[1] for k, v in latest.items()}
    return _customer_rows(source, stored, ids, tiers) + subscriptions + invoice_out
