"""The ``stripe`` kind: customers, subscriptions and invoices from Stripe's REST API.

Every resource is a Stripe list (``{"object": "list", "data": [...], "has_more": ..., "url":
...}``) walked with ``limit`` and ``starting_after`` (newest first). Stripe lists cannot filter
on "updated", so a resource loads incrementally in two steps, with a cursor
``{"created": <newest created seen>, "event": <newest event applied>, "checked": <time>}``:

1. ``created[gt]=<created>``: the objects created since the last run;
2. ``/v1/events`` with ``type=<object>.*`` and ``ending_before=<event>`` (pages towards newer
   events): every change since the last run; each event's ``data.object`` is the object's new
   state, applied oldest first, so the store keeps each object's latest state.

Stripe keeps events for 30 days: a source not run for longer (or whose last event is gone)
fails with a message asking for a full reload, which lists everything again. Invoices whose
embedded ``lines`` list has more pages get them from ``/v1/invoices/{id}/lines``.
The mapping to contract rows is ``stripe_map`` (MRR history: ``stripe_mrr``).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cxlink.sources.http import get_json, rest_client
from cxlink.sources.kinds.stripe_map import map_objects
from cxlink.sources.model import Batch, FetchContext, FetchKind, Resource, Source
from cxlink.sources.options import Option, credential
from cxlink.sources.rows import SourceError

EVENT_RETENTION_S = 30 * 86400
MAX_PAGES = 100_000  # a bound on every walk; Stripe's end marker is has_more false

OPTIONS = (
    Option("api_key_env", "env", "STRIPE_API_KEY", "environment variable with the secret key"),
    Option("base_url", "text", "https://api.stripe.com", "API root (tests and proxies)"),
    Option("page_size", "int", 100, "objects per page (Stripe allows 1-100)"),
    Option("use_events", "bool", True, "apply changes to known objects from /v1/events"),
    Option("customer_id_from", "text", "id", "customer id: `id` or `metadata.<key>`"),
    Option(
        "tier_from",
        "text",
        "price.nickname",
        "plan tier: price.nickname, price.lookup_key, product.name or price.metadata.<key>",
    ),
    Option("customer_tier_from", "text", "metadata.plan_tier", "customer's tier field"),
    Option("segment_from", "text", "metadata.segment", "customer field with the segment"),
    Option("default_segment", "text", "unknown", "segment when that field is empty"),
    Option("channel_from", "text", "metadata.acquisition_channel", "acquisition channel field"),
    Option("default_channel", "text", "unknown", "channel when that field is empty"),
    Option("country_from", "text", "address.country", "customer field with the country"),
    Option("default_country", "text", None, "country when that field is empty (else quarantined)"),
)


@dataclass(frozen=True)
class StripeResource:
    name: str  # stored resource and the API path /v1/<name>
    object: str  # the `object` value of its items, and the event type prefix
    params: tuple[tuple[str, str], ...] = ()


RESOURCES = (
    StripeResource("customers", "customer"),
    StripeResource("products", "product"),
    StripeResource("prices", "price"),
    StripeResource("subscriptions", "subscription", (("status", "all"),)),
    StripeResource("invoices", "invoice"),
    StripeResource("credit_notes", "credit_note"),
)
EVENT_TYPES = {"subscription": "customer.subscription.*"}


class Api:
    def __init__(self, context: FetchContext):
        source = context.source
        self.name, options = source.name, source.options
        self.key_env = options["api_key_env"]
        key = credential(source.name, "api_key_env", self.key_env, context.env)
        self.client = rest_client(options["base_url"], headers={"Authorization": f"Bearer {key}"})
        self.limit = max(1, min(100, int(options["page_size"])))

    def page(self, path: str, params: dict[str, Any], number: int) -> dict[str, Any]:
        page = get_json(self.client, self.name, path, params, self.key_env)
        ok = (
            isinstance(page, dict)
            and page.get("object") == "list"
            and isinstance(page.get("data"), list)
            and isinstance(page.get("has_more"), bool)
            and all(isinstance(o, dict) for o in page["data"])
        )
        if not ok:
            shape = sorted(page)[:6] if isinstance(page, dict) else type(page).__name__
            raise SourceError(
                f"source {self.name}: GET {path} page {number}: malformed page, expected a "
                f'Stripe list {{"object": "list", "data": [...], "has_more": ...}}, got {shape}.'
            )
        return page

    def walk(self, path: str, params: dict[str, Any], towards_newer: bool = False):
        """Pages of a list, newest first (``starting_after``) or, from an ``ending_before``
        anchor, towards newer objects (``ending_before`` the first id of each page)."""
        params = {**params, "limit": self.limit}
        for number in range(1, MAX_PAGES + 1):
            page = self.page(path, params, number)
            yield page["data"]
            if not page["has_more"]:
                return
            edge = page["data"][0 if towards_newer else -1].get("id") if page["data"] else None
            key = "ending_before" if towards_newer else "starting_after"
            if not edge or edge == params.get(key):
                raise SourceError(
                    f"source {self.name}: GET {path} page {number} says has_more but gives no "
                    "new object id to continue from; stopping."
                )
            params[key] = edge
        raise SourceError(f"source {self.name}: GET {path} has more than {MAX_PAGES} pages.")

    def complete_lines(self, invoice: dict[str, Any]) -> dict[str, Any]:
        lines = invoice.get("lines")
        if not isinstance(lines, dict) or not lines.get("has_more") or not invoice.get("id"):
            return invoice
        data = [ln for page in self.walk(f"/v1/invoices/{invoice['id']}/lines", {}) for ln in page]
        return {**invoice, "lines": {**lines, "data": data, "has_more": False}}


def object_id(obj: dict[str, Any]) -> str:
    """The object's id; one without gets a stable content id, so mapping can quarantine it."""
    if obj.get("id"):
        return str(obj["id"])
    return (
        "_missing_id_" + hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]
    )


def _events(api: Api, spec: StripeResource, state: dict[str, Any]) -> Iterator[list[dict]]:
    """The changed objects, oldest change first, one list per page of events."""
    if time.time() - float(state.get("checked") or 0) > EVENT_RETENTION_S:
        raise SourceError(
            f"source {api.name}: {spec.name}: the last run is more than 30 days ago and Stripe "
            "keeps events for 30 days only; changes may be missed: run a full reload."
        )
    params: dict[str, Any] = {"type": _type(spec)}
    if state.get("event"):
        params["ending_before"] = state["event"]
        pages = _gone_means_reload(api, api.walk("/v1/events", params, towards_newer=True))
    else:  # no event at the last run: every event since is new; collect, then apply oldest first
        pages = iter([[e for page in api.walk("/v1/events", params) for e in page]])
    for events in pages:
        if events:
            state["event"] = events[0].get("id") or state.get("event")
        changed: dict[str, dict] = {}
        for event in reversed(events):
            obj = (event.get("data") or {}).get("object")
            upcoming = str(event.get("type", "")).endswith(".upcoming")  # a preview, no id
            if isinstance(obj, dict) and obj.get("object") == spec.object and not upcoming:
                changed[object_id(obj)] = obj
        yield list(changed.values())


def _gone_means_reload(api: Api, pages: Iterator[list[dict]]) -> Iterator[list[dict]]:
    try:
        yield from pages
    except SourceError as exc:
        if "HTTP 404" not in str(exc):
            raise
        raise SourceError(
            f"{exc} The last event applied is no longer kept by Stripe (30 days): run a full "
            "reload."
        ) from None


def _fetch(spec: StripeResource):
    def fetch(context: FetchContext, cursor: str | None) -> Iterator[Batch]:
        api = Api(context)
        use_events = context.source.options["use_events"]
        state: dict[str, Any] = json.loads(cursor) if cursor else {}
        started = time.time()
        if cursor is None and use_events:  # the newest event now: changes after it come next run
            newest = api.page("/v1/events", {"limit": 1, "type": _type(spec)}, 1)["data"]
            state["event"] = newest[0].get("id") if newest else None
        params: dict[str, Any] = dict(spec.params)
        if state.get("created") is not None:
            params["created[gt]"] = state["created"]
        newest_created = state.get("created")
        for page in api.walk(f"/v1/{spec.name}", params):
            objects = [api.complete_lines(o) if spec.name == "invoices" else o for o in page]
            for o in objects:
                if isinstance(o.get("created"), int):
                    newest_created = max(newest_created or 0, o["created"])
            yield Batch([(object_id(o), o) for o in objects])  # cursor moves once all are in
        state["created"] = newest_created or 0
        if cursor is not None and use_events:
            for changed in _events(api, spec, state):
                objects = [api.complete_lines(o) if spec.name == "invoices" else o for o in changed]
                yield Batch([(object_id(o), o) for o in objects], json.dumps(state, sort_keys=True))
        state["checked"] = started
        yield Batch([], json.dumps(state, sort_keys=True))

    return fetch


def _type(spec: StripeResource) -> str:
    return EVENT_TYPES.get(spec.object, f"{spec.object}.*")


def resources(source: Source) -> list[Resource]:
    return [Resource(spec.name, _fetch(spec)) for spec in RESOURCES]


KIND = FetchKind(
    name="stripe",
    doc="Stripe Billing: customers, MRR history rebuilt from invoice lines, invoice lines.",
    entities=("customers", "subscriptions", "invoices"),
    options=OPTIONS,
    resources=resources,
    map=map_objects,
)
