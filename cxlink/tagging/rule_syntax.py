"""The syntax of a topic's rules, checked when the taxonomy is loaded (before anything matches).

An ``exclude`` entry is a regular expression when it looks like one (a backslash or a regex
metacharacter), otherwise a phrase; rules.py compiles both kinds the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def rule_problems(
    phrases: Sequence[str], patterns: Sequence[str], exclude: Sequence[str]
) -> list[str]:
    """Problems with a topic's rules (invalid regular expressions, empty phrases)."""
    problems = []
    for key, entries in (("patterns", patterns), ("exclude", exclude)):
        for i, pattern in enumerate(entries):
            if key == "exclude" and not looks_like_regex(pattern):
                continue
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.append(f"{key}[{i}] {pattern!r} is not a valid regular expression: {exc}")
    for i, phrase in enumerate(phrases):
        if not phrase.replace("*", "").strip():
            problems.append(f"phrases[{i}] {phrase!r} has no words")
        elif any("*" in w.rstrip("*") for w in phrase.split()):
            problems.append(f"phrases[{i}] {phrase!r}: '*' is allowed only at the end of a word")
    return problems


def looks_like_regex(text: str) -> bool:
    return "\\" in text or any(c in text for c in "()[]{}|^$+?")
