"""Salesforce accounts over the REST query API as ``customers`` (docs/sources/salesforce.md).

``GET /services/data/v<api_version>/query?q=SELECT ... FROM Account [WHERE SystemModstamp >
<cursor>] ORDER BY SystemModstamp, Id`` and then each ``nextRecordsUrl`` until ``done``. The
first run reads every account in SystemModstamp order; later runs only those modified after the
stored cursor. The report CSV export of the same accounts is the salesforce_report kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from cxlink.sources.http import check_response, get_json, require, rest_client
from cxlink.sources.kinds.crm_common import (
    customer_values,
    field_names,
    field_options,
    salesforce_id18,
    text,
    value_options,
)
from cxlink.sources.model import Batch, FetchContext, FetchKind, Resource, Source
from cxlink.sources.options import Option, credential
from cxlink.sources.rows import SourceError, SourceRow

MODIFIED = "SystemModstamp"
MAX_PAGES = 100_000  # bounds the nextRecordsUrl loop (2,000 records a page)
DEFAULTS = {
    "customer_id": "Id",
    "signup_date": "CreatedDate",
    "segment": "Segment__c",
    "tier": "Plan_Tier__c",
    "channel": "AccountSource",
    "country": "BillingCountry",
    "name": "Name",
}
OPTIONS: tuple[Option, ...] = (
    Option(
        "base_url",
        "text",
        None,
        "your org's instance URL, e.g. https://mydomain.my.salesforce.com",
        required=True,
    ),
    Option("token_env", "env", "SALESFORCE_TOKEN", "env var holding an OAuth access token"),
    Option("api_version", "text", "60.0", "REST API version (`/services/data/v60.0`)"),
    Option("object", "text", "Account", "the sObject whose records are customers"),
    Option("where", "text", None, "an extra SOQL condition, e.g. `Type = 'Customer'`"),
    *field_options("field", DEFAULTS, "field (API name; `Parent.Field` for a relationship)"),
    *value_options(),
)
MISSING_ID = "missing_record_id"  # a source rule of this kind


def soql_datetime(stamp: str) -> str:
    """A SystemModstamp value (``2024-01-02T10:00:00.000+0000``) as a SOQL dateTime literal
    (``2024-01-02T10:00:00Z``, unquoted). Salesforce keeps datetimes to the second."""
    fixed = stamp.replace("Z", "+00:00")
    if len(fixed) > 5 and fixed[-5] in "+-" and fixed[-3] != ":":
        fixed = fixed[:-2] + ":" + fixed[-2:]
    moment = datetime.fromisoformat(fixed)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def soql(options: dict[str, Any], cursor: str | None) -> str:
    fields = ["Id", *[f for f in field_names(options, "field") if f != "Id"]]
    if MODIFIED not in fields:
        fields.append(MODIFIED)
    conditions = [f"{MODIFIED} > {soql_datetime(cursor)}"] if cursor else []
    if options.get("where"):
        conditions.append(f"({options['where']})")
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"SELECT {', '.join(fields)} FROM {options['object']}{where} ORDER BY {MODIFIED}, Id"


def _objects(name: str, what: str, page: Any) -> list[tuple[str, dict[str, Any]]]:
    records = require(name, what, page, "records", list)
    require(name, what, page, "done", bool)
    out = []
    for record in records:
        if not isinstance(record, dict) or not isinstance(record.get("Id"), str):
            raise SourceError(f"source {name}: {what}: malformed page, a record has no `Id`.")
        out.append((salesforce_id18(record["Id"]), record))
    return out


def _resume_point(records: list[dict[str, Any]], done: bool) -> str | None:
    """The cursor after a page: its last SystemModstamp on the last page; before that the last
    one strictly older, so accounts that share the page's final second are asked for again if
    the run stops here (SystemModstamp > cursor)."""
    stamps = [soql_datetime(r[MODIFIED]) for r in records if r.get(MODIFIED)]
    if not stamps:
        return None
    if done:
        return stamps[-1]
    older = [s for s in stamps if s < stamps[-1]]
    return older[-1] if older else None


def _first_page(source: Source, client, path: str, query: str) -> Any:
    """The query's first page; a query Salesforce refuses (HTTP 400: INVALID_FIELD,
    INVALID_TYPE, MALFORMED_QUERY) names its error and the options that built it."""
    response = client.get(path, params={"q": query})
    if response.status_code == 400:
        try:
            errors = "; ".join(f"{e['errorCode']}: {e['message']}" for e in response.json())
        except (ValueError, KeyError, TypeError):
            errors = response.text[:200]
        raise SourceError(
            f"source {source.name}: Salesforce refused the query {query!r} ({errors}): check the "
            "object, where and *_field options against the org's field API names."
        )
    check_response(source.name, response, source.options["token_env"])
    try:
        return response.json()
    except ValueError:
        raise SourceError(
            f"source {source.name}: GET {path} returned a page that is not JSON."
        ) from None


def _fetch(ctx: FetchContext, cursor: str | None) -> Iterator[Batch]:
    source, options = ctx.source, ctx.source.options
    token_env = options["token_env"]
    token = credential(source.name, "token_env", token_env, ctx.env)
    client = rest_client(options["base_url"], headers={"Authorization": f"Bearer {token}"})
    path = f"/services/data/v{options['api_version']}/query"
    page = _first_page(ctx.source, client, path, soql(options, cursor))
    what, seen = f"GET {path}", set()
    for _ in range(MAX_PAGES):
        objects = _objects(source.name, what, page)
        try:
            resume = _resume_point([o for _, o in objects], page["done"])
        except ValueError as exc:
            raise SourceError(f"source {source.name}: {what}: bad {MODIFIED} ({exc}).") from None
        if page["done"]:
            yield Batch(objects, resume)
            return
        next_url = require(source.name, what, page, "nextRecordsUrl", str)
        if next_url in seen:
            raise SourceError(f"source {source.name}: {what}: nextRecordsUrl {next_url} repeats.")
        seen.add(next_url)
        yield Batch(objects, resume)
        what = f"GET {next_url}"
        page = get_json(client, source.name, next_url, None, token_env)
    raise SourceError(f"source {source.name}: more than {MAX_PAGES} pages of records.")


def _get(record: dict[str, Any], field: str) -> Any:
    value: Any = record
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def map_records(source: Source, stored: dict[str, list[dict[str, Any]]]) -> list[SourceRow]:
    rows = []
    id_field = source.options.get("customer_id_field")
    for record in stored.get("records", []):
        record_id = salesforce_id18(text(record.get("Id")) or "")
        original = {k: v for k, v in record.items() if k != "attributes"}
        values = customer_values(source.options, "field", lambda f, r=record: _get(r, f))
        if id_field == "Id" and values["customer_id"]:
            values["customer_id"] = salesforce_id18(values["customer_id"])
        if not record_id:
            rows.append(
                SourceRow(
                    "customers",
                    values,
                    "?",
                    rule=MISSING_ID,
                    detail="A Salesforce record has no Id.",
                    original=original,
                )
            )
            continue
        rows.append(SourceRow("customers", values, record_id, original=original))
    return rows


def _resources(source: Source) -> list[Resource]:
    return [Resource("records", _fetch)]


KIND = FetchKind(
    name="salesforce",
    doc="Salesforce REST query API (Account records) as customers",
    entities=("customers",),
    options=OPTIONS,
    resources=_resources,
    map=map_records,
)
