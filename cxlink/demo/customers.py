"""CRM accounts: who signs up when, in which segment, country, channel, and their latent NPS type."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxlink.demo import parameters as p
from cxlink.demo.dates import iso_dates
from cxlink.demo.phrases import Names
from cxlink.demo.randomness import choice

COUNTRY_CODES = np.array([c[0] for c in p.COUNTRIES])
COUNTRY_LANGUAGE = np.array([c[2] for c in p.COUNTRIES])
COUNTRY_CURRENCY = np.array([c[3] for c in p.COUNTRIES])
# EUR per unit of each country's billing currency, used to set local list prices once.
COUNTRY_PRICE_RATE = np.array([p.FX_BASE.get(c[3], 1.0) for c in p.COUNTRIES])


@dataclass(frozen=True)
class Customers:
    index: np.ndarray  # global customer number: ids are stable whatever the chunk size
    signup_day: np.ndarray
    segment: np.ndarray  # codes into SEGMENTS
    channel: np.ndarray  # codes into CHANNELS
    country: np.ndarray  # codes into COUNTRIES
    persona: np.ndarray  # codes into PERSONAS
    nps_type: np.ndarray  # codes into NPS_TYPES
    subscriber: np.ndarray  # False for one-time buyers
    price_factor: np.ndarray  # per-customer seats/discount multiplier on list prices
    name: np.ndarray

    def __len__(self) -> int:
        return self.index.size

    @property
    def ids(self) -> np.ndarray:
        return customer_ids(self.index)

    @property
    def language(self) -> np.ndarray:
        return COUNTRY_LANGUAGE[self.country]

    @property
    def currency(self) -> np.ndarray:
        return COUNTRY_CURRENCY[self.country]


def customer_ids(index: np.ndarray) -> np.ndarray:
    return np.array([f"C{i:07d}" for i in index.tolist()], dtype=object)


def signup_days(rng: np.random.Generator, n: int, start_day: int, as_of_day: int) -> np.ndarray:
    """Arrival days with an exponentially growing rate over [start_day, as_of_day]."""
    span = as_of_day - start_day + 1
    u = rng.random(n)
    growth = p.ARRIVAL_GROWTH
    # inverse CDF of a density proportional to growth ** (t / span) on [0, span)
    t = span * np.log1p(u * (growth - 1.0)) / np.log(growth)
    return np.minimum(start_day + np.floor(t).astype(np.int64), as_of_day)


def generate_customers(
    rng: np.random.Generator,
    first_index: int,
    n: int,
    start_day: int,
    as_of_day: int,
    names: Names,
) -> Customers:
    index = np.arange(first_index, first_index + n, dtype=np.int64)
    signup = signup_days(rng, n, start_day, as_of_day)
    subscriber = rng.random(n) >= p.NON_SUBSCRIPTION_SHARE
    segment = rng.choice(len(p.SEGMENTS), size=n, p=p.SEGMENT_MIX)
    # One-time buyers are small self-service shoppers.
    segment = np.where(subscriber, segment, 0)
    channel = choice(rng, np.array(p.CHANNEL_MIX), segment)
    weights = np.array([c[1] for c in p.COUNTRIES])
    country = rng.choice(len(p.COUNTRIES), size=n, p=weights / weights.sum())
    persona = choice(rng, np.array(p.PERSONA_MIX), segment)
    nps_type = rng.choice(len(p.NPS_TYPES), size=n, p=p.NPS_TYPE_MIX)
    price_factor = np.exp(rng.normal(0.0, p.CUSTOMER_PRICE_SIGMA, n))
    name = names.draw(rng, COUNTRY_LANGUAGE[country])
    return Customers(
        index=index,
        signup_day=signup,
        segment=segment,
        channel=channel,
        country=country,
        persona=persona,
        nps_type=nps_type,
        subscriber=subscriber,
        price_factor=price_factor,
        name=name,
    )


CUSTOMER_COLUMNS = (
    "customer_id",
    "signup_date",
    "segment",
    "plan_tier",
    "acquisition_channel",
    "country",
    "persona",
    "email",
    "name",
)


def customer_rows(customers: Customers, plan_tier: np.ndarray) -> list[tuple]:
    """CSV rows in CUSTOMER_COLUMNS order; ``plan_tier`` is the current tier text per customer."""
    ids = customers.ids
    signup = iso_dates(customers.signup_day)
    segment = np.array(p.SEGMENTS)[customers.segment]
    channel = np.array(p.CHANNELS)[customers.channel]
    country = COUNTRY_CODES[customers.country]
    persona = np.array(p.PERSONAS)[customers.persona]
    email = [f"user{i}@example.com" for i in customers.index.tolist()]
    return list(
        zip(
            ids.tolist(),
            signup.tolist(),
            segment.tolist(),
            plan_tier.tolist(),
            channel.tolist(),
            country.tolist(),
            persona.tolist(),
            email,
            customers.name.tolist(),
            strict=True,
        )
    )
