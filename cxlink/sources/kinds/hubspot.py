"""HubSpot CRM companies as ``customers`` (docs/sources/hubspot.md).

Full load: ``GET /crm/v3/objects/companies?limit=&properties=&after=`` following
``paging.next.after`` until a page has no ``paging``. Incremental (a stored cursor): ``POST
/crm/v3/objects/companies/search`` with ``hs_lastmodifieddate GT <cursor>`` sorted ascending, so
each stored page moves the cursor to its newest change. The search API stops at 10,000 results
per query: before a query would pass it, the search restarts from the newest change seen
(``GTE``; the few companies at that instant are fetched twice and stored once).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from cxlink.sources.http import check_response, get_json, require, rest_client
from cxlink.sources.kinds.crm_common import field_names, field_options, value_options
from cxlink.sources.kinds.hubspot_map import CHANNELS, map_companies
from cxlink.sources.model import Batch, FetchContext, FetchKind, Resource, Source
from cxlink.sources.options import Option, credential
from cxlink.sources.rows import SourceError

LIST_PATH = "/crm/v3/objects/companies"
SEARCH_PATH = "/crm/v3/objects/companies/search"
MODIFIED = "hs_lastmodifieddate"
SEARCH_WINDOW = 10_000  # HubSpot's search returns at most 10,000 results per query
MAX_PAGES = 100_000  # a bound on any loop: 10 million companies

DEFAULTS = {
    "customer_id": "hs_object_id",
    "signup_date": "createdate",
    "segment": "segment",
    "tier": "plan_tier",
    "channel": "hs_analytics_source",
    "country": "country",
    "name": "name",
}
OPTIONS: tuple[Option, ...] = (
    Option("base_url", "text", "https://api.hubapi.com", "HubSpot API root"),
    Option("token_env", "env", "HUBSPOT_TOKEN", "env var holding a private-app access token"),
    Option("page_size", "int", 100, "companies per page (`limit`, 1-100)"),
    *field_options("property", DEFAULTS, "company property (internal name)"),
    *value_options(CHANNELS),
)


def _ms(stamp: str) -> int:
    """Epoch milliseconds of an hs_lastmodifieddate value (ISO datetime or epoch ms)."""
    if stamp.isdigit():
        return int(stamp)
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _modified(company: dict[str, Any]) -> str | None:
    props = company.get("properties") or {}
    value = props.get(MODIFIED) if isinstance(props, dict) else None
    return value or company.get("updatedAt")


def _newest(name: str, companies: list[dict[str, Any]], start: str | None) -> str | None:
    newest = start
    for company in companies:
        stamp = _modified(company)
        if not stamp:
            continue
        try:
            if newest is None or _ms(stamp) > _ms(newest):
                newest = stamp
        except ValueError:
            raise SourceError(
                f"source {name}: company {company.get('id')} has {MODIFIED}={stamp!r}, which is "
                "not an ISO datetime or epoch milliseconds."
            ) from None
    return newest


def _resume_point(objects: list[tuple[str, dict[str, Any]]], newest: str | None) -> str | None:
    """The cursor after a search page that is not the last: the newest change strictly older
    than the page's newest, so companies sharing that last instant across the page boundary are
    asked for again if the run stops here (GT cursor). None keeps the stored cursor."""
    if newest is None:
        return None
    stamps = [s for s in (_modified(o) for _, o in objects) if s and _ms(s) < _ms(newest)]
    return max(stamps, key=_ms) if stamps else None


def _objects(name: str, what: str, page: Any) -> list[tuple[str, dict[str, Any]]]:
    results = require(name, what, page, "results", list)
    out = []
    for company in results:
        if not isinstance(company, dict) or not company.get("id"):
            raise SourceError(f"source {name}: {what}: malformed page, a result has no `id`.")
        out.append((str(company["id"]), company))
    return out


def _next_after(name: str, what: str, page: dict[str, Any]) -> str | None:
    paging = page.get("paging")
    if paging is None:
        return None
    after = (paging.get("next") or {}).get("after") if isinstance(paging, dict) else None
    if not after:
        raise SourceError(f"source {name}: {what}: malformed page, `paging` without next.after.")
    return str(after)


def _client(ctx: FetchContext):
    options = ctx.source.options
    token = credential(ctx.source.name, "token_env", options["token_env"], ctx.env)
    headers = {"Authorization": f"Bearer {token}"}
    return rest_client(options["base_url"], headers=headers)


def _properties(options: dict[str, Any]) -> list[str]:
    names = field_names(options, "property")
    return names + [p for p in ("hs_object_id", "createdate", MODIFIED) if p not in names]


def _list(ctx: FetchContext, client, limit: int) -> Iterator[Batch]:
    name, token_env = ctx.source.name, ctx.source.options["token_env"]
    params: dict[str, Any] = {
        "limit": limit,
        "properties": ",".join(_properties(ctx.source.options)),
        "archived": "false",
    }
    newest, seen = None, set()
    for _ in range(MAX_PAGES):
        page = get_json(client, name, LIST_PATH, params, token_env)
        what = f"GET {LIST_PATH}" + (f" after {params['after']}" if "after" in params else "")
        objects = _objects(name, what, page)
        newest = _newest(name, [o for _, o in objects], newest)
        after = _next_after(name, what, page)
        if after is None:  # the last page: only now is the whole list stored
            yield Batch(objects, newest)
            return
        if after in seen:
            raise SourceError(f"source {name}: {what}: paging.next.after {after} repeats.")
        seen.add(after)
        yield Batch(objects)
        params["after"] = after
    raise SourceError(f"source {name}: more than {MAX_PAGES} pages of companies.")


def _search(ctx: FetchContext, client, limit: int, cursor: str) -> Iterator[Batch]:
    name, token_env = ctx.source.name, ctx.source.options["token_env"]
    floor, operator, after, window = cursor, "GT", None, 0
    for _ in range(MAX_PAGES):
        body: dict[str, Any] = {
            "filterGroups": [
                {
                    "filters": [
                        {"propertyName": MODIFIED, "operator": operator, "value": str(_ms(floor))}
                    ]
                }
            ],
            "sorts": [{"propertyName": MODIFIED, "direction": "ASCENDING"}],
            "properties": _properties(ctx.source.options),
            "limit": limit,
        }
        if after:
            body["after"] = after
        response = client.post(SEARCH_PATH, json=body)
        check_response(name, response, token_env)
        what = f"POST {SEARCH_PATH} ({MODIFIED} {operator} {floor})"
        try:
            page = response.json()
        except ValueError:
            raise SourceError(f"source {name}: {what} returned a page that is not JSON.") from None
        objects = _objects(name, what, page)
        newest = _newest(name, [o for _, o in objects], None)
        next_after = _next_after(name, what, page)
        yield Batch(objects, newest if next_after is None else _resume_point(objects, newest))
        if next_after is None:
            return
        window += len(objects)
        if not objects or next_after == after:
            raise SourceError(f"source {name}: {what}: a page made no progress.")
        if window + limit > SEARCH_WINDOW:  # restart the query from the newest change seen
            if operator == "GTE" and newest == floor:
                raise SourceError(
                    f"source {name}: more than {SEARCH_WINDOW} companies share {MODIFIED} "
                    f"{floor}; run a full reload."
                )
            floor, operator, after, window = newest or floor, "GTE", None, 0
            continue
        after = next_after
    raise SourceError(f"source {name}: more than {MAX_PAGES} pages of changed companies.")


def _fetch(ctx: FetchContext, cursor: str | None) -> Iterator[Batch]:
    limit = ctx.source.options["page_size"]
    if not 1 <= limit <= 100:
        raise SourceError(f"source {ctx.source.name}: page_size {limit} must be 1-100.")
    client = _client(ctx)
    if cursor is None:
        yield from _list(ctx, client, limit)
    else:
        yield from _search(ctx, client, limit, cursor)


def _resources(source: Source) -> list[Resource]:
    return [Resource("companies", _fetch)]


KIND = FetchKind(
    name="hubspot",
    doc="HubSpot CRM v3 companies (private-app token) as customers",
    entities=("customers",),
    options=OPTIONS,
    resources=_resources,
    map=map_companies,
)
