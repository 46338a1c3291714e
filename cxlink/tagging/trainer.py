"""Training the tagger: topic thresholds from cross-validated predictions, rule authority, fits.

Deterministic: the same labeled statements, taxonomy and lexicon give the same model.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from cxlink.tagging.features import rule_matrix, sentiment_features, topic_design, topic_features
from cxlink.tagging.labeled import LabeledStatement
from cxlink.tagging.model import TaggerModel
from cxlink.tagging.rules import RuleMatcher
from cxlink.tagging.sentiment_classifier import TemperatureScaledSVC
from cxlink.tagging.taxonomy import Taxonomy

# Bump when features or hyperparameters change: it is part of the model version.
TRAINER_VERSION = "6"
# A topic needs this many labeled training statements for a classifier; below it, rules only.
MIN_TOPIC_EXAMPLES = 8
# A topic's rules tag on their own when at least this share of their training hits is right.
RULE_AUTHORITY = 0.8
THRESHOLD_GRID = np.round(np.arange(0.20, 0.81, 0.05), 2)
CV_FOLDS = 5
TOPIC_C = 8.0
SENTIMENT_C = 1.0
RANDOM_STATE = 0


def _topic_classifier() -> LogisticRegression:
    return LogisticRegression(
        C=TOPIC_C,
        solver="liblinear",
        dual=True,  # many more features than statements: the dual is ~10x faster
        class_weight="balanced",
        random_state=RANDOM_STATE,
    )


def _fit_topic_classifiers(x: sparse.csr_matrix, y: np.ndarray) -> list[LogisticRegression]:
    return [_topic_classifier().fit(x, y[:, k]) for k in range(y.shape[1])]


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = float(np.sum(truth & predicted))
    denominator = float(np.sum(truth) + np.sum(predicted))
    return 2 * tp / denominator if denominator else 0.0


def _topic_matrix(statements: list[LabeledStatement], topics: tuple[str, ...]) -> np.ndarray:
    index = {t: k for k, t in enumerate(topics)}
    y = np.zeros((len(statements), len(topics)), dtype=bool)
    for i, s in enumerate(statements):
        for t in s.topics:
            if t in index:
                y[i, index[t]] = True
    return y


def train_model(
    train: list[LabeledStatement],
    taxonomy: Taxonomy,
    lexicon: dict[str, list[str]],
    version: str,
) -> TaggerModel:
    """Fit the topic and sentiment models on the training statements (deterministic)."""
    if not train:
        raise ValueError("no training statements")
    texts = [s.text for s in train]
    counts = {t: sum(t in s.topics for s in train) for t in taxonomy.ids}
    classifier_topics = tuple(t for t in taxonomy.ids if counts[t] >= MIN_TOPIC_EXAMPLES)
    rules_only = tuple(
        t for t in taxonomy.ids if t not in classifier_topics and taxonomy[t].has_rules
    )
    y = _topic_matrix(train, classifier_topics)
    matcher = RuleMatcher(taxonomy)
    all_topics = taxonomy.ids
    rule_hits = rule_matrix(matcher, texts, all_topics)
    rule_col = {t: k for k, t in enumerate(all_topics)}

    truth_all = _topic_matrix(train, all_topics)
    # A level-1 rule's hit on a statement about one of its children is right: tagging keeps
    # the child and drops the parent (model.most_specific), and the rollup is the same.
    for topic in all_topics:
        children = [rule_col[c] for c in all_topics if taxonomy.parent_of(c) == topic]
        if children:
            truth_all[:, rule_col[topic]] |= truth_all[:, children].any(axis=1)
    rule_precision = {}
    for topic in all_topics:
        hits = rule_hits[:, rule_col[topic]]
        tp = int(np.sum(hits & truth_all[:, rule_col[topic]]))
        # Laplace-smoothed, so a rule with few hits is neither certain nor worthless.
        rule_precision[topic] = round((tp + 1) / (int(hits.sum()) + 2), 4)
    authoritative = tuple(
        t
        for t in all_topics
        if taxonomy[t].has_rules and (t in rules_only or rule_precision[t] >= RULE_AUTHORITY)
    )

    # Thresholds from out-of-fold probabilities, judged together with the rules as tagging does.
    oof = np.zeros(y.shape)
    for fit_idx, held_idx in KFold(CV_FOLDS, shuffle=True, random_state=RANDOM_STATE).split(texts):
        vec = topic_features().fit([texts[i] for i in fit_idx])
        x_fit = topic_design(vec.transform([texts[i] for i in fit_idx]), rule_hits[fit_idx])
        models = []
        for k in range(y.shape[1]):
            labels = y[fit_idx, k]
            models.append(_topic_classifier().fit(x_fit, labels) if labels.any() else None)
        x_held = topic_design(vec.transform([texts[i] for i in held_idx]), rule_hits[held_idx])
        for k, model in enumerate(models):
            if model is not None:
                oof[held_idx, k] = model.predict_proba(x_held)[:, 1]
    thresholds = {}
    for k, topic in enumerate(classifier_topics):
        rules = rule_hits[:, rule_col[topic]] & (topic in authoritative)
        scores = [_f1(y[:, k], rules | (oof[:, k] >= t)) for t in THRESHOLD_GRID]
        thresholds[topic] = float(THRESHOLD_GRID[int(np.argmax(scores))])

    topic_vec = topic_features().fit(texts)
    topic_clfs = _fit_topic_classifiers(topic_design(topic_vec.transform(texts), rule_hits), y)

    sentiment_vec = sentiment_features(lexicon).fit(texts)
    sentiment_clf = TemperatureScaledSVC(C=SENTIMENT_C, random_state=RANDOM_STATE).fit(
        sentiment_vec.transform(texts), [s.sentiment for s in train]
    )

    return TaggerModel(
        version=version,
        taxonomy=taxonomy,
        classifier_topics=classifier_topics,
        topic_vectorizer=topic_vec,
        topic_classifiers=topic_clfs,
        thresholds=thresholds,
        rule_precision=rule_precision,
        sentiment_vectorizer=sentiment_vec,
        sentiment_classifier=sentiment_clf,
        rules_only_topics=rules_only,
        authoritative_rules=authoritative,
        info={"train_statements": len(train), "topic_examples": counts},
    )
