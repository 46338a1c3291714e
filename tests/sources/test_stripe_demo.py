"""The demo data set written as Stripe objects maps back to the same contract rows (pure: the
encoder cxlink/demo/vendors/stripe.py, then the stripe kind's mapping)."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from decimal import Decimal

import pyarrow.parquet as pq

from cxlink.demo.generator import generate
from cxlink.demo.vendors.stripe import stripe_objects
from cxlink.sources.kinds.stripe import KIND, OPTIONS
from cxlink.sources.model import Source
from cxlink.sources.options import resolve_options


def _read(landing):
    def rows(name):
        with (landing / name).open(newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    invoices = pq.read_table(landing / "invoices" / "invoices.parquet").to_pylist()
    return {
        "customers": rows("customers/customers.csv"),
        "subscriptions": rows("subscriptions/subscriptions.csv"),
        "invoices": [{k: "" if v is None else str(v) for k, v in r.items()} for r in invoices],
    }


def _key(entity, v):
    if entity == "subscriptions":
        cols = ("customer_id", "plan_tier", "period_start", "period_end", "currency")
        return (*(v[c] or "" for c in cols), Decimal(v["mrr"]))
    when = v["issued_at"][:19].replace(" ", "T")
    return (v["customer_id"], when, Decimal(v["amount"]), v["currency"], v["line_type"])


def test_demo_data_set_round_trips_through_stripe_objects(tmp_path):
    landing = tmp_path / "landing"
    generate(
        landing,
        customers=60,
        seed=7,
        dirty=False,
        start_date=date(2023, 1, 1),
        as_of_date=date(2024, 12, 31),
    )
    rows = _read(landing)
    objects = stripe_objects(rows)
    options = resolve_options("test", OPTIONS, {"customer_id_from": "metadata.account_id"})
    source = Source("stripe", KIND, ("customers", "subscriptions", "invoices"), options)
    out = KIND.map(source, {k: sorted(v, key=lambda o: o["id"]) for k, v in objects.items()})
    assert not [r for r in out if r.rule]
    for entity in ("subscriptions", "invoices"):
        got = Counter(_key(entity, r.values) for r in out if r.entity == entity)
        assert got == Counter(_key(entity, v) for v in rows[entity]), entity
    kinds = Counter(v["line_type"] for v in rows["invoices"])
    assert kinds["new"] and kinds["renewal"] and kinds["refund"]
