"""MRR history of Chargebee subscriptions, rebuilt from invoice line periods (pure).

The subscription object shows only today's price, so the periods of constant MRR come from what
was invoiced: every recurring line (``plan_item_price`` / ``addon_item_price``, or ``plan`` /
``addon`` on product catalog 1.0) of a non-voided invoice covers a term ``[date_from, date_to)``.
Lines of one invoice with the same term add up; the term's MRR is its net amount (``amount -
discount_amount``) divided by the billing period in months. A term shorter than a full billing
period is a proration (a mid-term change): it takes the MRR of the term that follows it, or the
subscription's current MRR. Terms that start before ``trial_end`` are trial, not revenue.
Consecutive terms with the same MRR and tier merge into one period; a price or tier change ends a
period and starts the next; a gap between terms (a cancellation, then a reactivation) ends it at
the last term's end. The last period is ongoing while the subscription is ``active`` or
``non_renewing``, ends at ``cancelled_at`` when it is ``cancelled`` and at ``pause_date`` (else
its last term's end) when ``paused``. docs/sources/chargebee.md describes the method.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from cxlink.sources.money import exponent

RECURRING = ("plan_item_price", "addon_item_price", "plan", "addon")
PLAN_LINES = ("plan_item_price", "plan")
STATUSES = ("future", "in_trial", "active", "non_renewing", "paused", "cancelled")
_PRICE_SUFFIX = re.compile(r"-[A-Z]{3}-(Daily|Weekly|Monthly|Every-\d+-\w+|Yearly)$")


def day(seconds: Any) -> date | None:
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        return None
    return datetime.fromtimestamp(seconds, UTC).date()


def tier_of(price_id: str | None, tier_map: dict[str, str]) -> str | None:
    """A plan tier from an item price id: ``tier_map`` by price id, then by item id (the price
    id without Chargebee's ``-<CUR>-<Period>`` suffix), else that item id."""
    if not price_id:
        return None
    item = _PRICE_SUFFIX.sub("", price_id)
    return str(tier_map.get(price_id) or tier_map.get(item) or item)


def net(line: dict[str, Any]) -> int:
    return int(line.get("amount") or 0) - int(line.get("discount_amount") or 0)


def months_per_period(subscription: dict[str, Any]) -> Decimal:
    n = Decimal(int(subscription.get("billing_period") or 1))
    unit = subscription.get("billing_period_unit") or "month"
    return {"day": n * 12 / 365, "week": n * 12 / 52, "month": n, "year": n * 12}.get(unit, n)


def period_end(start: date, subscription: dict[str, Any]) -> date:
    """The end (exclusive) of a full billing period that starts on ``start``."""
    n = int(subscription.get("billing_period") or 1)
    unit = subscription.get("billing_period_unit") or "month"
    if unit in ("day", "week"):
        return start + timedelta(days=n * (7 if unit == "week" else 1))
    months = n * (12 if unit == "year" else 1)
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass
class Term:
    start: date
    end: date
    amount: int  # net, minor units
    tier: str | None
    currency: str
    mrr: Decimal | None = None


@dataclass
class Period:
    start: date
    end: date | None
    mrr: Decimal  # major units per month
    tier: str
    currency: str


def terms(subscription: dict[str, Any], invoices: list[dict], tier_map: dict) -> list[Term]:
    """The subscription's paid terms, in order, from its non-voided invoices' recurring lines."""
    by_range: dict[tuple[date, date], Term] = {}
    trial_end = day(subscription.get("trial_end"))
    for invoice in invoices:
        if invoice.get("status") in ("voided", "pending") or invoice.get("deleted"):
            continue
        currency = str(invoice.get("currency_code") or subscription.get("currency_code") or "")
        for line in invoice.get("line_items") or []:
            if line.get("entity_type") not in RECURRING:
                continue
            if (line.get("subscription_id") or invoice.get("subscription_id")) != subscription[
                "id"
            ]:
                continue
            start, end = day(line.get("date_from")), day(line.get("date_to"))
            if start is None or end is None or end <= start:
                continue
            if trial_end is not None and start < trial_end:
                continue
            term = by_range.setdefault((start, end), Term(start, end, 0, None, currency.upper()))
            term.amount += net(line)
            if line.get("entity_type") in PLAN_LINES:
                term.tier = tier_of(line.get("entity_id"), tier_map)
    return [by_range[k] for k in sorted(by_range)]


def current_mrr(subscription: dict[str, Any]) -> Decimal:
    currency = str(subscription.get("currency_code") or "")
    items = subscription.get("subscription_items")
    if isinstance(items, list) and items:
        minor = sum(int(i.get("amount") or 0) for i in items if i.get("item_type") != "charge")
        return Decimal(minor).scaleb(-exponent(currency)) / months_per_period(subscription)
    return Decimal(int(subscription.get("mrr") or 0)).scaleb(-exponent(currency))


def periods(subscription: dict[str, Any], invoices: list[dict], tier_map: dict) -> list[Period]:
    found = terms(subscription, invoices, tier_map)
    months = months_per_period(subscription)
    for term in found:
        if period_end(term.start, subscription) == term.end:
            term.mrr = Decimal(term.amount).scaleb(-exponent(term.currency)) / months
    for k in range(len(found) - 1, -1, -1):  # prorations take the MRR that follows them
        term = found[k]
        if term.mrr is None:
            after = found[k + 1] if k + 1 < len(found) else None
            contiguous = after is not None and after.start == term.end and after.mrr is not None
            term.mrr = after.mrr if contiguous else current_mrr(subscription)
            term.tier = term.tier or (after.tier if contiguous else None)
    plan_tier = tier_of(_current_price(subscription), tier_map) or "unknown"
    out: list[Period] = []
    for term in found:
        tier = term.tier or plan_tier
        last = out[-1] if out else None
        if last and last.end == term.start and (last.mrr, last.tier) == (term.mrr, tier):
            last.end = term.end
            continue
        if last and last.end is not None and last.end > term.start:
            last.end = term.start  # a mid-term change ends the previous price
        out.append(Period(term.start, term.end, term.mrr, tier, term.currency))
    out = [p for p in out if p.end is None or p.end > p.start]
    if out:
        _close(out[-1], subscription)
    return out


def _close(last: Period, subscription: dict[str, Any]) -> None:
    status = subscription.get("status")
    if status in ("active", "non_renewing"):
        last.end = None
    elif status == "cancelled":
        cancelled = day(subscription.get("cancelled_at"))
        if cancelled is not None and cancelled > last.start:
            last.end = min(cancelled, last.end) if last.end else cancelled
    elif status == "paused":
        paused = day(subscription.get("pause_date"))
        if paused is not None and paused > last.start:
            last.end = min(paused, last.end) if last.end else paused


def _current_price(subscription: dict[str, Any]) -> str | None:
    for item in subscription.get("subscription_items") or []:
        if item.get("item_type") == "plan":
            return item.get("item_price_id")
    return subscription.get("plan_id")


def line_type(line: dict, history: list[Period], first: bool) -> str:
    """new / upsell / renewal for a recurring line; ``first`` marks an addon's first line."""
    start = day(line.get("date_from"))
    index = next(
        (
            k
            for k, p in enumerate(history)
            if start and p.start <= start and (p.end is None or start < p.end)
        ),
        None,
    )
    if index is None:
        return "renewal"
    period = history[index]
    if first and line.get("entity_type") not in PLAN_LINES and start != history[0].start:
        return "cross_sell"
    if start != period.start:
        return "renewal"
    previous = history[index - 1] if index else None
    if previous is None or previous.end != period.start:
        return "new"
    return "upsell" if period.mrr > previous.mrr else "renewal"
