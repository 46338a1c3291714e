"""Deliberately broken rows, each breaking exactly ONE contract rule, counted per rule.

They go to ``<entity>/zz_dirty.csv``: the name sorts after the clean files, so for a duplicate
key the clean row (first by file path and record number) is kept and the dirty copy is the one
quarantined. Every other field of a dirty row is valid, and rows that must reference a customer
reference a clean one, so no row trips a second rule (an orphan check, say) by accident.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

DIRTY_FILE = "zz_dirty.csv"

# A customer id that exists nowhere: the clean ids are C + digits.
ORPHAN_CUSTOMER_ID = "NO-SUCH-CUSTOMER"


@dataclass(frozen=True)
class DirtyFile:
    entity: str
    columns: tuple[str, ...]
    rows: list[tuple]
    expected: dict[str, int]  # rule -> rows quarantined for it


@dataclass(frozen=True)
class CleanSamples:
    """One clean row per entity, as text keyed by column, to copy (duplicates) and to vary."""

    customer: dict[str, str]
    subscription: dict[str, str] | None = None
    invoice: dict[str, str] | None = None
    response: dict[str, str] | None = None
    ticket: dict[str, str] | None = None
    usage: dict[str, str] | None = None


def _file(entity: str, columns: tuple[str, ...], broken: list[tuple[str, dict]]) -> DirtyFile:
    rows = [tuple(row.get(c, "") for c in columns) for _, row in broken]
    return DirtyFile(entity, columns, rows, dict(sorted(Counter(r for r, _ in broken).items())))


def dirty_customers(columns: tuple[str, ...], sample: dict[str, str]) -> DirtyFile:
    def new(n: int, **changes: str) -> dict:
        return {**sample, "customer_id": f"CX-DIRTY-{n:03d}", "email": "", "name": ""} | changes

    broken = [
        ("required_missing", new(1, segment="")),
        ("required_missing", new(2, signup_date="")),
        ("invalid_date", new(3, signup_date="2024-02-30")),
        ("invalid_date", new(4, signup_date="15/03/2024")),
        ("unknown_country", new(5, country="ZZ")),
        ("duplicate_key", dict(sample)),
    ]
    return _file("customers", columns, broken)


def dirty_subscriptions(
    columns: tuple[str, ...], customer_id: str, sample: dict[str, str] | None
) -> DirtyFile:
    base = {
        "customer_id": customer_id,
        "plan_tier": "growth",
        "period_start": "2024-03-01",
        "period_end": "2024-09-01",
        "mrr": "149.00",
        "currency": "EUR",
    }

    def new(n: int, **changes: str) -> dict:
        return {**base, "subscription_id": f"SUB-DIRTY-{n:03d}"} | changes

    broken = [
        ("required_missing", new(1, mrr="")),
        ("invalid_date", new(2, period_start="2023-04-31")),
        ("invalid_number", new(3, mrr="149.O0")),
        ("unknown_currency", new(4, currency="XXY")),
        ("period_end_not_after_start", new(5, period_end="2024-01-15")),
        ("period_end_not_after_start", new(6, period_end="2024-03-01")),
        ("orphan_customer_id", new(7, customer_id=ORPHAN_CUSTOMER_ID)),
    ]
    if sample:
        broken.append(("duplicate_key", dict(sample)))
    return _file("subscriptions", columns, broken)


def dirty_invoices(
    columns: tuple[str, ...], customer_id: str, sample: dict[str, str] | None
) -> DirtyFile:
    base = {
        "customer_id": customer_id,
        "subscription_id": "",
        "issued_at": "2024-06-14T10:30:00",
        "amount": "250.00",
        "currency": "EUR",
        "line_type": "one_time",
    }

    def new(n: int, **changes: str) -> dict:
        return {**base, "invoice_id": f"INV-DIRTY-{n:03d}"} | changes

    broken = [
        ("required_missing", new(1, issued_at="")),
        ("invalid_timestamp", new(2, issued_at="2024-06-31T10:30:00")),
        ("invalid_number", new(3, amount="12.5.0")),
        ("unknown_enum", new(4, line_type="discount")),
        ("unknown_currency", new(5, currency="XXY")),
        ("orphan_customer_id", new(6, customer_id=ORPHAN_CUSTOMER_ID)),
    ]
    if sample:
        broken.append(("duplicate_key", dict(sample)))
    return _file("invoices", columns, broken)


def dirty_feedback(
    columns: tuple[str, ...], customer_id: str, sample: dict[str, str] | None
) -> DirtyFile:
    base = {
        "customer_id": customer_id,
        "responded_at": "2024-05-02T14:05:00",
        "survey_type": "nps",
        "score": "8",
        "comment": 'Import "worked", mostly; the rest, not so much.',
        "language": "en",
        "channel": "email",
    }

    def new(n: int, **changes: str) -> dict:
        return {**base, "response_id": f"R-DIRTY-{n:03d}"} | changes

    broken = [
        ("required_missing", new(1, channel="")),
        ("invalid_timestamp", new(2, responded_at="2024-13-01T09:00:00")),
        ("invalid_number", new(3, score="8.5")),
        ("invalid_number", new(4, score="ten")),
        ("score_out_of_range", new(5, score="11")),
        ("score_out_of_range", new(6, survey_type="csat", score="0")),
        ("score_out_of_range", new(7, survey_type="ces", score="8")),
        ("unknown_enum", new(8, survey_type="xyz", score="5")),
        ("unknown_enum", new(9, channel="fax")),
        ("orphan_customer_id", new(10, customer_id=ORPHAN_CUSTOMER_ID)),
    ]
    if sample:
        broken.append(("duplicate_key", dict(sample)))
    return _file("feedback", columns, broken)


def dirty_marketing_spend(columns: tuple[str, ...]) -> DirtyFile:
    base = {"month": "2024-02-01", "channel": "paid_search", "amount": "1000.00", "currency": "EUR"}
    broken = [
        ("invalid_number", base | {"amount": "1 200,50"}),
        ("unknown_currency", base | {"currency": "XXY"}),
    ]
    return _file("marketing_spend", columns, broken)


def dirty_service_costs(columns: tuple[str, ...]) -> DirtyFile:
    base = {"month": "2024-02-01", "cost_type": "support", "amount": "100.00", "currency": "EUR"}
    broken = [
        ("unknown_enum", base | {"cost_type": "travel"}),
        ("required_missing", base | {"amount": ""}),
    ]
    return _file("service_costs", columns, broken)


def dirty_support_tickets(
    columns: tuple[str, ...], customer_id: str, sample: dict[str, str] | None
) -> DirtyFile:
    base = {
        "customer_id": customer_id,
        "opened_at": "2024-06-14T10:30:00",
        "closed_at": "2024-06-14T12:00:00",
        "priority": "normal",
        "category": "bug",
        "csat_score": "",
    }

    def new(n: int, **changes: str) -> dict:
        return {**base, "ticket_id": f"T-DIRTY-{n:03d}"} | changes

    broken = [
        ("required_missing", new(1, priority="")),
        ("invalid_timestamp", new(2, opened_at="2024-06-31T10:30:00")),
        ("unknown_enum", new(3, priority="critical")),
        ("closed_before_opened", new(4, closed_at="2024-06-13T09:00:00")),
        ("csat_score_out_of_range", new(5, csat_score="6")),
        ("csat_score_out_of_range", new(6, csat_score="0")),
        ("invalid_number", new(7, csat_score="4.5")),
        ("orphan_customer_id", new(8, customer_id=ORPHAN_CUSTOMER_ID)),
    ]
    if sample:
        broken.append(("duplicate_key", dict(sample)))
    return _file("support_tickets", columns, broken)


def dirty_product_usage(
    columns: tuple[str, ...], customer_id: str, sample: dict[str, str] | None
) -> DirtyFile:
    # rows that break a rule are never counted as duplicates, so they may share a clean key
    base = {
        "customer_id": customer_id,
        "week": "2024-03-04",  # a Monday
        "active_users": "5",
        "seats": "10",
        "key_events": "60",
    }
    broken = [
        ("required_missing", base | {"key_events": ""}),
        ("invalid_date", base | {"week": "2024-02-30"}),
        ("invalid_number", base | {"active_users": "12.5"}),
        ("week_not_monday", base | {"week": "2024-03-05"}),
        ("negative_count", base | {"active_users": "-3"}),
        ("negative_count", base | {"seats": "-1"}),
        ("orphan_customer_id", base | {"customer_id": ORPHAN_CUSTOMER_ID}),
    ]
    if sample:
        broken.append(("duplicate_key", dict(sample)))
    return _file("product_usage", columns, broken)


def dirty_files(columns: dict[str, tuple[str, ...]], samples: CleanSamples) -> list[DirtyFile]:
    customer_id = samples.customer["customer_id"]
    return [
        dirty_customers(columns["customers"], samples.customer),
        dirty_subscriptions(columns["subscriptions"], customer_id, samples.subscription),
        dirty_invoices(columns["invoices"], customer_id, samples.invoice),
        dirty_feedback(columns["feedback"], customer_id, samples.response),
        dirty_marketing_spend(columns["marketing_spend"]),
        dirty_service_costs(columns["service_costs"]),
        dirty_support_tickets(columns["support_tickets"], customer_id, samples.ticket),
        dirty_product_usage(columns["product_usage"], customer_id, samples.usage),
    ]
