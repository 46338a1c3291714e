"""The optional customer-experience signals of the landing contract: support tickets and weekly
product usage (issue 15). Both are optional: without files their raw tables exist and are empty,
and nothing downstream fails. ``cxlink/contract.py`` lists them with the other entities.
"""

from __future__ import annotations

from cxlink.contract_model import Column, Entity

TICKET_PRIORITIES = ("low", "normal", "high", "urgent")
CSAT_RANGE = (1, 5)

SUPPORT_TICKETS = Entity(
    name="support_tickets",
    description="Optional support tickets from the help desk: one row per ticket.",
    key="ticket_id",
    optional=True,
    columns=(
        Column("ticket_id", required=True, description="Ticket identifier."),
        Column("customer_id", required=True, description="Customer who raised the ticket."),
        Column("opened_at", "timestamp", required=True, description="Opening timestamp (UTC)."),
        Column(
            "closed_at",
            "timestamp",
            description="Closing timestamp (UTC); empty = still open.",
        ),
        Column(
            "priority",
            required=True,
            allowed=TICKET_PRIORITIES,
            description="Ticket priority.",
        ),
        Column("category", description="Help-desk category (optional, free text)."),
        Column(
            "csat_score",
            "integer",
            description="Satisfaction rating of the ticket, 1-5 (optional).",
        ),
    ),
    references={"customer_id": ("customers", "customer_id")},
    row_rules=(
        ("closed_before_opened", "closed_at < opened_at"),
        (
            "csat_score_out_of_range",
            f"csat_score not between {CSAT_RANGE[0]} and {CSAT_RANGE[1]}",
        ),
    ),
)

PRODUCT_USAGE = Entity(
    name="product_usage",
    description=(
        "Optional weekly product usage per customer: one row per customer and week "
        "(week = the Monday it starts on)."
    ),
    key=None,  # (customer_id, week) is unique: COMPOSITE_KEYS in contract.py
    optional=True,
    columns=(
        Column("customer_id", required=True, description="Customer using the product."),
        Column("week", "date", required=True, description="Monday the week starts on (ISO week)."),
        Column(
            "active_users",
            "integer",
            required=True,
            description="Distinct users active in the week (>= 0).",
        ),
        Column("seats", "integer", description="Licensed seats in the week (optional, >= 0)."),
        Column(
            "key_events",
            "integer",
            required=True,
            description="Count of the product's success events in the week (>= 0).",
        ),
    ),
    references={"customer_id": ("customers", "customer_id")},
    row_rules=(
        ("week_not_monday", "isodow(week) <> 1"),
        ("negative_count", "active_users < 0 or seats < 0 or key_events < 0"),
    ),
)
