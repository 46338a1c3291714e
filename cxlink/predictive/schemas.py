"""The column types of the predictive tables, so that the dbt Python models publish typed tables
(an empty frame, or a column that is all null, carries no type of its own)."""

from __future__ import annotations

import pandas as pd

TEXT, INT, FLOAT, DATE, FLAG = "varchar", "bigint", "double", "date", "boolean"

SUMMARIES = {
    "customer_id": TEXT,
    "segment": TEXT,
    "first_order_date": DATE,
    "purchase_days": INT,
    "frequency": INT,
    "recency_weeks": FLOAT,
    "age_weeks": FLOAT,
    "monetary_value": FLOAT,
    "in_calibration": FLAG,
    "frequency_cal": INT,
    "recency_cal_weeks": FLOAT,
    "age_cal_weeks": FLOAT,
    "monetary_value_cal": FLOAT,
    "holdout_purchases": INT,
    "calibration_end_date": DATE,
    "as_of_date": DATE,
}


def _model(prefix: str, params: list[str], customers: bool) -> dict[str, str]:
    columns = {f"{prefix}_status": TEXT, f"{prefix}_null_reason": TEXT}
    if customers:
        columns[f"{prefix}_customers"] = INT
    columns[f"{prefix}_log_likelihood"] = FLOAT
    for name in params:
        columns[name] = FLOAT
        columns[f"{name}_log_se"] = FLOAT
    return columns


FITS = {
    "fit": TEXT,
    "customers": INT,
    "repeat_buyers": INT,
    **_model("bg_nbd", ["r", "alpha", "a", "b"], customers=False),
    **_model("gamma_gamma", ["p", "q", "gamma"], customers=True),
    "population_mean_spend": FLOAT,
    "frequency_value_correlation": FLOAT,
    "frequency_value_correlation_ci_low": FLOAT,
    "frequency_value_correlation_ci_high": FLOAT,
    "correlation_customers": INT,
    "holdout_weeks": INT,
    "holdout_actual_purchases": INT,
    "holdout_predicted_purchases": FLOAT,
    "holdout_mae": FLOAT,
}

VALIDATION = {
    "frequency_bucket": TEXT,
    "bucket_order": INT,
    "customers": INT,
    "actual_purchases": INT,
    "predicted_purchases": FLOAT,
    "mae": FLOAT,
    "actual_per_customer": FLOAT,
    "predicted_per_customer": FLOAT,
    "holdout_weeks": INT,
}

PREDICTIONS = {
    "customer_id": TEXT,
    "segment": TEXT,
    "first_order_date": DATE,
    "purchase_days": INT,
    "frequency": INT,
    "recency_weeks": FLOAT,
    "age_weeks": FLOAT,
    "monetary_value": FLOAT,
    "as_of_date": DATE,
    "p_alive": FLOAT,
    "expected_purchases": FLOAT,
    "discounted_purchases": FLOAT,
    "spend_model": TEXT,
    "expected_spend_per_purchase": FLOAT,
    "prediction_horizon_months": INT,
    "monthly_discount_rate": FLOAT,
    "prediction_null_reason": TEXT,
    "value_null_reason": TEXT,
}

DRIVERS = {
    "scope": TEXT,
    "segment": TEXT,
    "driver": TEXT,
    "driver_kind": TEXT,
    "reference": TEXT,
    "coefficient": FLOAT,
    "coefficient_se": FLOAT,
    "hazard_ratio": FLOAT,
    "ci_low": FLOAT,
    "ci_high": FLOAT,
    "p_value": FLOAT,
    "n_customers": INT,
    "n_events": INT,
    "n_exposed_customers": INT,
    "covariates": INT,
    "null_reason": TEXT,
}


def typed(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """``frame`` with exactly ``columns``, in order, each in a pandas type DuckDB reads as the
    column's SQL type (missing columns are added as nulls)."""
    out = pd.DataFrame(index=frame.index)
    for name, sql in columns.items():
        values = frame[name] if name in frame.columns else pd.Series(None, index=frame.index)
        if sql == FLOAT:
            out[name] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif sql == INT:
            out[name] = pd.to_numeric(values, errors="coerce").round().astype("Int64")
        elif sql == DATE:
            out[name] = pd.to_datetime(values)
        elif sql == FLAG:
            out[name] = values.astype(bool)
        else:
            out[name] = values.astype(object).where(values.notna(), None)
    return out.reset_index(drop=True)


def projection(columns: dict[str, str]) -> str:
    """The select list casting every column to its SQL type."""
    return ", ".join(f"cast({name} as {sql}) as {name}" for name, sql in columns.items())
