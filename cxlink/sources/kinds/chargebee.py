"""Chargebee (API v2): customers, subscriptions, invoices and credit notes -> customers,
subscriptions (MRR periods) and invoices.

Basic auth with the API key as the user name; list endpoints ``/api/v2/<resource>`` answer
``{"list": [{"<object>": {...}}, ...], "next_offset": "..."}`` (``limit`` <= 100, ``offset``);
no ``next_offset`` ends the walk. Incremental on ``updated_at[after]`` (Unix seconds): the cursor
is the latest ``updated_at`` seen, stored when a resource's walk completes. The mapping lives in
chargebee_mapping.py and the MRR history in chargebee_periods.py; docs/sources/chargebee.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from cxlink.sources.http import get_json, require, rest_client
from cxlink.sources.kinds import chargebee_mapping
from cxlink.sources.model import Batch, FetchContext, FetchKind, Resource, Source
from cxlink.sources.options import Option, SourceConfigError, credential
from cxlink.sources.rows import SourceError

MAX_PAGES = 100_000
# resource -> the key of its object in each list entry
RESOURCES = {
    "customers": "customer",
    "subscriptions": "subscription",
    "invoices": "invoice",
    "credit_notes": "credit_note",
}

OPTIONS = (
    Option("site", "text", "", "Chargebee site name: https://<site>.chargebee.com."),
    Option("base_url", "text", "", "Site URL overriding `site` (a proxy or a test server)."),
    Option("api_key_env", "env", "CHARGEBEE_API_KEY", "Variable holding a read-only API key."),
    Option("limit", "int", 100, "Objects per page (Chargebee allows at most 100)."),
    Option(
        "customer_id_from",
        "text",
        "id",
        "Customer id: the Chargebee `id`, a custom field `cf_<name>` or `meta_data.<key>`.",
    ),
    Option("tier_map", "mapping", {}, "Item price id or item id -> plan tier."),
    Option("segment_field", "text", "cf_segment", "Customer field holding the segment."),
    Option("default_segment", "text", "unknown", "Segment when that field is empty."),
    Option(
        "channel_field",
        "text",
        "cf_acquisition_channel",
        "Customer field holding the acquisition channel.",
    ),
    Option("default_channel", "text", "unknown", "Acquisition channel when that field is empty."),
    Option("plan_tier_field", "text", "cf_plan_tier", "Customer field holding the plan tier."),
    Option(
        "default_plan_tier",
        "text",
        "none",
        "Customer plan tier when that field is empty and it has no subscription.",
    ),
)


def site_url(source: Source) -> str:
    options = source.options
    if options["base_url"]:
        return options["base_url"]
    if options["site"]:
        return f"https://{options['site']}.chargebee.com"
    raise SourceConfigError(
        f"source {source.name}: option site is required (the <site> of "
        "https://<site>.chargebee.com), or base_url."
    )


def _page_objects(source: Source, what: str, body: Any, key: str) -> list[dict[str, Any]]:
    entries = require(source.name, what, body, "list", list)
    objects = []
    for n, entry in enumerate(entries, start=1):
        obj = entry.get(key) if isinstance(entry, dict) else None
        if not isinstance(obj, dict) or not obj.get("id"):
            raise SourceError(
                f"source {source.name}: {what}: malformed page, entry {n} has no `{key}` object "
                "with an id."
            )
        objects.append(obj)
    if body.get("next_offset") is not None and not isinstance(body["next_offset"], str):
        raise SourceError(f"source {source.name}: {what}: malformed page, next_offset is not text.")
    return objects


def _fetcher(resource: str):
    key = RESOURCES[resource]

    def fetch(context: FetchContext, cursor: str | None) -> Iterator[Batch]:
        source, options = context.source, context.source.options
        env_var = options["api_key_env"]
        api_key = credential(source.name, "api_key_env", env_var, context.env)
        from dlt.sources.helpers.rest_client.auth import HttpBasicAuth

        client = rest_client(site_url(source), auth=HttpBasicAuth(api_key, ""))
        path = f"/api/v2/{resource}"
        params: dict[str, Any] = {"limit": max(1, min(int(options["limit"]), 100))}
        if resource != "credit_notes":
            params["sort_by[asc]"] = "updated_at"
        # updated_at[after] is exclusive: ask from one second before the cursor and skip the
        # objects already stored at the cursor second, so none updated in that second is lost.
        state = json.loads(cursor) if cursor else {"updated_at": None, "seen": []}
        start, skip = state["updated_at"], set(state["seen"])
        if start is not None:
            params["updated_at[after]"] = start - 1
        latest, seen = start, set(skip)
        offset, seen_offsets = None, set()
        for page in range(1, MAX_PAGES + 1):
            page_params = {**params, **({"offset": offset} if offset else {})}
            body = get_json(client, source.name, path, page_params, env_var)
            objects = []
            for obj in _page_objects(source, f"GET {path} page {page}", body, key):
                stamp, object_id = obj.get("updated_at"), str(obj["id"])
                if not isinstance(stamp, int):
                    stamp = None
                if stamp is not None and stamp == start and object_id in skip:
                    continue
                objects.append((object_id, obj))
                if stamp is not None and (latest is None or stamp > latest):
                    latest, seen = stamp, set()
                if stamp is not None and stamp == latest:
                    seen.add(object_id)
            offset = body.get("next_offset")
            done = offset is None
            if not done and offset in seen_offsets:
                raise SourceError(
                    f"source {source.name}: GET {path} page {page} repeats next_offset "
                    f"{offset!r}: the API is not paginating; stopping."
                )
            seen_offsets.add(offset)
            # The cursor moves once the walk is complete, so an interrupted walk is redone
            # from the previous cursor (objects are upserted by id) whatever the page order.
            final = None
            if done and latest is not None:
                final = json.dumps({"updated_at": latest, "seen": sorted(seen)})
            yield Batch(objects, final)
            if done:
                return
        raise SourceError(f"source {source.name}: GET {path}: more than {MAX_PAGES} pages.")

    return fetch


def _resources(source: Source) -> list[Resource]:
    site_url(source)
    chargebee_mapping.customer_id_spec(source)
    return [Resource(name, _fetcher(name)) for name in RESOURCES]


KIND = FetchKind(
    name="chargebee",
    doc="Chargebee (API v2) customers, subscriptions (MRR history) and invoices.",
    entities=("customers", "subscriptions", "invoices"),
    options=OPTIONS,
    resources=_resources,
    map=chargebee_mapping.map_objects,
)
