"""Invoice lines consistent with the subscription periods, plus one-time sales and refunds.

Billing restarts with every period: a period is invoiced on its first day and then monthly on
the same day of month (clamped to short months) while the period lasts, each line for that
period's MRR. So every subscription line falls inside a period and equals its price.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from cxlink.demo import parameters as p
from cxlink.demo.customers import COUNTRY_CURRENCY, COUNTRY_PRICE_RATE, Customers
from cxlink.demo.dates import SECONDS_PER_DAY, add_months, ragged
from cxlink.demo.money import to_cents
from cxlink.demo.subscriptions import Subscriptions

LINE_TYPES = ("new", "renewal", "upsell", "cross_sell", "one_time", "refund")
NEW, RENEWAL, UPSELL, CROSS_SELL, ONE_TIME, REFUND = range(len(LINE_TYPES))

INVOICE_SCHEMA = pa.schema(
    [
        ("invoice_id", pa.string()),
        ("customer_id", pa.string()),
        ("subscription_id", pa.string()),
        ("issued_at", pa.timestamp("s")),
        ("amount", pa.decimal128(18, 2)),
        ("currency", pa.string()),
        ("line_type", pa.string()),
    ]
)


@dataclass(frozen=True)
class Purchases:
    """One-time purchases of non-subscription buyers (they also drive their CSAT surveys)."""

    customer: np.ndarray
    day: np.ndarray


@dataclass(frozen=True)
class Lines:
    customer: np.ndarray
    period: np.ndarray  # index into the periods, -1 for one-time lines
    seconds: np.ndarray
    cents: np.ndarray
    line_type: np.ndarray

    @staticmethod
    def concat(parts: list[Lines]) -> Lines:
        return Lines(
            *(np.concatenate([getattr(x, f) for x in parts]) for f in Lines.__dataclass_fields__)
        )


def _business_seconds(rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
    return day * SECONDS_PER_DAY + rng.integers(8 * 3600, 18 * 3600, size=day.size)


def _local_cents(customers: Customers, customer: np.ndarray, eur: np.ndarray) -> np.ndarray:
    return to_cents(eur / COUNTRY_PRICE_RATE[customers.country[customer]])


def generate_purchases(rng: np.random.Generator, customers: Customers, as_of_day: int) -> Purchases:
    """A first order at signup, then a Poisson stream until the buyer silently drops out."""
    who = np.flatnonzero(~customers.subscriber)
    signup = customers.signup_day[who]
    rate = rng.gamma(p.PURCHASE_RATE_GAMMA_SHAPE, p.PURCHASE_RATE_GAMMA_SCALE, who.size)
    life = rng.exponential(p.PURCHASE_LIFETIME_MONTHS, who.size) * p.DAYS_PER_MONTH
    last = np.minimum(signup + np.ceil(life).astype(np.int64), as_of_day + 1)
    owner, _ = ragged(rng.poisson(rate * (last - signup) / p.DAYS_PER_MONTH))
    later = signup[owner] + np.floor(rng.random(owner.size) * (last - signup)[owner]).astype(
        np.int64
    )
    customer = np.concatenate([who, who[owner]])
    day = np.concatenate([signup, later])
    order = np.lexsort((day, customer))
    return Purchases(customer=customer[order], day=day[order])


def _subscription_lines(rng: np.random.Generator, subs: Subscriptions, as_of_day: int) -> Lines:
    per = subs.periods
    visible_end = np.minimum(per.end, as_of_day + 1)
    # enough candidate months for the shortest months; the ones past the end are dropped
    candidates = (visible_end - per.start) // 28 + 1
    period, month = ragged(candidates)
    day = add_months(per.start[period], month)
    keep = day < visible_end[period]
    period, month, day = period[keep], month[keep], day[keep]
    kind = np.full(period.size, RENEWAL)
    kind[(month == 0) & per.upgrade[period]] = UPSELL
    kind[(month == 0) & per.first_of_customer[period]] = NEW
    kind[per.addon[period]] = CROSS_SELL
    # the nightly billing run
    seconds = day * SECONDS_PER_DAY + rng.integers(2 * 3600, 4 * 3600, size=day.size)
    return Lines(per.customer[period], period, seconds, per.mrr_cents[period], kind)


def _one_time_lines(
    rng: np.random.Generator,
    customers: Customers,
    subs: Subscriptions,
    purchases: Purchases,
) -> Lines:
    ep = subs.episodes
    # onboarding package at signup, more often for bigger accounts
    first = np.flatnonzero(ep.number == 0)
    seg = customers.segment[ep.customer[first]]
    takes = rng.random(first.size) < np.array(p.ONBOARDING_FEE_PROBABILITY)[seg]
    fee_eur = np.array(p.ONBOARDING_FEE_EUR)[seg] * np.exp(rng.normal(0, 0.2, first.size))
    onboarding_customer = ep.customer[first][takes]
    onboarding_day = ep.start[first][takes]
    onboarding_eur = fee_eur[takes]
    # occasional professional services while subscribed
    owner, _ = ragged(
        rng.poisson(p.SERVICES_RATE_PER_MONTH * (ep.observed_end - ep.start) / p.DAYS_PER_MONTH)
    )
    span = (ep.observed_end - ep.start)[owner]
    services_day = ep.start[owner] + np.floor(rng.random(owner.size) * span).astype(np.int64)
    services_eur = (
        p.SERVICES_EUR
        * np.where(customers.segment[ep.customer[owner]] == 2, 2.0, 1.0)
        * np.exp(rng.normal(0, 0.4, owner.size))
    )
    # orders of one-time buyers
    order_eur = p.ORDER_VALUE_EUR * np.exp(rng.normal(0, p.ORDER_VALUE_SIGMA, purchases.day.size))

    customer = np.concatenate([onboarding_customer, ep.customer[owner], purchases.customer])
    day = np.concatenate([onboarding_day, services_day, purchases.day])
    eur = np.concatenate([onboarding_eur, services_eur, order_eur])
    return Lines(
        customer=customer,
        period=np.full(customer.size, -1),
        seconds=_business_seconds(rng, day),
        cents=np.maximum(_local_cents(customers, customer, eur), 100),
        line_type=np.full(customer.size, ONE_TIME),
    )


def _refunds(rng: np.random.Generator, lines: Lines, as_of_day: int) -> Lines:
    hit = np.flatnonzero(rng.random(lines.customer.size) < p.REFUND_PROBABILITY)
    full = rng.random(hit.size) < p.REFUND_FULL_SHARE
    share = np.where(full, 1.0, rng.uniform(0.1, 0.5, hit.size))
    later = lines.seconds[hit] // SECONDS_PER_DAY + rng.integers(1, 31, size=hit.size)
    seconds = _business_seconds(rng, later)
    keep = later <= as_of_day
    hit, share, seconds = hit[keep], share[keep], seconds[keep]
    return Lines(
        customer=lines.customer[hit],
        period=lines.period[hit],
        seconds=seconds,
        cents=-np.maximum(np.round(lines.cents[hit] * share).astype(np.int64), 1),
        line_type=np.full(hit.size, REFUND),
    )


def generate_invoices(
    rng: np.random.Generator,
    customers: Customers,
    subs: Subscriptions,
    purchases: Purchases,
    as_of_day: int,
) -> Lines:
    sales = Lines.concat(
        [
            _subscription_lines(rng, subs, as_of_day),
            _one_time_lines(rng, customers, subs, purchases),
        ]
    )
    lines = Lines.concat([sales, _refunds(rng, sales, as_of_day)])
    order = np.lexsort((lines.line_type, lines.seconds, lines.customer))
    return Lines(*(getattr(lines, f)[order] for f in Lines.__dataclass_fields__))


def invoice_table(customers: Customers, subs: Subscriptions, lines: Lines) -> pa.Table:
    index = customers.index[lines.customer]
    # invoice numbers run per customer in issue order: unique without any global counter
    _, seq = ragged(np.bincount(lines.customer, minlength=len(customers)))
    invoice_id = [
        f"INV{c:07d}-{s + 1:04d}" for c, s in zip(index.tolist(), seq.tolist(), strict=True)
    ]
    has_sub = lines.period >= 0
    sub_ids = subs.periods.subscription_id
    subscription_id = [
        sub_ids[k] if ok else None
        for k, ok in zip(lines.period.tolist(), has_sub.tolist(), strict=True)
    ]
    amount = pa.array(lines.cents / 100.0, pa.float64()).cast(pa.decimal128(18, 2))
    return pa.table(
        {
            "invoice_id": pa.array(invoice_id, pa.string()),
            "customer_id": pa.array(customers.ids[lines.customer].tolist(), pa.string()),
            "subscription_id": pa.array(subscription_id, pa.string()),
            "issued_at": pa.array(lines.seconds.astype("datetime64[s]"), pa.timestamp("s")),
            "amount": amount,
            "currency": pa.array(
                COUNTRY_CURRENCY[customers.country[lines.customer]].tolist(), pa.string()
            ),
            "line_type": pa.array(np.array(LINE_TYPES)[lines.line_type].tolist(), pa.string()),
        },
        schema=INVOICE_SCHEMA,
    )
