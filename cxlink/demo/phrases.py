"""The hand-written text the generator draws from: comment phrase banks and contact names.

Both live under ``assets/demo/`` as YAML so that they can be read and corrected by people who
speak the languages, without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from cxlink.demo import parameters as p

ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets" / "demo"
COMMENTS_DIR = ASSETS_DIR / "comments"
NAMES_FILE = ASSETS_DIR / "names.yaml"

MIN_SENTENCES = {"positive": 5, "negative": 5, "neutral": 1}


@dataclass(frozen=True)
class PhraseBank:
    """sentences[language][topic][sentiment] -> tuple of sentences."""

    sentences: dict[str, dict[str, dict[str, tuple[str, ...]]]]

    def options(self, language: str, topic: str, sentiment: str) -> tuple[str, ...]:
        return self.sentences[language][topic][sentiment]


@cache
def load_phrase_bank(directory: Path = COMMENTS_DIR) -> PhraseBank:
    sentences: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
    for language in p.LANGUAGES:
        path = directory / f"{language}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("language") != language:
            raise ValueError(f"{path}: 'language' must be {language!r}")
        topics = data.get("topics") or {}
        by_topic: dict[str, dict[str, tuple[str, ...]]] = {}
        for topic in p.TOPICS:
            by_sentiment: dict[str, tuple[str, ...]] = {}
            for sentiment in p.SENTIMENTS:
                found = tuple(
                    str(s).strip() for s in (topics.get(topic) or {}).get(sentiment) or ()
                )
                if len(found) < MIN_SENTENCES[sentiment]:
                    raise ValueError(
                        f"{path}: {topic}.{sentiment} needs at least "
                        f"{MIN_SENTENCES[sentiment]} sentences, found {len(found)}"
                    )
                by_sentiment[sentiment] = found
            by_topic[topic] = by_sentiment
        sentences[language] = by_topic
    return PhraseBank(sentences)


@dataclass(frozen=True)
class Names:
    first: dict[str, tuple[str, ...]]
    last: dict[str, tuple[str, ...]]

    def draw(self, rng: np.random.Generator, languages: np.ndarray) -> np.ndarray:
        """A contact name per customer, from their language's name list."""
        n = len(languages)
        u_first, u_last, u_order = rng.random(n), rng.random(n), rng.random(n)
        out = np.empty(n, dtype=object)
        for i, language in enumerate(languages.tolist()):
            first = self.first[language]
            last = self.last[language]
            given, family = first[int(u_first[i] * len(first))], last[int(u_last[i] * len(last))]
            # Some CRMs store "Last, First": a comma inside a CSV field.
            out[i] = f"{family}, {given}" if u_order[i] < 0.1 else f"{given} {family}"
        return out


@cache
def load_names(path: Path = NAMES_FILE) -> Names:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = {lang: tuple(data[lang]["first"]) for lang in p.LANGUAGES}
    last = {lang: tuple(data[lang]["last"]) for lang in p.LANGUAGES}
    return Names(first, last)
