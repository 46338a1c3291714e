"""Which comments a run tags (pure): those whose English text or tagger version changed.

``text.tagged_comments`` records, per response, the month, a hash of the English text that was
tagged (null when the comment was skipped: no_model, empty, failed) and the tagger version. A
comment is tagged again when any of them differs from today's; a response no longer in
``text.feedback_translations`` loses its statements. So a run after a new tagger version
retags everything, and a run with nothing new loads no model at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from cxlink.tagging.pipeline import CommentIn


@dataclass(frozen=True)
class TaggedState:
    feedback_month: date
    text_hash: str | None
    model_version: str


@dataclass
class TaggingPlan:
    todo: list[CommentIn] = field(default_factory=list)  # to tag (again)
    current: int = 0  # comments whose statements stay
    removed: list[str] = field(default_factory=list)  # tagged responses no longer translated

    @property
    def nothing_to_do(self) -> bool:
        return not self.todo and not self.removed


def english_hash(comment: CommentIn) -> str | None:
    """Hash of the text the tagger reads; None when it skips the comment."""
    text = comment.english()
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def plan_tagging(
    comments: Iterable[CommentIn],
    stored: Mapping[str, TaggedState],
    version: str,
    full_refresh: bool = False,
) -> TaggingPlan:
    plan = TaggingPlan()
    seen: set[str] = set()
    for comment in comments:
        seen.add(comment.response_id)
        state = stored.get(comment.response_id)
        wanted = TaggedState(comment.feedback_month, english_hash(comment), version)
        if not full_refresh and state == wanted:
            plan.current += 1
        else:
            plan.todo.append(comment)
    plan.removed = sorted(set(stored) - seen)
    return plan
