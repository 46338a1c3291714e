"""The topic taxonomy: a YAML file a CX team edits (assets/taxonomy/topics.yaml), validated.

Two levels: a topic either has no parent (level 1) or a level-1 parent (level 2). Every problem
is reported at once, each naming the file and the topic, so a broken edit is fixed in one pass.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cxlink.settings import PROJECT_ROOT
from cxlink.tagging.rule_syntax import rule_problems

DEFAULT_TAXONOMY_PATH = PROJECT_ROOT / "assets" / "taxonomy" / "topics.yaml"

TOPIC_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
TOPIC_KEYS = {"id", "name", "parent", "description", "phrases", "patterns", "exclude"}
RULE_KEYS = ("phrases", "patterns", "exclude")


class TaxonomyError(ValueError):
    """The taxonomy file is not valid; the message lists every problem found."""


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    description: str
    parent: str | None = None
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @property
    def level(self) -> int:
        return 1 if self.parent is None else 2

    @property
    def has_rules(self) -> bool:
        return bool(self.phrases or self.patterns)


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]
    source: str
    content_hash: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {t.id: t for t in self.topics})

    def __getitem__(self, topic_id: str) -> Topic:
        return self._by_id[topic_id]  # type: ignore[attr-defined]

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._by_id  # type: ignore[attr-defined]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.topics)

    def parent_of(self, topic_id: str) -> str | None:
        return self[topic_id].parent

    def level1(self, topic_id: str) -> str:
        """The level-1 topic a topic rolls up to (itself when it is level 1)."""
        return self[topic_id].parent or topic_id

    def rows(self) -> list[tuple[str, str, str | None, int, str]]:
        """Rows of text.topics: (topic_id, name, parent_topic_id, level, description)."""
        return [(t.id, t.name, t.parent, t.level, t.description) for t in self.topics]


def _strings(value: Any, where: str, key: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(f"{where}: '{key}' must be a list of strings, got {type(value).__name__}")
        return ()
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            problems.append(f"{where}: {key}[{i}] must be a string, got {item!r}")
            continue
        text = str(item).strip()
        if not text:
            problems.append(f"{where}: {key}[{i}] is empty")
            continue
        out.append(text)
    return tuple(out)


def parse_taxonomy(document: Any, source: str = "<taxonomy>") -> Taxonomy:
    """Validate a parsed YAML document; raise TaxonomyError listing every problem."""
    problems: list[str] = []
    if not isinstance(document, Mapping) or not isinstance(document.get("topics"), list):
        raise TaxonomyError(f"{source}: expected a mapping with a 'topics:' list")
    entries = document["topics"]
    if not entries:
        raise TaxonomyError(f"{source}: 'topics:' is empty")

    topics: list[Topic] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        where = f"{source}: topic #{index + 1}"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: expected a mapping with id, name, ..., got {entry!r}")
            continue
        topic_id = entry.get("id")
        if isinstance(topic_id, str):
            where = f"{source}: topic '{topic_id}'"
        unknown = sorted(set(entry) - TOPIC_KEYS)
        if unknown:
            problems.append(
                f"{where}: unknown key(s) {', '.join(map(str, unknown))} "
                f"(allowed: {', '.join(sorted(TOPIC_KEYS))})"
            )
        if not isinstance(topic_id, str) or not TOPIC_ID.match(topic_id):
            problems.append(
                f"{where}: id {topic_id!r} must be lower_snake_case (a-z, 0-9, _), "
                "starting with a letter"
            )
            continue
        if topic_id in seen:
            problems.append(
                f"{where}: duplicate id '{topic_id}' (also topic #{seen[topic_id] + 1})"
            )
            continue
        seen[topic_id] = index
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: 'name' is required")
            name = topic_id
        description = entry.get("description")
        if not isinstance(description, str) or not description.strip():
            problems.append(f"{where}: 'description' is required")
            description = ""
        parent = entry.get("parent")
        if parent is not None and not isinstance(parent, str):
            problems.append(f"{where}: 'parent' must be a topic id, got {parent!r}")
            parent = None
        rules = {key: _strings(entry.get(key), where, key, problems) for key in RULE_KEYS}
        topic = Topic(
            id=topic_id,
            name=name.strip(),
            description=" ".join(description.split()),
            parent=parent,
            **rules,
        )
        problems.extend(
            f"{where}: {p}" for p in rule_problems(topic.phrases, topic.patterns, topic.exclude)
        )
        topics.append(topic)

    by_id = {t.id: t for t in topics}
    for topic in topics:
        where = f"{source}: topic '{topic.id}'"
        if topic.parent is None:
            continue
        if topic.parent == topic.id:
            problems.append(f"{where}: is its own parent")
        elif topic.parent not in by_id:
            problems.append(f"{where}: unknown parent '{topic.parent}'")
        elif by_id[topic.parent].parent is not None:
            problems.append(
                f"{where}: parent '{topic.parent}' is itself a level-2 topic "
                f"(under '{by_id[topic.parent].parent}'); the taxonomy has two levels only"
            )
    if problems:
        raise TaxonomyError(
            f"{len(problems)} problem(s) in the taxonomy:\n" + "\n".join(f"- {p}" for p in problems)
        )
    canonical = repr([t.__dict__ for t in topics]).encode()
    return Taxonomy(tuple(topics), source, hashlib.sha256(canonical).hexdigest())


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    path = Path(path) if path else DEFAULT_TAXONOMY_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaxonomyError(f"taxonomy file {path} does not exist") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{path}: not valid YAML: {exc}") from None
    return parse_taxonomy(document, str(path))
