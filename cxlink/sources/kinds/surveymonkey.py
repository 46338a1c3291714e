"""surveymonkey_export: SurveyMonkey "All responses data" CSV exports as feedback rows.
docs/sources/surveymonkey_export.md documents it.

Row 1 holds the fixed columns (Respondent ID, Collector ID, Start Date, End Date, IP Address,
Email Address, First Name, Last Name, Custom Data 1) and then one question text per question;
a question with several columns (a matrix, a "select all", contact fields) names itself on its
first column only and its options are in row 2. Row 2 says ``Response`` or
``Open-Ended Response`` under single-column questions. With no options the score is the
question whose text contains "recommend", the comment the first open-ended column after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cxlink.sources.kinds import survey_files as sf
from cxlink.sources.model import FileKind, Source
from cxlink.sources.options import Option
from cxlink.sources.rows import SourceError, SourceFileError, SourceRow

DATE_FORMAT = "%m/%d/%Y %I:%M:%S %p"
FALLBACK_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M")
OPEN_ENDED = "open-ended response"

OPTIONS = (
    Option("score_column", "text", None, "the score question's text (exact, or a part that "
           "names one question); default: the question whose text contains 'recommend'"),
    Option("comment_column", "text", None, "the comment question's text; default: the first "
           "Open-Ended Response column after the score"),
    Option("customer_id_column", "text", "Custom Data 1", "the column that holds the customer "
           "id (e.g. Email Address, or a question's text)"),
    Option("survey_type", "text", "nps", "what the score measures", allowed=("nps", "csat", "ces")),
    Option("date_format", "text", DATE_FORMAT, "strptime format of End Date"),
    Option("timezone", "text", None, "IANA zone of the export's dates; default UTC"),
    Option("channel", "text", "web", "the feedback channel of every response",
           allowed=sf.CHANNELS),
    Option("language", "text", None, "ISO 639-1 code of every comment; default none"),
)  # fmt: skip


@dataclass(frozen=True)
class Layout:
    questions: list[str]  # per column: its question text (carried over continuation columns)
    subs: list[str]  # row 2 per column
    starts: list[bool]  # per column: the first column of its question
    records: list[list[str]]

    def find(self, source: Source, relative_path: str, ref: str, option: str | None) -> int:
        """The first column of the question (or fixed column) named ``ref`` exactly, or of the
        only question whose text contains it (case-insensitive)."""
        firsts = [i for i, start in enumerate(self.starts) if start]
        exact = [i for i in firsts if self.questions[i].strip() == ref.strip()]
        if exact:
            return exact[0]
        part = [i for i in firsts if ref.strip().lower() in self.questions[i].lower()]
        if len(part) == 1:
            return part[0]
        hint = f" (option {option})" if option else ""
        if part:
            named = "; ".join(repr(self.questions[i]) for i in part)
            raise SourceFileError(
                source.name, relative_path,
                f"{ref!r}{hint} names several questions: {named}; give the full question text",
            )  # fmt: skip
        return sf.header_index(source, relative_path, self.questions, ref, option)  # raises


def layout(source: Source, relative_path: str, records: list[list[str]]) -> Layout:
    if len(records) < 2 or "Respondent ID" not in records[0]:
        raise SourceFileError(
            source.name,
            relative_path,
            "not a SurveyMonkey responses export (row 1 has no 'Respondent ID'; export "
            "'All responses data' as CSV with 'Expanded' columns)",
        )
    width = max(len(records[0]), len(records[1]))
    row1 = (records[0] + [""] * width)[:width]
    subs = [s.strip() for s in (records[1] + [""] * width)[:width]]
    questions, starts, current = [], [], ""
    for text in row1:
        if text.strip():
            current = text
        questions.append(current)
        starts.append(bool(text.strip()))
    body = [(r + [""] * width)[:width] for r in records[2:]]
    return Layout(questions, subs, starts, body)


def _settings(source: Source) -> tuple[object, str | None]:
    tz = sf.zone(source, source.options["timezone"], "option timezone")
    given = source.options["language"]
    lang = sf.language(given)
    if given and lang is None:
        raise SourceError(
            f"source {source.name}: option language {given!r} is not an ISO 639-1 code (en, fi, pt)."
        )
    return tz, lang


def _columns(source: Source, relative_path: str, lay: Layout) -> dict[str, int | None]:
    col: dict[str, int | None] = {
        "id": lay.find(source, relative_path, "Respondent ID", None),
        "end": lay.find(source, relative_path, "End Date", None),
        "customer": lay.find(
            source, relative_path, source.options["customer_id_column"], "customer_id_column"
        ),
    }
    score_ref = source.options["score_column"]
    if not score_ref and source.options["survey_type"] != "nps":
        raise SourceFileError(
            source.name, relative_path, "option score_column is required for csat and ces surveys"
        )
    if score_ref:
        col["score"] = lay.find(source, relative_path, score_ref, "score_column")
    else:  # the first closed question that mentions "recommend" (not an open "why ...?")
        found = [
            i
            for i, start in enumerate(lay.starts)
            if start
            and "recommend" in lay.questions[i].lower()
            and lay.subs[i].lower() != OPEN_ENDED
        ]
        if not found:
            raise SourceFileError(
                source.name,
                relative_path,
                "no question mentions 'recommend' (the NPS question); name the score question "
                "with option score_column",
            )
        col["score"] = found[0]
    comment_ref = source.options["comment_column"]
    if comment_ref:
        col["comment"] = lay.find(source, relative_path, comment_ref, "comment_column")
    else:
        after = range(col["score"] + 1, len(lay.subs))
        col["comment"] = next((i for i in after if lay.subs[i].lower() == OPEN_ENDED), None)
    return col


def read(source: Source, path: Path, relative_path: str) -> list[SourceRow]:
    lay = layout(source, relative_path, sf.read_csv_rows(source, path, relative_path))
    tz, lang = _settings(source)
    col = _columns(source, relative_path, lay)
    formats = (source.options["date_format"], *FALLBACK_FORMATS)
    return [
        map_response(source, lay, record, col, tz, lang, formats, f"{relative_path} record {n}")
        for n, record in enumerate(lay.records, start=1)
    ]


def map_response(source, lay, record, col, tz, lang, formats, fallback_id) -> SourceRow:
    """One respondent as a feedback row, or refused with its rule."""
    names = {i: lay.questions[i] for i in col.values() if i is not None}
    original = {name: record[i] for i, name in names.items()}
    response_id = record[col["id"]].strip()
    comment = sf.comment(record[col["comment"]]) if col["comment"] is not None else None
    values: dict[str, str | None] = {
        "response_id": response_id or None,
        "customer_id": record[col["customer"]].strip() or None,
        "survey_type": source.options["survey_type"],
        "comment": comment,
        "language": lang if comment else None,
        "channel": source.options["channel"],
    }
    try:
        sf.required(response_id, "missing_response_id", "Respondent ID")
        sf.required(record[col["customer"]], "missing_customer_id", names[col["customer"]])
        values["score"] = sf.score(record[col["score"]], names[col["score"]])
        values["responded_at"] = sf.utc_timestamp(record[col["end"]], formats, tz, "End Date")
    except sf.Refused as refused:
        return sf.feedback_row(response_id or fallback_id, values, original, refused)
    return sf.feedback_row(response_id, values, original)


KIND = FileKind(
    name="surveymonkey_export",
    doc='SurveyMonkey "All responses data" CSV exports (two header rows) -> feedback.',
    entities=("feedback",),
    options=OPTIONS,
    suffixes=(".csv",),
    read=read,
)
