"""A configured source, and the two shapes of a source kind: files exported by a tool, or an
API / database to fetch.

A file kind reads the vendor's native export files under ``landing/<source name>/`` and maps
each file to contract rows. An API or database kind fetches the vendor's objects resource by
resource, page by page, from a stored cursor (only what changed), and maps everything fetched so
far to contract rows. Both mappings are pure functions of what was read, so a rerun with nothing
new gives the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxlink.sources.options import Option
from cxlink.sources.rows import SourceRow


@dataclass(frozen=True)
class FileKind:
    name: str
    doc: str
    entities: tuple[str, ...]  # the entities it can feed (a source of this kind feeds one)
    options: tuple[Option, ...]
    suffixes: tuple[str, ...]  # lower-case file suffixes it reads; others are reported as ignored
    # (source, path, relative path under landing/) -> rows; raises SourceFileError
    read: Callable[[Source, Path, str], list[SourceRow]]
    transport: str = "files"
    # checks that relate options to each other or to the entity, when the sources file is read:
    # raises ValueError("option ...: what is wrong and what is allowed")
    check: Callable[[Source], None] | None = None

    @property
    def formats(self) -> dict[str, str]:
        """Suffix -> format, as cxlink.extract.files.discover and file_format take them."""
        return {suffix: suffix.lstrip(".") for suffix in self.suffixes}


@dataclass(frozen=True)
class Batch:
    """One page of a resource: (object id, object) pairs and the cursor after it.

    The objects and the cursor are stored in one transaction, so an interrupted run resumes
    after the last stored page. ``cursor`` None keeps the stored cursor."""

    objects: list[tuple[str, dict[str, Any]]]
    cursor: str | None = None


@dataclass
class FetchContext:
    source: Source
    log: Callable[[str], None]
    env: dict[str, str] = field(default_factory=dict)  # where credentials are read from


@dataclass(frozen=True)
class Resource:
    name: str  # e.g. "invoices": its objects are stored as (source, resource, object id)
    # (context, stored cursor or None for a full load) -> pages
    fetch: Callable[[FetchContext, str | None], Iterator[Batch]]


@dataclass(frozen=True)
class FetchKind:
    name: str
    doc: str
    entities: tuple[str, ...]
    options: tuple[Option, ...]
    resources: Callable[[Source], list[Resource]]
    # (source, stored objects by resource, sorted by object id) -> rows; pure
    map: Callable[[Source, dict[str, list[dict[str, Any]]]], list[SourceRow]]
    transport: str = "api"  # api | database
    check: Callable[[Source], None] | None = None  # as FileKind.check


Kind = FileKind | FetchKind


@dataclass(frozen=True)
class Source:
    """One entry of the sources file (cxlink/sources/config.py reads and checks it)."""

    name: str
    kind: Kind
    entities: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def kind_name(self) -> str:
        return self.kind.name

    @property
    def landing_folder(self) -> str:
        """Where a file kind's exports go, relative to the landing directory."""
        return self.name
