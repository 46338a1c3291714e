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

from cxlink.tagging.rule_syntax import looks_like_regex
from cxlink.tagging.taxonomy import Taxonomy

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
            veto_phrases = [e for e in topic.exclude if not looks_like_regex(e)]
            veto_patterns = [e for e in topic.exclude if looks_like_regex(e)]
            compiled.append(
                CompiledTopic(
                    topic.id,
                    _alternation(topic.phrases, topic.patterns),
                    _alternation(veto_phrases, veto_patterns),
                )
            )
        self.topics = tuple(compiled)

    def match(self, text: str) -> list[str]:
        hits = []
        for topic in self.topics:
            if topic.match is None or not topic.match.search(text):
                continue
            if topic.veto is not None and topic.veto.search(text):
                continue
            hits.append(topic.topic_id)
        return hits
