"""Contract rows -> the Stripe API objects that the ``stripe`` kind maps back to them.

``stripe_objects`` takes rows in the dict shape of the landing contract (customers, subscriptions,
invoices) and writes customers (the contract id in ``metadata.account_id``), products and
monthly prices (one per tier, currency and MRR; the tier is the price's nickname and the product's
name), subscriptions (``canceled`` with ``ended_at`` when their last period ends, else ``active``),
invoices with one line each (the period from the invoice day to the subscription's next invoice,
at most a month), manual invoices for one-time lines, and credit notes for refunds.
"""

from __future__ import annotations

from datetime import date

from cxlink.demo.vendors.stripe_parts import (
    Catalog,
    covering,
    customers_of,
    envelope,
    invoice,
    minor,
    next_month,
    stripe_id,
    ts,
)

REASONS = {
    "cross_sell": "subscription_create",
    "new": "subscription_create",
    "renewal": "subscription_cycle",
    "upsell": "subscription_update",
}


def stripe_objects(rows_by_entity: dict[str, list[dict]]) -> dict[str, list[dict]]:
    customers = customers_of(rows_by_entity.get("customers", []))
    cus = {c["metadata"]["account_id"]: c["id"] for c in customers}
    catalog = Catalog()
    periods: dict[str, list[dict]] = {}
    for p in sorted(rows_by_entity.get("subscriptions", []), key=lambda p: p["period_start"]):
        periods.setdefault(p["subscription_id"], []).append(p)
    invoices: list[dict] = []
    notes: list[dict] = []
    last_line: dict[str, dict] = {}
    rows = sorted(rows_by_entity.get("invoices", []), key=lambda r: r["issued_at"])
    sub_days: dict[str, list[date]] = {}
    for r in rows:
        if r.get("subscription_id") and r["line_type"] in REASONS:
            sub_days.setdefault(r["subscription_id"], []).append(
                date.fromisoformat(r["issued_at"][:10])
            )
    for r in rows:
        issued, currency, sid = ts(r["issued_at"]), r["currency"], r.get("subscription_id") or ""
        iid, customer = (
            stripe_id("in", r["invoice_id"]),
            cus.get(r["customer_id"], r["customer_id"]),
        )
        cents = minor(r["amount"], currency)
        line = {
            "id": stripe_id("il", r["invoice_id"]),
            "object": "line_item",
            "amount": cents,
            "currency": currency.lower(),
            "discount_amounts": [],
            "discountable": True,
            "livemode": False,
            "metadata": {},
            "proration": False,
            "quantity": 1,
            "invoice": iid,
            "period": {"start": issued, "end": issued},
        }
        if r["line_type"] == "refund":
            target = next(
                (
                    i
                    for i in reversed(invoices)
                    if i["customer"] == customer
                    and (not sid or i["subscription"] == stripe_id("sub", sid))
                ),
                None,
            )
            notes.append(
                {
                    "id": stripe_id("cn", r["invoice_id"]),
                    "object": "credit_note",
                    "amount": -cents,
                    "subtotal": -cents,
                    "total": -cents,
                    "discount_amount": 0,
                    "created": issued,
                    "effective_at": issued,
                    "currency": currency.lower(),
                    "customer": customer,
                    "invoice": target["id"] if target else None,
                    "status": "issued",
                    "type": "post_payment",
                    "reason": None,
                    "livemode": False,
                    "metadata": {},
                    "number": r["invoice_id"],
                    "memo": None,
                }
            )
            continue
        if r["line_type"] in REASONS and sid in periods:
            day = date.fromisoformat(r["issued_at"][:10])
            period = covering(periods[sid], day)
            later = [d for d in sub_days[sid] if d > day]
            end = min(
                (later[:1] or [next_month(day)])  # the subscription's next invoice, else a month
                + ([date.fromisoformat(period["period_end"])] if period["period_end"] else [])
            )
            price = catalog.price(period["plan_tier"], period["mrr"], currency, issued)
            start_ts = ts(day.isoformat())
            line.update(
                type="subscription",
                price=price,
                subscription=stripe_id("sub", sid),
                subscription_item=stripe_id("si", sid),
                period={"start": start_ts, "end": ts(end.isoformat())},
            )
            last_line[sid] = line
            invoices.append(
                invoice(iid, customer, stripe_id("sub", sid), issued, REASONS[r["line_type"]], line)
            )
        else:
            line.update(
                type="invoiceitem",
                price=None,
                subscription=None,
                invoice_item=stripe_id("ii", r["invoice_id"]),
            )
            invoices.append(invoice(iid, customer, None, issued, "manual", line))
    subscriptions = []
    for sid, ps in periods.items():
        first, last = ps[0], ps[-1]
        start = ts(first["period_start"])
        ended = ts(last["period_end"]) if last["period_end"] else None
        line = last_line.get(sid)
        price = (
            line["price"]
            if line
            else catalog.price(last["plan_tier"], last["mrr"], last["currency"], start)
        )
        subscriptions.append(
            {
                "id": stripe_id("sub", sid),
                "object": "subscription",
                "customer": cus.get(first["customer_id"], first["customer_id"]),
                "status": "canceled" if ended else "active",
                "created": start,
                "start_date": start,
                "billing_cycle_anchor": start,
                "cancel_at_period_end": False,
                "cancel_at": None,
                "canceled_at": ended,
                "ended_at": ended,
                "trial_start": None,
                "trial_end": None,
                "currency": last["currency"].lower(),
                "livemode": False,
                "metadata": {},
                "current_period_start": line["period"]["start"] if line else start,
                "current_period_end": line["period"]["end"] if line else start,
                "items": envelope(
                    f"/v1/subscription_items?subscription={stripe_id('sub', sid)}",
                    [
                        {
                            "id": stripe_id("si", sid),
                            "object": "subscription_item",
                            "price": price,
                            "quantity": 1,
                            "subscription": stripe_id("sub", sid),
                            "created": start,
                        }
                    ],
                ),
            }
        )
    return {
        "customers": customers,
        "products": list(catalog.products.values()),
        "prices": list(catalog.prices.values()),
        "subscriptions": subscriptions,
        "invoices": invoices,
        "credit_notes": notes,
    }
