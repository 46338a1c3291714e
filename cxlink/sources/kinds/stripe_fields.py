"""Reading Stripe objects: dotted fields, expandable references, Unix seconds as UTC text."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cxlink.sources.rows import SourceRow


def pick(obj: Any, path: str) -> Any:
    """``metadata.account_id`` -> obj["metadata"]["account_id"]; None where any step is missing."""
    for step in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(step)
    return obj


def text(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def day(ts: Any) -> str | None:
    return None if not ts else datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%d")


def instant(ts: Any) -> str | None:
    return None if not ts else datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ref(value: Any) -> str | None:
    """An expandable field: an id, or the expanded object's id."""
    return value.get("id") if isinstance(value, dict) else value


def refused(entity: str, record: str, rule: str, detail: str, original: dict) -> SourceRow:
    return SourceRow(entity, {}, record, rule=rule, detail=detail, original=original)


def without_id(entity: str, what: str, obj: dict[str, Any]) -> SourceRow:
    """The row of an object that has no ``id``: named by its creation time."""
    when = instant(obj.get("created")) or "unknown time"
    original = {k: obj.get(k) for k in ("object", "created", "customer", "status") if k in obj}
    return refused(
        entity,
        f"(no id, created {when})",
        "stripe_missing_id",
        f"a {what} without `id`, created {when}",
        original,
    )
