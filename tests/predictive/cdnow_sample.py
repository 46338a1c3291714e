"""The 2,357-customer CDNOW sample of Fader, Hardie & Lee (2005), as shipped in the lifetimes
wheel: ``CDNOW_sample.txt`` (every purchase of a 1/10th sample of the customers who first
bought in 1997-01 .. 1997-03, to 1998-06-30; whitespace-separated master id, sample id, date
YYYYMMDD, number of CDs, dollar value, no header) and ``cdnow_customers_summary.csv`` (FHL's
calibration summary: sample id, frequency, recency and T in weeks, 2 decimals). Read by path
(importing ``lifetimes.datasets`` needs pkg_resources, absent here), never committed."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pandas as pd

# FHL's periods: 39 weeks of calibration (1997-01-01 .. 1997-09-30), 39 of hold-out
CALIBRATION_END = pd.Timestamp("1997-09-30")
AS_OF = pd.Timestamp("1998-06-30")
# published BG/NBD fit (FHL 2005, section 5) and its log-likelihood
PUBLISHED = {"r": 0.2426, "alpha": 4.4135, "a": 0.7929, "b": 2.4258}
PUBLISHED_LOG_LIKELIHOOD = -9582.4
# Gamma-Gamma on the same calibration data (Fader & Hardie 2013, "The Gamma-Gamma model of
# monetary value", section 4): 946 repeat buyers, p, q, gamma, and corr(x, m_x) = 0.11
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def dataset_file(name: str) -> Path:
    path = Path(
        importlib.metadata.distribution("lifetimes").locate_file(f"lifetimes/datasets/{name}")
    )
    if not path.exists():
        raise FileNotFoundError(f"{path}: the lifetimes wheel has no {name}")
    return path


def sample_orders() -> pd.DataFrame:
    """The sample's purchase lines as customer_id (the sample id), order_date, amount."""
    log = pd.read_csv(
        dataset_file("CDNOW_sample.txt"),
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
        dtype={"master_id": str, "customer_id": str, "date": str},
    )
    return pd.DataFrame(
        {
            "customer_id": log["customer_id"].str.lstrip("0"),
            "order_date": pd.to_datetime(log["date"], format="%Y%m%d"),
            "amount": log["amount"].astype(float),
        }
    )


def published_summary() -> pd.DataFrame:
    summary = pd.read_csv(dataset_file("cdnow_customers_summary.csv"), dtype={"ID": str})
    return summary.rename(columns={"ID": "customer_id"}).set_index("customer_id")
