"""The predictive marts on the default demo (the shared `demo_run`): the demo plants churn by a
customer's latent NPS type (monthly hazard 0.008 promoter, 0.015 passive, 0.035 detractor;
cxlink/demo/parameters.py MONTHLY_CHURN_HAZARD) and a usage decline over the 91 days before a
churn, so churn_drivers must find detractors churning faster than promoters (interval above 1)
and declining usage going with churn."""

from __future__ import annotations

import pandas as pd


def drivers(con) -> pd.DataFrame:
    return con.execute("select * from marts.churn_drivers where scope = 'overall'").df()


def test_detractors_churn_faster_than_promoters(con):
    overall = drivers(con).set_index("driver")
    detractor = overall.loc["nps_detractor"]
    assert detractor["hazard_ratio"] > 1 and detractor["ci_low"] > 1, detractor.to_dict()
    assert detractor["p_value"] < 0.001
    passive = overall.loc["nps_passive"]
    assert detractor["hazard_ratio"] > passive["hazard_ratio"]
    assert overall["n_events"].iloc[0] >= 10 * overall["covariates"].iloc[0]


def test_declining_usage_goes_with_churn(con):
    usage = drivers(con).set_index("driver").loc["usage_declining"]
    assert usage["hazard_ratio"] > 1 and usage["ci_low"] > 1, usage.to_dict()


def test_every_segment_has_its_rows(con):
    table = con.execute("select * from marts.churn_drivers").df()
    segments = con.execute(
        "select distinct coalesce(segment, 'unknown') from staging.stg_crm__customers"
    ).fetchall()
    assert set(table.loc[table["scope"] == "segment", "segment"]) <= {s for (s,) in segments}
    per_scope = table.groupby(["scope", table["segment"].fillna("-")]).size()
    assert per_scope.nunique() == 1  # every scope lists every driver


def test_predicted_clv_marts_are_built(con):
    model = con.execute("select * from marts.clv_predicted_model order by fit").df()
    assert model["fit"].tolist() == ["calibration", "full_history"]
    fitted = model["bg_nbd_status"] == "fitted"
    assert (fitted | model["bg_nbd_null_reason"].notna()).all()
    customers = con.execute("select * from marts.clv_predicted_customers").df()
    assert len(customers) == model.loc[model["fit"] == "full_history", "customers"].item()
    # the demo's one-time buyers all spend alike (no heterogeneity for Gamma-Gamma to find):
    # the common mean spend, and a predicted CLV for everyone
    assert customers["predicted_clv"].notna().all()
    assert customers["spend_model"].isin(["gamma_gamma", "common_mean"]).all()
