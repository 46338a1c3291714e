"""The known-answer account: seven customers whose finance marts are worked out by hand.

tests/finance/test_known_answers.py runs it through the pipeline from contract landing files and
checks every figure; the connector tests (tests/sources/) write the same account in each vendor's
export or API format and check that extraction gives back the same contract rows, so the same
marts follow. The account (reporting currency EUR, as of 2025-01-31):

    P1  organic      starter  100 EUR from 2023-07-01, ongoing; NPS 9 on 2023-12-15, 10 on 2024-06-15
    P2  paid_search  starter  100 USD (0.9 EUR) 2023-07-01 .. 2024-07-01 (cancelled), reactivated
                              2024-10-01 at 100 USD, ongoing; a refund of -50 USD on 2024-03-20;
                              NPS 9 on 2024-01-10
    D1  organic      growth   200 EUR 2023-07-01 .. 2024-04-01 (churns); NPS 3 on 2024-01-05
    D2  paid_search  growth   200 EUR from 2023-07-01, ongoing; NPS 5 on 2023-11-20, 6 on 2024-11-20
    N1  organic      growth   150 EUR from 2023-07-01, ongoing; NPS 7 on 2024-01-20, 8 on 2024-10-10
    N2  paid_search  starter  120 EUR from 2024-03-01, ongoing; NPS 10 on 2024-05-05, 4 on 2024-12-05
    O1  organic      pay_as_you_go, no subscription: one_time orders of 120 EUR on 2024-02-10 and
                              2024-05-10, a refund of -20 EUR on 2024-05-20

Subscriptions are invoiced on the first day of every active month up to the as-of date.
Marketing spend: organic 300 EUR in 2024-02, paid_search 1,000 EUR in 2024-03. Service costs:
support 260 EUR in 2024-06. USD converts at 0.9 (one rate, dated 2023-01-01).
"""

from __future__ import annotations

from datetime import date, timedelta

AS_OF = date(2025, 1, 31)


def month_starts(start: date, end: date | None) -> list[date]:
    """First days of the months from start's month while the day is before end (or the as-of date)."""
    stop = end or AS_OF + timedelta(days=1)
    day, out = date(start.year, start.month, 1), []
    while day < stop:
        if day >= start:
            out.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


CUSTOMERS = [
    # customer_id, acquisition_channel, plan_tier, country, signup_date
    ("P1", "organic", "starter", "FI", "2023-07-01"),
    ("P2", "paid_search", "starter", "US", "2023-07-01"),
    ("D1", "organic", "growth", "DE", "2023-07-01"),
    ("D2", "paid_search", "growth", "ES", "2023-07-01"),
    ("N1", "organic", "growth", "FR", "2023-07-01"),
    ("N2", "paid_search", "starter", "FI", "2024-03-01"),
    ("O1", "organic", "pay_as_you_go", "FI", "2024-02-10"),
]
PERIODS = [
    # subscription_id, customer_id, plan_tier, start, end (exclusive), mrr, currency
    ("SP1", "P1", "starter", date(2023, 7, 1), None, 100, "EUR"),
    ("SP2A", "P2", "starter", date(2023, 7, 1), date(2024, 7, 1), 100, "USD"),
    ("SP2B", "P2", "starter", date(2024, 10, 1), None, 100, "USD"),
    ("SD1", "D1", "growth", date(2023, 7, 1), date(2024, 4, 1), 200, "EUR"),
    ("SD2", "D2", "growth", date(2023, 7, 1), None, 200, "EUR"),
    ("SN1", "N1", "growth", date(2023, 7, 1), None, 150, "EUR"),
    ("SN2", "N2", "starter", date(2024, 3, 1), None, 120, "EUR"),
]
RESPONSES = [
    ("P1", "2023-12-15", 9),
    ("P1", "2024-06-15", 10),
    ("P2", "2024-01-10", 9),
    ("D1", "2024-01-05", 3),
    ("D2", "2023-11-20", 5),
    ("D2", "2024-11-20", 6),
    ("N1", "2024-01-20", 7),
    ("N1", "2024-10-10", 8),
    ("N2", "2024-05-05", 10),
    ("N2", "2024-12-05", 4),
]


def landing_rows() -> dict[str, list[dict]]:
    invoices = []
    for sub_id, customer_id, _, start, end, mrr, currency in PERIODS:
        for k, day in enumerate(month_starts(start, end)):
            invoices.append(
                {
                    "invoice_id": f"{sub_id}-{day:%Y%m}",
                    "customer_id": customer_id,
                    "subscription_id": sub_id,
                    "issued_at": f"{day}T03:00:00",
                    "amount": str(mrr),
                    "currency": currency,
                    "line_type": "new" if k == 0 else "renewal",
                }
            )
    extra = [
        ("RP2", "P2", "SP2A", "2024-03-20T10:00:00", "-50", "USD", "refund"),
        ("O1-1", "O1", "", "2024-02-10T10:00:00", "120", "EUR", "one_time"),
        ("O1-2", "O1", "", "2024-05-10T10:00:00", "120", "EUR", "one_time"),
        ("RO1", "O1", "", "2024-05-20T10:00:00", "-20", "EUR", "refund"),
    ]
    keys = ("invoice_id", "customer_id", "subscription_id", "issued_at", "amount")
    for *values, currency, line_type in extra:
        invoices.append(
            {**dict(zip(keys, values, strict=True)), "currency": currency, "line_type": line_type}
        )
    return {
        "customers": [
            {
                "customer_id": cid,
                "signup_date": signup,
                "segment": "smb",
                "plan_tier": tier,
                "acquisition_channel": channel,
                "country": country,
            }
            for cid, channel, tier, country, signup in CUSTOMERS
        ],
        "subscriptions": [
            {
                "subscription_id": sub_id,
                "customer_id": cid,
                "plan_tier": tier,
                "period_start": str(start),
                "period_end": str(end) if end else "",
                "mrr": str(mrr),
                "currency": currency,
            }
            for sub_id, cid, tier, start, end, mrr, currency in PERIODS
        ],
        "invoices": invoices,
        "feedback": [
            {
                "response_id": f"R{i}",
                "customer_id": cid,
                "responded_at": f"{day}T12:00:00",
                "survey_type": "nps",
                "score": str(score),
                "channel": "email",
            }
            for i, (cid, day, score) in enumerate(RESPONSES)
        ],
        "marketing_spend": [
            {"month": "2024-02-01", "channel": "organic", "amount": "300", "currency": "EUR"},
            {"month": "2024-03-01", "channel": "paid_search", "amount": "1000", "currency": "EUR"},
        ],
        "service_costs": [
            {"month": "2024-06-01", "cost_type": "support", "amount": "260", "currency": "EUR"}
        ],
        "fx_rates": [{"date": "2023-01-01", "currency": "USD", "rate_to_reporting": "0.9"}],
    }
