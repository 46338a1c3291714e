"""The churn-drivers table (docs/metrics.md "Predictive CLV and churn drivers"): one Cox model
per scope, ``overall`` (every subscription customer) and each ``segment``, all covariates
together (each hazard ratio is adjusted for the others), one row per scope and covariate.

hazard_ratio = exp(beta), interval exp(beta -/+ z se), p the two-sided Wald p-value. A
covariate the scope cannot estimate keeps its row with null figures and ``null_reason``
(``cxlink.predictive.cox``).
"""

from __future__ import annotations

import math

import pandas as pd

from cxlink.predictive.churn_episodes import Covariate
from cxlink.predictive.cox import fit_cox

OVERALL, SEGMENT = "overall", "segment"
FIGURES = ("coefficient", "coefficient_se", "hazard_ratio", "ci_low", "ci_high", "p_value")


def scope_rows(
    scope: str,
    segment: str | None,
    episodes: pd.DataFrame,
    covariates: list[Covariate],
    min_events_per_covariate: int,
    z: float,
) -> list[dict]:
    fit = fit_cox(episodes, [c.name for c in covariates], min_events_per_covariate)
    rows = []
    for covariate in covariates:
        exposed = episodes.loc[episodes[covariate.name] != 0, "customer_id"].nunique()
        row = {
            "scope": scope,
            "segment": segment,
            "driver": covariate.name,
            "driver_kind": covariate.kind,
            "reference": covariate.reference,
            **dict.fromkeys(FIGURES),
            "n_customers": fit.n_customers,
            "n_events": fit.n_events,
            "n_exposed_customers": int(exposed),
            "covariates": len(fit.kept) if fit.estimates else None,
            "null_reason": fit.reasons.get(covariate.name),
        }
        if covariate.name in fit.estimates:
            beta, se, p = fit.estimates[covariate.name]
            row.update(
                coefficient=beta,
                coefficient_se=se,
                hazard_ratio=math.exp(beta),
                ci_low=math.exp(beta - z * se),
                ci_high=math.exp(beta + z * se),
                p_value=p,
            )
        rows.append(row)
    return rows


def drivers_table(
    episodes: pd.DataFrame,
    covariates: list[Covariate],
    min_events_per_covariate: int,
    z: float,
) -> pd.DataFrame:
    """The overall scope, then each segment in order (module docstring)."""
    rows = scope_rows(OVERALL, None, episodes, covariates, min_events_per_covariate, z)
    for segment in sorted(episodes["segment"].dropna().unique()):
        mine = episodes[episodes["segment"] == segment]
        rows += scope_rows(SEGMENT, segment, mine, covariates, min_events_per_covariate, z)
    return pd.DataFrame(rows)
