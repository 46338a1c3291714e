"""Negation and competitor scope for the sentiment features: "not slow at all" ->
``not neg_slow neg_at neg_all``; "Competitor made a better offer" ->
``competitor cmp_made cmp_a cmp_better cmp_offer`` (competitor.py).

The sentiment model's word and character n-grams and the lexicon cues all read statements through
``sentiment_text``, so a cue inside a negation's scope, or inside a competitor's, counts for the
opposite polarity (inside both, for its own). VADER reads ``perspective``: our part and the
competitor's part of the statement, scored apart.
"""

from __future__ import annotations

import re

from cxlink.tagging.competitor import competitor_flags

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?]")
_NEGATORS = frozenset(
    "not no never nothing nobody none neither nor without hardly barely cannot cant "
    "dont doesnt didnt isnt arent wasnt werent wont wouldnt shouldnt couldnt havent hasnt".split()
)
_SCOPE_END = frozenset(".,;:!? but however although though yet".split())
_NEGATION_SCOPE = 4
NEGATED = "neg_"
COMPETITOR = "cmp_"


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


def sentiment_text(text: str) -> str:
    """Lower-cased tokens, the few words after a negation prefixed ``neg_`` and the words in a
    competitor's scope prefixed ``cmp_``."""
    tokens = _tokens(text)
    theirs = competitor_flags(tokens)
    out = []
    scope = 0
    for token, flagged in zip(tokens, theirs, strict=True):
        prefix = COMPETITOR if flagged else ""
        if token in _SCOPE_END:
            scope = 0
            out.append(token)
            continue
        bare = token.replace("'", "")
        if bare in _NEGATORS or (bare.endswith("nt") and token.endswith("n't")):
            scope = _NEGATION_SCOPE
            out.append(prefix + bare)
            continue
        if scope:
            out.append(prefix + NEGATED + bare)
            scope -= 1
        else:
            out.append(prefix + bare)
    return " ".join(out)


def sentiment_chars_text(text: str) -> str:
    """``sentiment_text`` without the words in a competitor's scope, for the character n-grams:
    there "cmp_cheaper" would share "cheap" with our own "cheaper" and teach the model that
    cheap is bad. The words' own n-grams and the lexicon carry the flipped words instead."""
    return " ".join(t for t in sentiment_text(text).split() if not t.startswith(COMPETITOR))


def perspective(text: str) -> tuple[str, str]:
    """(our part, the competitor's part) of a statement; the second is empty when no competitor
    is in scope, and then the first is the statement as written."""
    tokens = _tokens(text)
    theirs = competitor_flags(tokens)
    if not any(theirs):
        return text, ""
    ours = " ".join(t for t, flagged in zip(tokens, theirs, strict=True) if not flagged)
    return ours, " ".join(t for t, flagged in zip(tokens, theirs, strict=True) if flagged)
