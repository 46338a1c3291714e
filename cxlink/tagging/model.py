"""The tagging model: taxonomy rules combined with linear classifiers on TF-IDF features.

Topics: one logistic regression per topic (one-vs-rest) on word 1-2-grams, character 3-5-grams
and the rule hits of every topic, so paraphrases and inflections the rules' phrases miss are
still recognised. A topic is tagged when its classifier's probability reaches the topic's
threshold (chosen on cross-validated training predictions to maximise F1), or when its rules
match and they are precise: right for at least RULE_AUTHORITY of their hits on the training
data (always, for a topic without labeled statements). An imprecise rule is evidence only.
A level-1 topic is dropped when one of its children is tagged (``most_specific``).
Features: features.py; fitting and thresholds: trainer.py; this module applies a fitted model.

Sentiment: a linear SVM (negative / neutral / positive; sentiment_classifier.py, probabilities by
temperature scaling of its decision values) on word 1-2-grams with negation scope marked ("not
slow at all" -> not neg_slow neg_at neg_all), character n-grams of the same marked text,
polarity cues from the sentiment lexicon (assets/tagging/sentiment_lexicon.yaml) and VADER's
sentence scores (a general English lexicon shipped in the vaderSentiment wheel).
score = P(positive) - P(negative), in [-1, 1]; label = the most probable class, so the sign of
the score always agrees with a positive or negative label.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from cxlink.tagging.features import rule_matrix, topic_design
from cxlink.tagging.rules import RuleMatcher
from cxlink.tagging.schema import SENTIMENT_LABELS
from cxlink.tagging.sentiment_classifier import TemperatureScaledSVC
from cxlink.tagging.taxonomy import Taxonomy


def _predict_topics(classifiers: list[LogisticRegression], x: sparse.csr_matrix) -> np.ndarray:
    if not classifiers:
        return np.zeros((x.shape[0], 0))
    return np.column_stack([c.predict_proba(x)[:, 1] for c in classifiers])


@dataclass(frozen=True)
class TopicTag:
    topic_id: str
    confidence: float
    source: str  # rule, classifier or both


@dataclass(frozen=True)
class StatementTags:
    sentiment_score: float
    sentiment_label: str
    topics: tuple[TopicTag, ...]


def most_specific(tags: list[TopicTag], taxonomy: Taxonomy) -> list[TopicTag]:
    """Drop a level-1 topic when one of its children is tagged too: "Network outages" is about
    uptime, and the level-1 rollup counts it for reliability anyway. A level-1 topic is tagged
    on its own only for what no child names ("Network reliability", "Limited range of
    devices")."""
    parents = {taxonomy.parent_of(t.topic_id) for t in tags}
    return [t for t in tags if t.topic_id not in parents]


@dataclass
class TaggerModel:
    version: str
    taxonomy: Taxonomy
    classifier_topics: tuple[str, ...]
    topic_vectorizer: FeatureUnion
    topic_classifiers: list[LogisticRegression]
    thresholds: dict[str, float]
    rule_precision: dict[str, float]
    sentiment_vectorizer: FeatureUnion
    sentiment_classifier: TemperatureScaledSVC
    rules_only_topics: tuple[str, ...] = ()
    # topics whose rules tag on their own (precise on the training data); the others' rule hits
    # are only evidence for the classifier
    authoritative_rules: tuple[str, ...] = ()
    info: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rules = RuleMatcher(self.taxonomy)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_rules", None)  # compiled from the taxonomy again on load
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._rules = RuleMatcher(self.taxonomy)

    @property
    def rules(self) -> RuleMatcher:
        return self._rules

    def rule_matrix(self, texts: list[str]) -> np.ndarray:
        return rule_matrix(self.rules, texts, self.taxonomy.ids)

    def topic_probabilities(self, texts: list[str], rules: np.ndarray | None = None) -> np.ndarray:
        if rules is None:
            rules = self.rule_matrix(texts)
        x = topic_design(self.topic_vectorizer.transform(texts), rules)
        return _predict_topics(self.topic_classifiers, x)

    def sentiment_probabilities(self, texts: list[str]) -> np.ndarray:
        """(n, 3) probabilities in SENTIMENT_LABELS order."""
        proba = self.sentiment_classifier.predict_proba(self.sentiment_vectorizer.transform(texts))
        order = [list(self.sentiment_classifier.classes_).index(s) for s in SENTIMENT_LABELS]
        return proba[:, order]

    def tag(self, texts: list[str]) -> list[StatementTags]:
        """Topics and sentiment for each statement (a batch: vectorising is per call)."""
        if not texts:
            return []
        rules = self.rule_matrix(texts)
        topic_p = self.topic_probabilities(texts, rules)
        sent_p = self.sentiment_probabilities(texts)
        column = {t: k for k, t in enumerate(self.classifier_topics)}
        authoritative = set(self.authoritative_rules)
        out = []
        for i in range(len(texts)):
            tags = []
            for j, topic in enumerate(self.taxonomy.ids):
                k = column.get(topic)
                p = float(topic_p[i, k]) if k is not None else None
                by_classifier = p is not None and p >= self.thresholds[topic]
                by_rule = bool(rules[i, j])
                if not (by_classifier or (by_rule and topic in authoritative)):
                    continue
                if by_rule:
                    # Independent evidence: the rule's precision on the training data and the
                    # classifier's probability.
                    r = self.rule_precision.get(topic, 0.5)
                    confidence = 1 - (1 - r) * (1 - (p or 0.0))
                else:
                    confidence = p  # type: ignore[assignment]
                source = (
                    "both" if by_rule and by_classifier else "rule" if by_rule else "classifier"
                )
                tags.append(TopicTag(topic, round(float(confidence), 4), source))
            tags = most_specific(tags, self.taxonomy)
            p_neg, _, p_pos = sent_p[i]
            label = SENTIMENT_LABELS[int(np.argmax(sent_p[i]))]
            out.append(StatementTags(round(float(p_pos - p_neg), 4), label, tuple(tags)))
        return out
