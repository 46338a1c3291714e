"""Chargebee objects -> contract customers, subscriptions and invoices (pure).

Amounts are integers in the currency's minor unit (cents; JPY and other zero-decimal currencies
as they are, three-decimal ones in thousandths: cxlink/sources/money.py); timestamps are Unix
seconds. Invoice lines become invoice rows, credit-note lines negative ``refund`` rows; the
subscription periods come from chargebee_periods.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cxlink.sources.kinds import chargebee_periods as cp
from cxlink.sources.model import Source
from cxlink.sources.money import decimal_text, minor_to_major
from cxlink.sources.options import SourceConfigError
from cxlink.sources.rows import SourceRow

INVOICE_OK = ("paid", "posted", "payment_due", "not_paid")
INVOICE_REFUSED = {"voided": "voided_invoice", "pending": "pending_invoice"}
CREDIT_NOTE_OK = ("refunded", "adjusted", "refund_due")
ONE_TIME = ("charge_item_price", "adhoc", "plan_setup")


def customer_id_spec(source: Source) -> str:
    spec = source.options["customer_id_from"]
    if spec == "id" or (spec.startswith("cf_") and len(spec) > 3):
        return spec
    if spec.startswith("meta_data.") and len(spec) > len("meta_data."):
        return spec
    raise SourceConfigError(
        f"source {source.name}: option customer_id_from={spec!r} is not allowed: use id, "
        "cf_<custom field> or meta_data.<key>."
    )


def field(obj: dict[str, Any], spec: str) -> str | None:
    """A customer's value by option: ``cf_<name>``, ``meta_data.<key>`` or a top-level field."""
    value: Any = obj.get(spec)
    if spec.startswith("meta_data."):
        meta = obj.get("meta_data")
        value = meta.get(spec.split(".", 1)[1]) if isinstance(meta, dict) else None
    return None if value in (None, "") else str(value)


def _iso(seconds: Any) -> str | None:
    if cp.day(seconds) is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _date(seconds: Any) -> str | None:
    moment = cp.day(seconds)
    return moment.isoformat() if moment else None


def _row(entity: str, values: dict, record: str, resource: str, source: Source, rule=None):
    return SourceRow(
        entity=entity,
        values=values,
        record_id=record,
        item=f"{source.name}/api/{resource}",
        rule=rule[0] if rule else None,
        detail=rule[1] if rule else None,
    )


class _Account:
    """Everything fetched, indexed for the mapping."""

    def __init__(self, source: Source, stored: dict[str, list[dict[str, Any]]]):
        self.source, self.options = source, source.options
        self.spec = customer_id_spec(source)
        self.customers = stored.get("customers", [])
        self.subscriptions = stored.get("subscriptions", [])
        self.invoices = stored.get("invoices", [])
        self.credit_notes = stored.get("credit_notes", [])
        self.ids = {
            c["id"]: (c["id"] if self.spec == "id" else field(c, self.spec)) for c in self.customers
        }
        by_sub: dict[str, list[dict]] = {}
        for invoice in self.invoices:
            subs = {line.get("subscription_id") for line in invoice.get("line_items") or []}
            for sub_id in (subs | {invoice.get("subscription_id")}) - {None}:
                by_sub.setdefault(sub_id, []).append(invoice)
        tier_map = {str(k): str(v) for k, v in self.options["tier_map"].items()}
        self.tier_map = tier_map
        self.history = {
            s["id"]: cp.periods(s, by_sub.get(s["id"], []), tier_map)
            for s in self.subscriptions
            if s.get("status") in cp.STATUSES
        }
        self.first_addon: dict[tuple[str, str], int] = {}
        for invoice in sorted(self.invoices, key=lambda i: (i.get("date") or 0, i["id"])):
            for line in invoice.get("line_items") or []:
                key = (
                    line.get("subscription_id") or invoice.get("subscription_id"),
                    line.get("entity_id"),
                )
                self.first_addon.setdefault(key, line.get("date_from") or 0)

    def customer(self, chargebee_id: Any) -> str | None:
        if chargebee_id in (None, ""):
            return None
        if self.spec == "id":
            return str(chargebee_id)
        return self.ids.get(chargebee_id)


def _customers(account: _Account) -> list[SourceRow]:
    options, rows = account.options, []
    latest: dict[str, tuple] = {}
    for s in account.subscriptions:
        history = account.history.get(s["id"])
        if history:
            key = (history[-1].start, s.get("created_at") or 0)
            if s.get("customer_id") not in latest or key > latest[s["customer_id"]][0]:
                latest[s["customer_id"]] = (key, history[-1].tier)
    for c in account.customers:
        address = c.get("billing_address") if isinstance(c.get("billing_address"), dict) else {}
        name = c.get("company") or " ".join(
            p for p in (c.get("first_name"), c.get("last_name")) if p
        )
        values = {
            "customer_id": account.customer(c["id"]),
            "signup_date": _date(c.get("created_at")),
            "segment": field(c, options["segment_field"]) or options["default_segment"],
            "plan_tier": field(c, options["plan_tier_field"])
            or latest.get(c["id"], (None, None))[1]
            or options["default_plan_tier"],
            "acquisition_channel": field(c, options["channel_field"]) or options["default_channel"],
            "country": (address.get("country") or "").upper() or None,
            "email": c.get("email") or None,
            "name": name or None,
        }
        rule = None
        if c.get("deleted"):
            rule = ("deleted_customer", f"Customer {c['id']} is deleted in Chargebee.")
        elif values["customer_id"] is None:
            rule = ("missing_customer_id", f"Customer {c['id']} has no {account.spec}.")
        rows.append(_row("customers", values, str(c["id"]), "customers", account.source, rule))
    return rows


def _subscriptions(account: _Account) -> list[SourceRow]:
    rows = []
    for s in account.subscriptions:
        sid, status = str(s["id"]), s.get("status")
        customer = account.customer(s.get("customer_id"))
        base = {"subscription_id": sid, "customer_id": customer}
        rule = None
        if status not in cp.STATUSES:
            rule = ("unknown_status", f"Subscription {sid} has status {status!r}.")
        elif s.get("deleted"):
            rule = ("deleted_subscription", f"Subscription {sid} is deleted in Chargebee.")
        elif customer is None:
            rule = (
                "missing_customer_id",
                f"Subscription {sid}: customer {s.get('customer_id')!r} has no {account.spec}.",
            )
        elif not account.history.get(sid):
            rule = (
                "no_paid_terms",
                f"Subscription {sid} ({status}) has no paid invoice term yet (trial or future).",
            )
        if rule:
            values = {**base, "currency": (s.get("currency_code") or "").upper() or None}
            rows.append(_row("subscriptions", values, sid, "subscriptions", account.source, rule))
            continue
        for period in account.history[sid]:
            values = {
                **base,
                "plan_tier": period.tier,
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat() if period.end else None,
                "mrr": decimal_text(period.mrr),
                "currency": period.currency,
            }
            rows.append(_row("subscriptions", values, sid, "subscriptions", account.source))
    return rows


def _invoice_rows(account: _Account, document: dict, resource: str) -> list[SourceRow]:
    is_credit = resource == "credit_notes"
    doc_id, status = str(document["id"]), document.get("status")
    currency = (document.get("currency_code") or "").upper() or None
    customer = account.customer(document.get("customer_id"))
    what = "Credit note" if is_credit else "Invoice"
    rule = None
    if document.get("deleted"):
        rule = ("deleted_document", f"{what} {doc_id} is deleted in Chargebee.")
    elif is_credit and status == "voided":
        rule = ("voided_credit_note", f"Credit note {doc_id} is voided.")
    elif not is_credit and status in INVOICE_REFUSED:
        rule = (INVOICE_REFUSED[status], f"Invoice {doc_id} is {status}: not revenue.")
    elif status not in (CREDIT_NOTE_OK if is_credit else INVOICE_OK):
        rule = ("unknown_status", f"{what} {doc_id} has status {status!r}.")
    elif customer is None:
        rule = (
            "missing_customer_id",
            f"{what} {doc_id}: customer {document.get('customer_id')!r} has no {account.spec}.",
        )
    elif not document.get("line_items"):
        rule = ("missing_line_items", f"{what} {doc_id} has no line_items.")
    base = {"customer_id": customer, "issued_at": _iso(document.get("date")), "currency": currency}
    if rule:
        total = document.get("total")
        amount = (
            minor_to_major(-total if is_credit else total, currency or "")
            if isinstance(total, int)
            else None
        )
        values = {**base, "invoice_id": doc_id, "amount": amount}
        return [_row("invoices", values, doc_id, resource, account.source, rule)]
    rows = []
    for line in document["line_items"]:
        sub_id = line.get("subscription_id") or document.get("subscription_id")
        amount = cp.net(line)
        if is_credit:
            kind, amount = "refund", -amount
        elif line.get("entity_type") in ONE_TIME or not sub_id:
            kind = "one_time"
        else:
            first = account.first_addon.get((sub_id, line.get("entity_id"))) == line.get(
                "date_from"
            )
            kind = cp.line_type(line, account.history.get(sub_id, []), first)
        values = {
            **base,
            "invoice_id": f"{doc_id}/{line.get('id')}",
            "subscription_id": sub_id,
            "amount": minor_to_major(amount, currency or ""),
            "line_type": kind,
        }
        rows.append(_row("invoices", values, doc_id, resource, account.source))
    return rows


def map_objects(source: Source, stored: dict[str, list[dict[str, Any]]]) -> list[SourceRow]:
    account = _Account(source, stored)
    rows = _customers(account) + _subscriptions(account)
    for invoice in account.invoices:
        rows += _invoice_rows(account, invoice, "invoices")
    for note in account.credit_notes:
        rows += _invoice_rows(account, note, "credit_notes")
    return rows
