"""Typeform: one form's responses from the Responses API -> feedback.

``GET /forms/{form_id}/responses`` with a Bearer token; envelope ``{"total_items", "page_count",
"items": [...]}``. The first page of a full load is ``sort=submitted_at,asc``; every later page,
and every incremental run, asks ``after=<token of the last response stored>``, which Typeform
answers in the order it processed responses (it cannot be combined with ``sort``), so the cursor
only moves forward and late-processed responses are not missed. A page shorter than
``page_size`` ends the walk. docs/sources/typeform.md documents options, mapping and rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cxlink.sources.http import get_json, require, rest_client
from cxlink.sources.model import Batch, FetchContext, FetchKind, Resource, Source
from cxlink.sources.options import Option, credential
from cxlink.sources.rows import SourceError, SourceRow

MAX_PAGES = 100_000
SCORE_FIELD_TYPES = ("nps", "opinion_scale", "rating")  # Typeform field types with a number
COMMENT_FIELD_TYPES = ("long_text", "short_text")
CHANNELS = ("email", "in_app", "sms", "web", "social")

OPTIONS = (
    Option("base_url", "text", "https://api.typeform.com", "Responses API root (EU: api.eu...)."),
    Option(
        "form_id", "text", None, "The form's id (from its URL .../to/<form_id>).", required=True
    ),
    Option("token_env", "env", "TYPEFORM_TOKEN", "Variable holding a personal access token."),
    Option("page_size", "int", 1000, "Responses per page (Typeform allows at most 1000)."),
    Option(
        "score_field",
        "text",
        "",
        "Score question's field ref or id; default: the first nps / opinion_scale / rating answer.",
    ),
    Option(
        "comment_field",
        "text",
        "",
        "Comment question's field ref or id; default: the first long_text, else short_text answer.",
    ),
    Option("customer_id_hidden", "text", "customer_id", "Hidden field holding the customer id."),
    Option("survey_type", "text", "nps", "What the score measures.", ("nps", "csat", "ces")),
    Option("channel", "text", "web", "Collection channel of the form.", CHANNELS),
    Option("language", "text", "", "ISO 639-1 code of the form's language; empty: none."),
)


def _path(source: Source) -> str:
    return f"/forms/{source.options['form_id']}/responses"


def _object_id(item: dict[str, Any]) -> str | None:
    value = item.get("response_id") or item.get("token")
    return str(value) if value else None


def _fetch(context: FetchContext, cursor: str | None) -> Iterator[Batch]:
    source, options = context.source, context.source.options
    env_var = options["token_env"]
    token = credential(source.name, "token_env", env_var, context.env)
    from dlt.sources.helpers.rest_client.auth import BearerTokenAuth

    client = rest_client(options["base_url"], auth=BearerTokenAuth(token))
    page_size = max(1, min(int(options["page_size"]), 1000))
    path, after = _path(source), cursor
    for page in range(1, MAX_PAGES + 1):
        params: dict[str, Any] = {"page_size": page_size}
        if after:
            params["after"] = after
        else:
            params["sort"] = "submitted_at,asc"
        body = get_json(client, source.name, path, params, env_var)
        what = f"GET {path} page {page}"
        items = require(source.name, what, body, "items", list)
        require(source.name, what, body, "total_items", int)
        objects = []
        for n, item in enumerate(items, start=1):
            if not isinstance(item, dict) or not _object_id(item):
                raise SourceError(
                    f"source {source.name}: {what}: malformed page, item {n} has no "
                    "response_id or token (the next page could not be asked for)."
                )
            objects.append((_object_id(item), item))
        if objects:
            last = str(objects[-1][1].get("token") or objects[-1][0])
            if last == after:
                raise SourceError(
                    f"source {source.name}: {what} ends with the token it was asked to start "
                    "after: the API is not paginating; stopping."
                )
            after = last
        yield Batch(objects, after)
        if len(items) < page_size:
            return
    raise SourceError(f"source {source.name}: GET {path}: more than {MAX_PAGES} pages.")


def _resources(source: Source) -> list[Resource]:
    return [Resource("responses", _fetch)]


def _answer(answers: list[dict], wanted: str, types: tuple[str, ...]) -> dict | None:
    """The answer to the field whose ref or id is ``wanted``, else the first of ``types``."""
    for answer in answers:
        field = answer.get("field") or {}
        if wanted and wanted in (field.get("ref"), field.get("id")):
            return answer
    if wanted:
        return None
    for kind in types:
        for answer in answers:
            if (answer.get("field") or {}).get("type") == kind:
                return answer
    return None


def _text(answer: dict | None) -> str | None:
    if not answer:
        return None
    value = answer.get(answer.get("type") or "text")
    if isinstance(value, dict):  # a choice answer
        value = value.get("label") or value.get("other")
    text = "" if value is None else str(value).strip()
    return text or None


def map_responses(source: Source, stored: dict[str, list[dict[str, Any]]]) -> list[SourceRow]:
    """Typeform responses -> feedback rows (pure)."""
    options = source.options
    rows = []
    for item in stored.get("responses", []):
        answers = [a for a in item.get("answers") or [] if isinstance(a, dict)]
        hidden = item.get("hidden") if isinstance(item.get("hidden"), dict) else {}
        score_answer = _answer(answers, options["score_field"], SCORE_FIELD_TYPES)
        number = score_answer.get("number") if score_answer else None
        customer = hidden.get(options["customer_id_hidden"])
        values = {
            "response_id": _object_id(item),
            "customer_id": None if customer in (None, "") else str(customer),
            "responded_at": item.get("submitted_at") or None,
            "survey_type": options["survey_type"],
            "score": str(number)
            if isinstance(number, int) and not isinstance(number, bool)
            else None,
            "comment": _text(_answer(answers, options["comment_field"], COMMENT_FIELD_TYPES)),
            "language": options["language"] or None,
            "channel": options["channel"],
        }
        rule = _rule(item, values, score_answer, options)
        rows.append(
            SourceRow(
                entity="feedback",
                values=values,
                record_id=values["response_id"] or "",
                item=f"{source.name}/api/responses",
                rule=rule[0] if rule else None,
                detail=rule[1] if rule else None,
                original={k: item.get(k) for k in ("response_id", "landed_at", "submitted_at")},
            )
        )
    return rows


def _rule(item: dict, values: dict, score_answer: dict | None, options: dict) -> tuple | None:
    rid = values["response_id"]
    if not item.get("submitted_at"):
        return "unfinished_response", (
            f"Response {rid} was started (landed_at {item.get('landed_at')}) but not submitted."
        )
    if score_answer is None:
        which = options["score_field"] or "an nps, opinion_scale or rating question"
        return "missing_score", f"Response {rid} has no answer to {which}."
    if values["score"] is None:
        return "missing_score", (
            f"Response {rid}: the score answer is not a whole number ({score_answer!r})."
        )
    if values["customer_id"] is None:
        return "missing_customer_id", (
            f"Response {rid} has no hidden field {options['customer_id_hidden']}."
        )
    return None


KIND = FetchKind(
    name="typeform",
    doc="Typeform form responses (Responses API) as feedback.",
    entities=("feedback",),
    options=OPTIONS,
    resources=_resources,
    map=map_responses,
)
