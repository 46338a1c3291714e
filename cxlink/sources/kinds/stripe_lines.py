"""Stripe invoices and credit notes -> contract invoice rows, one per invoice line (pure).

Only finalized invoices that are ``paid`` or ``open`` count; drafts, voided and uncollectible
invoices are quarantined with their rule (one row per invoice). A line's ``line_type``: a
negative line is a ``refund`` (a credit), a positive proration an ``upsell``, the first paid
subscription line of a subscription ``new``, later ones ``renewal`` (``billing_reason``
subscription_cycle / subscription_threshold) or ``upsell`` (subscription_update), one-off lines
and manual invoices ``one_time``. An issued credit note is one ``refund`` row of minus its
subtotal net of discounts. The lines of a subscription started while the customer had another
live one (an add-on product) are ``cross_sell``. Also returns the counted lines by
subscription, for MRR history.
"""

from __future__ import annotations

from typing import Any

from cxlink.sources.kinds.stripe_fields import instant, pick, ref, refused, text, without_id
from cxlink.sources.kinds.stripe_mrr import Line, line_facts
from cxlink.sources.model import Source
from cxlink.sources.money import minor_to_major
from cxlink.sources.rows import SourceRow

COUNTED = ("paid", "open")
REFUSED_STATUSES = {
    "draft": "stripe_invoice_draft",
    "void": "stripe_invoice_void",
    "uncollectible": "stripe_invoice_uncollectible",
}
RENEWAL_REASONS = ("subscription_cycle", "subscription_threshold", "subscription")
ONE_TIME_REASONS = ("manual", "automatic_pending_invoice_item_invoice", "quote_accept", None)
KNOWN_REASONS = (*RENEWAL_REASONS, *ONE_TIME_REASONS, "subscription_create", "subscription_update")


def invoice_subscription(invoice: dict[str, Any]) -> str | None:
    return ref(invoice.get("subscription")) or pick(
        invoice, "parent.subscription_details.subscription"
    )


def issued_ts(invoice: dict[str, Any]) -> int:
    return int(pick(invoice, "status_transitions.finalized_at") or invoice.get("created") or 0)


class Customers:
    def __init__(self, source: Source, ids: dict[str, str | None]):
        self.field, self.ids = source.options["customer_id_from"], ids

    def __call__(self, stripe_id: str | None) -> str | None:
        if stripe_id in self.ids:
            return self.ids[stripe_id]
        return stripe_id if self.field == "id" else None  # a customer deleted before the load


def add_ons(subscriptions: list[dict[str, Any]]) -> set[str]:
    """Subscriptions started while their customer had another live one: a second product."""
    spans: dict[str, list[tuple[int, float, str]]] = {}
    for sub in subscriptions:
        start = sub.get("start_date") or sub.get("created")
        if sub.get("id") and isinstance(start, int):
            end = sub.get("ended_at") if isinstance(sub.get("ended_at"), int) else float("inf")
            spans.setdefault(ref(sub.get("customer")) or "", []).append((start, end, sub["id"]))
    return {
        sid
        for subs in spans.values()
        for start, _, sid in subs
        if any(s < start < e and other != sid for s, e, other in subs)
    }


def _line_type(reason: str | None, line: Line, first: set[str], add_on: set[str]) -> str:
    if line.amount < 0:
        return "refund"
    if line.proration:
        return "upsell"
    if not line.is_subscription:
        return "one_time"
    if line.subscription in add_on:
        return "cross_sell"
    if line.id in first:
        return "new"
    if reason == "subscription_update":
        return "upsell"
    return "renewal" if reason in (*RENEWAL_REASONS, "subscription_create") else "one_time"


def _first_paid(counted: list[tuple[dict, list[Line]]]) -> set[str]:
    """The first positive subscription line of each subscription: its ``new`` revenue."""
    seen: dict[str, tuple[int, int, str]] = {}
    for invoice, lines in counted:
        for ln in lines:
            if ln.is_subscription and not ln.proration and ln.amount > 0 and ln.subscription:
                mark = (issued_ts(invoice), ln.start, ln.id)
                seen[ln.subscription] = min(seen.get(ln.subscription, mark), mark)
    return {mark[2] for mark in seen.values()}


def _refusal(invoice: dict, customer: Customers) -> tuple[str, str] | None:
    iid, status = invoice["id"], invoice.get("status")
    if status in REFUSED_STATUSES:
        return REFUSED_STATUSES[status], f"invoice {iid} is {status}"
    if status not in COUNTED:
        return "stripe_unknown_status", f"invoice {iid} has unknown status {status!r}"
    if invoice.get("billing_reason") not in KNOWN_REASONS:
        reason = invoice.get("billing_reason")
        return "stripe_unknown_billing_reason", f"invoice {iid} has billing_reason {reason!r}"
    if not customer(ref(invoice.get("customer"))):
        return (
            "stripe_customer_unmapped",
            f"invoice {iid}: customer {ref(invoice.get('customer'))} is not mapped",
        )
    return None


def _malformed(line: Any) -> bool:
    if not isinstance(line, dict) or not line.get("id"):
        return True
    period = line.get("period") or {}
    numbers = [line.get("amount"), *(period.get(k) for k in ("start", "end") if k in period)]
    return not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers)


def _credit_note_rows(stored, customer: Customers, invoices: dict[str, dict]) -> list[SourceRow]:
    rows = []
    for note in stored.get("credit_notes", []):
        nid, status = note.get("id"), note.get("status")
        original = {"id": nid, "status": status, "invoice": ref(note.get("invoice"))}
        stripe_customer = ref(note.get("customer"))
        if not nid:
            rows.append(without_id("invoices", "credit note", note))
        elif status == "void":
            rows.append(
                refused(
                    "invoices",
                    nid,
                    "stripe_credit_note_void",
                    f"credit note {nid} is void",
                    original,
                )
            )
        elif status != "issued":
            detail = f"credit note {nid} has unknown status {status!r}"
            rows.append(refused("invoices", nid, "stripe_unknown_status", detail, original))
        elif not customer(stripe_customer):
            detail = f"credit note {nid}: customer {stripe_customer} is not mapped"
            rows.append(refused("invoices", nid, "stripe_customer_unmapped", detail, original))
        else:
            currency = str(note.get("currency") or "").upper()
            subtotal = note.get("subtotal", note.get("amount")) or 0
            net = int(subtotal) - int(note.get("discount_amount") or 0)
            invoice = invoices.get(ref(note.get("invoice")) or "", {})
            values = {
                "invoice_id": nid,
                "customer_id": customer(stripe_customer),
                "subscription_id": invoice_subscription(invoice),
                "issued_at": instant(note.get("effective_at") or note.get("created")),
                "amount": minor_to_major(-net, currency),
                "currency": currency,
                "line_type": "refund",
            }
            rows.append(SourceRow("invoices", values, nid, original=original))
    return rows


def invoice_rows(
    source: Source, stored: dict[str, list[dict]], ids: dict[str, str | None]
) -> tuple[list[SourceRow], dict[str, list[dict]]]:
    customer = Customers(source, ids)
    rows: list[SourceRow] = []
    counted: list[tuple[dict, list[Line]]] = []
    by_subscription: dict[str, list[dict]] = {}
    for invoice in stored.get("invoices", []):
        original = {k: invoice.get(k) for k in ("id", "status", "billing_reason", "customer")}
        if not invoice.get("id"):
            rows.append(without_id("invoices", "invoice", invoice))
            continue
        problem = _refusal(invoice, customer)
        if problem:
            rows.append(refused("invoices", invoice["id"], *problem, original))
            continue
        raw_lines = pick(invoice, "lines.data")
        if not isinstance(raw_lines, list) or not raw_lines:
            detail = f"invoice {invoice['id']} has no `lines.data` list (missing or renamed)"
            rows.append(
                refused("invoices", invoice["id"], "stripe_invoice_no_lines", detail, original)
            )
            continue
        bad = [ln for ln in raw_lines if _malformed(ln)]
        for ln in bad:
            line_id = ln.get("id") if isinstance(ln, dict) else repr(ln)
            record = f"{invoice['id']}:{line_id}"
            detail = f"invoice line {record} lacks an `id` or an integer `amount` / `period`"
            rows.append(refused("invoices", record, "stripe_malformed_line", detail, original))
        raw_lines = [ln for ln in raw_lines if not _malformed(ln)]
        invoice = {**invoice, "lines": {**invoice["lines"], "data": raw_lines}}
        counted.append((invoice, [line_facts(ln) for ln in raw_lines]))
        for raw, ln in zip(raw_lines, counted[-1][1], strict=True):
            sub = ln.subscription or invoice_subscription(invoice)
            if sub and (ln.is_subscription or ln.proration):
                by_subscription.setdefault(sub, []).append(raw)
    first, add_on = _first_paid(counted), add_ons(stored.get("subscriptions", []))
    for invoice, lines in counted:
        iid, reason = invoice["id"], invoice.get("billing_reason")
        for raw, ln in zip(pick(invoice, "lines.data") or [], lines, strict=True):
            record = iid if len(lines) == 1 else f"{iid}:{ln.id}"
            original = {"invoice": iid, "line": ln.id, "amount": raw.get("amount")}
            if raw["amount"] == 0:
                detail = f"invoice {iid} line {ln.id} has amount 0 (trial or free period)"
                rows.append(
                    refused("invoices", record, "stripe_zero_amount_line", detail, original)
                )
                continue
            values = {
                "invoice_id": record,
                "customer_id": customer(ref(invoice.get("customer"))),
                "subscription_id": text(ln.subscription or invoice_subscription(invoice)),
                "issued_at": instant(issued_ts(invoice)),
                "amount": minor_to_major(ln.amount, ln.currency or str(invoice.get("currency"))),
                "currency": (ln.currency or str(invoice.get("currency") or "")).upper(),
                "line_type": _line_type(reason, ln, first, add_on),
            }
            rows.append(SourceRow("invoices", values, record, original=original))
    invoices = {i["id"]: i for i in stored.get("invoices", []) if i.get("id")}
    return rows + _credit_note_rows(stored, customer, invoices), by_subscription
