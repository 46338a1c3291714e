"""Known-answer tests for the revenue marts on a hand-built landing zone.

Eight customers, reporting currency EUR, as of 2024-06-30. MRR is read at each month-end
snapshot (the last day of the month). Every expected figure is worked out by hand below.

    A  smb, paid_search     upgrade: starter 100 EUR from 2024-01-10, growth 150 from 2024-03-15;
                            invoices 100, 100, 150 and a refund of -50
    B  mid_market, organic  downgrade: pro 400 from 2024-01-05, growth 300 from 2024-04-01
    C  smb, referral        cancellation and reactivation: starter 50 from 2024-01-20 to
                            2024-03-10, then a new subscription at 60 from 2024-05-02
    D  enterprise, outbound two overlapping subscriptions: enterprise 1000 from 2024-02-01
                            (ongoing) and an add-on, growth 200, 2024-03-15 to 2024-05-20
    E  smb, paid_social     USD: growth 100 USD from 2024-02-10, 120 USD from 2024-05-10;
                            USD invoices including a refund of -20 USD
    F  smb, paid_search     starter 80 EUR from 2024-03-01 to 2024-05-01 (churns)
    G  smb, paid_search     no subscription: one one-time invoice of 300 EUR on 2024-04-12
    H  smb, partner         GBP: starter 100 GBP 2023-12-15 to 2024-01-15, before the first
                            GBP rate (2024-01-01, 1.15): converted at that earliest later rate

USD rates (EUR per USD): 0.90 on 2024-01-01, 0.92 on 02-01, 0.95 on 03-01, 0.91 on 04-01,
0.93 on 05-01, 0.94 on 06-01. FX changes must not create movements: E's first period is
converted once at the rate of its start (0.92 on 2024-02-10).
"""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from tests.shared_builds import record_build
from tests.warehouse import build, query, run_dbt

# one worker builds the module's warehouses (`--dist loadgroup`)
pytestmark = pytest.mark.xdist_group("revenue_known_answers")

ENV = {"CXLINK_AS_OF_DATE": "2024-06-30", "CXLINK_REPORTING_CURRENCY": "EUR"}


def customer(customer_id, segment, channel, country, signup):
    return {
        "customer_id": customer_id,
        "signup_date": signup,
        "segment": segment,
        "plan_tier": "starter",
        "acquisition_channel": channel,
        "country": country,
    }


def period(subscription_id, customer_id, tier, start, end, mrr, currency="EUR"):
    return {
        "subscription_id": subscription_id,
        "customer_id": customer_id,
        "plan_tier": tier,
        "period_start": start,
        "period_end": end,
        "mrr": mrr,
        "currency": currency,
    }


def invoice(invoice_id, customer_id, subscription_id, issued_at, amount, currency, line_type):
    return {
        "invoice_id": invoice_id,
        "customer_id": customer_id,
        "subscription_id": subscription_id,
        "issued_at": issued_at,
        "amount": amount,
        "currency": currency,
        "line_type": line_type,
    }


def spend(month, channel, amount, currency="EUR"):
    return {"month": month, "channel": channel, "amount": amount, "currency": currency}


LANDING = {
    "customers": [
        customer("A", "smb", "paid_search", "FI", "2024-01-10"),
        customer("B", "mid_market", "organic", "DE", "2024-01-05"),
        customer("C", "smb", "referral", "ES", "2024-01-20"),
        customer("D", "enterprise", "outbound_sales", "NL", "2024-02-01"),
        customer("E", "smb", "paid_social", "US", "2024-02-10"),
        customer("F", "smb", "paid_search", "FI", "2024-03-01"),
        customer("G", "smb", "paid_search", "FI", "2024-04-12"),
        customer("H", "smb", "partner", "GB", "2023-12-15"),
    ],
    "subscriptions": [
        period("SA", "A", "starter", "2024-01-10", "2024-03-15", "100"),
        period("SA", "A", "growth", "2024-03-15", "", "150"),
        period("SB", "B", "pro", "2024-01-05", "2024-04-01", "400"),
        period("SB", "B", "growth", "2024-04-01", "", "300"),
        period("SC1", "C", "starter", "2024-01-20", "2024-03-10", "50"),
        period("SC2", "C", "starter", "2024-05-02", "", "60"),
        period("SD1", "D", "enterprise", "2024-02-01", "", "1000"),
        period("SD2", "D", "growth", "2024-03-15", "2024-05-20", "200"),
        period("SE", "E", "growth", "2024-02-10", "2024-05-10", "100", "USD"),
        period("SE", "E", "growth", "2024-05-10", "", "120", "USD"),
        period("SF", "F", "starter", "2024-03-01", "2024-05-01", "80"),
        period("SH", "H", "starter", "2023-12-15", "2024-01-15", "100", "GBP"),
    ],
    "invoices": [
        invoice("I1", "A", "SA", "2024-01-10T09:00:00", "100", "EUR", "new"),
        invoice("I2", "A", "SA", "2024-02-10T09:00:00", "100", "EUR", "renewal"),
        invoice("I3", "A", "SA", "2024-03-15T09:00:00", "150", "EUR", "upsell"),
        invoice("I4", "A", "SA", "2024-03-20T09:00:00", "-50", "EUR", "refund"),
        invoice("I5", "E", "SE", "2024-02-10T09:00:00", "100", "USD", "new"),
        invoice("I6", "E", "SE", "2024-03-05T09:00:00", "-20", "USD", "refund"),
        invoice("I7", "E", "SE", "2024-05-10T09:00:00", "120", "USD", "renewal"),
        invoice("I8", "G", "", "2024-04-12T15:30:00", "300", "EUR", "one_time"),
        invoice("I9", "H", "SH", "2023-12-15T09:00:00", "100", "GBP", "new"),
    ],
    "marketing_spend": [
        spend("2024-01-01", "paid_search", "1000"),
        spend("2024-01-01", "organic", "250"),
        spend("2024-01-01", "referral", "350"),
        spend("2024-01-01", "outbound_sales", "2000"),
        spend("2024-01-01", "paid_social", "200"),
        spend("2024-02-01", "paid_search", "500"),
        spend("2024-02-01", "paid_social", "100", "USD"),
        spend("2024-02-01", "outbound_sales", "4000"),
        spend("2024-03-01", "paid_search", "800"),
        spend("2024-03-01", "paid_social", "50"),
        spend("2024-04-01", "paid_search", "600"),
        spend("2024-06-01", "paid_search", "300"),
    ],
    "fx_rates": [
        {"date": day, "currency": "USD", "rate_to_reporting": rate}
        for day, rate in [
            ("2024-01-01", "0.90"),
            ("2024-02-01", "0.92"),
            ("2024-03-01", "0.95"),
            ("2024-04-01", "0.91"),
            ("2024-05-01", "0.93"),
            ("2024-06-01", "0.94"),
        ]
    ]
    + [{"date": "2024-01-01", "currency": "GBP", "rate_to_reporting": "1.15"}],
}


def D(value) -> Decimal:
    return Decimal(str(value))


@pytest.fixture(scope="module")
def warehouses(request, tmp_path_factory):
    """The landing zone built with lag 0; a copy with the CAC marts rebuilt at lag 1 (their
    rollup model, where the lag is applied, and cac_by_channel / cac_total)."""
    with record_build(request.config, "revenue known-answer warehouses"):
        lag0 = tmp_path_factory.mktemp("revenue_lag0")
        build(lag0, LANDING, env={**ENV, "CXLINK_CAC_LAG_MONTHS": "0"})
        lag1 = tmp_path_factory.mktemp("revenue_lag1")
        shutil.copy(lag0 / "warehouse.duckdb", lag1 / "warehouse.duckdb")
        run_dbt(
            lag1,
            ["run", "--select", "int_revenue__cac_rollups cac_by_channel cac_total"],
            env={**ENV, "CXLINK_CAC_LAG_MONTHS": "1"},
        )
    return lag0, lag1


def mrr_rows(data_dir, customer_id):
    return query(
        data_dir,
        "select strftime(month, '%Y-%m'), plan_tier, mrr, previous_mrr, movement, movement_amount"
        f" from marts.mrr_monthly where customer_id = '{customer_id}' order by month",
    )


def test_upgrade_is_expansion(warehouses):
    lag0, _ = warehouses
    assert mrr_rows(lag0, "A") == [
        ("2024-01", "starter", D(100), D(0), "new", D(100)),
        ("2024-02", "starter", D(100), D(100), "unchanged", D(0)),
        # growth from 2024-03-15: 150 - 100 = +50
        ("2024-03", "growth", D(150), D(100), "expansion", D(50)),
        ("2024-04", "growth", D(150), D(150), "unchanged", D(0)),
        ("2024-05", "growth", D(150), D(150), "unchanged", D(0)),
        ("2024-06", "growth", D(150), D(150), "unchanged", D(0)),
    ]


def test_downgrade_is_contraction(warehouses):
    lag0, _ = warehouses
    rows = mrr_rows(lag0, "B")
    assert rows[0] == ("2024-01", "pro", D(400), D(0), "new", D(400))
    # growth at 300 from 2024-04-01: 300 - 400 = -100
    assert rows[3] == ("2024-04", "growth", D(300), D(400), "contraction", D(-100))
    assert [r[4] for r in rows] == ["new", "unchanged", "unchanged", "contraction"] + [
        "unchanged"
    ] * 2


def test_cancellation_then_reactivation(warehouses):
    lag0, _ = warehouses
    assert mrr_rows(lag0, "C") == [
        ("2024-01", "starter", D(50), D(0), "new", D(50)),
        ("2024-02", "starter", D(50), D(50), "unchanged", D(0)),
        # ended 2024-03-10: inactive on 03-31, churn of the whole 50
        ("2024-03", "starter", D(0), D(50), "churn", D(-50)),
        # April: inactive both months, no row; back on 2024-05-02 at 60
        ("2024-05", "starter", D(60), D(0), "reactivation", D(60)),
        ("2024-06", "starter", D(60), D(60), "unchanged", D(0)),
    ]


def test_overlapping_subscriptions_add_up_and_churn_only_at_the_last_end(warehouses):
    lag0, _ = warehouses
    assert mrr_rows(lag0, "D") == [
        ("2024-02", "enterprise", D(1000), D(0), "new", D(1000)),
        # add-on from 2024-03-15: 1000 + 200 = 1200; the tier is that of the larger period
        ("2024-03", "enterprise", D(1200), D(1000), "expansion", D(200)),
        ("2024-04", "enterprise", D(1200), D(1200), "unchanged", D(0)),
        # add-on ended 2024-05-20 while SD1 goes on: contraction, not churn
        ("2024-05", "enterprise", D(1000), D(1200), "contraction", D(-200)),
        ("2024-06", "enterprise", D(1000), D(1000), "unchanged", D(0)),
    ]


def test_foreign_currency_converted_at_period_start_and_fx_moves_make_no_movement(warehouses):
    lag0, _ = warehouses
    assert mrr_rows(lag0, "E") == [
        # 100 USD x 0.92 (rate of 2024-02-01, in effect on 02-10) = 92.00 EUR
        ("2024-02", "growth", D(92), D(0), "new", D(92)),
        # the rate moves to 0.95 and 0.91: still 92, unchanged
        ("2024-03", "growth", D(92), D(92), "unchanged", D(0)),
        ("2024-04", "growth", D(92), D(92), "unchanged", D(0)),
        # new price from 2024-05-10: 120 USD x 0.93 = 111.60; 111.60 - 92 = +19.60
        ("2024-05", "growth", D("111.6"), D(92), "expansion", D("19.6")),
        # rate 0.94 from 06-01: no movement
        ("2024-06", "growth", D("111.6"), D("111.6"), "unchanged", D(0)),
    ]
    periods = query(
        lag0,
        "select subscription_period_id, fx_rate, mrr_reporting"
        " from intermediate.int_billing__subscription_periods_converted"
        " where customer_id in ('E', 'H') order by 1",
    )
    assert periods == [
        ("SE:2024-02-10", D("0.92"), D(92)),
        ("SE:2024-05-10", D("0.93"), D("111.6")),
        # 2023-12-15 precedes every GBP rate: the earliest later one, 1.15; 100 x 1.15 = 115
        ("SH:2023-12-15", D("1.15"), D(115)),
    ]


def test_invoices_converted_at_their_date_refunds_stay_negative(warehouses):
    lag0, _ = warehouses
    rows = query(
        lag0,
        "select invoice_id, line_type, fx_rate, amount_reporting, strftime(invoice_month, '%Y-%m')"
        " from intermediate.int_billing__invoices_converted order by invoice_id",
    )
    assert rows == [
        ("I1", "new", D(1), D(100), "2024-01"),
        ("I2", "renewal", D(1), D(100), "2024-02"),
        ("I3", "upsell", D(1), D(150), "2024-03"),
        ("I4", "refund", D(1), D(-50), "2024-03"),
        ("I5", "new", D("0.92"), D(92), "2024-02"),  # 100 x 0.92
        ("I6", "refund", D("0.95"), D(-19), "2024-03"),  # -20 x 0.95 (rate of 03-01)
        ("I7", "renewal", D("0.93"), D("111.6"), "2024-05"),  # 120 x 0.93
        ("I8", "one_time", D(1), D(300), "2024-04"),
        ("I9", "new", D("1.15"), D(115), "2023-12"),  # earliest GBP rate, 100 x 1.15
    ]


def test_churned_customer_and_early_foreign_currency(warehouses):
    lag0, _ = warehouses
    assert [r[4] for r in mrr_rows(lag0, "F")] == ["new", "unchanged", "churn"]
    assert mrr_rows(lag0, "H") == [
        ("2023-12", "starter", D(115), D(0), "new", D(115)),
        ("2024-01", "starter", D(0), D(115), "churn", D(-115)),
    ]
    # G never subscribed: no MRR rows
    assert mrr_rows(lag0, "G") == []


def test_bridge_totals_by_hand(warehouses):
    lag0, _ = warehouses
    rows = query(
        lag0,
        "select strftime(month, '%Y-%m'), mrr_start, new, expansion, contraction, churn,"
        " reactivation, mrr_end, customers_start, customers_churned"
        " from marts.mrr_bridge_total order by month",
    )
    assert rows == [
        # H new at 115
        ("2023-12", D(0), D(115), D(0), D(0), D(0), D(0), D(115), 0, 0),
        # A 100 + B 400 + C 50 new = 550; H churns 115: 115 + 550 - 115 = 550
        ("2024-01", D(115), D(550), D(0), D(0), D(115), D(0), D(550), 1, 1),
        # D 1000 + E 92 new = 1092: 550 + 1092 = 1642
        ("2024-02", D(550), D(1092), D(0), D(0), D(0), D(0), D(1642), 3, 0),
        # F new 80; A +50 and D +200 = 250; C churns 50: 1642 + 80 + 250 - 50 = 1922
        ("2024-03", D(1642), D(80), D(250), D(0), D(50), D(0), D(1922), 5, 1),
        # B -100: 1922 - 100 = 1822 (A 150, B 300, D 1200, E 92, F 80)
        ("2024-04", D(1922), D(0), D(0), D(100), D(0), D(0), D(1822), 5, 0),
        # E +19.6; C back at 60; D -200; F churns 80: 1822 + 19.6 + 60 - 200 - 80 = 1621.6
        ("2024-05", D(1822), D(0), D("19.6"), D(200), D(80), D(60), D("1621.6"), 5, 1),
        # A 150 + B 300 + C 60 + D 1000 + E 111.6 = 1621.6, nothing moves
        ("2024-06", D("1621.6"), D(0), D(0), D(0), D(0), D(0), D("1621.6"), 5, 0),
    ]


def test_bridge_rates_by_hand(warehouses):
    lag0, _ = warehouses
    rates = {
        month: rest
        for month, *rest in query(
            lag0,
            "select strftime(month, '%Y-%m'), customer_churn_rate, gross_mrr_churn_rate,"
            " net_mrr_churn_rate, quick_ratio from marts.mrr_bridge_total",
        )
    }
    # January: 1 of 1 starting customer churned; (115 + 0) / 115 = 1; net (115 - 0) / 115 = 1;
    # quick ratio (550 + 0) / (0 + 115)
    assert rates["2024-01"] == pytest.approx([1.0, 1.0, 1.0, 550 / 115])
    # March: C churned of A, B, C, D, E = 1 / 5; gross 50 / 1642; net (50 - 250) / 1642;
    # quick (80 + 250) / 50 = 6.6
    assert rates["2024-03"] == pytest.approx([0.2, 50 / 1642, -200 / 1642, 6.6])
    # May: F churned of A, B, D, E, F = 1 / 5; gross (80 + 200) / 1822;
    # net (80 + 200 - 19.6 - 60) / 1822 = 200.4 / 1822; quick (0 + 19.6) / (200 + 80) = 0.07
    assert rates["2024-05"] == pytest.approx([0.2, 280 / 1822, 200.4 / 1822, 0.07])
    # June: nothing lost, quick ratio undefined (null), churn rates 0
    assert rates["2024-06"] == [0.0, 0.0, 0.0, None]
    # the first month has no starting MRR: every rate is null
    assert rates["2023-12"] == [None, None, None, None]


def test_bridge_slices(warehouses):
    lag0, _ = warehouses
    # March, tier growth: A moved in (100 -> 150, +50 expansion in the growth row; its start
    # 100 counts in growth); E unchanged at 92; D's add-on is inside D's enterprise tier.
    row = query(
        lag0,
        "select mrr_start, expansion, mrr_end from marts.mrr_bridge_by_plan_tier"
        " where month = date '2024-03-01' and plan_tier = 'growth'",
    )
    assert row == [(D(100 + 92), D(50), D(150 + 92))]
    # segment enterprise over all months: only D
    enterprise = query(
        lag0,
        "select sum(new), sum(expansion), sum(contraction) from marts.mrr_bridge_by_segment"
        " where segment = 'enterprise'",
    )
    assert enterprise == [(D(1000), D(200), D(200))]


def test_cohort_retention_by_hand(warehouses):
    lag0, _ = warehouses
    rows = query(
        lag0,
        "select months_since_start, cohort_customers, cohort_starting_mrr, customers_active,"
        " logo_retention, mrr, net_revenue_retention, gross_revenue_retention"
        " from marts.cohort_retention where cohort_month = date '2024-01-01'"
        " order by months_since_start",
    )
    # cohort January = A 100, B 400, C 50 (start 550)
    assert rows[0] == (0, 3, D(550), 3, 1.0, D(550), 1.0, 1.0)
    # March: A 150, B 400, C churned: 2 of 3, MRR 550; GRR min(150, 100) + 400 = 500
    assert rows[2][:4] == (2, 3, D(550), 2)
    assert rows[2][4:] == pytest.approx((2 / 3, D(550), 1.0, 500 / 550))
    # May: A 150, B 300, C 60 (reactivated): 3 of 3, MRR 510; GRR 100 + 300 + 50 = 450
    assert rows[4][3:] == pytest.approx((3, 1.0, D(510), 510 / 550, 450 / 550))
    assert len(rows) == 6  # January .. June


def test_twelve_month_nrr_needs_a_base_a_year_back(warehouses):
    lag0, _ = warehouses
    # the data span seven months: no month has a base month 12 months earlier
    assert query(lag0, "select count(*) from marts.revenue_retention_12m") == [(0,)]


def cac(data_dir):
    """(month, channel) -> [spend, new customers, CAC]; channel "total" is cac_total's row."""
    return {
        (month, channel): rest
        for month, channel, *rest in query(
            data_dir,
            "select strftime(month, '%Y-%m'), acquisition_channel, spend, new_customers, cac"
            " from marts.cac_by_channel"
            " union all select strftime(month, '%Y-%m'), 'total', spend, new_customers, cac"
            " from marts.cac_total",
        )
    }


def test_cac_lag_zero(warehouses):
    lag0, _ = warehouses
    rows = cac(lag0)
    # January: A (paid_search), B (organic), C (referral) are new
    assert rows["2024-01", "paid_search"] == [D(1000), 1, 1000.0]
    assert rows["2024-01", "organic"] == [D(250), 1, 250.0]
    assert rows["2024-01", "referral"] == [D(350), 1, 350.0]
    assert rows["2024-01", "outbound_sales"] == [D(2000), 0, None]  # spend, nobody acquired
    # February: E (paid_social) against 100 USD x 0.92 = 92 EUR; D (outbound) against 4000
    assert rows["2024-02", "paid_social"] == [D(92), 1, 92.0]
    assert rows["2024-02", "outbound_sales"] == [D(4000), 1, 4000.0]
    assert rows["2024-02", "paid_search"] == [D(500), 0, None]
    assert rows["2024-03", "paid_search"] == [D(800), 1, 800.0]  # F
    # G never subscribed: new in the month of its first invoice (April)
    assert rows["2024-04", "paid_search"] == [D(600), 1, 600.0]
    # H (December 2023) precedes the spend data: spend unknown, CAC null
    assert rows["2023-12", "partner"] == [None, 1, None]
    # January total: 1000 + 250 + 350 + 2000 + 200 = 3800 for 3 customers
    assert rows["2024-01", "total"] == [D(3800), 3, pytest.approx(3800 / 3)]
    # May: spend data covers the month but has no paid_search row: 0 (no customers either)
    assert ("2024-05", "paid_search") not in rows
    assert rows["2024-06", "paid_search"] == [D(300), 0, None]
    # C's reactivation in May is no acquisition
    assert sum(r[1] for (m, c), r in rows.items() if c == "total") == 8
    assert sum(r[1] for (m, c), r in rows.items() if c != "total") == 8


def test_cac_lag_one(warehouses):
    _, lag1 = warehouses
    rows = cac(lag1)
    # customers of month m against the spend of m - 1
    assert rows["2024-02", "paid_social"] == [D(200), 1, 200.0]  # E vs January's 200
    assert rows["2024-02", "outbound_sales"] == [D(2000), 1, 2000.0]  # D vs January's 2000
    assert rows["2024-02", "paid_search"] == [D(1000), 0, None]
    assert rows["2024-03", "paid_search"] == [D(500), 1, 500.0]  # F vs February's 500
    assert rows["2024-03", "paid_social"] == [D(92), 0, None]  # February's 100 USD x 0.92
    assert rows["2024-04", "paid_search"] == [D(800), 1, 800.0]  # G vs March's 800
    # January's customers: December's spend is not in the data
    assert rows["2024-01", "paid_search"] == [None, 1, None]
    # June's 300 would buy July's customers, after the as-of month: not reported; June itself
    # has neither May spend for paid_search nor a customer: no row
    assert ("2024-07", "paid_search") not in rows
    assert ("2024-06", "paid_search") not in rows
    assert query(lag1, "select distinct cac_lag_months from marts.cac_by_channel") == [(1,)]


def test_currency_without_rate_fails_the_build_naming_it(tmp_path):
    landing = {
        "customers": [customer("X", "smb", "organic", "CH", "2024-01-10")],
        "subscriptions": [period("SX", "X", "starter", "2024-01-10", "", "70", "CHF")],
        "fx_rates": LANDING["fx_rates"],
    }
    result = build(
        tmp_path,
        landing,
        env=ENV,
        check=False,
        select="+int_billing__subscription_periods_converted",
    )
    assert result.returncode != 0
    assert "no fx rate to EUR for currency CHF (needed for subscription periods)" in result.stdout
