"""MRR history of one Stripe subscription, rebuilt from its invoice lines (pure).

Stripe's API shows a subscription as it is today; its history is in the invoices. Like
subscription-analytics tools (ChartMogul, Baremetrics), each subscription item's MRR follows its
billed lines:

- a ``subscription`` line covers ``period.start`` .. ``period.end`` with MRR = its amount net of
  ``discount_amounts``, normalised to a month: month / interval_count, year / (12 * count),
  week * 52 / (12 * count), day * 365 / (12 * count) (a 365-day year; Stripe bills days as days);
- a positive proration line (a price or quantity change in mid-period) starts the new MRR at its
  ``period.start``: price ``unit_amount`` * ``quantity``, normalised the same way; a negative
  proration line (the unused time of the old price) ends the old MRR there;
- trial lines (amount 0, or inside ``trial_start`` .. ``trial_end``) carry no MRR;
- the items' MRR is summed; consecutive periods with equal MRR, tier and currency are merged;
- an ended subscription (``canceled``, ``incomplete_expired``) stops at ``ended_at`` (else at the
  end of its last billed period); a live one (active, past_due, unpaid, trialing) has its last
  period ongoing (no end). ``cancel_at_period_end`` is not churn until Stripe ends it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any

from cxlink.sources.money import minor_to_major

MONTHS_PER_INTERVAL = {  # months in one billing interval
    "month": Fraction(1),
    "year": Fraction(12),
    "week": Fraction(12, 52),
    "day": Fraction(12, 365),
}
NOMINAL_DAYS = {"month": Fraction(365, 12), "year": Fraction(365), "week": Fraction(7), "day": 1}
LIVE_STATUSES = ("active", "past_due", "unpaid", "trialing")
ENDED_STATUSES = ("canceled", "incomplete_expired")


@dataclass(frozen=True)
class Period:
    start: date
    end: date | None  # exclusive; None = ongoing
    mrr: str  # major units, plain decimal text
    tier: str
    currency: str  # upper-case


@dataclass(frozen=True)
class Line:
    """What MRR needs of one invoice line, from the classic or the 2025-03 line shape."""

    id: str
    subscription: str | None
    item: str | None
    proration: bool
    is_subscription: bool
    price: str | None  # price id
    start: int
    end: int
    amount: int  # minor units, net of discount_amounts
    quantity: int
    currency: str


def line_facts(line: dict[str, Any]) -> Line:
    parent = line.get("parent") or {}
    details = parent.get("subscription_item_details") or parent.get("invoice_item_details") or {}
    price = line.get("price") or ((line.get("pricing") or {}).get("price_details") or {})
    price_id = price.get("id") if "id" in price else price.get("price")
    if isinstance(line.get("price"), str):
        price_id = line["price"]
    kind = line.get("type") or (
        "subscription" if parent.get("type") == "subscription_item_details" else "invoiceitem"
    )
    discounts = sum(int(d.get("amount") or 0) for d in line.get("discount_amounts") or [])
    period = line.get("period") or {}
    return Line(
        id=str(line.get("id") or ""),
        subscription=line.get("subscription") or details.get("subscription"),
        item=line.get("subscription_item") or details.get("subscription_item"),
        proration=bool(line.get("proration", details.get("proration", False))),
        is_subscription=kind == "subscription",
        price=price_id,
        start=int(period.get("start") or 0),
        end=int(period.get("end") or 0),
        amount=int(line.get("amount") or 0) - discounts,
        quantity=int(line.get("quantity") or 1),
        currency=str(line.get("currency") or "").upper(),
    )


def monthly(amount_major: Fraction, price: dict[str, Any]) -> Fraction | None:
    """An amount billed once per the price's interval, per month; None without an interval."""
    recurring = price.get("recurring") or {}
    months = MONTHS_PER_INTERVAL.get(recurring.get("interval"))
    if months is None:
        return None
    return amount_major / (months * int(recurring.get("interval_count") or 1))


def _line_mrr(line: Line, price: dict[str, Any]) -> Fraction | None:
    if not (line.proration and line.amount > 0):
        return monthly(Fraction(Decimal(minor_to_major(line.amount, line.currency))), price)
    if price.get("unit_amount") is not None:  # the new price from the change on
        minor = int(price["unit_amount"]) * line.quantity
        return monthly(Fraction(Decimal(minor_to_major(minor, line.currency))), price)
    interval = (price.get("recurring") or {}).get("interval")  # tiered: scale the prorated amount
    days = Fraction(line.end - line.start, 86400)
    if interval not in NOMINAL_DAYS or days <= 0:
        return None
    count = int((price.get("recurring") or {}).get("interval_count") or 1)
    full = Fraction(Decimal(minor_to_major(line.amount, line.currency))) * (
        NOMINAL_DAYS[interval] * count / days
    )
    return monthly(full, price)


def _truncate(segments: list[list], at: int) -> None:
    for seg in list(segments):
        if seg[0] >= at:
            segments.remove(seg)
        elif seg[1] > at:
            seg[1] = at


def _item_timelines(
    subscription: dict[str, Any],
    lines: list[Line],
    price_of: Callable[[str | None], dict[str, Any]],
    tier_of: Callable[[dict[str, Any]], str],
) -> dict[str, list[list]]:
    trial = (int(subscription.get("trial_start") or 0), int(subscription.get("trial_end") or 0))
    timelines: dict[str, list[list]] = {}
    order = sorted(lines, key=lambda ln: (ln.start, ln.proration, ln.amount > 0, ln.id))
    for line in order:
        if not (line.is_subscription or line.proration):
            continue  # a one-off invoice item: revenue, not recurring
        segments = timelines.setdefault(line.item or line.price or "", [])
        _truncate(segments, line.start)
        if line.proration and line.amount <= 0:
            continue  # the unused time of the old price: it ends here
        price = price_of(line.price)
        mrr = _line_mrr(line, price)
        in_trial = trial[0] <= line.start < trial[1]
        if mrr is None or mrr <= 0 or in_trial or line.end <= line.start:
            continue
        segments.append([line.start, line.end, mrr, tier_of(price), line.currency])
    return timelines


def _summed(timelines: dict[str, list[list]]) -> list[list]:
    """The items' segments summed over every breakpoint: [start, end, mrr, tier, currency]."""
    points = sorted({p for segs in timelines.values() for s in segs for p in s[:2]})
    out: list[list] = []
    for a, b in pairwise(points):
        live = [s for segs in timelines.values() for s in segs if s[0] <= a and s[1] >= b]
        if not live:
            continue
        top = max(live, key=lambda s: (s[2], s[3]))
        out.append([a, b, sum(s[2] for s in live), top[3], top[4]])
    return out


def _day(ts: int) -> date:
    return datetime.fromtimestamp(ts, UTC).date()


def _text(mrr: Fraction) -> str:
    value = (Decimal(mrr.numerator) / Decimal(mrr.denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_EVEN
    )
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def mrr_history(
    subscription: dict[str, Any],
    lines: list[dict[str, Any]],
    price_of: Callable[[str | None], dict[str, Any]],
    tier_of: Callable[[dict[str, Any]], str],
) -> list[Period]:
    """The subscription's constant-MRR periods, oldest first, from its counted invoice lines."""
    facts = [line_facts(ln) for ln in lines]
    segments = _summed(_item_timelines(subscription, facts, price_of, tier_of))
    status = subscription.get("status")
    ended_at = subscription.get("ended_at")
    if segments and (ended_at or status in ENDED_STATUSES):
        _truncate(segments, int(ended_at or segments[-1][1]))
    periods: list[Period] = []
    for start, end, mrr, tier, currency in segments:
        a, b = _day(start), _day(end)
        if a >= b:
            continue
        text = _text(mrr)
        last = periods[-1] if periods else None
        if (
            last
            and last.end == a
            and (last.mrr, last.tier, last.currency) == (text, tier, currency)
        ):
            periods[-1] = Period(last.start, b, text, tier, currency)
        else:
            periods.append(Period(a, b, text, tier, currency))
    if periods and status in LIVE_STATUSES and not ended_at:
        last = periods[-1]
        periods[-1] = Period(last.start, None, last.mrr, last.tier, last.currency)
    return periods
