"""Weekly product usage: seats, active users and key events per subscriber and week.

One row per customer and complete week (Monday to Sunday, over by as_of_date) whose Monday falls
inside a subscription episode. Active users are a binomial draw from the seats, at a utilisation
that depends on the latent NPS type, ramps up over the first weeks of an episode and falls
linearly over the last ``USAGE_DECLINE_DAYS`` before the episode's true churn day: the planted
"usage declines before a churn" effect (parameters.py). Key events are Poisson per active user.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from cxlink.demo import parameters as p
from cxlink.demo.customers import Customers
from cxlink.demo.dates import ragged
from cxlink.demo.subscriptions import Subscriptions

USAGE_SCHEMA = pa.schema(
    [
        ("customer_id", pa.string()),
        ("week", pa.date32()),
        ("active_users", pa.int32()),
        ("seats", pa.int32()),
        ("key_events", pa.int32()),
    ]
)

UTILISATION_BY_TYPE = np.array([p.USAGE_UTILISATION[t] for t in p.NPS_TYPES])
# Day number of a Monday: 1970-01-05 (day 4) was one, so (day + 3) % 7 == 0.
_MONDAY_OFFSET = 3


@dataclass(frozen=True)
class Usage:
    customer: np.ndarray  # position in the chunk's Customers
    episode: np.ndarray
    week: np.ndarray  # day number of the Monday
    seats: np.ndarray  # licensed seats (always drawn)
    seats_reported: np.ndarray  # False: written empty
    active_users: np.ndarray
    key_events: np.ndarray
    days_to_churn: np.ndarray  # the episode's true churn day - week (> 0)

    def __len__(self) -> int:
        return self.week.size


def first_monday(days: np.ndarray) -> np.ndarray:
    """The first Monday on or after each day."""
    days = np.asarray(days, dtype=np.int64)
    return days + (-(days + _MONDAY_OFFSET)) % 7


def decline_factor(days_to_churn: np.ndarray) -> np.ndarray:
    """1 until USAGE_DECLINE_DAYS before the churn, then linearly down to USAGE_DECLINE_FLOOR."""
    share = np.clip(np.asarray(days_to_churn, dtype=float) / p.USAGE_DECLINE_DAYS, 0.0, 1.0)
    return p.USAGE_DECLINE_FLOOR + (1.0 - p.USAGE_DECLINE_FLOOR) * share


def _period_seat_log(subs: Subscriptions, episode: np.ndarray, week: np.ndarray) -> np.ndarray:
    """Seat factor (log) of the episode's main subscription period that covers each week."""
    per = subs.periods
    main = np.flatnonzero(~per.addon)
    key = per.episode[main] * 100_000 + per.start[main]
    order = np.argsort(key, kind="stable")
    key, seat_log = key[order], per.seat_log[main][order]
    at = np.searchsorted(key, episode * 100_000 + week, side="right") - 1
    return seat_log[np.maximum(at, 0)]


def generate_usage(
    rng: np.random.Generator, customers: Customers, subs: Subscriptions, as_of_day: int
) -> Usage:
    ep = subs.episodes
    n = len(customers)
    seats0 = np.exp(
        np.log(np.array(p.USAGE_SEATS_MEDIAN)[customers.segment])
        + rng.normal(0.0, p.USAGE_SEATS_SIGMA, n)
    )
    reported = rng.random(n) < p.USAGE_SEATS_REPORTED_SHARE
    level = UTILISATION_BY_TYPE[customers.nps_type] * np.exp(
        rng.normal(0.0, p.USAGE_CUSTOMER_SIGMA, n)
    )

    first = first_monday(ep.start)
    last = np.minimum(ep.observed_end - 1, as_of_day - 6)  # the week is over by as_of_day
    episode, j = ragged(np.maximum((last - first) // 7 + 1, 0))
    week = first[episode] + 7 * j
    customer = ep.customer[episode]

    seats = np.maximum(
        np.round(seats0[customer] * np.exp(_period_seat_log(subs, episode, week))), 1
    ).astype(np.int64)
    days_to_churn = ep.end[episode] - week
    onboarding = 0.5 + 0.5 * np.minimum(1.0, (j + 1) / p.USAGE_ONBOARDING_WEEKS)
    share = (
        level[customer]
        * np.exp(rng.normal(0.0, p.USAGE_WEEK_SIGMA, week.size))
        * onboarding
        * decline_factor(days_to_churn)
    )
    active = rng.binomial(seats, np.clip(share, 0.0, 1.0))
    rate = np.array(p.USAGE_EVENTS_PER_ACTIVE_USER)[customers.segment[customer]]
    events = rng.poisson(active * rate)
    return Usage(
        customer=customer,
        episode=episode,
        week=week,
        seats=seats,
        seats_reported=reported[customer],
        active_users=active,
        key_events=events,
        days_to_churn=days_to_churn,
    )


def usage_table(customers: Customers, usage: Usage) -> pa.Table:
    """The usage rows, one customer's weeks together in order (Parquet, typed)."""
    order = np.lexsort((usage.week, usage.customer))
    seats = usage.seats[order]
    ids = pa.array(customers.ids.tolist(), pa.string())  # one per customer, then taken per row
    return pa.table(
        {
            "customer_id": ids.take(pa.array(usage.customer[order])),
            "week": pa.array(usage.week[order].astype(np.int32), pa.date32()),
            "active_users": pa.array(usage.active_users[order].astype(np.int32), pa.int32()),
            "seats": pa.array(
                seats.astype(np.int32), pa.int32(), mask=~usage.seats_reported[order]
            ),
            "key_events": pa.array(usage.key_events[order].astype(np.int32), pa.int32()),
        },
        schema=USAGE_SCHEMA,
    )
