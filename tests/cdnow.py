"""The CDNOW transaction log converted to the landing contract, as a user would convert it.

CDNOW (Fader & Hardie; the ``lifetimes`` package ships it as
``lifetimes/datasets/CDNOW_master.txt``) is a real shop's log: every purchase of the 23,570
customers who first bought CDs from CDNOW in 1997-01 .. 1997-03, followed to 1998-06-30: 69,659
whitespace-separated purchase lines under a header line, customer_id, date (YYYYMMDD),
number_of_cds, dollar_value. It is read from the installed wheel (pyproject's ``dev`` extra pins it) and never
committed: its licence is the data set's authors', not the project's.

The log has only purchases, so the conversion needs stand-ins for what the contract requires:

- customers: ``signup_date`` = the first purchase date (CDNOW has no sign-up; the first order is
  when the customer joined), and the same constant for every customer: segment ``consumer``,
  plan_tier ``none``, acquisition_channel ``unknown``, country ``US`` (CDNOW was a US shop);
- invoices: one ``one_time`` line per log line, amount = dollar_value in USD, issued at
  00:00:00 on the line's date (the log has days, no times); a line of 0 dollars (the log has a
  few) is kept as it is and counts as no order, as the marts define an order (amount > 0);
- subscriptions, feedback, marketing_spend and service_costs: header-only files (the data set
  has none of them; fx_rates is optional and left out, so the reporting currency must be USD).
"""

from __future__ import annotations

import csv
import importlib.metadata
from pathlib import Path

import pandas as pd

from cxlink.contract import ENTITIES

CDNOW_FILE = "lifetimes/datasets/CDNOW_master.txt"
CURRENCY = "USD"
# Customer attributes CDNOW does not have: one constant each (module docstring).
SEGMENT = "consumer"
PLAN_TIER = "none"
ACQUISITION_CHANNEL = "unknown"
COUNTRY = "US"
HEADER_ONLY = ("subscriptions", "feedback", "marketing_spend", "service_costs")


def cdnow_path() -> Path:
    """The data file inside the installed ``lifetimes`` wheel, found through the package's
    metadata: importing ``lifetimes.datasets`` needs pkg_resources (setuptools), which the
    environment does not have."""
    try:
        path = Path(importlib.metadata.distribution("lifetimes").locate_file(CDNOW_FILE))
    except importlib.metadata.PackageNotFoundError as missing:
        raise FileNotFoundError(
            "CDNOW ships inside the lifetimes wheel: pip install -c requirements.lock -e '.[dev]'"
        ) from missing
    if not path.exists():
        raise FileNotFoundError(f"{path}: the lifetimes wheel has no {CDNOW_FILE}")
    return path


def read_cdnow(path: Path | None = None) -> pd.DataFrame:
    """The log as customer_id (text, zero-padded as in the file), date, number_of_cds and
    dollar_value, in file order."""
    log = pd.read_csv(
        path or cdnow_path(),
        sep=r"\s+",
        header=0,  # the file's own header line: customer_id date number_of_cds dollar_value
        names=["customer_id", "date", "number_of_cds", "dollar_value"],
        dtype={"customer_id": str, "date": str, "number_of_cds": int, "dollar_value": str},
    )
    log["date"] = pd.to_datetime(log["date"], format="%Y%m%d")
    return log


def landing_frames(log: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The contract's customers and invoices from the log (module docstring)."""
    first_purchase = log.groupby("customer_id", sort=True)["date"].min()
    customers = pd.DataFrame(
        {
            "customer_id": first_purchase.index,
            "signup_date": first_purchase.dt.strftime("%Y-%m-%d").to_numpy(),
            "segment": SEGMENT,
            "plan_tier": PLAN_TIER,
            "acquisition_channel": ACQUISITION_CHANNEL,
            "country": COUNTRY,
        }
    )
    # a customer can have several lines on one day: the line's number within the day keeps
    # the invoice ids unique
    line_of_day = log.groupby(["customer_id", "date"]).cumcount() + 1
    day = log["date"].dt.strftime("%Y%m%d")
    invoices = pd.DataFrame(
        {
            "invoice_id": "cdnow-" + log["customer_id"] + "-" + day + "-" + line_of_day.astype(str),
            "customer_id": log["customer_id"],
            "subscription_id": "",
            "issued_at": log["date"].dt.strftime("%Y-%m-%dT00:00:00"),
            "amount": log["dollar_value"],  # as written in the file: no float rounding
            "currency": CURRENCY,
            "line_type": "one_time",
        }
    )
    return {"customers": customers, "invoices": invoices}


def write_cdnow_landing(landing_dir: Path, log: pd.DataFrame | None = None) -> dict[str, int]:
    """Every contract entity under ``landing_dir`` (the extractor's layout,
    ``<entity>/<entity>.csv``); returns the rows written per entity."""
    frames = landing_frames(read_cdnow() if log is None else log)
    written = {}
    for entity, frame in frames.items():
        target = landing_dir / entity / f"{entity}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(target, index=False)
        written[entity] = len(frame)
    for entity in HEADER_ONLY:
        target = landing_dir / entity / f"{entity}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerow(ENTITIES[entity].column_names)
        written[entity] = 0
    return written
