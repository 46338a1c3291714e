"""Seeded simulations with known parameters, written from the models' definitions (not from the
code under test):

- BG/NBD (Fader, Hardie & Lee 2005, section 3): each customer draws a purchase rate
  lambda ~ Gamma(shape r, rate alpha) and a dropout probability p ~ Beta(a, b). The first
  purchase is at time 0; while alive, the waiting times to the next purchase are
  Exponential(lambda); right after each repeat purchase the customer drops out with
  probability p. Purchases after T are not observed.
- Gamma-Gamma (Fader & Hardie 2013): nu ~ Gamma(shape q, rate gamma) per customer, each
  transaction value ~ Gamma(shape p, rate nu).
- Cox proportional hazards with time-varying binary covariates: ``cox_episodes``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def bgnbd_purchase_times(
    rng: np.random.Generator, T: np.ndarray, r: float, alpha: float, a: float, b: float
) -> list[np.ndarray]:
    """Per customer the times (weeks after the first purchase, 0 excluded) of the repeat
    purchases observed up to T."""
    rates = rng.gamma(shape=r, scale=1 / alpha, size=len(T))
    dropout = rng.beta(a, b, size=len(T))
    times = []
    for horizon, rate, p in zip(T, rates, dropout, strict=True):
        seen, now = [], 0.0
        while True:
            now += rng.exponential(1 / rate)
            if now > horizon:
                break
            seen.append(now)
            if rng.random() < p:
                break
        times.append(np.array(seen))
    return times


def bgnbd_summary(times: list[np.ndarray], T: np.ndarray) -> pd.DataFrame:
    """x, t_x, T per customer from the repeat purchase times."""
    return pd.DataFrame(
        {
            "frequency": [len(t) for t in times],
            "recency": [float(t[-1]) if len(t) else 0.0 for t in times],
            "T": T.astype(float),
        }
    )


def gamma_gamma_values(
    rng: np.random.Generator, counts: np.ndarray, p: float, q: float, gamma: float
) -> list[np.ndarray]:
    """Per customer ``counts[i]`` transaction values."""
    nu = rng.gamma(shape=q, scale=1 / gamma, size=len(counts))
    return [rng.gamma(shape=p, scale=1 / v, size=int(c)) for c, v in zip(counts, nu, strict=True)]


def cox_customers(
    rng: np.random.Generator,
    n: int,
    baseline: float,
    hazard_ratios: dict[str, float],
    follow_up_days: int,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Subscription customers whose churn hazard changes at one NPS answer (a Cox model with a
    time-varying covariate, exponential baseline ``baseline`` per day).

    Each customer starts on a day of 2022 and answers once, after Uniform(10, 300) days, as a
    promoter, passive or detractor (40 / 30 / 30%), with a comment mentioning ``support`` half
    the time and a sentiment of Uniform(-1, 1) that has no effect. Before the answer the hazard
    is baseline x HR[no_nps_response], after it baseline x HR[category] x HR[support]^mention
    (promoter 1). Waiting times are memoryless, so the time after the answer is drawn afresh.
    The churn day is the ceiling of the continuous time; follow-up ends at the as-of date,
    ``follow_up_days`` after 2022-01-01. Returns (spells, answers, topic mentions) in the
    inputs' shapes of ``cxlink.predictive.churn_episodes``.
    """
    start = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    answer_day = rng.integers(10, 300, n)
    category = rng.choice(["promoter", "passive", "detractor"], size=n, p=[0.4, 0.3, 0.3])
    support = rng.random(n) < 0.5
    sentiment = rng.uniform(-1, 1, n)
    before = baseline * hazard_ratios["no_nps_response"]
    after = baseline * np.array(
        [
            (hazard_ratios.get(f"nps_{c}", 1.0)) * (hazard_ratios["topic:support"] if s else 1.0)
            for c, s in zip(category, support, strict=True)
        ]
    )
    first = rng.exponential(1 / before, size=n)
    churn = np.where(first <= answer_day, first, answer_day + rng.exponential(1 / after))
    churn_day = np.ceil(churn).astype(int)
    as_of = pd.Timestamp("2022-01-01") + pd.Timedelta(days=follow_up_days)
    end = start + pd.to_timedelta(churn_day, unit="D")
    ids = [f"c{i:05d}" for i in range(n)]
    spells = pd.DataFrame(
        {
            "customer_id": ids,
            "segment": np.where(rng.random(n) < 0.5, "smb", "enterprise"),
            "spell_start_date": start,
            "spell_end_date": end.where(end <= as_of + pd.Timedelta(days=400)),
        }
    )
    answers = pd.DataFrame(
        {
            "customer_id": ids,
            "response_id": [f"r{i:05d}" for i in range(n)],
            "response_date": start + pd.to_timedelta(answer_day, unit="D"),
            "nps_category": category,
            "mean_sentiment": sentiment,
            "has_tagged_comment": True,
        }
    )
    topics = pd.DataFrame(
        {"response_id": answers["response_id"][support], "topic_id": "support"}
    ).reset_index(drop=True)
    spells.attrs["as_of"] = as_of
    return spells, answers, topics
