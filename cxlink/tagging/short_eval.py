"""The second evaluation set: short, real-style texts (assets/tagging/eval_short_texts.csv).

Exit reasons and one-line survey answers ("Price too high", "Network keeps dropping out",
"Moved abroad") read differently from the full sentences of the labeled statements, and the
tagger failed on a telco's real ones (issue 14, item 12). These 165 texts were written for the
project and are never trained on: training refuses to start when one of them, or a near copy of
one, is among the labeled statements (``check_disjoint``), so their figures stay an estimate
for text the tagger has not seen.

Same columns and checks as the labeled statements (labeled.py); every row's split is ``eval``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from cxlink.settings import PROJECT_ROOT
from cxlink.tagging.labeled import LabeledDataError, LabeledStatement, load_labeled
from cxlink.tagging.taxonomy import Taxonomy

DEFAULT_SHORT_EVAL_PATH = PROJECT_ROOT / "assets" / "tagging" / "eval_short_texts.csv"
# Character 3-5-gram TF-IDF cosine at or above which a training statement counts as a near copy
# of a short evaluation text: "Hard to use." / "hard to use" is 1.0, "Charged after cancelling." /
# "Charged after I cancelled" 0.80; a reworded text with the same nouns ("Too many outages" /
# "Frequent outages.") stays below. Short texts share much of their few character n-grams, so
# the bar is lower than the 0.5 that handwritten_e.txt kept from the eval split.
NEAR_COPY_COSINE = 0.75
_WORDS = re.compile(r"[a-z0-9]+")


def normalised(text: str) -> str:
    """Lower-case words only: what is "the same text" whatever the case and punctuation."""
    return " ".join(_WORDS.findall(text.lower().replace("'", "")))


def load_short_eval(path: Path | str | None, taxonomy: Taxonomy) -> list[LabeledStatement]:
    path = Path(path) if path else DEFAULT_SHORT_EVAL_PATH
    statements = list(load_labeled(path, taxonomy).statements)
    wrong = [s.id for s in statements if s.split != "eval"]
    if wrong:
        raise LabeledDataError(f"{path}: every row's split must be 'eval' (not: {wrong[:10]})")
    return statements


def near_copies(
    training: Iterable[str], evaluation: Iterable[str], threshold: float = NEAR_COPY_COSINE
) -> list[tuple[str, str, float]]:
    """(evaluation text, training text, cosine) for each evaluation text that a training text
    repeats (the same words) or nearly copies (cosine >= threshold), the closest one."""
    train, evals = list(training), list(evaluation)
    if not train or not evals:
        return []
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True)
    vectorizer.fit([normalised(t) for t in train + evals])
    x_train = vectorizer.transform([normalised(t) for t in train])
    x_eval = vectorizer.transform([normalised(t) for t in evals])
    similarity = (x_eval @ x_train.T).toarray()
    exact = {normalised(t): t for t in train}
    found = []
    for i, text in enumerate(evals):
        j = int(np.argmax(similarity[i]))
        if normalised(text) in exact:
            found.append((text, exact[normalised(text)], 1.0))
        elif similarity[i, j] >= threshold:
            found.append((text, train[j], round(float(similarity[i, j]), 3)))
    return found


def check_disjoint(labeled: Iterable[LabeledStatement], short: list[LabeledStatement]) -> None:
    """Raise when a short evaluation text is, or nearly copies, a labeled statement (any split:
    the eval split's statements are tuned against, so they must not leak either)."""
    copies = near_copies([s.text for s in labeled], [s.text for s in short])
    if copies:
        listed = "\n".join(f"- {e!r} ~ {t!r} (cosine {c})" for e, t, c in copies[:50])
        raise LabeledDataError(
            f"{len(copies)} short evaluation text(s) of {DEFAULT_SHORT_EVAL_PATH.name} repeat or "
            f"nearly copy labeled statements; reword or drop the training statement:\n{listed}"
        )
