"""The known account (tests/known_account.py) as an app's billing database: the tables of
tests/sources/fixtures/postgres/billing_schema.sql, and the sources.yml entry that maps them.

Integer ids (accounts 1-7, periods 101-107, invoice lines 1001-), money in cents, lower-case
currencies, the app's own words for line kinds (first, recurring, refund, one_off) and statuses
(paid, draft), 'infinity' or NULL for an open period end, and every row's updated_at the same
instant (a bulk import: the worst case for a cursor, ties everywhere). One extra draft line
(id 9001) is excluded by the mapping, so it is quarantined as excluded_value.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

from tests.known_account import landing_rows

SCHEMA = Path(__file__).parent / "fixtures" / "postgres" / "billing_schema.sql"
IMPORTED_AT = "2025-01-31 18:00:00+00"
KINDS = {"new": "first", "renewal": "recurring", "refund": "refund", "one_time": "one_off"}
DRAFT_ID = "9001"

SUBSCRIPTIONS_QUERY = """
select p.id, a.code as account_code, p.plan, p.starts_on, p.ends_on, p.mrr_cents, p.currency,
       p.status, p.updated_at
from billing.subscription_periods as p
join billing.accounts as a on a.id = p.account_id
"""
INVOICES_QUERY = """
select l.id, a.code as account_code, l.subscription_period_id, l.issued_at, l.amount_cents,
       l.currency, l.kind, l.status, l.updated_at
from billing.invoice_lines as l
join billing.accounts as a on a.id = l.account_id
"""


def tables() -> dict:
    """The ``tables`` option that maps the billing schema to the contract."""
    return {
        "customers": {
            "table": "billing.accounts",
            "key": "id",
            "cursor": "updated_at",
            "columns": {
                "customer_id": "code",
                "signup_date": "signed_up_at",
                "plan_tier": "plan",
                "acquisition_channel": "channel",
                "country": "country_code",
            },
            "constants": {"segment": "smb"},
        },
        "subscriptions": {
            "query": SUBSCRIPTIONS_QUERY,
            "key": "id",
            "cursor": "updated_at",
            "columns": {
                "subscription_id": "id",
                "customer_id": "account_code",
                "plan_tier": "plan",
                "period_start": "starts_on",
                "period_end": "ends_on",
                "mrr": "mrr_cents",
                "currency": "currency",
            },
            "divide": {"mrr": 100},
        },
        "invoices": {
            "query": INVOICES_QUERY,
            "key": "id",
            "cursor": "updated_at",
            "columns": {
                "invoice_id": "id",
                "customer_id": "account_code",
                "subscription_id": "subscription_period_id",
                "issued_at": "issued_at",
                "amount": "amount_cents",
                "currency": "currency",
                "line_type": "kind",
            },
            "divide": {"amount": 100},
            "values": {"line_type": {v: k for k, v in KINDS.items()}},
            "exclude": {"status": ["draft", "void"]},
        },
    }


def source_entry(batch_size: int = 5000, entities: tuple[str, ...] | None = None) -> dict:
    chosen = tables() if entities is None else {e: tables()[e] for e in entities}
    return {
        "name": "billing_db",
        "kind": "postgres",
        "entities": list(chosen),
        "dsn_env": "BILLING_DB_DSN",
        "batch_size": batch_size,
        "tables": chosen,
    }


def load_known_account(dsn: str) -> None:
    """Create the billing schema and fill it with the known account (plus one draft line)."""
    rows = landing_rows()
    accounts = {c["customer_id"]: i for i, c in enumerate(rows["customers"], start=1)}
    periods = {s["subscription_id"]: i for i, s in enumerate(rows["subscriptions"], start=101)}
    with psycopg.connect(dsn) as con:
        con.execute(SCHEMA.read_text())
        for c in rows["customers"]:
            con.execute(
                "insert into billing.accounts values (%s, %s, %s, %s, %s, %s, %s)",
                [
                    accounts[c["customer_id"]], c["customer_id"],
                    f"{c['signup_date']} 12:00:00+03", c["plan_tier"],
                    c["acquisition_channel"], c["country"].lower(), IMPORTED_AT,
                ],
            )  # fmt: skip
        for n, s in enumerate(rows["subscriptions"]):
            end = s["period_end"] or ("infinity" if n % 2 else None)  # both spellings of "open"
            con.execute(
                "insert into billing.subscription_periods values "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    periods[s["subscription_id"]], accounts[s["customer_id"]], s["plan_tier"],
                    s["period_start"], end, int(s["mrr"]) * 100, s["currency"].lower(),
                    "ended" if s["period_end"] else "active", IMPORTED_AT,
                ],
            )  # fmt: skip
        for i, line in enumerate(rows["invoices"], start=1001):
            insert_line(con, i, accounts[line["customer_id"]],
                        periods.get(line["subscription_id"]), f"{line['issued_at']}+00",
                        int(line["amount"]) * 100, line["currency"].lower(),
                        KINDS[line["line_type"]])  # fmt: skip
        insert_line(con, int(DRAFT_ID), 1, 101, "2025-02-01 03:00:00+00", 10000, "eur",
                    "recurring", status="draft")  # fmt: skip


def insert_line(
    con: psycopg.Connection,
    line_id: int,
    account: int,
    period: int | None,
    issued_at: str,
    cents: int,
    currency: str,
    kind: str,
    status: str = "paid",
    updated_at: str = IMPORTED_AT,
) -> None:
    con.execute(
        "insert into billing.invoice_lines values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [line_id, account, period, issued_at, cents, currency, kind, status, updated_at],
    )
