"""The landing contract: what cxlink accepts under ``landing/<entity>/``.

This module is the single description of the public input interface (the column vocabulary is
in ``contract_model.py``, the optional support and product-usage entities in
``contract_signals.py``; import all of it from here). The extractor builds its
validation SQL from it, the demo generator writes to it, the Great Expectations suites and the
dbt sources mirror it, and the README documents it.
"""

from __future__ import annotations

from cxlink.contract_model import (
    DUCKDB_TYPES,
    FUTURE_TOLERANCE,
    PLAUSIBLE_DATE_MAX,
    PLAUSIBLE_DATE_MIN,
    Column,
    ColumnType,
    Entity,
)
from cxlink.contract_signals import PRODUCT_USAGE, SUPPORT_TICKETS

__all__ = [
    "COMPOSITE_KEYS",
    "DUCKDB_TYPES",
    "ENTITIES",
    "ENTITY_ORDER",
    "FUTURE_TOLERANCE",
    "PLAUSIBLE_DATE_MAX",
    "PLAUSIBLE_DATE_MIN",
    "SURVEY_SCORE_RANGES",
    "Column",
    "ColumnType",
    "Entity",
    "unique_key",
]

SURVEY_SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}

ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        Entity(
            name="customers",
            description="CRM accounts: one row per customer.",
            key="customer_id",
            columns=(
                Column("customer_id", required=True, description="Customer identifier."),
                Column(
                    "signup_date", "date", required=True, description="Date the customer signed up."
                ),
                Column(
                    "segment",
                    required=True,
                    description="Market segment (e.g. smb, mid_market, enterprise).",
                ),
                Column("plan_tier", required=True, description="Current pricing tier in the CRM."),
                Column(
                    "acquisition_channel",
                    required=True,
                    description="Channel that acquired the customer.",
                ),
                Column(
                    "country",
                    "country",
                    required=True,
                    description="ISO 3166-1 alpha-2 country code.",
                ),
                Column("persona", description="Buyer persona (optional)."),
                Column("email", personal=True, description="Contact e-mail (personal data)."),
                Column(
                    "name", personal=True, description="Contact or account name (personal data)."
                ),
            ),
        ),
        Entity(
            name="subscriptions",
            description=(
                "Subscription periods with a constant price: an upgrade, downgrade or cancellation "
                "ends a period and a new price starts a new one."
            ),
            key=None,  # a subscription_id repeats across its periods; (subscription_id, period_start) is unique
            columns=(
                Column("subscription_id", required=True, description="Subscription identifier."),
                Column("customer_id", required=True, description="Owning customer."),
                Column("plan_tier", required=True, description="Tier billed in this period."),
                Column(
                    "period_start", "date", required=True, description="First day of the period."
                ),
                Column(
                    "period_end",
                    "date",
                    description=(
                        "Day after the last day (exclusive); empty = ongoing. May be a "
                        "scheduled end after the load date."
                    ),
                    may_be_future=True,
                ),
                Column(
                    "mrr",
                    "decimal",
                    required=True,
                    description="Monthly recurring revenue in `currency`.",
                ),
                Column("currency", "currency", required=True, description="ISO 4217 code."),
            ),
            references={"customer_id": ("customers", "customer_id")},
            row_rules=(
                (
                    "period_end_not_after_start",
                    "period_end is not null and period_end <= period_start",
                ),
                ("negative_mrr", "mrr < 0"),
            ),
        ),
        Entity(
            name="invoices",
            description="Invoice lines; negative amounts are credits and refunds.",
            key="invoice_id",
            columns=(
                Column("invoice_id", required=True, description="Invoice identifier."),
                Column("customer_id", required=True, description="Billed customer."),
                Column("subscription_id", description="Subscription invoiced (optional)."),
                Column(
                    "issued_at", "timestamp", required=True, description="Issue timestamp (UTC)."
                ),
                Column(
                    "amount",
                    "decimal",
                    required=True,
                    description="Amount in `currency`; negative for credits.",
                ),
                Column("currency", "currency", required=True, description="ISO 4217 code."),
                Column(
                    "line_type",
                    required=True,
                    allowed=("new", "renewal", "upsell", "cross_sell", "one_time", "refund"),
                    description="Revenue type of the line.",
                ),
            ),
            references={"customer_id": ("customers", "customer_id")},
        ),
        Entity(
            name="feedback",
            description="Survey responses (NPS, CSAT, CES) with optional free-text comments.",
            key="response_id",
            columns=(
                Column("response_id", required=True, description="Response identifier."),
                Column("customer_id", required=True, description="Responding customer."),
                Column(
                    "responded_at",
                    "timestamp",
                    required=True,
                    description="Response timestamp (UTC).",
                ),
                Column(
                    "survey_type",
                    required=True,
                    allowed=("nps", "csat", "ces"),
                    description="Survey kind.",
                ),
                Column(
                    "score", "integer", required=True, description="nps 0-10, csat 1-5, ces 1-7."
                ),
                Column("comment", description="Free-text comment in any language (optional)."),
                Column(
                    "language",
                    "language",
                    description=(
                        "ISO 639-1 code of the comment (optional; a region is dropped: pt-BR is "
                        "pt). Anything else is published as null (unknown_language)."
                    ),
                ),
                Column(
                    "channel",
                    required=True,
                    allowed=("email", "in_app", "sms", "web", "social"),
                    description="Collection channel.",
                ),
            ),
            references={"customer_id": ("customers", "customer_id")},
            score_ranges=("survey_type", "score", SURVEY_SCORE_RANGES),
        ),
        Entity(
            name="marketing_spend",
            description="Sales and marketing spend per month and acquisition channel.",
            columns=(
                Column("month", "date", required=True, description="First day of the month."),
                Column("channel", required=True, description="Acquisition channel."),
                Column("amount", "decimal", required=True, description="Spend in `currency`."),
                Column("currency", "currency", required=True, description="ISO 4217 code."),
            ),
            row_rules=(("month_not_first_day", "day(month) <> 1"),),
        ),
        Entity(
            name="service_costs",
            description="Onboarding, support and success cost per month.",
            columns=(
                Column("month", "date", required=True, description="First day of the month."),
                Column(
                    "cost_type",
                    required=True,
                    allowed=("onboarding", "support", "success"),
                    description="Cost kind.",
                ),
                Column("amount", "decimal", required=True, description="Cost in `currency`."),
                Column("currency", "currency", required=True, description="ISO 4217 code."),
            ),
            row_rules=(("month_not_first_day", "day(month) <> 1"),),
        ),
        Entity(
            name="fx_rates",
            description="Optional exchange rates: 1 unit of `currency` = `rate_to_reporting` reporting units.",
            optional=True,
            columns=(
                Column("date", "date", required=True, description="Rate date."),
                Column("currency", "currency", required=True, description="ISO 4217 code."),
                Column(
                    "rate_to_reporting",
                    "rate",
                    required=True,
                    description="Reporting units per unit.",
                ),
            ),
            row_rules=(("non_positive_rate", "rate_to_reporting <= 0"),),
        ),
        SUPPORT_TICKETS,
        PRODUCT_USAGE,
    )
}

# Extraction order: referenced entities first, so orphan checks see their parents.
ENTITY_ORDER: tuple[str, ...] = (
    "customers",
    "subscriptions",
    "invoices",
    "feedback",
    "marketing_spend",
    "service_costs",
    "fx_rates",
    "support_tickets",
    "product_usage",
)

# Natural keys that must be unique when an entity has no single-column key.
COMPOSITE_KEYS: dict[str, tuple[str, ...]] = {
    "subscriptions": ("subscription_id", "period_start"),
    "marketing_spend": ("month", "channel", "currency"),
    "service_costs": ("month", "cost_type", "currency"),
    "fx_rates": ("date", "currency"),
    "product_usage": ("customer_id", "week"),
}


def unique_key(entity: Entity) -> tuple[str, ...]:
    """Columns that identify one row of an entity."""
    if entity.key:
        return (entity.key,)
    return COMPOSITE_KEYS[entity.name]
