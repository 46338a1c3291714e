"""Cox proportional-hazards fit of churn on time-varying covariates (docs/metrics.md
"Predictive CLV and churn drivers").

statsmodels' PHReg on the counting-process episodes (time = stop, status = event): a customer
is at risk at day t in the episode with start < t <= stop, so the episodes of one customer never
overlap and the partial likelihood is Cox's for time-varying covariates (Andersen & Gill 1982).
Times are whole days. PHReg counts a case at risk from its entry time on, that time included, so
the entry is start + 0.5: the episode is at risk on days start + 1 .. stop (with entry = start,
a customer whose covariates change on a day another customer churns would be at risk twice on
that day). Ties (several churns on one day) by Efron's method, maximised by Newton-Raphson
(BFGS first where Newton from 0 diverges). Standard errors
from the observed information; Wald interval exp(beta -/+ z se) and two-sided Wald p-value.

Before fitting, in order, with the reason a dropped covariate's row carries:

- ``no_variation``: the covariate has one value over all episodes;
- ``no_events_when_present``: a 0/1 covariate whose episodes with 1 have no churn, or whose
  episodes with 0 have none (its estimate would run off to 0 or infinity);
- ``collinear``: a linear combination of the covariates kept before it (e.g. the three NPS
  indicators when no customer is a promoter);
- then the **events-per-covariate rule**: with fewer than ``min_events_per_covariate`` churns
  per kept covariate (Peduzzi et al. 1995; Vittinghoff & McCulloch 2007 for Cox models) the
  model is not fitted and every covariate says ``too_few_events``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg

NO_VARIATION = "no_variation"
NO_EVENTS_WHEN_PRESENT = "no_events_when_present"
COLLINEAR = "collinear"
TOO_FEW_EVENTS = "too_few_events"
NO_CUSTOMERS = "no_customers"
FIT_FAILED = "fit_failed"
NOT_IDENTIFIED = "not_identified"
# beyond these the partial likelihood is monotone in the coefficient (quasi-separation: a
# hazard ratio of e^10 = 22,000 or an SE of 10 on the log scale says nothing estimable)
MAX_ABS_COEFFICIENT = 10.0
MAX_COEFFICIENT_SE = 10.0
ENTRY_OFFSET = 0.5  # days: an episode (start, stop] is at risk on days start + 1 .. stop


@dataclass(frozen=True)
class CoxFit:
    """Per covariate name: (beta, se, p) when estimated, else the reason; the counts."""

    n_customers: int
    n_events: int
    kept: list[str]
    estimates: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)


def screen(episodes: pd.DataFrame, names: list[str]) -> tuple[list[str], dict[str, str]]:
    """The covariates a fit can estimate, and the reason of each one it cannot."""
    reasons: dict[str, str] = {}
    kept: list[str] = []
    events = episodes["event"].to_numpy() == 1
    for name in names:
        values = episodes[name].to_numpy(dtype=float)
        if len(values) == 0 or np.ptp(values) == 0:
            reasons[name] = NO_VARIATION
            continue
        binary = set(np.unique(values)) <= {0.0, 1.0}
        if binary and (not events[values == 1].any() or not events[values == 0].any()):
            reasons[name] = NO_EVENTS_WHEN_PRESENT
            continue
        candidate = episodes[[*kept, name]].to_numpy(dtype=float)
        centred = candidate - candidate.mean(axis=0)
        if np.linalg.matrix_rank(centred) < len(kept) + 1:
            reasons[name] = COLLINEAR
            continue
        kept.append(name)
    return kept, reasons


SCORE_TOLERANCE = 1e-4  # largest |d log L / d beta| accepted as the maximum


def _at_maximum(model: PHReg, beta: np.ndarray) -> bool:
    """The gradient of the log partial likelihood vanishes at ``beta`` (PHReg's results do not
    say whether Newton converged)."""
    score = np.asarray(model.score(beta), dtype=float)
    return bool(np.all(np.isfinite(score)) and np.max(np.abs(score)) <= SCORE_TOLERANCE)


def _maximise(model: PHReg) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The partial-likelihood maximum: Newton-Raphson from 0 (PHReg's default), and where that
    diverges (a strong effect such as the demo's usage decline, hazard ratio about 30, makes
    the full Newton step from 0 overshoot: PHReg has no step halving), BFGS, then Newton from
    BFGS's optimum to converge tightly. None when neither converges to finite values."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for start in (None, "bfgs"):
            if start == "bfgs":
                first = model.fit(method="bfgs", maxiter=1000, disp=False)
                if not np.all(np.isfinite(first.params)):
                    return None, None
                result = model.fit(method="newton", start_params=first.params, disp=False)
            else:
                result = model.fit(method="newton", disp=False)
            beta = np.asarray(result.params, dtype=float)
            se = np.asarray(result.bse, dtype=float)
            if np.all(np.isfinite(beta)) and np.all(np.isfinite(se)) and _at_maximum(model, beta):
                return beta, se
    return None, None


def fit_cox(episodes: pd.DataFrame, names: list[str], min_events_per_covariate: int) -> CoxFit:
    """Screen the covariates, apply the events-per-covariate rule and fit (module docstring)."""
    n_customers = int(episodes["customer_id"].nunique())
    n_events = int(episodes["event"].sum())
    if n_customers == 0:
        return CoxFit(0, 0, [], reasons=dict.fromkeys(names, NO_CUSTOMERS))
    kept, reasons = screen(episodes, names)
    if not kept or n_events < min_events_per_covariate * len(kept):
        reasons.update(dict.fromkeys(kept, TOO_FEW_EVENTS))
        return CoxFit(n_customers, n_events, kept, reasons=reasons)
    model = PHReg(
        episodes["stop"].to_numpy(dtype=float),
        episodes[kept].to_numpy(dtype=float),
        status=episodes["event"].to_numpy(dtype=float),
        entry=episodes["start"].to_numpy(dtype=float) + ENTRY_OFFSET,
        ties="efron",
    )
    try:
        beta, se = _maximise(model)
    except (np.linalg.LinAlgError, ValueError):
        beta = se = None
    if beta is None:
        reasons.update(dict.fromkeys(kept, FIT_FAILED))
        return CoxFit(n_customers, n_events, kept, reasons=reasons)
    estimates = {}
    for name, b, s in zip(kept, beta, se, strict=True):
        if not (math.isfinite(b) and math.isfinite(s) and s > 0):
            reasons[name] = FIT_FAILED
            continue
        if abs(b) > MAX_ABS_COEFFICIENT or s > MAX_COEFFICIENT_SE:
            reasons[name] = NOT_IDENTIFIED
            continue
        estimates[name] = (float(b), float(s), float(2 * stats.norm.sf(abs(b / s))))
    return CoxFit(n_customers, n_events, kept, estimates=estimates, reasons=reasons)
