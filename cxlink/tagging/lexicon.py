"""Polarity cues from assets/tagging/sentiment_lexicon.yaml as features for the sentiment model.

The statement goes through the same negation and competitor marking as the model's words
(``negation.sentiment_text``): a cue marked ``neg_`` or ``cmp_`` counts for the opposite polarity
(marked with both, for its own: "the competitor didn't crash" is no praise of us). VADER scores
our part and a competitor's part of a statement apart (``negation.perspective``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import yaml
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from cxlink.settings import PROJECT_ROOT
from cxlink.tagging.negation import COMPETITOR, NEGATED, perspective, sentiment_text

DEFAULT_LEXICON_PATH = PROJECT_ROOT / "assets" / "tagging" / "sentiment_lexicon.yaml"
_MAX_PHRASE = 3
_SUFFIXES = (
    ("ily", "y"),
    ("ier", "y"),
    ("iest", "y"),
    ("ly", ""),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("er", ""),
    ("est", ""),
    ("ness", ""),
)


class LexiconError(ValueError):
    pass


def load_lexicon(path: Path | str | None = None) -> tuple[dict[str, list[str]], str]:
    """({"positive": [...], "negative": [...]}, sha256 of the file)."""
    path = Path(path) if path else DEFAULT_LEXICON_PATH
    raw = path.read_bytes()
    document = yaml.safe_load(raw)
    if not isinstance(document, dict):
        raise LexiconError(f"{path}: expected a mapping with 'positive' and 'negative' lists")
    lexicon = {}
    for key in ("positive", "negative"):
        entries = document.get(key)
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise LexiconError(f"{path}: '{key}' must be a list of words or phrases")
        lexicon[key] = [e.strip().lower() for e in entries if e.strip()]
    return lexicon, hashlib.sha256(raw).hexdigest()


def _key(entry: str) -> tuple[str, ...]:
    return tuple(word.replace("'", "") for word in entry.split())


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """Counts of positive and negative cues (negation-aware) per statement.

    Columns: positive cues, negative cues, any positive, any negative, balance in [-1, 1].
    ``weight`` scales them against the TF-IDF columns (whose rows have unit length).
    """

    def __init__(self, lexicon: dict[str, list[str]] | None = None, weight: float = 1.0):
        self.lexicon = lexicon
        self.weight = weight

    def fit(self, texts, y=None):
        self.exact_: dict[tuple[str, ...], int] = {}
        self.prefixes_: list[tuple[str, int]] = []
        for polarity, sign in (("positive", 1), ("negative", -1)):
            for entry in (self.lexicon or {}).get(polarity, []):
                if entry.endswith("*") and " " not in entry:
                    self.prefixes_.append((entry[:-1].replace("'", ""), sign))
                else:
                    self.exact_[_key(entry.rstrip("*"))] = sign
        self.prefixes_.sort(key=lambda p: -len(p[0]))
        return self

    def _polarity(self, word: str) -> int:
        for prefix, sign in self.prefixes_:
            if word.startswith(prefix):
                return sign
        # light stemming, so "patiently", "crashes" and "happier" find "patient", "crash", "happy"
        for suffix, replacement in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                sign = self.exact_.get((word[: len(word) - len(suffix)] + replacement,), 0)
                if sign:
                    return sign
        return 0

    def cues(self, marked: str) -> tuple[int, int]:
        """(positive, negative) cue counts in a negation-marked token string."""
        tokens = marked.split()
        flips = []
        bare = []
        for token in tokens:
            flip = False
            for prefix in (COMPETITOR, NEGATED):
                if token.startswith(prefix):
                    token, flip = token[len(prefix) :], not flip
            bare.append(token)
            flips.append(flip)
        pos = neg = 0
        i = 0
        while i < len(tokens):
            sign, length = 0, 1
            for n in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
                sign = self.exact_.get(tuple(bare[i : i + n]), 0)
                if sign:
                    length = n
                    break
            if not sign:
                sign = self._polarity(bare[i])
            if sign and flips[i]:
                sign = -sign
            pos += sign > 0
            neg += sign < 0
            i += length
        return pos, neg

    def transform(self, texts):
        rows = np.zeros((len(texts), 5))
        for i, text in enumerate(texts):
            pos, neg = self.cues(sentiment_text(text))
            rows[i] = (pos, neg, pos > 0, neg > 0, (pos - neg) / (pos + neg) if pos + neg else 0)
        rows[:, :2] = np.log1p(rows[:, :2])
        return sparse.csr_matrix(rows * self.weight)


class VaderFeatures(TransformerMixin, BaseEstimator):
    """VADER's rule-based sentence scores (compound, positive, negative, near-zero) as features.

    VADER (vaderSentiment, MIT) ships its 7,500-word general English lexicon inside the wheel and
    handles negation, intensifiers and "but" itself: general sentiment knowledge that the few
    thousand labeled statements cannot teach. Nothing is downloaded.
    """

    def __init__(self, weight: float = 1.0):
        self.weight = weight

    def fit(self, texts, y=None):
        return self

    def transform(self, texts):
        rows = np.zeros((len(texts), 4))
        for i, text in enumerate(texts):
            rows[i] = vader_scores(text)
        return sparse.csr_matrix(rows * self.weight)


def vader_scores(text: str) -> tuple[float, float, float, bool]:
    """(compound, positive, negative, near zero) of a statement from our side: a competitor's
    part counts with the opposite sign ("Competitor made a better offer" is negative for us)."""
    analyzer = _vader()
    ours, theirs = perspective(text)
    s = analyzer.polarity_scores(ours)
    compound, pos, neg = s["compound"], s["pos"], s["neg"]
    if theirs:
        t = analyzer.polarity_scores(theirs)
        compound = float(np.clip(compound - t["compound"], -1.0, 1.0))
        pos, neg = max(pos, t["neg"]), max(neg, t["pos"])
    return compound, pos, neg, abs(compound) < 0.05


_VADER = None


def _vader():
    global _VADER
    if _VADER is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _VADER = SentimentIntensityAnalyzer()
    return _VADER
