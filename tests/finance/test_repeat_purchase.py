"""Known answers for the repeat-purchase marts of one-time buyers (docs/metrics.md "Transactional
customers"): repeat_purchase_overall, repeat_purchase_by_segment and purchase_cohorts.

Eight customers, reporting currency EUR, as of 2024-06-30 (set: the test does not depend on the
default as-of date), built by the real extractor and `dbt build` (tests/warehouse.py). An order
is a one_time line with a positive amount; X is a subscriber and G has only a credit, so
neither is a buyer:

    A  smb  orders 2024-01-10 100, 2024-01-25 50, 2024-03-05 80    3 orders, 2nd after 15 days
    B  smb  order 2024-01-20 200, refund -50 on 2024-02-01        1 order, censored after 162 days
    C  mid  two orders on 2024-02-10, 60 and 40                   2 orders, 2nd after 0 days
    D  mid  orders 2024-02-15 90 and 2024-06-15 90               2 orders, 2nd after 121 days
    E  smb  order 2024-05-01 30                                  1 order, censored after 60 days
    H  smb  order 2024-04-01 70; 2024-07-15 80 (after the as-of)  1 order, censored after 90 days
    G  smb  a one_time credit of -10 on 2024-03-01 only           no order: not a buyer
    X  smb  a subscriber who also bought a one_time line          billing_model subscription
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from tests.warehouse import build, query

AS_OF = "2024-06-30"
Z = 1.96
SELECT = "+repeat_purchase_overall +repeat_purchase_by_segment +purchase_cohorts"

SEGMENTS = {"A": "smb", "B": "smb", "C": "mid", "D": "mid", "E": "smb", "H": "smb", "G": "smb"}
SEGMENTS["X"] = "smb"
LINES = [  # customer, date, amount, line_type
    ("A", "2024-01-10", 100, "one_time"),
    ("A", "2024-01-25", 50, "one_time"),
    ("A", "2024-03-05", 80, "one_time"),
    ("B", "2024-01-20", 200, "one_time"),
    ("B", "2024-02-01", -50, "refund"),
    ("C", "2024-02-10", 60, "one_time"),
    ("C", "2024-02-10", 40, "one_time"),
    ("D", "2024-02-15", 90, "one_time"),
    ("D", "2024-06-15", 90, "one_time"),
    ("E", "2024-05-01", 30, "one_time"),
    ("H", "2024-04-01", 70, "one_time"),
    ("H", "2024-07-15", 80, "one_time"),
    ("G", "2024-03-01", -10, "one_time"),
    ("X", "2024-02-01", 100, "new"),
    ("X", "2024-03-01", 500, "one_time"),
]


def landing_rows() -> dict[str, list[dict]]:
    customers = [
        {
            "customer_id": c,
            "signup_date": "2024-01-01",
            "segment": segment,
            "plan_tier": "none",
            "acquisition_channel": "organic",
            "country": "FI",
        }
        for c, segment in SEGMENTS.items()
    ]
    invoices = [
        {
            "invoice_id": f"{c}-{i}",
            "customer_id": c,
            "subscription_id": "s-X" if line_type == "new" else "",
            "issued_at": f"{day}T10:00:00",
            "amount": amount,
            "currency": "EUR",
            "line_type": line_type,
        }
        for i, (c, day, amount, line_type) in enumerate(LINES)
    ]
    subscriptions = [
        {
            "subscription_id": "s-X",
            "customer_id": "X",
            "plan_tier": "growth",
            "period_start": "2024-02-01",
            "period_end": "",
            "mrr": 100,
            "currency": "EUR",
        }
    ]
    return {"customers": customers, "subscriptions": subscriptions, "invoices": invoices}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path) -> Path:
    data_dir = tmp_path_factory.mktemp("repeat_purchase")
    build(data_dir, landing_rows(), env={"CXLINK_AS_OF_DATE": AS_OF}, select=SELECT)
    return data_dir


def rows(data_dir: Path, sql: str) -> list[dict]:
    import duckdb

    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [
            {n: (float(v) if hasattr(v, "as_tuple") else v) for n, v in zip(names, r, strict=True)}
            for r in cursor.fetchall()
        ]
    finally:
        con.close()


def wilson(successes: int, n: int) -> tuple[float, float]:
    p = successes / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def test_repeat_purchase_overall(warehouse: Path):
    (row,) = rows(warehouse, "select * from marts.repeat_purchase_overall")
    # buyers A, B, C, D, E, H; repeaters A, C, D
    assert (row["customers"], row["repeat_customers"]) == (6, 3)
    assert row["repeat_rate"] == pytest.approx(0.5)
    low, high = wilson(3, 6)
    assert (row["repeat_rate_ci_low"], row["repeat_rate_ci_high"]) == pytest.approx((low, high))
    # 3 + 1 + 2 + 2 + 1 + 1 orders (H's July order is after the as-of date)
    assert row["orders"] == 10
    assert row["orders_per_customer"] == pytest.approx(10 / 6)
    # 230 + (200 - 50) + 100 + 180 + 30 + 70: the refund counts, H's July line does not
    assert row["net_revenue"] == pytest.approx(760)
    assert row["net_revenue_per_customer"] == pytest.approx(760 / 6)
    assert row["currency"] == "EUR"
    assert row["first_order_date"] == date(2024, 1, 10)
    assert row["as_of_date"] == date(2024, 6, 30)
    # Kaplan-Meier over durations 0 (C), 15 (A), 60+ (E), 90+ (H), 121 (D), 162+ (B):
    # S = 5/6 at 0, 5/6 x 4/5 = 2/3 at 15, 2/3 x 1/2 = 1/3 at 121 (D and B at risk): median 121
    assert row["median_days_to_second_order"] == 121
    # the repeaters' days 0, 15, 121: the middle one
    assert row["median_days_to_second_order_repeaters"] == 15
    # A: 2024-01-10 .. 2024-06-30
    assert row["max_follow_up_days"] == 172


def test_repeat_purchase_by_segment(warehouse: Path):
    by_segment = {
        r["segment"]: r for r in rows(warehouse, "select * from marts.repeat_purchase_by_segment")
    }
    assert set(by_segment) == {"smb", "mid"}
    smb, mid = by_segment["smb"], by_segment["mid"]
    assert (smb["customers"], smb["repeat_customers"], smb["orders"]) == (4, 1, 6)
    assert smb["net_revenue"] == pytest.approx(480)
    assert (smb["repeat_rate_ci_low"], smb["repeat_rate_ci_high"]) == pytest.approx(wilson(1, 4))
    # smb: only A repeats, at 15 days with 4 at risk: S = 3/4 and never <= 1/2
    assert smb["median_days_to_second_order"] is None
    assert smb["median_days_to_second_order_repeaters"] == 15
    assert (mid["customers"], mid["repeat_customers"], mid["orders"]) == (2, 2, 4)
    assert mid["net_revenue"] == pytest.approx(280)
    # every mid buyer repeats: the Wilson upper bound is exactly 1
    assert mid["repeat_rate"] == 1.0 and mid["repeat_rate_ci_high"] == 1.0
    # mid: C at 0 days with 2 at risk: S = 1/2, the median
    assert mid["median_days_to_second_order"] == 0
    assert mid["median_days_to_second_order_repeaters"] == 0


def test_purchase_cohorts(warehouse: Path):
    got = {
        (r["cohort_month"].isoformat()[:7], r["months_since_first_order"]): r
        for r in rows(warehouse, "select * from marts.purchase_cohorts")
    }
    # cohort -> month k: (buyers in month k, orders, net revenue); cohorts run to 2024-06
    expected = {
        ("2024-01", 0): (2, 3, 350),  # A twice, B
        ("2024-01", 1): (0, 0, -50),  # B's refund: revenue, no order
        ("2024-01", 2): (1, 1, 80),  # A
        ("2024-01", 3): (0, 0, 0),
        ("2024-01", 4): (0, 0, 0),
        ("2024-01", 5): (0, 0, 0),
        ("2024-02", 0): (2, 3, 190),  # C twice, D
        ("2024-02", 1): (0, 0, 0),
        ("2024-02", 2): (0, 0, 0),
        ("2024-02", 3): (0, 0, 0),
        ("2024-02", 4): (1, 1, 90),  # D
        ("2024-04", 0): (1, 1, 70),  # H
        ("2024-04", 1): (0, 0, 0),
        ("2024-04", 2): (0, 0, 0),  # H's July order is after the as-of date
        ("2024-05", 0): (1, 1, 30),  # E
        ("2024-05", 1): (0, 0, 0),
    }
    assert set(got) == set(expected)
    sizes = {"2024-01": 2, "2024-02": 2, "2024-04": 1, "2024-05": 1}
    cumulative: dict[str, float] = {}
    for (cohort, k), (buying, orders, revenue) in sorted(expected.items()):
        r = got[cohort, k]
        n = sizes[cohort]
        assert (r["cohort_customers"], r["customers_buying"], r["orders"]) == (n, buying, orders)
        assert r["net_revenue"] == pytest.approx(revenue)
        assert r["retention"] == pytest.approx(buying / n)
        assert (r["retention_ci_low"], r["retention_ci_high"]) == pytest.approx(
            (
                0.0 if buying == 0 else wilson(buying, n)[0],
                1.0 if buying == n else wilson(buying, n)[1],
            )
        )
        cumulative[cohort] = cumulative.get(cohort, 0) + revenue
        assert r["cumulative_net_revenue_per_customer"] == pytest.approx(cumulative[cohort] / n)
        # the as-of date is the last day of June: no month is partial
        assert r["is_partial_month"] is False


def test_buyers_exclude_subscribers_and_credit_only_customers(warehouse: Path):
    buyers = query(warehouse, "select customer_id from intermediate.int_finance__repeat_buyers")
    assert sorted(c for (c,) in buyers) == ["A", "B", "C", "D", "E", "H"]
