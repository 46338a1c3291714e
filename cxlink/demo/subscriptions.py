"""Subscription lives: churn, reactivation, tier changes, renewals and add-ons, as constant-price
periods.

A customer's time as a subscriber is a sequence of *episodes* (signup or reactivation up to
churn). Inside an episode the main subscription is split into periods wherever the tier
changes or the contract renews with a new seat count (contiguous: a period ends the day the
next one starts; ``end`` is exclusive). Churn is where the last period of every subscription of
the episode ends.

Lifetimes are exponential with a constant monthly hazard per latent NPS type: that is what
makes "churned within k months of a response" equal to 1 - exp(-k * hazard) for every response,
whatever the customer's age when answering.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxlink.demo import parameters as p
from cxlink.demo.customers import COUNTRY_CURRENCY, COUNTRY_PRICE_RATE, Customers
from cxlink.demo.dates import iso_dates
from cxlink.demo.money import format_cents
from cxlink.demo.randomness import choice
from cxlink.demo.tier_changes import episode_periods, merge_changes, renewals, tier_changes

HAZARD_BY_TYPE = np.array([p.MONTHLY_CHURN_HAZARD[t] for t in p.NPS_TYPES])


@dataclass(frozen=True)
class Episodes:
    customer: np.ndarray  # position in the chunk's Customers
    number: np.ndarray  # 0 = first life, 1.. = reactivations
    start: np.ndarray
    end: np.ndarray  # churn day; after as_of_day means not churned (yet)
    observed_end: np.ndarray  # min(end, as_of_day + 1): the exclusive end of what is visible


@dataclass(frozen=True)
class Periods:
    customer: np.ndarray
    episode: np.ndarray
    addon: np.ndarray
    tier: np.ndarray
    start: np.ndarray
    end: np.ndarray  # exclusive; after as_of_day means ongoing (written empty)
    mrr_cents: np.ndarray
    seat_log: np.ndarray  # log seat factor of the period (0 until the first renewal)
    upgrade: np.ndarray  # starts at a higher tier than the subscription's previous period
    first_of_customer: np.ndarray  # the very first period of the customer's first subscription
    subscription_id: np.ndarray


@dataclass(frozen=True)
class Subscriptions:
    episodes: Episodes
    periods: Periods
    current_tier: np.ndarray  # per customer: CRM plan_tier text


EPISODE_KEYS = {
    "customer": np.int64,
    "number": np.int64,
    "start": np.int64,
    "end": np.int64,
    "observed_end": np.int64,
}
PERIOD_KEYS = {
    "customer": np.int64,
    "episode": np.int64,
    "addon": bool,
    "tier": np.int64,
    "start": np.int64,
    "end": np.int64,
    "upgrade": bool,
    "first_of_customer": bool,
    "number": np.int64,
    "seat_log": np.float64,
}


def _concat(parts: list[dict[str, np.ndarray]], keys: dict[str, type]) -> dict[str, np.ndarray]:
    return {
        key: np.concatenate([np.zeros(0, dtype)] + [part[key].astype(dtype) for part in parts])
        for key, dtype in keys.items()
    }


def _mrr_cents(
    rng: np.random.Generator,
    customers: Customers,
    customer: np.ndarray,
    tier: np.ndarray,
    seat_log: np.ndarray,
) -> np.ndarray:
    eur = (
        np.array(p.TIER_PRICE_EUR)[tier]
        * np.array(p.SEGMENT_PRICE_FACTOR)[customers.segment[customer]]
        * customers.price_factor[customer]
        * np.exp(seat_log + rng.normal(0.0, p.PERIOD_PRICE_SIGMA, customer.size))
    )
    local = eur / COUNTRY_PRICE_RATE[customers.country[customer]]
    return np.round(local * 100).astype(np.int64)


def generate_subscriptions(
    rng: np.random.Generator, customers: Customers, as_of_day: int
) -> Subscriptions:
    bounds = np.array(p.TIER_BOUNDS)
    tier0_all = np.clip(
        choice(rng, np.array(p.TIER_MIX), customers.channel),
        bounds[customers.segment, 0],
        bounds[customers.segment, 1],
    )

    ep_parts: list[dict[str, np.ndarray]] = []
    per_parts: list[dict[str, np.ndarray]] = []
    n_episodes = 0
    who = np.flatnonzero(customers.subscriber)
    start = customers.signup_day[who]
    tier0 = tier0_all[who]
    number = 0
    while who.size:
        months = rng.exponential(1.0 / HAZARD_BY_TYPE[customers.nps_type[who]])
        # ceil: churn day c satisfies c - start >= lifetime in days, so "active on day d"
        # (d < c) is exactly "lifetime > d - start": memoryless on whole days.
        end = start + np.maximum(np.ceil(months * p.DAYS_PER_MONTH).astype(np.int64), 1)
        observed_end = np.minimum(end, as_of_day + 1)
        seg = customers.segment[who]
        t_owner, t_day, t_tier = tier_changes(
            rng, start, observed_end, tier0, bounds[seg, 0], bounds[seg, 1]
        )
        c_owner, c_day, c_tier, c_seat = merge_changes(
            tier0, t_owner, t_day, t_tier, *renewals(rng, start, observed_end)
        )
        owner, pos, p_start, p_end, p_tier, upgrade, p_seat = episode_periods(
            start, end, tier0, c_owner, c_day, c_tier, c_seat
        )
        ep_index = n_episodes + np.arange(who.size)
        ep_parts.append(
            {
                "customer": who,
                "number": np.full(who.size, number),
                "start": start,
                "end": end,
                "observed_end": observed_end,
            }
        )
        per_parts.append(
            {
                "customer": who[owner],
                "episode": ep_index[owner],
                "addon": np.zeros(owner.size, dtype=bool),
                "tier": p_tier,
                "start": p_start,
                "end": p_end,
                "upgrade": upgrade,
                "first_of_customer": (pos == 0) & (number == 0),
                "number": np.full(owner.size, number),
                "seat_log": p_seat,
            }
        )
        # The add-on is a second subscription of the same episode: it may be cancelled on its
        # own (a contraction) but never outlives the churn.
        addon = (customers.segment[who] == 2) & (rng.random(who.size) < p.ADDON_PROBABILITY)
        a_start = start + rng.integers(*p.ADDON_START_DAYS, size=who.size)
        cancel = rng.random(who.size) < p.ADDON_CANCEL_PROBABILITY
        a_cancel = a_start + rng.integers(*p.ADDON_CANCEL_AFTER_DAYS, size=who.size)
        a_end = np.where(cancel, np.minimum(a_cancel, end), end)
        addon &= a_start < observed_end
        k = np.flatnonzero(addon)
        per_parts.append(
            {
                "customer": who[k],
                "episode": ep_index[k],
                "addon": np.ones(k.size, dtype=bool),
                "tier": np.full(k.size, p.ADDON_TIER),
                "start": a_start[k],
                "end": a_end[k],
                "upgrade": np.zeros(k.size, dtype=bool),
                "first_of_customer": np.zeros(k.size, dtype=bool),
                "number": np.full(k.size, number),
                "seat_log": np.zeros(k.size),
            }
        )
        n_episodes += who.size

        last_tier = p_tier[np.cumsum(1 + np.bincount(c_owner, minlength=who.size)) - 1]
        back = (end <= as_of_day) & (rng.random(who.size) < p.REACTIVATION_PROBABILITY)
        gap = p.REACTIVATION_MIN_GAP_DAYS + rng.integers(
            0, p.REACTIVATION_EXTRA_GAP_DAYS + 1, size=who.size
        )
        back &= end + gap <= as_of_day
        who, start, tier0 = who[back], (end + gap)[back], last_tier[back]
        number += 1

    ep = _concat(ep_parts, EPISODE_KEYS)
    per = _concat(per_parts, PERIOD_KEYS)

    # Rows of one customer together, subscriptions in order, periods by start.
    order = np.lexsort((per["start"], per["addon"], per["number"], per["customer"]))
    per = {key: value[order] for key, value in per.items()}
    mrr = _mrr_cents(rng, customers, per["customer"], per["tier"], per["seat_log"])
    index = customers.index[per["customer"]]
    sub_ids = np.array(
        [
            f"SUB{c:07d}-{n + 1}{'A' if a else ''}"
            for c, n, a in zip(
                index.tolist(), per["number"].tolist(), per["addon"].tolist(), strict=True
            )
        ],
        dtype=object,
    )
    periods = Periods(
        customer=per["customer"],
        episode=per["episode"],
        addon=per["addon"],
        tier=per["tier"],
        start=per["start"],
        end=per["end"],
        mrr_cents=mrr,
        seat_log=per["seat_log"],
        upgrade=per["upgrade"],
        first_of_customer=per["first_of_customer"],
        subscription_id=sub_ids,
    )
    episodes = Episodes(**ep)

    # CRM tier: the main subscription's latest period; one-time buyers have a label of their own.
    current = np.full(len(customers), p.NON_SUBSCRIPTION_PLAN_TIER, dtype=object)
    main = np.flatnonzero(~periods.addon)  # sorted by customer, episode, start
    owner = periods.customer[main]
    last = main[np.append(owner[1:] != owner[:-1], True)] if main.size else main
    current[periods.customer[last]] = np.array(p.TIERS, dtype=object)[periods.tier[last]]
    return Subscriptions(episodes=episodes, periods=periods, current_tier=current)


SUBSCRIPTION_COLUMNS = (
    "subscription_id",
    "customer_id",
    "plan_tier",
    "period_start",
    "period_end",
    "mrr",
    "currency",
)


def subscription_rows(customers: Customers, subs: Subscriptions, as_of_day: int) -> list[tuple]:
    per = subs.periods
    ids = customers.ids[per.customer]
    tier = np.array(p.TIERS)[per.tier]
    start = iso_dates(per.start)
    end = np.where(per.end > as_of_day, "", iso_dates(np.minimum(per.end, as_of_day + 1)))
    currency = COUNTRY_CURRENCY[customers.country[per.customer]]
    return list(
        zip(
            per.subscription_id.tolist(),
            ids.tolist(),
            tier.tolist(),
            start.tolist(),
            end.tolist(),
            format_cents(per.mrr_cents),
            currency.tolist(),
            strict=True,
        )
    )
