"""Predictive models of issue 15 (docs/metrics.md "Predictive CLV and churn drivers").

Pure functions, no Dagster or dbt: the dbt Python models under
``dbt_project/models/{intermediate,marts}/predictive`` call them.

- ``summary``: per-customer frequency / recency / age / monetary value in weeks (calibration and
  full history, hold-out purchases), the input of the BG/NBD and Gamma-Gamma models;
- ``bgnbd`` and ``gamma_gamma``: fitting (the ``lifetimes`` package), log-likelihoods and
  predictions; ``clv_tables``: the fits, per-customer predictions and the hold-out validation
  as the marts publish them;
- ``cox`` and ``churn_episodes``: the Cox model of churn on time-varying CX covariates
  (statsmodels' PHReg), ``churn_tables``: the drivers table per scope.
"""
