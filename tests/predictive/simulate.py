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
