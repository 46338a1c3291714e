"""qualtrics_export: Qualtrics response exports (CSV, the current three-header-row layout) as
feedback rows. docs/sources/qualtrics_export.md documents it.

Row 1 holds the column names (StartDate, ..., ResponseId, ExternalReference, Q1,
Q1_NPS_GROUP, Q2_TEXT, embedded data ...), row 2 the question texts, row 3 each column's
``{"ImportId": ...}`` JSON (with ``"timeZone"`` on the date columns when the export was made
with one). With no options the score is the NPS question (the column with a ``_NPS_GROUP``
sibling), the comment the first text-entry column, the customer ``ExternalReference``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from cxlink.sources.kinds import survey_files as sf
from cxlink.sources.model import FileKind, Source
from cxlink.sources.options import Option
from cxlink.sources.rows import SourceError, SourceFileError, SourceRow

DEFAULT_CHANNELS = {
    "anonymous": "web",
    "gl": "web",
    "qr": "web",
    "email": "email",
    "sms": "sms",
    "social": "social",
}
# Status (Response Type), numeric and choice-text exports: None = a real response
STATUS_RULES: dict[str, str | None] = {
    "0": None, "ip address": None, "4": None, "imported": None, "16": None, "offline": None,
    "1": "survey_preview", "survey preview": "survey_preview",
    "17": "survey_preview", "offline survey preview": "survey_preview",
    "2": "survey_test", "survey test": "survey_test",
    "8": "spam_response", "spam": "spam_response", "9": "spam_response",
    "survey preview spam": "spam_response", "12": "spam_response", "imported spam": "spam_response",
}  # fmt: skip
CHANNEL_RULES = {"preview": "survey_preview", "test": "survey_test"}
FINISHED = {"1": True, "true": True, "0": False, "false": False}
NPS_GROUPS = {"1": 1, "detractor": 1, "2": 2, "passive": 2, "3": 3, "promoter": 3}
FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")
_TEXT_ENTRY = re.compile(r"^QID\d+_TEXT$")

OPTIONS = (
    Option("score_column", "text", None, "the score column (row-1 name such as Q1, or ImportId "
           "such as QID1); default: the column that has a _NPS_GROUP sibling"),
    Option("comment_column", "text", None, "the comment column; default: the first "
           "text-entry column (ImportId QIDn_TEXT)"),
    Option("customer_id_column", "text", "ExternalReference", "the column (e.g. an embedded "
           "data field) that holds the customer id"),
    Option("survey_type", "text", "nps", "what the score measures", allowed=("nps", "csat", "ces")),
    Option("timezone", "text", None, "IANA zone of RecordedDate when the export's row 3 gives "
           "no timeZone; default UTC"),
    Option("channel_map", "mapping", None, "DistributionChannel value -> feedback channel, over "
           "the defaults (anonymous/gl/qr: web, email, sms, social)"),
)  # fmt: skip


@dataclass(frozen=True)
class Layout:
    names: list[str]  # row 1
    import_ids: list[dict]  # row 3, parsed
    records: list[list[str]]  # the responses

    def find(self, ref: str) -> int | None:
        """A column by its row-1 name, else by its ImportId."""
        if ref in self.names:
            return self.names.index(ref)
        ids = [str(i.get("ImportId", "")) for i in self.import_ids]
        return ids.index(ref) if ref in ids else None


def _import_id(cell: str) -> dict | None:
    try:
        value = json.loads(cell)
    except ValueError:
        return None
    return value if isinstance(value, dict) and "ImportId" in value else None


def layout(source: Source, relative_path: str, records: list[list[str]]) -> Layout:
    """The three header rows and the responses; other layouts fail the file."""
    if len(records) < 2:
        raise SourceFileError(source.name, relative_path, "not a Qualtrics export (no header rows)")
    names = list(records[0])
    while names and not names[-1].strip():  # the empty last column some exports end with
        names.pop()
    if names[:1] == ["V1"] or "ResponseID" in records[1]:
        raise SourceFileError(
            source.name,
            relative_path,
            "a Qualtrics legacy export (V1, V2, ... header); export the responses again as CSV "
            "without 'Use legacy exporter'",
        )
    ids = [_import_id(c) for c in (records[2] if len(records) > 2 else [])[: len(names)]]
    if len(ids) < len(names) or any(i is None for i in ids):
        raise SourceFileError(
            source.name,
            relative_path,
            'row 3 is not the {"ImportId": ...} row of a Qualtrics CSV export (expected three '
            "header rows: names, question texts, ImportIds)",
        )
    width = len(names)
    body = [(r + [""] * width)[:width] for r in records[3:]]
    return Layout(names, ids, body)


def _column(source, relative_path, lay: Layout, ref: str, option: str | None) -> int:
    index = lay.find(ref)
    if index is None:
        sf.header_index(source, relative_path, lay.names, ref, option)  # raises, naming it
    return index


def _score_columns(source, relative_path, lay: Layout) -> tuple[int, int | None]:
    ref = source.options["score_column"]
    if ref:
        index = _column(source, relative_path, lay, ref, "score_column")
        group = lay.find(f"{lay.names[index]}_NPS_GROUP")
        return index, group
    if source.options["survey_type"] != "nps":
        raise SourceFileError(
            source.name, relative_path, "option score_column is required for csat and ces surveys"
        )
    for group, name in enumerate(lay.names):
        if name.endswith("_NPS_GROUP") and name[: -len("_NPS_GROUP")] in lay.names:
            return lay.names.index(name[: -len("_NPS_GROUP")]), group
    raise SourceFileError(
        source.name,
        relative_path,
        "no NPS question found (a column with a _NPS_GROUP sibling, such as Q1 and "
        "Q1_NPS_GROUP); name the score column with option score_column",
    )


def _comment_column(source, relative_path, lay: Layout, score_at: int) -> int | None:
    ref = source.options["comment_column"]
    if ref:
        return _column(source, relative_path, lay, ref, "comment_column")
    ids = [str(i["ImportId"]) for i in lay.import_ids]
    for pattern in (_TEXT_ENTRY.match, lambda s: s.endswith("_TEXT")):
        for index, import_id in enumerate(ids):
            if index != score_at and pattern(import_id):
                return index
    return None


def _channels(source: Source) -> dict[str, str]:
    given = {
        str(k).strip().lower(): str(v) for k, v in (source.options["channel_map"] or {}).items()
    }
    for key, value in given.items():
        sf.check_channel(source, value, f"option channel_map {key}:")
    return {**DEFAULT_CHANNELS, **given}


def read(source: Source, path: Path, relative_path: str) -> list[SourceRow]:
    lay = layout(source, relative_path, sf.read_csv_rows(source, path, relative_path))
    col = {
        name: _column(source, relative_path, lay, name, None)
        for name in ("ResponseId", "RecordedDate", "Status", "Finished", "DistributionChannel")
    }
    col["customer"] = _column(
        source, relative_path, lay, source.options["customer_id_column"], "customer_id_column"
    )
    col["score"], col["group"] = _score_columns(source, relative_path, lay)
    col["comment"] = _comment_column(source, relative_path, lay, col["score"])
    col["language"] = lay.find("UserLanguage")
    recorded_zone = lay.import_ids[col["RecordedDate"]].get("timeZone")
    try:
        tz = sf.zone(source, recorded_zone, "row 3 timeZone")
    except SourceError as exc:  # the file's problem, not the source's
        raise SourceFileError(source.name, relative_path, str(exc).split(": ", 1)[1]) from None
    tz = tz or sf.zone(source, source.options["timezone"], "option timezone")
    channels = _channels(source)
    return [
        map_response(source, lay, record, col, tz, channels, f"{relative_path} record {n}")
        for n, record in enumerate(lay.records, start=1)
    ]


def _cell(record: list[str], index: int | None) -> str:
    return record[index] if index is not None else ""


def map_response(source, lay, record, col, tz, channels, fallback_id) -> SourceRow:
    """One response as a feedback row, or refused with its rule."""
    names = lay.names
    original = {names[i]: record[i] for i in col.values() if i is not None}
    record_id = record[col["ResponseId"]].strip() or fallback_id
    raw_channel = record[col["DistributionChannel"]].strip()
    values: dict[str, str | None] = {
        "response_id": record[col["ResponseId"]].strip() or None,
        "customer_id": record[col["customer"]].strip() or None,
        "survey_type": source.options["survey_type"],
        "comment": sf.comment(_cell(record, col["comment"])),
        "language": sf.language(_cell(record, col["language"])),
        "channel": channels.get(raw_channel.lower()),
    }
    try:
        status = record[col["Status"]].strip()
        if status.lower() not in STATUS_RULES:
            raise sf.Refused(
                "unknown_status", f"Status {status!r} is not a Qualtrics response type"
            )
        if rule := STATUS_RULES[status.lower()] or CHANNEL_RULES.get(raw_channel.lower()):
            raise sf.Refused(rule, f"a {rule.replace('_', ' ')} (Status {status}, "
                             f"DistributionChannel {raw_channel}), not an answer")  # fmt: skip
        finished = record[col["Finished"]].strip()
        if not FINISHED.get(finished.lower(), False):
            raise sf.Refused("unfinished_response", f"Finished is {finished!r}: not submitted")
        sf.required(record[col["ResponseId"]], "missing_response_id", "ResponseId")
        column = names[col["customer"]]
        sf.required(record[col["customer"]], "missing_customer_id", column)
        values["score"] = sf.score(record[col["score"]], names[col["score"]])
        _check_group(values["score"], _cell(record, col["group"]), source)
        values["responded_at"] = sf.utc_timestamp(record[col["RecordedDate"]], FORMATS, tz,
                                                  "RecordedDate")  # fmt: skip
        if values["channel"] is None:
            raise sf.Refused("unknown_channel", f"DistributionChannel {raw_channel!r} has no "
                             "feedback channel (map it with option channel_map)")  # fmt: skip
    except sf.Refused as refused:
        return sf.feedback_row(record_id, values, original, refused)
    return sf.feedback_row(record_id, values, original)


def _check_group(score: str, group: str, source: Source) -> None:
    """The score agrees with Qualtrics' own NPS group (a recoded scale would not)."""
    expected = NPS_GROUPS.get(group.strip().lower())
    if expected is None or source.options["survey_type"] != "nps":
        return
    actual = 1 if int(score) <= 6 else 2 if int(score) <= 8 else 3
    if actual != expected:
        raise sf.Refused("nps_group_mismatch", f"score {score} disagrees with its NPS group "
                         f"{group!r} (check the question's recode values)")  # fmt: skip


KIND = FileKind(
    name="qualtrics_export",
    doc="Qualtrics response exports (CSV, three header rows) -> feedback.",
    entities=("feedback",),
    options=OPTIONS,
    suffixes=(".csv",),
    read=read,
)
