"""Which comments a run translates (pure): those without a current translation.

A stored row of ``text.feedback_translations`` is current, and the comment is left alone, when
the response still has the same month, text and given language, and the language's package is
the one the row was made with (or still none). A run therefore translates new and edited
comments, the comments of a language whose package was installed, upgraded or removed since,
and failed ones (retried); the translation cache answers every text it has seen with the same
package. A comment whose language was detected is detected again when the detector's candidate
languages (English, the defaults and the installed packages') changed since the last run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from cxlink.translate.packages import InstalledPackage
from cxlink.translate.pipeline import Comment, given_language

# Statuses whose row does not depend on an installed package.
PACKAGE_FREE = ("already_english", "empty")


@dataclass(frozen=True)
class StoredTranslation:
    """What a stored row was made from (the columns that decide whether it is current)."""

    feedback_month: date
    original_text: str | None
    source_language: str | None
    language_source: str
    status: str
    model_name: str | None
    model_version: str | None


@dataclass
class TranslationPlan:
    todo: list[Comment] = field(default_factory=list)  # to translate (again)
    current: int = 0  # comments whose stored row is kept
    removed: list[str] = field(default_factory=list)  # stored rows whose comment is gone


def candidates_key(candidates: Iterable[str]) -> str:
    """The detector's candidate languages as stored between runs ("de,en,fi")."""
    return ",".join(sorted(set(candidates)))


def is_current(
    comment: Comment,
    row: StoredTranslation,
    packages: Mapping[str, InstalledPackage],
    same_candidates: bool,
) -> bool:
    if (row.feedback_month, row.original_text) != (comment.feedback_month, comment.text):
        return False
    given = given_language(comment.language)
    if given is not None:
        if (row.language_source, row.source_language) != ("given", given):
            return False
    elif row.language_source == "given" or not same_candidates:
        return False
    if row.status == "failed":
        return False
    if row.status in PACKAGE_FREE:
        return True
    package = packages.get(row.source_language or "")
    used = (row.model_name, row.model_version) if row.model_name else None
    return used == ((package.name, package.version) if package else None)


def plan_translations(
    comments: Iterable[Comment],
    stored: Mapping[str, StoredTranslation],
    packages: Mapping[str, InstalledPackage],
    same_candidates: bool,
    full_refresh: bool = False,
) -> TranslationPlan:
    """Split the comments into those to translate and those whose row stays; ``full_refresh``
    translates every one (the cache still answers what it knows)."""
    plan = TranslationPlan()
    seen: set[str] = set()
    for comment in comments:
        seen.add(comment.response_id)
        row = stored.get(comment.response_id)
        if (
            not full_refresh
            and row is not None
            and is_current(comment, row, packages, same_candidates)
        ):
            plan.current += 1
        else:
            plan.todo.append(comment)
    plan.removed = sorted(set(stored) - seen)
    return plan
