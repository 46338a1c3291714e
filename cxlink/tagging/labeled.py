"""The labeled statements the tagger learns from (assets/tagging/labeled_statements.csv).

Columns: id, text, topics (``|``-separated topic ids, may be empty), sentiment (negative,
neutral, positive), split (train, eval), origin (free text: where the statement came from).
Every row is checked against the taxonomy; problems name the file, the row and the value.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cxlink.settings import PROJECT_ROOT
from cxlink.tagging.schema import SENTIMENT_LABELS
from cxlink.tagging.taxonomy import Taxonomy

DEFAULT_LABELED_PATH = PROJECT_ROOT / "assets" / "tagging" / "labeled_statements.csv"
REQUIRED_COLUMNS = ("id", "text", "topics", "sentiment", "split")
SPLITS = ("train", "eval")


class LabeledDataError(ValueError):
    """The labeled statements file is not valid; the message lists every problem found."""


@dataclass(frozen=True)
class LabeledStatement:
    id: str
    text: str
    topics: tuple[str, ...]
    sentiment: str
    split: str


@dataclass(frozen=True)
class LabeledData:
    statements: tuple[LabeledStatement, ...]
    source: str
    content_hash: str

    def split(self, name: str) -> list[LabeledStatement]:
        return [s for s in self.statements if s.split == name]


def load_labeled(path: Path | str | None, taxonomy: Taxonomy) -> LabeledData:
    path = Path(path) if path else DEFAULT_LABELED_PATH
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LabeledDataError(f"labeled statements file {path} does not exist") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LabeledDataError(f"{path}: not valid UTF-8 ({exc})") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise LabeledDataError(f"{path}: missing column(s) {', '.join(missing)}")

    problems: list[str] = []
    statements: list[LabeledStatement] = []
    ids: dict[str, int] = {}
    texts: dict[str, tuple[int, str]] = {}
    for line, row in enumerate(reader, start=2):
        where = f"{path.name}:{line}"
        sid = (row["id"] or "").strip()
        body = " ".join((row["text"] or "").split())
        topics = tuple(t.strip() for t in (row["topics"] or "").split("|") if t.strip())
        sentiment = (row["sentiment"] or "").strip()
        split = (row["split"] or "").strip()
        if not sid:
            problems.append(f"{where}: empty id")
        elif sid in ids:
            problems.append(f"{where}: duplicate id {sid!r} (also line {ids[sid]})")
        ids.setdefault(sid, line)
        if not body:
            problems.append(f"{where}: empty text")
        key = body.lower()
        if key in texts:
            other_line, other_split = texts[key]
            problems.append(
                f"{where}: the same text as line {other_line} ({other_split}/{split}): "
                "a statement appears once, so eval never repeats train"
            )
        texts.setdefault(key, (line, split))
        for topic in topics:
            if topic not in taxonomy:
                problems.append(f"{where}: unknown topic {topic!r} (not in {taxonomy.source})")
        if len(set(topics)) != len(topics):
            problems.append(f"{where}: a topic is listed twice in {row['topics']!r}")
        if sentiment not in SENTIMENT_LABELS:
            problems.append(
                f"{where}: sentiment {sentiment!r} is not one of {', '.join(SENTIMENT_LABELS)}"
            )
        if split not in SPLITS:
            problems.append(f"{where}: split {split!r} is not one of {', '.join(SPLITS)}")
        statements.append(LabeledStatement(sid, body, topics, sentiment, split))
    if not statements:
        problems.append(f"{path}: no rows")
    if problems:
        shown = problems[:50]
        more = f"\n- ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise LabeledDataError(
            f"{len(problems)} problem(s) in the labeled statements:\n"
            + "\n".join(f"- {p}" for p in shown)
            + more
        )
    return LabeledData(tuple(statements), str(path), hashlib.sha256(raw).hexdigest())
