"""Offline language identification for comments whose row gives no language.

py3langid (a maintained fork of langid.py) ships its naive-Bayes model inside the wheel and
never downloads anything; restricted to the languages we can act on (English plus the
candidate source languages) it is accurate on sentences and fast (~0.1 ms per comment). Its
normalized probability is the confidence: below the threshold the language is recorded as
undetermined instead of guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cxlink.translate.text import has_letters

# English, the demo's languages, and common European ones; installed packages add theirs.
DEFAULT_CANDIDATES = ("en", "de", "es", "fi", "fr", "it", "nl", "pt", "sv", "da", "nb", "pl")
DEFAULT_MIN_CONFIDENCE = 0.8


@dataclass(frozen=True)
class Detection:
    language: str | None  # None: nothing to go on, or not confident enough
    confidence: float
    best_guess: str | None


@lru_cache(maxsize=8)
def _identifier(candidates: tuple[str, ...]):
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_DIR / MODEL_FILE, norm_probs=True)
    supported = set(identifier.nb_classes)
    usable = [lang for lang in candidates if lang in supported]
    if len(usable) < 2:
        raise ValueError(f"language detection needs two or more supported candidates, got {usable}")
    identifier.set_languages(usable)
    return identifier


class LanguageDetector:
    def __init__(
        self,
        candidates: Iterable[str] = DEFAULT_CANDIDATES,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    ):
        self.candidates = tuple(sorted({c.lower() for c in candidates}))
        self.min_confidence = min_confidence

    def detect(self, text: str) -> Detection:
        if not has_letters(text):
            return Detection(None, 0.0, None)
        language, confidence = _identifier(self.candidates).classify(text)
        confidence = float(confidence)
        if confidence < self.min_confidence:
            return Detection(None, confidence, language)
        return Detection(language, confidence, language)
