"""Rule matching: the phrases and patterns of the taxonomy, compiled once per topic.

A phrase matches whole words, case-insensitively; a space in it matches spaces or hyphens, and
a trailing ``*`` on a word matches any ending ("integrat*" = integration, integrates). Patterns
are regular expressions. An ``exclude`` phrase or pattern that matches vetoes the topic's rules
for that statement (the classifier may still tag it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from cxlink.tagging.taxonomy import Taxonomy, Topic

_WORD_GAP = r"[\s\-]+"


def phrase_regex(phrase: str) -> str:
    words = phrase.lower().split()
    parts = []
    for word in words:
        wildcard = word.endswith("*")
        core = re.escape(word.rstrip("*"))
        parts.append(core + (r"\w*" if wildcard else ""))
    return r"(?<![\w])" + _WORD_GAP.join(parts) + r"(?![\w])"


def _alternation(phrases: Iterable[str], patterns: Iterable[str]) -> re.Pattern[str] | None:
    pieces = [phrase_regex(p) for p in phrases] + [f"(?:{p})" for p in patterns]
    if not pieces:
        return None
    return re.compile("|".join(pieces), re.IGNORECASE)


def compile_rule_problems(topic: Topic) -> list[str]:
    """Problems with a topic's rules (invalid regular expressions, empty phrases)."""
    problems = []
    for key in ("patterns", "exclude"):
        for i, pattern in enumerate(getattr(topic, key)):
            if key == "exclude" and not _looks_like_regex(pattern):
                continue
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.append(f"{key}[{i}] {pattern!r} is not a valid regular expression: {exc}")
    for i, phrase in enumerate(topic.phrases):
        if not phrase.replace("*", "").strip():
            problems.append(f"phrases[{i}] {phrase!r} has no words")
        elif any("*" in w.rstrip("*") for w in phrase.split()):
            problems.append(f"phrases[{i}] {phrase!r}: '*' is allowed only at the end of a word")
    return problems


def _looks_like_regex(text: str) -> bool:
    return "\\" in text or any(c in text for c in "()[]{}|^$+?")


@dataclass(frozen=True)
class CompiledTopic:
    topic_id: str
    match: re.Pattern[str] | None
    veto: re.Pattern[str] | None


class RuleMatcher:
    """Which topics' rules match a statement."""

    def __init__(self, taxonomy: Taxonomy):
        compiled = []
        for topic in taxonomy.topics:
            if not topic.has_rules:
                continue
            veto_phrases = [e for e in topic.exclude if not _looks_like_regex(e)]
            veto_patterns = [e for e in topic.exclude if _looks_like_regex(e)]
            compiled.append(
                CompiledTopic(
                    topic.id,
                    _alternation(topic.phrases, topic.patterns),
                    _alternation(veto_phrases, veto_patterns),
                )
            )
        self.topics = tuple(compiled)
        self.topic_ids = tuple(c.topic_id for c in compiled)

    def match(self, text: str) -> list[str]:
        hits = []
        for topic in self.topics:
            if topic.match is None or not topic.match.search(text):
                continue
            if topic.veto is not None and topic.veto.search(text):
                continue
            hits.append(topic.topic_id)
        return hits

    def evidence(self, text: str) -> dict[str, str]:
        """topic id -> the text that matched (for explaining a tag)."""
        found = {}
        for topic in self.topics:
            m = topic.match.search(text) if topic.match is not None else None
            if m and not (topic.veto is not None and topic.veto.search(text)):
                found[topic.topic_id] = m.group(0)
        return found
