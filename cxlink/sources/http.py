"""HTTP for API sources: dlt's REST client, with bounded retries and errors people can act on.

dlt's ``RESTClient`` sends the requests (each kind walks its own pages: their cursors are the
vendor's incremental semantics); its requests ``Client`` retries
HTTP 429 (waiting what ``Retry-After`` says) and transient 5xx / connection errors with
exponential backoff, a bounded number of times. What dlt does not know (each vendor's envelope,
cursor and field semantics) lives in the kind's module.
"""

from __future__ import annotations

from typing import Any

from cxlink.sources.rows import SourceError

# Five attempts (1 + 4 retries), at most 30 s apart: a rate-limited or briefly failing vendor
# is waited out, a down one fails the source's asset within a few minutes.
MAX_ATTEMPTS = 5
MAX_RETRY_DELAY_S = 30
BACKOFF_FACTOR = 0.5  # seconds before the first retry without Retry-After; doubles each time
TIMEOUT_S = 60


def rest_client(base_url: str, headers: dict[str, str] | None = None, auth: Any = None):
    """A dlt RESTClient for one vendor API. Imports dlt lazily: a run without API sources never
    pays for it. (dlt's anonymous telemetry belongs to its pipelines, which cxlink does not run.)"""
    from dlt.sources.helpers.requests import Client
    from dlt.sources.helpers.rest_client import RESTClient

    session = Client(
        request_timeout=TIMEOUT_S,
        request_max_attempts=MAX_ATTEMPTS,
        request_backoff_factor=BACKOFF_FACTOR,
        request_max_retry_delay=MAX_RETRY_DELAY_S,
        respect_retry_after_header=True,
        raise_for_status=False,  # the kind turns a final error status into a SourceError
    ).session
    return RESTClient(
        base_url=base_url.rstrip("/"),
        headers={"User-Agent": "cxlink", **(headers or {})},
        auth=auth,
        session=session,
    )


def check_response(source_name: str, response, credential_env: str | None = None) -> None:
    """Raise a SourceError naming the source, the request and the fix for an error status."""
    status = response.status_code
    if status < 400:
        return
    request = f"{response.request.method} {response.request.path_url}"
    if status in (401, 403):
        held = f" in {credential_env}" if credential_env else ""
        raise SourceError(
            f"source {source_name}: {request} was refused (HTTP {status}): check the "
            f"credential{held} and its permissions."
        )
    if status == 429 or status >= 500:
        raise SourceError(
            f"source {source_name}: {request} still failed after {MAX_ATTEMPTS} attempts "
            f"(HTTP {status}); pages already stored are kept: rerun later."
        )
    raise SourceError(
        f"source {source_name}: {request} failed (HTTP {status}: {response.text[:200]!r})."
    )


def get_json(
    client,
    source_name: str,
    path: str,
    params: dict[str, Any] | None = None,
    credential_env: str | None = None,
    **kwargs: Any,
) -> Any:
    """GET one page as JSON; a bad status or a body that is not JSON is a SourceError."""
    response = client.get(path, params=params, **kwargs)
    check_response(source_name, response, credential_env)
    try:
        return response.json()
    except ValueError:
        raise SourceError(
            f"source {source_name}: GET {response.request.path_url} returned a page that is not "
            f"JSON ({response.text[:120]!r})."
        ) from None


def require(source_name: str, what: str, page: Any, key: str, kind: type) -> Any:
    """The envelope field ``key`` of a page, of the expected type, or a SourceError."""
    if not isinstance(page, dict) or not isinstance(page.get(key), kind):
        shape = type(page).__name__ if not isinstance(page, dict) else sorted(page)[:8]
        raise SourceError(
            f"source {source_name}: {what}: malformed page, expected `{key}` "
            f"({kind.__name__}), got {shape}."
        )
    return page[key]
