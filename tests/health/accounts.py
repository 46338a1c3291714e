"""The health score's known accounts: four customers whose indicators and scores are worked out by
hand (tests/health/test_known_accounts.py), as of 2025-01-31, reporting currency EUR, with the
test configuration TEST_CONFIG below (not the shipped file, so editing that breaks nothing here).

    H1  smb         100 EUR from 2024-01-01, ongoing. NPS 9 on 2024-06-10 (comment: one statement,
                    sentiment +0.8), NPS 5 on 2024-12-10 (comment: -0.6 and -0.2); a refund of
                    -50 EUR on 2024-11-15.
    H2  smb         200 EUR from 2024-12-01, ongoing (onboarding); NPS 10 on 2025-01-20.
    H3  enterprise  1,000 EUR from 2023-01-01, ongoing; NPS 8 on 2023-06-01, 7 on 2024-03-05.
    H4  smb         100 EUR from 2024-01-01 to 2024-06-01 (churns); NPS 3 on 2024-02-10.

No support tickets and no product usage are delivered: those indicators are missing everywhere.
The signals variant (``signal_rows``) adds them for H1 and one early ticket of H3:

    H1  usage every week from 2024-09-02 to 2025-01-20: 10 active users of 20 seats, 100 key
        events a week up to the week of 2024-12-23, then 60; tickets opened 2024-11-20 (urgent),
        2024-12-15 (normal) and 2025-01-10 (high).
    H3  a low-priority ticket on 2023-01-10: the support data start there.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.warehouse import Response, Statement

AS_OF = date(2025, 1, 31)

TEST_CONFIG = """\
onboarding_months: 3
bands: {green_min: 70, red_below: 40}
weights:
  nps_category: 0.4
  nps_change: 0.1
  comment_sentiment: 0.1
  tickets_per_user: 0.1
  urgent_tickets: 0.05
  usage_trend: 0.1
  seat_utilisation: 0.05
  payment_problems: 0.1
overrides:
  - tenure_stage: onboarding
    weights: {nps_category: 0.5, tenure: 0.5}
  - segment: enterprise
    bands: {green_min: 60}
"""

CUSTOMERS = [
    # customer_id, segment, period start, period end (exclusive), mrr
    ("H1", "smb", "2024-01-01", "", 100),
    ("H2", "smb", "2024-12-01", "", 200),
    ("H3", "enterprise", "2023-01-01", "", 1000),
    ("H4", "smb", "2024-01-01", "2024-06-01", 100),
]

RESPONSES = [
    Response("R1", "H1", "2024-06-10T12:00:00", 9, statements=[Statement((), 0.8)]),
    Response(
        "R2", "H1", "2024-12-10T12:00:00", 5, statements=[Statement((), -0.6), Statement((), -0.2)]
    ),
    Response("R3", "H2", "2025-01-20T12:00:00", 10),
    Response("R4", "H3", "2023-06-01T12:00:00", 8),
    Response("R5", "H3", "2024-03-05T12:00:00", 7),
    Response("R6", "H4", "2024-02-10T12:00:00", 3),
]


def landing_rows() -> dict[str, list[dict]]:
    return {
        "customers": [
            {
                "customer_id": cid,
                "signup_date": start,
                "segment": segment,
                "plan_tier": "growth",
                "acquisition_channel": "organic",
                "country": "FI",
            }
            for cid, segment, start, _, _ in CUSTOMERS
        ],
        "subscriptions": [
            {
                "subscription_id": f"S-{cid}",
                "customer_id": cid,
                "plan_tier": "growth",
                "period_start": start,
                "period_end": end,
                "mrr": str(mrr),
                "currency": "EUR",
            }
            for cid, _, start, end, mrr in CUSTOMERS
        ],
        "invoices": [
            {
                "invoice_id": "I-H1-R",
                "customer_id": "H1",
                "subscription_id": "S-H1",
                "issued_at": "2024-11-15T10:00:00",
                "amount": "-50",
                "currency": "EUR",
                "line_type": "refund",
            },
            {
                "invoice_id": "I-H1-1",
                "customer_id": "H1",
                "subscription_id": "S-H1",
                "issued_at": "2024-01-01T10:00:00",
                "amount": "100",
                "currency": "EUR",
                "line_type": "new",
            },
        ],
        "feedback": [
            {
                "response_id": r.response_id,
                "customer_id": r.customer_id,
                "responded_at": r.responded_at,
                "survey_type": r.survey_type,
                "score": str(r.score),
                "comment": " ".join(f"statement {i}." for i in range(len(r.statements))),
                "language": "en",
                "channel": "email",
            }
            for r in RESPONSES
        ],
    }


def signal_rows() -> dict[str, list[dict]]:
    """The optional support_tickets and product_usage entities of the signals variant."""
    tickets = [
        ("T0", "H3", "2023-01-10T09:00:00", "low"),
        ("T1", "H1", "2024-11-20T09:00:00", "urgent"),
        ("T2", "H1", "2024-12-15T09:00:00", "normal"),
        ("T3", "H1", "2025-01-10T09:00:00", "high"),
    ]
    weeks = []
    week = date(2024, 9, 2)
    while week <= date(2025, 1, 20):
        events = 100 if week <= date(2024, 12, 23) else 60
        weeks.append(
            {
                "customer_id": "H1",
                "week": week.isoformat(),
                "active_users": "10",
                "seats": "20",
                "key_events": str(events),
            }
        )
        week += timedelta(days=7)
    return {
        "support_tickets": [
            {
                "ticket_id": tid,
                "customer_id": cid,
                "opened_at": opened,
                "closed_at": "",
                "priority": priority,
                "category": "bug",
                "csat_score": "",
            }
            for tid, cid, opened, priority in tickets
        ],
        "product_usage": weeks,
    }
