"""What the survey-export kinds (qualtrics_export, surveymonkey_export) share: reading the CSV,
scores, timestamps, languages and the feedback rows with their source rules.

Every function here is pure: text in, contract text (or a rule) out.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cxlink.contract import ENTITIES
from cxlink.sources.model import Source
from cxlink.sources.rows import SourceError, SourceFileError, SourceRow

CHANNELS = ENTITIES["feedback"].column("channel").allowed or ()
# "9", "10 - Extremely likely", "0 = Not at all likely": a whole number, optionally labelled
_SCORE = re.compile(r"^\s*(\d{1,3})\s*(?:[-=:\u2013]\s*\D.*)?$", re.DOTALL)
_LANGUAGE = re.compile(r"^([A-Za-z]{2})(?:[-_].*)?$")


class Refused(Exception):
    """A record the kind refuses: its source rule and a sentence saying why."""

    def __init__(self, rule: str, detail: str):
        super().__init__(detail)
        self.rule = rule
        self.detail = detail


def read_csv_rows(source: Source, path: Path, relative_path: str) -> list[list[str]]:
    """Every CSV record of an export (UTF-8, with or without a byte-order mark)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFileError(
            source.name,
            relative_path,
            f"not UTF-8 text (byte {exc.start}): export the file again as CSV (UTF-8)",
        ) from None
    try:
        return [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    except csv.Error as exc:
        raise SourceFileError(
            source.name, relative_path, f"not a readable CSV file ({exc})"
        ) from None


def zone(source: Source, name: str | None, where: str) -> ZoneInfo | None:
    """The IANA time zone ``name`` (None for none); a wrong name fails the source."""
    if not name:
        return None
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise SourceError(
            f"source {source.name}: {where} {name!r} is not an IANA time zone "
            "(e.g. UTC, Europe/Helsinki, America/Denver)."
        ) from None


def utc_timestamp(value: str, formats: tuple[str, ...], tz: ZoneInfo | None, column: str) -> str:
    """``value`` (local time in ``tz``, UTC when None, unless it carries an offset) as ISO UTC."""
    text = value.strip()
    if not text:
        raise Refused("missing_responded_at", f"{column} is empty")
    parsed = None
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)
            break
        except ValueError:
            continue
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise Refused(
                "invalid_responded_at", f"{column} {text!r} is not a date and time"
            ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz or UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def score(value: str, column: str) -> str:
    """The whole-number score of a cell ("9", "10 - Extremely likely"); Refused otherwise."""
    text = value.strip()
    if not text:
        raise Refused("unanswered_score", f"the score question ({column}) is not answered")
    match = _SCORE.match(text)
    if not match:
        raise Refused("invalid_score", f"the score ({column}) {text!r} is not a whole number")
    return str(int(match.group(1)))


def language(value: str | None) -> str | None:
    """The ISO 639-1 part of a language code, lower case (EN -> en, PT-BR -> pt, ZH-S -> zh);
    None when empty or not a two-letter code."""
    match = _LANGUAGE.match((value or "").strip())
    return match.group(1).lower() if match else None


def comment(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def required(value: str, rule: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise Refused(rule, f"{what} is empty")
    return text


def feedback_row(
    record_id: str,
    values: dict[str, str | None],
    original: dict[str, object],
    refused: Refused | None = None,
) -> SourceRow:
    """One feedback row; a refused record keeps what could be mapped, with its rule."""
    if refused is None:
        return SourceRow("feedback", values, record_id, original=original)
    return SourceRow(
        "feedback",
        values,
        record_id,
        rule=refused.rule,
        detail=f"response {record_id}: {refused.detail}.",
        original=original,
    )


def header_index(
    source: Source, relative_path: str, header: list[str], name: str, option: str | None
) -> int:
    """The position of a required column; a missing one fails the file, naming it."""
    if name in header:
        return header.index(name)
    hint = f" (option {option})" if option else ""
    raise SourceFileError(
        source.name,
        relative_path,
        f"column {name!r}{hint} is missing; the header has: {', '.join(h for h in header if h)}",
    )


def check_channel(source: Source, value: str, where: str) -> str:
    if value not in CHANNELS:
        raise SourceError(
            f"source {source.name}: {where} {value!r} is not a feedback channel; use one of "
            f"{', '.join(CHANNELS)}."
        )
    return value
