"""Delighted: survey responses from the REST API (``GET /v1/survey_responses.json``) -> feedback.

Basic auth with the API key as the user name and an empty password; a bare JSON array per page,
``page`` / ``per_page`` (at most 100) page numbers, Unix-second timestamps. Incremental on
``updated_since`` with ``order=asc:updated_at``: the cursor is the latest ``updated_at`` seen and
the ids seen at that second (``updated_since`` is inclusive, so those are skipped on the next
request); pages advance by that cursor, page numbers only within one second.
``expand[]=person`` returns the person object, so the e-mail can identify the customer.
docs/sources/delighted.md documents options, mapping and rules.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from cxlink.sources.http import get_json, rest_client
from cxlink.sources.model import Batch, FetchContext, FetchKind, Resource, Source
from cxlink.sources.options import Option, SourceConfigError, credential
from cxlink.sources.rows import SourceError, SourceRow

PATH = "/v1/survey_responses.json"
MAX_PAGES = 100_000  # a bound on the page loop; a real account ends far earlier
# survey_type -> contract survey type; other types (smileys, thumbs, 5star, enps, pmf) are
# quarantined unless the survey_types option maps them (e.g. 5star: csat for a 1-5 scale).
SURVEY_TYPES = {"nps": "nps", "csat": "csat", "ces": "ces"}
SURVEY_SCORES = ("nps", "csat", "ces")
# Delighted's "Delighted Source" person property -> contract channel.
SOURCES = {
    "email": "email",
    "sms": "sms",
    "web": "web",
    "link": "web",
    "kiosk": "in_app",
    "ios sdk": "in_app",
    "android sdk": "in_app",
    "in-app": "in_app",
    "slack": "social",
}
CHANNELS = ("email", "in_app", "sms", "web", "social")

OPTIONS = (
    Option("base_url", "text", "https://api.delighted.com", "Delighted API root URL."),
    Option("api_key_env", "env", "DELIGHTED_API_KEY", "Variable holding the API key."),
    Option("per_page", "int", 100, "Responses per page (Delighted allows at most 100)."),
    Option(
        "customer_id_from",
        "text",
        "person_properties.customer_id",
        "person_properties.<name>, person.email, person.id or person.phone_number.",
    ),
    Option("survey_types", "mapping", {}, "Extra survey_type -> nps/csat/ces mappings."),
    Option("channel", "text", "email", "Channel when no Delighted Source says.", CHANNELS),
)


def _customer_spec(source: Source) -> tuple[str, str]:
    spec = source.options["customer_id_from"]
    head, _, name = spec.partition(".")
    if head == "person_properties" and name:
        return head, name
    if head == "person" and name in ("email", "id", "phone_number"):
        return head, name
    raise SourceConfigError(
        f"source {source.name}: option customer_id_from={spec!r} is not allowed: use "
        "person_properties.<name>, person.email, person.id or person.phone_number."
    )


def _survey_types(source: Source) -> dict[str, str]:
    extra = {str(k): str(v) for k, v in source.options["survey_types"].items()}
    bad = sorted(k for k, v in extra.items() if v not in SURVEY_SCORES)
    if bad:
        raise SourceConfigError(
            f"source {source.name}: option survey_types maps {', '.join(bad)} to a type that "
            "is not nps, csat or ces."
        )
    return {**SURVEY_TYPES, **extra}


def _stamp(response: dict[str, Any]) -> int | None:
    value = response.get("updated_at")
    if value is None:
        value = response.get("created_at")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _object_id(response: dict[str, Any]) -> str:
    if response.get("id") not in (None, ""):
        return str(response["id"])
    digest = hashlib.sha1(json.dumps(response, sort_keys=True).encode()).hexdigest()[:16]
    return f"no-id-{digest}"


def _fetch(context: FetchContext, cursor: str | None) -> Iterator[Batch]:
    source, options = context.source, context.source.options
    env_var = options["api_key_env"]
    key = credential(source.name, "api_key_env", env_var, context.env)
    from dlt.sources.helpers.rest_client.auth import HttpBasicAuth

    client = rest_client(options["base_url"], auth=HttpBasicAuth(key, ""))
    per_page = max(1, min(int(options["per_page"]), 100))
    state = json.loads(cursor) if cursor else {"updated_since": None, "seen": []}
    since, seen = state["updated_since"], set(state["seen"])
    # Keyset walk: every request asks page 1 from the latest updated_at seen so far, so a
    # response updated during the walk (it moves to the end of the order) cannot shift an unseen
    # one off a page. Only a full page within one second needs the next page number.
    page, previous = 1, None
    for _ in range(MAX_PAGES):
        params: dict[str, Any] = {
            "per_page": per_page,
            "page": page,
            "order": "asc:updated_at",
            "expand[]": "person",
        }
        if since is not None:
            params["updated_since"] = since
        body = get_json(client, source.name, PATH, params, env_var)
        if not isinstance(body, list) or not all(isinstance(r, dict) for r in body):
            raise SourceError(
                f"source {source.name}: GET {PATH} (updated_since {since}, page {page}): "
                f"malformed page, expected a JSON array of survey responses, got "
                f"{type(body).__name__}."
            )
        ids = [_object_id(r) for r in body]
        if body and (since, ids) == previous:  # the next page number gave the same page
            raise SourceError(
                f"source {source.name}: GET {PATH} returned the same page twice (updated_since "
                f"{since}, page {page}): the API is not paginating; stopping."
            )
        previous = (since, ids)
        objects, latest, at_latest = [], since, set(seen)
        for object_id, response in zip(ids, body, strict=True):
            stamp = _stamp(response)
            if stamp is not None and stamp == since and object_id in seen:
                continue  # updated_since is inclusive: already stored at the cursor second
            objects.append((object_id, response))
            if stamp is not None and (latest is None or stamp > latest):
                latest, at_latest = stamp, set()
            if stamp is not None and stamp == latest:
                at_latest.add(object_id)
        moved = latest != since
        since, seen = latest, at_latest
        yield Batch(
            objects,
            json.dumps({"updated_since": since, "seen": sorted(seen)})
            if since is not None
            else None,
        )
        if len(body) < per_page:
            return
        page = 1 if moved else page + 1
    raise SourceError(f"source {source.name}: GET {PATH}: more than {MAX_PAGES} pages.")


def _resources(source: Source) -> list[Resource]:
    _customer_spec(source)  # fail at the start on a bad option, not after fetching
    _survey_types(source)
    return [Resource("survey_responses", _fetch)]


def _iso(seconds: Any) -> str | None:
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _customer(response: dict[str, Any], spec: tuple[str, str]) -> str | None:
    head, name = spec
    holder = response.get(head)
    value = holder.get(name) if isinstance(holder, dict) else None
    if head == "person" and name == "id" and isinstance(holder, str | int):
        value = holder  # person not expanded: the id itself
    return None if value in (None, "") else str(value)


def _language(properties: dict[str, Any]) -> str | None:
    locale = properties.get("locale") or properties.get("Locale")
    if not isinstance(locale, str) or not locale.strip():
        return None
    return locale.strip().replace("_", "-").split("-")[0].lower()


def map_responses(source: Source, stored: dict[str, list[dict[str, Any]]]) -> list[SourceRow]:
    """Delighted survey responses -> feedback rows (pure)."""
    spec, types = _customer_spec(source), _survey_types(source)
    rows = []
    for response in stored.get("survey_responses", []):
        properties = response.get("person_properties") or {}
        properties = properties if isinstance(properties, dict) else {}
        source_channel = str(properties.get("Delighted Source") or "").strip().lower()
        score = response.get("score")
        values = {
            "response_id": None if response.get("id") in (None, "") else str(response["id"]),
            "customer_id": _customer(response, spec),
            "responded_at": _iso(response.get("created_at")),
            "survey_type": types.get(str(response.get("survey_type"))),
            "score": str(score) if isinstance(score, int) and not isinstance(score, bool) else None,
            "comment": response.get("comment") or None,
            "language": _language(properties),
            "channel": SOURCES.get(source_channel, source.options["channel"]),
        }
        rule = _rule(response, values, spec)
        rows.append(
            SourceRow(
                entity="feedback",
                values=values,
                record_id=values["response_id"] or _object_id(response),
                item=f"{source.name}/api/survey_responses",
                rule=rule[0] if rule else None,
                detail=rule[1] if rule else None,
                original={k: response.get(k) for k in ("id", "survey_type", "score", "created_at")},
            )
        )
    return rows


def _rule(response: dict[str, Any], values: dict, spec: tuple[str, str]) -> tuple[str, str] | None:
    rid = values["response_id"] or "without an id"
    if values["response_id"] is None:
        return "missing_response_id", "A survey response has no id."
    if values["survey_type"] is None:
        kind = response.get("survey_type")
        return "unsupported_survey_type", (
            f"Response {rid} is a {kind!r} survey, which is not NPS, CSAT or CES "
            "(map it with the survey_types option)."
        )
    if values["score"] is None:
        return "missing_score", f"Response {rid} has no integer score ({response.get('score')!r})."
    if values["responded_at"] is None:
        return "invalid_created_at", (
            f"Response {rid} has no Unix-second created_at ({response.get('created_at')!r})."
        )
    if values["customer_id"] is None:
        return "missing_customer_id", f"Response {rid} has no {'.'.join(spec)}."
    return None


KIND = FetchKind(
    name="delighted",
    doc="Delighted survey responses (REST API v1) as feedback.",
    entities=("feedback",),
    options=OPTIONS,
    resources=_resources,
    map=map_responses,
)
