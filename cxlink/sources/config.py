"""The sources file (``$CXLINK_DATA_DIR/sources.yml`` or ``CXLINK_SOURCES``): which systems feed
which contract entities. Read and checked once, when a run or the code location starts.

    sources:
      - name: qualtrics            # its files go under landing/qualtrics/
        kind: qualtrics_export
        entities: [feedback]
      - name: stripe
        kind: stripe
        entities: [customers, subscriptions, invoices]
        api_key_env: STRIPE_API_KEY

Without the file every entity reads ``landing/<entity>/`` in the contract, as before. An entity
that a source feeds is read from its sources only; the others keep reading ``landing/<entity>/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cxlink.contract import ENTITIES, ENTITY_ORDER
from cxlink.sources.model import Kind, Source
from cxlink.sources.options import SourceConfigError, resolve_options
from cxlink.sources.registry import KINDS

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_COMMON_KEYS = {"name", "kind", "entities"}


@dataclass(frozen=True)
class SourcesConfig:
    path: Path | None  # None: no sources file, every entity reads landing/<entity>/
    sources: tuple[Source, ...] = ()

    def feeding(self, entity: str) -> list[Source]:
        return [s for s in self.sources if entity in s.entities]

    def by_name(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)


def _where(path: Path, index: int, entry: Any) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"{path}: source {name}" if name else f"{path}: sources[{index}]"


def _entities(where: str, kind: Kind, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise SourceConfigError(
            f"{where}: entities must be a non-empty list of {', '.join(kind.entities)}."
        )
    unknown = [v for v in value if v not in kind.entities]
    if unknown:
        raise SourceConfigError(
            f"{where}: kind {kind.name} cannot feed {', '.join(unknown)}; it feeds "
            f"{', '.join(kind.entities)}."
        )
    if kind.transport == "files" and len(value) != 1:
        raise SourceConfigError(
            f"{where}: a {kind.name} source feeds exactly one entity (one source per export); "
            f"got {', '.join(value)}."
        )
    return tuple(e for e in ENTITY_ORDER if e in value)


def parse_source(path: Path, index: int, entry: Any) -> Source:
    where = _where(path, index, entry)
    if not isinstance(entry, dict):
        raise SourceConfigError(f"{where}: each source is a mapping with name, kind and entities.")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise SourceConfigError(
            f"{where}: name {name!r} is not allowed: use lower-case letters, digits and _ "
            "(it names the source's landing folder and its Dagster asset)."
        )
    if name in ENTITIES:
        raise SourceConfigError(
            f"{where}: name {name} is a contract entity's landing folder; choose another name "
            f"(e.g. {name}_export)."
        )
    kind_name = entry.get("kind")
    if kind_name not in KINDS:
        raise SourceConfigError(
            f"{where}: kind {kind_name!r} is unknown; use one of {', '.join(sorted(KINDS))}."
        )
    kind = KINDS[kind_name]
    entities = _entities(where, kind, entry.get("entities"))
    given = {k: v for k, v in entry.items() if k not in _COMMON_KEYS}
    options = resolve_options(where, kind.options, given)
    source = Source(name=name, kind=kind, entities=entities, options=options)
    if kind.check is not None:
        kind.check(where, source)
    return source


def load_sources(path: Path) -> SourcesConfig:
    """The sources in ``path``; an empty config when the file does not exist."""
    if not path.exists():
        return SourcesConfig(path=None)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise SourceConfigError(f"{path}: not valid YAML ({exc}).") from None
    if not isinstance(document, dict) or not isinstance(document.get("sources", []), list):
        raise SourceConfigError(f"{path}: expected a mapping with a `sources:` list.")
    unknown = sorted(set(document) - {"sources"})
    if unknown:
        raise SourceConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; only `sources`.")
    sources = [
        parse_source(path, i, entry) for i, entry in enumerate(document.get("sources") or [])
    ]
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SourceConfigError(f"{path}: source name(s) used twice: {', '.join(duplicates)}.")
    return SourcesConfig(path=path, sources=tuple(sources))
