"""Negation scope for the sentiment features: "not slow at all" -> ``not neg_slow neg_at neg_all``.

The sentiment model's word and character n-grams and the lexicon cues all read statements through
``sentiment_text``, so a cue inside a negation's scope counts for the opposite polarity.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?]")
_NEGATORS = frozenset(
    "not no never nothing nobody none neither nor without hardly barely cannot cant "
    "dont doesnt didnt isnt arent wasnt werent wont wouldnt shouldnt couldnt havent hasnt".split()
)
_SCOPE_END = frozenset(".,;:!? but however although though yet".split())
_NEGATION_SCOPE = 4


def sentiment_text(text: str) -> str:
    """Lower-cased tokens with the few words after a negation prefixed ``neg_``."""
    out = []
    scope = 0
    for token in _TOKEN.findall(text.lower().replace("\u2019", "'")):
        if token in _SCOPE_END:
            scope = 0
            out.append(token)
            continue
        bare = token.replace("'", "")
        if bare in _NEGATORS or (bare.endswith("nt") and token.endswith("n't")):
            scope = _NEGATION_SCOPE
            out.append(bare)
            continue
        if scope:
            out.append("neg_" + bare)
            scope -= 1
        else:
            out.append(bare)
    return " ".join(out)
