"""The tables of the two Python marts of the health score, from plain DataFrames in and out:
``marts.health_score_learned_weights`` (cxlink.health.learned) and
``marts.health_score_validation`` (cxlink.health.validation). docs/metrics.md "Customer health
and closing the loop"."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cxlink.health.config import INDICATORS
from cxlink.health.learned import fit_learned, suggested_weights
from cxlink.health.validation import delong, two_sided_p

# The reference of every AUC gap: the latest NPS category alone.
REFERENCE_SCORE = "nps_only"
# The scores of the validation, in the mart's order.
SCORES = ("configured", "learned", "learned_as_configured", REFERENCE_SCORE)

# column -> DuckDB type of the published table (empty frames carry no types)
LEARNED_COLUMNS = {
    "indicator": "varchar",
    "indicator_order": "integer",
    "model_status": "varchar",
    "is_in_model": "boolean",
    "imputation_value": "double",
    "coefficient": "double",
    "coefficient_se": "double",
    "coefficient_ci_low": "double",
    "coefficient_ci_high": "double",
    "shortfall_odds_ratio": "double",
    "suggested_weight": "double",
    "configured_weight": "double",
    "intercept": "double",
    "fit_account_months": "bigint",
    "fit_churned": "bigint",
    "fit_first_month": "date",
    "fit_last_month": "date",
    "validation_first_month": "date",
    "horizon_months": "integer",
    "regularisation_c": "double",
    "ci_z": "double",
    "score_version": "varchar",
}
VALIDATION_COLUMNS = {
    "score_name": "varchar",
    "account_months": "bigint",
    "accounts": "bigint",
    "churned": "bigint",
    "churn_rate": "double",
    "auc": "double",
    "auc_se": "double",
    "auc_ci_low": "double",
    "auc_ci_high": "double",
    "auc_gap_vs_nps": "double",
    "auc_gap_se": "double",
    "auc_gap_ci_low": "double",
    "auc_gap_ci_high": "double",
    "auc_gap_p_value": "double",
    "paired_account_months": "bigint",
    "ci_method": "varchar",
    "ci_z": "double",
    "validation_first_month": "date",
    "validation_last_month": "date",
    "horizon_months": "integer",
    "score_version": "varchar",
}


def sql_projection(columns: Mapping[str, str]) -> str:
    return ", ".join(f"cast({name} as {sql}) as {name}" for name, sql in columns.items())


def _nan_to_none(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def learned_weights_frame(
    fit_rows: pd.DataFrame,
    split: Mapping[str, object],
    configured: Mapping[str, float],
    c: float,
    z: float,
    score_version: str,
) -> pd.DataFrame:
    """One row per indicator: the fit on ``fit_rows`` (columns s_<indicator> and
    churned_within_horizon, the fit account-months) with its months from ``split``."""
    s = fit_rows[[f"s_{i}" for i in INDICATORS]].to_numpy(dtype=float, na_value=np.nan)
    churned = fit_rows["churned_within_horizon"].to_numpy(dtype=float)
    fit = fit_learned(s, churned, c)
    weights = suggested_weights(fit.coefficients)
    months = pd.to_datetime(fit_rows["month_start"]) if len(fit_rows) else pd.Series([])
    rows = []
    for j, indicator in enumerate(INDICATORS):
        coefficient, se = fit.coefficients[j], fit.standard_errors[j]
        status = fit.status if fit.status != "fitted" or fit.included[j] else "no_variation"
        rows.append(
            {
                "indicator": indicator,
                "indicator_order": j + 1,
                "model_status": status,
                "is_in_model": bool(fit.status == "fitted" and fit.included[j]),
                "imputation_value": _nan_to_none(fit.imputation[j]),
                "coefficient": _nan_to_none(coefficient),
                "coefficient_se": _nan_to_none(se),
                "coefficient_ci_low": _nan_to_none(coefficient - z * se),
                "coefficient_ci_high": _nan_to_none(coefficient + z * se),
                "shortfall_odds_ratio": _nan_to_none(np.exp(-coefficient)),
                "suggested_weight": _nan_to_none(weights[j]),
                "configured_weight": float(configured.get(indicator, 0.0)),
                "intercept": _nan_to_none(fit.intercept),
                "fit_account_months": fit.n,
                "fit_churned": fit.events,
                "fit_first_month": months.min() if len(months) else None,
                "fit_last_month": split["fit_last_month"],
                "validation_first_month": split["validation_first_month"],
                "horizon_months": int(split["horizon_months"]),
                "regularisation_c": float(c),
                "ci_z": float(z),
                "score_version": score_version,
            }
        )
    return pd.DataFrame(rows, columns=list(LEARNED_COLUMNS))


def _auc_rows(frame: pd.DataFrame, z: float) -> dict[str, dict]:
    """AUC figures per score over its rows with a score, and the paired gap to NPS alone."""
    wide = frame.pivot_table(
        index=["customer_id", "month_start", "churned"],
        columns="score_name",
        values="risk_score",
        aggfunc="first",
    ).reset_index()
    out: dict[str, dict] = {}
    for name in SCORES:
        if name not in wide:
            continue
        rows = wide[wide[name].notna()]
        y = rows["churned"].to_numpy(dtype=bool)
        result: dict[str, object] = {}
        if min(y.sum(), (~y).sum()) >= 2:
            single = delong(y, rows[[name]].to_numpy(dtype=float))
            auc, se = float(single.aucs[0]), single.se(0)
            result.update(
                auc=auc,
                auc_se=se,
                auc_ci_low=max(0.0, auc - z * se),
                auc_ci_high=min(1.0, auc + z * se),
            )
        if name != REFERENCE_SCORE and REFERENCE_SCORE in wide:
            both = wide[wide[name].notna() & wide[REFERENCE_SCORE].notna()]
            yb = both["churned"].to_numpy(dtype=bool)
            result["paired_account_months"] = len(both)
            if min(yb.sum(), (~yb).sum()) >= 2:
                paired = delong(yb, both[[name, REFERENCE_SCORE]].to_numpy(dtype=float))
                gap, gap_se = paired.difference(0, 1)
                result.update(
                    auc_gap_vs_nps=gap,
                    auc_gap_se=gap_se,
                    auc_gap_ci_low=gap - z * gap_se,
                    auc_gap_ci_high=gap + z * gap_se,
                    auc_gap_p_value=two_sided_p(gap, gap_se),
                )
        out[name] = result
    return out


def validation_frame(
    frame: pd.DataFrame, split: Mapping[str, object], z: float, score_version: str
) -> pd.DataFrame:
    """One row per score of ``frame`` (customer_id, month_start, score_name, risk_score,
    churned: the validation account-months, higher risk_score = more risk)."""
    aucs = _auc_rows(frame, z) if len(frame) else {}
    rows = []
    for name in SCORES:
        scored = frame[(frame["score_name"] == name) & frame["risk_score"].notna()]
        n = len(scored)
        churned = int(scored["churned"].astype(bool).sum())
        rows.append(
            {
                "score_name": name,
                "account_months": n,
                "accounts": int(scored["customer_id"].nunique()),
                "churned": churned,
                "churn_rate": churned / n if n else None,
                **{
                    k: _nan_to_none(v) if isinstance(v, float) else v
                    for k, v in aucs.get(name, {}).items()
                },
                "ci_method": "delong",
                "ci_z": float(z),
                "validation_first_month": split["validation_first_month"],
                "validation_last_month": split["last_labelled_month"],
                "horizon_months": int(split["horizon_months"]),
                "score_version": score_version,
            }
        )
    return pd.DataFrame(rows).reindex(columns=list(VALIDATION_COLUMNS))
