"""The follow-up accounts: a hand-made warehouse whose follow-ups are worked out by hand.

As of 2025-01-31, lookback 30 days: the window is 2025-01-02 .. 2025-01-31 (both included).
Money in EUR; ARR = 12 x MRR on the as-of date.

Linkage cohort (active on the cohort date 2024-01-31 with an NPS answer on or before it; every
history account subscribes from 2023-01-01 and answers on 2023-06-01, outside every window):

    HP1-HP4  NPS 10, all stay                    promoter churn   0 / 4 = 0
    HN1-HN2  NPS 7, HN1 leaves 2024-06-01        passive churn    1 / 2 = 0.5
    HD1-HD4  NPS 2, HD1-HD3 leave 2024-06-01     detractor churn  3 / 4 = 0.75
                                                 baseline         4 / 10 = 0.4

so the lift over the baseline is promoter -0.4, passive +0.1, detractor +0.35, and an account
without an NPS answer in the last 12 months gets the baseline (lift 0).

Follow-up accounts (segment ent, subscribed from 2024-03-01, so none is in the cohort):

    A1  ARR 12,000  NPS 3 on 01-20 (German comment: a formula, an e-mail, pricing + reliability)
                    -> new_detractor, spike_topic (pricing alerts over every segment)
                       ARR at risk 12,000 x 0.35 = 4,200, high (ARR >= 10,000)
    A2  ARR  6,000  NPS 10 on 2024-06-10, 4 on 01-25
                    -> new_detractor, promoter_dropped; 6,000 x 0.35 = 2,100, medium
    A3  ARR  2,400  NPS 9 on 2024-09-01, 8 on 01-28 -> promoter_dropped; 2,400 x 0.1 = 240
    A4  ARR  1,200  NPS 5 on 2025-01-01 23:00: a day before the window -> nothing
    A5  ARR  1,200  NPS 6 on 01-02 08:00, the window's first day -> new_detractor; 420
    A6  ARR  3,600  NPS 10 on 01-15 ("Toller Support!") -> promoter ask
    A7  ARR  9,600  NPS 2 on 01-05, 9 on 01-26 -> new_detractor at ARR at risk 0 (latest is a
                    promoter: lift -0.4) and a promoter ask flagged has_follow_up
    A8  ARR    600  NPS 10 on 01-10, 7 on 01-20 -> promoter_dropped; 600 x 0.1 = 60
    A9  ARR  1,200  NPS 10 on 2025-01-01: a day before the window -> no ask
    C1  ARR      0  subscribed 2024-03-01 .. 2024-12-01, NPS 1 on 01-10 15:00 -> new_detractor,
                    inactive, ARR at risk 0

Spike panel (segment smb, ARR 1,200, from 2024-03-01): S01-S30 answer a CSAT survey on the 10th
of Oct, Nov, Dec 2024 and Jan 2025 (12:00), every comment about product; in January S01-S10
also mention pricing. Pricing share in smb: 10 / 30 now against 0 / 90 over the baseline, and
over every segment 11 / 32 (A1 and A6 comment in January too) against 0 / 90: both alert.
S01-S10 get spike_topic (no NPS answer: baseline, ARR at risk 0).

Support tickets (urgent and open for at least 24 hours at the end of the as-of day, 2025-02-01
00:00, are unanswered):

    T1  A3  urgent 01-29 10:00, open          62 h -> unanswered (A3's oldest: its row)
    T2  A3  urgent 01-30 12:00, open          36 h -> unanswered (A3 has 2)
    T3  A6  urgent 01-31 01:00, open          23 h -> not yet
    T8  A6  urgent 01-31 00:00, open          24 h exactly -> unanswered
    T4  A6  urgent 01-20, closed 01-21        answered
    T5  A9  high 2025-01-01, open             not urgent
    T6  A4  urgent 01-10 08:00, closed 02-03  still open on the as-of date: 520 h -> unanswered
    T7  A5  urgent 02-02, after the as-of date -> not counted

A4 (latest NPS 5, a detractor in the last 12 months) is at risk 1,200 x 0.35 = 420; A3 240; A6
(a promoter) 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tests.warehouse import Response, Statement, extract_landing, write_landing, write_text_tables

AS_OF = "2025-01-31"
HISTORY_START = "2023-01-01"
FOLLOW_UP_START = "2024-03-01"

A1_ORIGINAL = '=HYPERLINK("http://x.example") Preise zu hoch, schreib mir: anna@example.com'
A1_TRANSLATED = '=HYPERLINK("http://x.example") Prices too high, write to me: anna@example.com'
A1_REDACTED_ORIGINAL = (
    '=HYPERLINK("http://x.example") Preise zu hoch, schreib mir: [e-mail removed]'
)
A1_REDACTED_TRANSLATED = (
    '=HYPERLINK("http://x.example") Prices too high, write to me: [e-mail removed]'
)


@dataclass
class Account:
    customer_id: str
    segment: str
    mrr: float
    start: str
    end: str = ""
    answers: list[tuple[str, int]] = field(default_factory=list)  # (responded_at, NPS score)


def _history() -> list[Account]:
    accounts = []
    for prefix, score, leavers in (("HP", 10, 0), ("HN", 7, 1), ("HD", 2, 3)):
        for i in range(1, (3 if prefix == "HN" else 5)):
            end = "2024-06-01" if i <= leavers else ""
            answers = [("2023-06-01T10:00:00", score)]
            accounts.append(Account(f"{prefix}{i}", "ent", 100.0, HISTORY_START, end, answers))
    return accounts


FOLLOW_UP_ACCOUNTS = [
    Account("A1", "ent", 1000.0, FOLLOW_UP_START, answers=[("2025-01-20T09:00:00", 3)]),
    Account(
        "A2",
        "ent",
        500.0,
        FOLLOW_UP_START,
        answers=[("2024-06-10T09:00:00", 10), ("2025-01-25T09:00:00", 4)],
    ),
    Account(
        "A3",
        "ent",
        200.0,
        FOLLOW_UP_START,
        answers=[("2024-09-01T09:00:00", 9), ("2025-01-28T09:00:00", 8)],
    ),
    Account("A4", "ent", 100.0, FOLLOW_UP_START, answers=[("2025-01-01T23:00:00", 5)]),
    Account("A5", "ent", 100.0, FOLLOW_UP_START, answers=[("2025-01-02T08:00:00", 6)]),
    Account("A6", "ent", 300.0, FOLLOW_UP_START, answers=[("2025-01-15T09:00:00", 10)]),
    Account(
        "A7",
        "ent",
        800.0,
        FOLLOW_UP_START,
        answers=[("2025-01-05T09:00:00", 2), ("2025-01-26T09:00:00", 9)],
    ),
    Account(
        "A8",
        "ent",
        50.0,
        FOLLOW_UP_START,
        answers=[("2025-01-10T09:00:00", 10), ("2025-01-20T09:00:00", 7)],
    ),
    Account("A9", "ent", 100.0, FOLLOW_UP_START, answers=[("2025-01-01T12:00:00", 10)]),
    Account(
        "C1",
        "ent",
        400.0,
        FOLLOW_UP_START,
        end="2024-12-01",
        answers=[("2025-01-10T15:00:00", 1)],
    ),
]
PANEL = [Account(f"S{i:02d}", "smb", 100.0, FOLLOW_UP_START) for i in range(1, 31)]
PANEL_MONTHS = ("2024-10", "2024-11", "2024-12", "2025-01")
ACCOUNTS = [*_history(), *FOLLOW_UP_ACCOUNTS, *PANEL]

# Comments of the NPS answers: response id -> (original, language, English, statements)
COMMENTS = {
    "A1-1": (
        A1_ORIGINAL,
        "de",
        A1_TRANSLATED,
        [Statement(["pricing"], -0.7), Statement(["reliability"], -0.5)],
    ),
    "A6-1": ("Toller Support!", "de", "Great support!", [Statement(["support"], 0.9)]),
}


def nps_responses() -> list[Response]:
    out = []
    for account in ACCOUNTS:
        for k, (at, score) in enumerate(account.answers, start=1):
            response_id = f"{account.customer_id}-{k}"
            _, language, _, statements = COMMENTS.get(response_id, ("", "en", "", []))
            out.append(Response(response_id, account.customer_id, at, score, "nps", language))
            out[-1].statements = list(statements)
    return out


def panel_responses() -> list[Response]:
    out = []
    for month in PANEL_MONTHS:
        for i, account in enumerate(PANEL, start=1):
            topics = ["product", "pricing"] if month == "2025-01" and i <= 10 else ["product"]
            out.append(
                Response(
                    f"{account.customer_id}-{month}",
                    account.customer_id,
                    f"{month}-10T12:00:00",
                    4,
                    survey_type="csat",
                    statements=[Statement(topics, 0.2)],
                )
            )
    return out


# ticket_id, customer_id, opened_at, closed_at, priority
TICKETS = [
    ("T1", "A3", "2025-01-29T10:00:00", "", "urgent"),
    ("T2", "A3", "2025-01-30T12:00:00", "", "urgent"),
    ("T3", "A6", "2025-01-31T01:00:00", "", "urgent"),
    ("T8", "A6", "2025-01-31T00:00:00", "", "urgent"),
    ("T4", "A6", "2025-01-20T09:00:00", "2025-01-21T09:00:00", "urgent"),
    ("T5", "A9", "2025-01-01T09:00:00", "", "high"),
    ("T6", "A4", "2025-01-10T08:00:00", "2025-02-03T09:00:00", "urgent"),
    ("T7", "A5", "2025-02-02T09:00:00", "", "urgent"),
]


def landing_rows() -> dict[str, list[dict]]:
    responses = nps_responses() + panel_responses()
    comments = {rid: original for rid, (original, *_) in COMMENTS.items()}
    return {
        "customers": [
            {
                "customer_id": a.customer_id,
                "signup_date": a.start,
                "segment": a.segment,
                "plan_tier": "growth",
                "acquisition_channel": "organic",
                "country": "FI",
            }
            for a in ACCOUNTS
        ],
        "subscriptions": [
            {
                "subscription_id": f"s-{a.customer_id}",
                "customer_id": a.customer_id,
                "plan_tier": "growth",
                "period_start": a.start,
                "period_end": a.end,
                "mrr": a.mrr,
                "currency": "EUR",
            }
            for a in ACCOUNTS
        ],
        "support_tickets": [
            {
                "ticket_id": ticket_id,
                "customer_id": customer_id,
                "opened_at": opened_at,
                "closed_at": closed_at,
                "priority": priority,
                "category": "bug",
                "csat_score": "",
            }
            for ticket_id, customer_id, opened_at, closed_at, priority in TICKETS
        ],
        "feedback": [
            {
                "response_id": r.response_id,
                "customer_id": r.customer_id,
                "responded_at": r.responded_at,
                "survey_type": r.survey_type,
                "score": r.score,
                "comment": comments.get(r.response_id)
                or (" ".join(f"statement {i}." for i in range(len(r.statements)))),
                "language": r.language or "",
                "channel": "email",
            }
            for r in responses
        ],
    }


def write_warehouse(data_dir: Path) -> Path:
    """Landing files -> raw, and the text tables as translation and tagging write them (with
    the designed originals and translations)."""
    write_landing(data_dir / "landing", landing_rows())
    warehouse = extract_landing(data_dir)
    con = duckdb.connect(str(warehouse))
    try:
        write_text_tables(con, nps_responses() + panel_responses())
        for response_id, (original, _, english, _) in COMMENTS.items():
            con.execute(
                "update text.feedback_translations set original_text = ?, translated_text = ? "
                "where response_id = ?",
                [original, english, response_id],
            )
    finally:
        con.close()
    return warehouse
