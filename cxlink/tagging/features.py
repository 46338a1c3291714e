"""The feature spaces of the tagger: TF-IDF words and characters, rule hits, sentiment cues.

Topics read word 1-2-grams, character 3-5-grams and one column per topic's rule hit; sentiment
reads negation- and competitor-marked word and character n-grams (negation.py, competitor.py),
the sentiment lexicon's cues and VADER's sentence scores (lexicon.py), both read from our side of
a competitor comparison. Changing a feature or a weight here changes the model:
bump trainer.TRAINER_VERSION with it.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from cxlink.tagging.lexicon import LexiconFeatures, VaderFeatures
from cxlink.tagging.negation import sentiment_chars_text, sentiment_text
from cxlink.tagging.rules import RuleMatcher

RULE_FEATURE_WEIGHT = 1.0
LEXICON_WEIGHT = 1.0
VADER_WEIGHT = 2.0
# Character n-grams must occur in this many training statements, and count half as much as
# the words: rarer ones mostly memorise one statement's spelling (chosen by cross-validation on
# the hand-written training statements, see README; a minimum for words cost accuracy).
SENTIMENT_WORD_MIN_DF = 1
SENTIMENT_CHAR_MIN_DF = 3
SENTIMENT_CHAR_WEIGHT = 0.5


def topic_features() -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    lowercase=True,
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    token_pattern=r"(?u)\b\w[\w']*\b",
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    lowercase=True, analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
                ),
            ),
        ]
    )


def sentiment_features(lexicon: dict[str, list[str]]) -> FeatureUnion:
    return FeatureUnion(
        [
            ("lexicon", LexiconFeatures(lexicon, weight=LEXICON_WEIGHT)),
            ("vader", VaderFeatures(weight=VADER_WEIGHT)),
            (
                "words",
                TfidfVectorizer(
                    preprocessor=sentiment_text,
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    token_pattern=r"\S+",
                    min_df=SENTIMENT_WORD_MIN_DF,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    preprocessor=sentiment_chars_text,
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    sublinear_tf=True,
                    min_df=SENTIMENT_CHAR_MIN_DF,
                ),
            ),
        ],
        transformer_weights={"chars": SENTIMENT_CHAR_WEIGHT},
    )


def rule_matrix(matcher: RuleMatcher, texts: list[str], topics: tuple[str, ...]) -> np.ndarray:
    column = {t: k for k, t in enumerate(topics)}
    hits = np.zeros((len(texts), len(topics)), dtype=bool)
    for i, text in enumerate(texts):
        for topic in matcher.match(text):
            hits[i, column[topic]] = True
    return hits


def topic_design(x_text: sparse.csr_matrix, rules: np.ndarray) -> sparse.csr_matrix:
    """Text features plus one column per topic's rule hit, so the classifier learns how far to
    trust each rule."""
    return sparse.hstack([x_text, sparse.csr_matrix(rules * RULE_FEATURE_WEIGHT)], format="csr")
