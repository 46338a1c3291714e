"""Building blocks of the Stripe demo encoder: ids, timestamps, amounts, customers, catalog."""

from __future__ import annotations

import calendar
import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from cxlink.sources.money import ZERO_DECIMAL_CURRENCIES


def ts(value: str) -> int:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def minor(amount: str, currency: str) -> int:
    scale = 1 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 100
    return int(Decimal(amount) * scale)


def stripe_id(prefix: str, key: str) -> str:
    return f"{prefix}_{hashlib.sha256(key.encode()).hexdigest()[:14]}"


def next_month(day: date) -> date:
    year, month = day.year + (day.month == 12), day.month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def envelope(url: str, data: list[dict]) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": False, "total_count": len(data), "url": url}


def customers_of(rows: list[dict]) -> list[dict]:
    return [
        {
            "id": stripe_id("cus", c["customer_id"]),
            "object": "customer",
            "created": ts(c["signup_date"]),
            "email": c.get("email") or None,
            "name": c.get("name") or None,
            "address": {"country": c.get("country") or None},
            "livemode": False,
            "metadata": {
                k: c[src]
                for k, src in (
                    ("account_id", "customer_id"),
                    ("segment", "segment"),
                    ("acquisition_channel", "acquisition_channel"),
                    ("plan_tier", "plan_tier"),
                )
                if c.get(src)
            },
        }
        for c in rows
    ]


class Catalog:
    def __init__(self):
        self.products: dict[str, dict] = {}
        self.prices: dict[str, dict] = {}

    def price(self, tier: str, mrr: str, currency: str, created: int) -> dict[str, Any]:
        product = self.products.setdefault(
            tier,
            {
                "id": stripe_id("prod", tier),
                "object": "product",
                "name": tier,
                "active": True,
                "created": created,
                "metadata": {},
            },
        )
        cents = minor(mrr, currency)
        key = f"{tier}|{currency}|{cents}"
        return self.prices.setdefault(
            key,
            {
                "id": stripe_id("price", key),
                "object": "price",
                "active": True,
                "billing_scheme": "per_unit",
                "created": created,
                "currency": currency.lower(),
                "livemode": False,
                "lookup_key": f"{tier}_{currency.lower()}_{cents}",
                "metadata": {},
                "nickname": tier,
                "product": product["id"],
                "type": "recurring",
                "unit_amount": cents,
                "unit_amount_decimal": str(cents),
                "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"},
            },
        )


def covering(periods: list[dict], day: date) -> dict:
    for p in periods:
        if date.fromisoformat(p["period_start"]) <= day and (
            not p["period_end"] or day < date.fromisoformat(p["period_end"])
        ):
            return p
    return periods[0]


def invoice(iid: str, customer: str, sub: str | None, issued: int, reason: str, line: dict) -> dict:
    return {
        "id": iid,
        "object": "invoice",
        "customer": customer,
        "subscription": sub,
        "billing_reason": reason,
        "status": "paid",
        "paid": True,
        "created": issued,
        "collection_method": "charge_automatically",
        "currency": line["currency"],
        "livemode": False,
        "number": iid.upper()[-8:],
        "metadata": {},
        "amount_due": line["amount"],
        "amount_paid": line["amount"],
        "amount_remaining": 0,
        "subtotal": line["amount"],
        "total": line["amount"],
        "period_start": line["period"]["start"],
        "period_end": line["period"]["end"],
        "status_transitions": {
            "finalized_at": issued,
            "paid_at": issued,
            "voided_at": None,
            "marked_uncollectible_at": None,
        },
        "lines": envelope(f"/v1/invoices/{iid}/lines", [line]),
    }
