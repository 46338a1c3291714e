"""What every source kind produces: contract-shaped rows with their lineage.

A kind maps the vendor's records to the landing contract (``cxlink/contract.py``) as text, one
``SourceRow`` per contract row. A record the kind itself must refuse (a survey preview, an
unknown status, a record without an id) is still a row: it carries the kind's ``rule`` and a
``detail`` and is quarantined with them, so rows in = rows staged + rows quarantined per source.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceRow:
    entity: str
    values: dict[str, str | None]  # contract column -> text (missing columns are NULL)
    record_id: str  # the vendor's id of the record (quarantine and lineage name it)
    item: str = (
        ""  # where it came from: a landing file (relative path) or "<source>/api/<resource>"
    )
    row: int = 0  # the record's number within the item (1-based; set by the staging step if 0)
    rule: str | None = None  # a source rule that quarantines the row (docs/sources.md)
    detail: str | None = None
    original: dict[str, object] = field(default_factory=dict)  # vendor values kept for quarantine


class SourceError(Exception):
    """A source that cannot be read: the message names the source, the item and the problem,
    and says what to do. It fails that source's asset only."""


class SourceFileError(SourceError):
    """One export file of a file kind cannot be read; the other files still load."""

    def __init__(self, source: str, relative_path: str, problem: str):
        self.relative_path = relative_path
        self.problem = problem
        super().__init__(f"source {source}: landing/{relative_path}: {problem}")
