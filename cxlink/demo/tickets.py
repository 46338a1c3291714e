"""Support tickets: a background Poisson process per subscription episode, plus bursts.

The planted effect: before every NPS detractor response, Poisson(``TICKET_BURST_MEAN``) extra
tickets are opened in the ``TICKET_BURST_DAYS`` before it, mostly high/urgent bugs and outages
(parameters.py). Background tickets do not depend on the latent type, so the mean number of
tickets in the window before a detractor's response exceeds a promoter's by the burst mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxlink.demo import parameters as p
from cxlink.demo.customers import Customers
from cxlink.demo.dates import SECONDS_PER_DAY, iso_timestamps, ragged
from cxlink.demo.feedback import NPS, Responses
from cxlink.demo.randomness import choice
from cxlink.demo.subscriptions import Subscriptions

TICKET_COLUMNS = (
    "ticket_id",
    "customer_id",
    "opened_at",
    "closed_at",
    "priority",
    "category",
    "csat_score",
)
DETRACTOR = 2
CSAT_PROBS = np.array([p.CSAT_SCORE_PROBS[t] for t in p.NPS_TYPES])


@dataclass(frozen=True)
class Tickets:
    customer: np.ndarray  # position in the chunk's Customers; rows sorted by customer, opened
    opened: np.ndarray  # seconds since 1970 (UTC)
    closed: np.ndarray  # seconds; -1 = still open on as_of_date
    priority: np.ndarray  # codes into TICKET_PRIORITIES
    category: np.ndarray  # codes into TICKET_CATEGORIES; -1 = not given
    csat: np.ndarray  # 1-5; 0 = not rated
    burst: np.ndarray  # opened by the planted burst before a detractor response

    def __len__(self) -> int:
        return self.customer.size


def _background(rng: np.random.Generator, customers: Customers, subs: Subscriptions):
    ep = subs.episodes
    span = ep.observed_end - ep.start
    rate = np.array(p.TICKET_RATE_PER_MONTH)[customers.segment[ep.customer]]
    episode, _ = ragged(rng.poisson(rate * span / p.DAYS_PER_MONTH))
    seconds = ep.start[episode] * SECONDS_PER_DAY + np.floor(
        rng.random(episode.size) * span[episode] * SECONDS_PER_DAY
    ).astype(np.int64)
    return ep.customer[episode], seconds


def _bursts(rng: np.random.Generator, subs: Subscriptions, responses: Responses):
    at = np.flatnonzero(
        (responses.survey == NPS) & (responses.category == DETRACTOR) & (responses.episode >= 0)
    )
    owner, _ = ragged(rng.poisson(p.TICKET_BURST_MEAN, at.size))
    answered = responses.seconds[at][owner]
    started = subs.episodes.start[responses.episode[at][owner]] * SECONDS_PER_DAY
    window = np.minimum(p.TICKET_BURST_DAYS * SECONDS_PER_DAY, answered - started)
    before = 1 + np.floor(rng.random(owner.size) * np.maximum(window - 1, 0)).astype(np.int64)
    return responses.customer[at][owner], answered - before


def generate_tickets(
    rng: np.random.Generator,
    customers: Customers,
    subs: Subscriptions,
    responses: Responses,
    as_of_day: int,
) -> Tickets:
    b_customer, b_opened = _background(rng, customers, subs)
    x_customer, x_opened = _bursts(rng, subs, responses)
    customer = np.concatenate([b_customer, x_customer])
    opened = np.concatenate([b_opened, x_opened])
    burst = np.concatenate([np.zeros(b_customer.size, bool), np.ones(x_customer.size, bool)])
    order = np.lexsort((opened, customer))
    customer, opened, burst = customer[order], opened[order], burst[order]
    n = customer.size

    mixes = (p.TICKET_PRIORITY_MIX, p.TICKET_BURST_PRIORITY_MIX)
    priority = choice(rng, np.array(mixes), burst.astype(np.int64))
    categories = (p.TICKET_CATEGORY_MIX, p.TICKET_BURST_CATEGORY_MIX)
    category = choice(rng, np.array(categories), burst.astype(np.int64))
    category[rng.random(n) < p.TICKET_CATEGORY_MISSING] = -1
    hours = np.array(p.TICKET_RESOLUTION_HOURS)[priority] * np.exp(
        rng.normal(0.0, p.TICKET_RESOLUTION_SIGMA, n)
    )
    closed = opened + np.maximum(np.round(hours * 3600), 60).astype(np.int64)
    closed[closed >= (as_of_day + 1) * SECONDS_PER_DAY] = -1
    rated = (closed >= 0) & (rng.random(n) < p.TICKET_CSAT_PROBABILITY)
    csat = np.zeros(n, dtype=np.int64)
    csat[rated] = choice(rng, CSAT_PROBS, customers.nps_type[customer[rated]]) + 1
    return Tickets(customer, opened, closed, priority, category, csat, burst)


def ticket_rows(customers: Customers, tickets: Tickets) -> list[tuple]:
    """CSV rows in TICKET_COLUMNS order; ids number each customer's tickets in time order."""
    index = customers.index[tickets.customer]
    _, seq = ragged(np.bincount(tickets.customer, minlength=len(customers)))
    opened = iso_timestamps(tickets.opened).tolist()
    closed = iso_timestamps(np.maximum(tickets.closed, 0)).tolist()
    priorities = np.array(p.TICKET_PRIORITIES)[tickets.priority].tolist()
    categories = np.array(("", *p.TICKET_CATEGORIES))[tickets.category + 1].tolist()
    ids = customers.ids[tickets.customer].tolist()
    return [
        (
            f"T{c:07d}-{s + 1:04d}",
            ids[i],
            opened[i],
            closed[i] if tickets.closed[i] >= 0 else "",
            priorities[i],
            categories[i],
            str(tickets.csat[i]) if tickets.csat[i] else "",
        )
        for i, (c, s) in enumerate(zip(index.tolist(), seq.tolist(), strict=True))
    ]
