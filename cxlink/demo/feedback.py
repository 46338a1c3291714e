"""Survey responses: quarterly NPS, CSAT/CES at support touchpoints, CSAT after one-time orders.

Every NPS score of a customer falls in the range of their latent type, and whether a customer
answers does not depend on the type: so NPS responses are an unbiased window on the planted
churn hazards. CSAT/CES scores lean with the type without being tied to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxlink.demo import parameters as p
from cxlink.demo.comments import compose, score_category
from cxlink.demo.customers import Customers
from cxlink.demo.dates import SECONDS_PER_DAY, iso_timestamps, ragged
from cxlink.demo.invoices import Purchases
from cxlink.demo.phrases import PhraseBank
from cxlink.demo.randomness import choice
from cxlink.demo.subscriptions import Subscriptions

SURVEY_TYPES = ("nps", "csat", "ces")
NPS, CSAT, CES = range(3)

NPS_PROBS = np.array([[p.NPS_SCORE_PROBS[t].get(s, 0.0) for s in range(11)] for t in p.NPS_TYPES])
CSAT_PROBS = np.array([p.CSAT_SCORE_PROBS[t] for t in p.NPS_TYPES])
CES_PROBS = np.array([p.CES_SCORE_PROBS[t] for t in p.NPS_TYPES])
CHANNEL_PROBS = np.array([p.CHANNEL_MIX_BY_SURVEY[s] for s in SURVEY_TYPES])

FEEDBACK_COLUMNS = (
    "response_id",
    "customer_id",
    "responded_at",
    "survey_type",
    "score",
    "comment",
    "language",
    "channel",
)


@dataclass(frozen=True)
class Responses:
    customer: np.ndarray
    episode: np.ndarray  # subscription episode answered in; -1 for one-time buyers
    seconds: np.ndarray
    survey: np.ndarray  # codes into SURVEY_TYPES
    score: np.ndarray
    channel: np.ndarray  # codes into SURVEY_CHANNELS
    category: np.ndarray  # score category: 0 promoter, 1 passive, 2 detractor
    comment: np.ndarray  # object: text or None
    language: np.ndarray  # object: ISO 639-1 code or None (no comment, or omitted)
    topics: np.ndarray  # (n, topics) bool; all False without a comment
    legacy: np.ndarray  # written to the legacy CSV export instead of the JSON Lines file

    def __len__(self) -> int:
        return self.customer.size


def _nps_surveys(rng: np.random.Generator, subs: Subscriptions) -> tuple[np.ndarray, np.ndarray]:
    """(episode, day) of every answered quarterly NPS survey while the customer is active."""
    ep = subs.episodes
    shortest = p.NPS_SURVEY_INTERVAL_DAYS - p.NPS_SURVEY_JITTER_DAYS
    episode, j = ragged((ep.observed_end - ep.start) // shortest + 1)
    jitter = rng.integers(-p.NPS_SURVEY_JITTER_DAYS, p.NPS_SURVEY_JITTER_DAYS + 1, episode.size)
    day = ep.start[episode] + p.NPS_SURVEY_INTERVAL_DAYS * (j + 1) + jitter
    answered = rng.random(episode.size) < p.NPS_RESPONSE_PROBABILITY
    keep = (day < ep.observed_end[episode]) & answered
    return episode[keep], day[keep]


def _support_surveys(
    rng: np.random.Generator, subs: Subscriptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(episode, day, survey type) of CSAT/CES answers at support touchpoints."""
    ep = subs.episodes
    span = ep.observed_end - ep.start
    episode, _ = ragged(rng.poisson(p.SUPPORT_RESPONSE_RATE_PER_MONTH * span / p.DAYS_PER_MONTH))
    day = ep.start[episode] + np.floor(rng.random(episode.size) * span[episode]).astype(np.int64)
    survey = np.where(rng.random(episode.size) < p.CSAT_SHARE_OF_SUPPORT_SURVEYS, CSAT, CES)
    return episode, day, survey


def _scores(rng: np.random.Generator, survey: np.ndarray, nps_type: np.ndarray) -> np.ndarray:
    score = np.empty(survey.size, dtype=np.int64)
    for kind, probs, lowest in ((NPS, NPS_PROBS, 0), (CSAT, CSAT_PROBS, 1), (CES, CES_PROBS, 1)):
        at = survey == kind
        score[at] = choice(rng, probs, nps_type[at]) + lowest
    return score


def generate_responses(
    rng: np.random.Generator,
    customers: Customers,
    subs: Subscriptions,
    purchases: Purchases,
    bank: PhraseBank,
    as_of_day: int,
) -> Responses:
    ep = subs.episodes
    nps_episode, nps_day = _nps_surveys(rng, subs)
    sup_episode, sup_day, sup_survey = _support_surveys(rng, subs)
    bought = rng.random(purchases.day.size) < p.PURCHASE_CSAT_PROBABILITY
    buy_customer = purchases.customer[bought]
    buy_day = np.minimum(purchases.day[bought] + rng.integers(0, 4, bought.sum()), as_of_day)

    episode = np.concatenate([nps_episode, sup_episode, np.full(buy_customer.size, -1)])
    customer = np.concatenate([ep.customer[nps_episode], ep.customer[sup_episode], buy_customer])
    day = np.concatenate([nps_day, sup_day, buy_day])
    survey = np.concatenate(
        [np.full(nps_day.size, NPS), sup_survey, np.full(buy_customer.size, CSAT)]
    )
    seconds = day * SECONDS_PER_DAY + rng.integers(7 * 3600, 21 * 3600, size=day.size)
    order = np.lexsort((seconds, customer))
    episode, customer, seconds, survey = (
        episode[order],
        customer[order],
        seconds[order],
        survey[order],
    )
    n = customer.size

    score = _scores(rng, survey, customers.nps_type[customer])
    channel = choice(rng, CHANNEL_PROBS, survey)
    category = score_category(np.array(SURVEY_TYPES)[survey], score)
    rate = np.array([p.COMMENT_RATE[s] for s in SURVEY_TYPES])[survey]
    commented = np.flatnonzero(rng.random(n) < rate)
    languages = customers.language[customer]
    drafted = compose(rng, bank, category[commented], languages[commented])
    comment = np.full(n, None, dtype=object)
    comment[commented] = np.array(drafted.text, dtype=object)
    language = np.full(n, None, dtype=object)
    stated = commented[rng.random(commented.size) >= p.LANGUAGE_OMITTED_RATE]
    language[stated] = languages[stated]
    topics = np.zeros((n, len(p.TOPICS)), dtype=bool)
    topics[commented] = drafted.topics
    legacy = rng.random(n) < p.FEEDBACK_LEGACY_SHARE
    return Responses(
        customer=customer,
        episode=episode,
        seconds=seconds,
        survey=survey,
        score=score,
        channel=channel,
        category=category,
        comment=comment,
        language=language,
        topics=topics,
        legacy=legacy,
    )


def feedback_records(customers: Customers, responses: Responses) -> list[dict]:
    """One dict per response, keys in FEEDBACK_COLUMNS order; absent optional keys left out."""
    index = customers.index[responses.customer]
    _, seq = ragged(np.bincount(responses.customer, minlength=len(customers)))
    ids = customers.ids[responses.customer]
    stamps = iso_timestamps(responses.seconds)
    surveys = np.array(SURVEY_TYPES)[responses.survey]
    channels = np.array(p.SURVEY_CHANNELS)[responses.channel]
    records = []
    for i, (c, s) in enumerate(zip(index.tolist(), seq.tolist(), strict=True)):
        record = {
            "response_id": f"R{c:07d}-{s + 1:04d}",
            "customer_id": ids[i],
            "responded_at": str(stamps[i]),
            "survey_type": str(surveys[i]),
            "score": int(responses.score[i]),
        }
        if responses.comment[i] is not None:
            record["comment"] = responses.comment[i]
        if responses.language[i] is not None:
            record["language"] = responses.language[i]
        record["channel"] = str(channels[i])
        records.append(record)
    return records
