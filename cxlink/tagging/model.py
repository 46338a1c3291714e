"""The tagging model: taxonomy rules combined with linear classifiers on TF-IDF features.

Topics: one logistic regression per topic (one-vs-rest) on word 1-2-grams, character 3-5-grams
and the rule hits of every topic, so paraphrases and inflections the rules' phrases miss are
still recognised. A topic is tagged when its classifier's probability reaches the topic's
threshold (chosen on cross-validated training predictions to maximise F1), or when its rules
match and they are precise: right for at least RULE_AUTHORITY of their hits on the training
data (always, for a topic without labeled statements). An imprecise rule is evidence only.

Sentiment: a linear SVM (negative / neutral / positive; sentiment_classifier.py, probabilities by
temperature scaling of its decision values) on word 1-2-grams with negation scope marked ("not
slow at all" -> not neg_slow neg_at neg_all), character n-grams of the same marked text,
polarity cues from the sentiment lexicon (assets/tagging/sentiment_lexicon.yaml) and VADER's
sentence scores (a general English lexicon shipped in the vaderSentiment wheel).
score = P(positive) - P(negative), in [-1, 1]; label = the most probable class, so the sign of
the score always agrees with a positive or negative label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.pipeline import FeatureUnion

from cxlink.tagging.labeled import LabeledStatement
from cxlink.tagging.lexicon import LexiconFeatures, VaderFeatures
from cxlink.tagging.rules import RuleMatcher
from cxlink.tagging.schema import SENTIMENT_LABELS
from cxlink.tagging.sentiment_classifier import TemperatureScaledSVC
from cxlink.tagging.taxonomy import Taxonomy

# Bump when features or hyperparameters change: it is part of the model version.
TRAINER_VERSION = "5"
# A topic needs this many labeled training statements for a classifier; below it, rules only.
MIN_TOPIC_EXAMPLES = 8
# A topic's rules tag on their own when at least this share of their training hits is right.
RULE_AUTHORITY = 0.8
RULE_FEATURE_WEIGHT = 1.0
THRESHOLD_GRID = np.round(np.arange(0.20, 0.81, 0.05), 2)
CV_FOLDS = 5
TOPIC_C = 8.0
SENTIMENT_C = 1.0
LEXICON_WEIGHT = 1.0
VADER_WEIGHT = 2.0
# Character n-grams must occur in this many training statements, and count half as much as
# the words: rarer ones mostly memorise one statement's spelling (chosen by cross-validation on
# the hand-written training statements, see README; a minimum for words cost accuracy).
SENTIMENT_WORD_MIN_DF = 1
SENTIMENT_CHAR_MIN_DF = 3
SENTIMENT_CHAR_WEIGHT = 0.5
RANDOM_STATE = 0

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
                    preprocessor=sentiment_text,
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    sublinear_tf=True,
                    min_df=SENTIMENT_CHAR_MIN_DF,
                ),
            ),
        ],
        transformer_weights={"chars": SENTIMENT_CHAR_WEIGHT},
    )


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


def _predict_topics(classifiers: list[LogisticRegression], x: sparse.csr_matrix) -> np.ndarray:
    if not classifiers:
        return np.zeros((x.shape[0], 0))
    return np.column_stack([c.predict_proba(x)[:, 1] for c in classifiers])


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp = float(np.sum(truth & predicted))
    denominator = float(np.sum(truth) + np.sum(predicted))
    return 2 * tp / denominator if denominator else 0.0


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
        return _rule_matrix(self.rules, texts, self.taxonomy.ids)

    def topic_probabilities(self, texts: list[str], rules: np.ndarray | None = None) -> np.ndarray:
        if rules is None:
            rules = self.rule_matrix(texts)
        x = _topic_design(self.topic_vectorizer.transform(texts), rules)
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
            p_neg, _, p_pos = sent_p[i]
            label = SENTIMENT_LABELS[int(np.argmax(sent_p[i]))]
            out.append(StatementTags(round(float(p_pos - p_neg), 4), label, tuple(tags)))
        return out


def _rule_matrix(matcher: RuleMatcher, texts: list[str], topics: tuple[str, ...]) -> np.ndarray:
    column = {t: k for k, t in enumerate(topics)}
    hits = np.zeros((len(texts), len(topics)), dtype=bool)
    for i, text in enumerate(texts):
        for topic in matcher.match(text):
            hits[i, column[topic]] = True
    return hits


def _topic_design(x_text: sparse.csr_matrix, rules: np.ndarray) -> sparse.csr_matrix:
    """Text features plus one column per topic's rule hit, so the classifier learns how far to
    trust each rule."""
    return sparse.hstack([x_text, sparse.csr_matrix(rules * RULE_FEATURE_WEIGHT)], format="csr")


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
    rule_hits = _rule_matrix(matcher, texts, all_topics)
    rule_col = {t: k for k, t in enumerate(all_topics)}

    truth_all = _topic_matrix(train, all_topics)
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
        x_fit = _topic_design(vec.transform([texts[i] for i in fit_idx]), rule_hits[fit_idx])
        models = []
        for k in range(y.shape[1]):
            labels = y[fit_idx, k]
            models.append(_topic_classifier().fit(x_fit, labels) if labels.any() else None)
        x_held = _topic_design(vec.transform([texts[i] for i in held_idx]), rule_hits[held_idx])
        for k, model in enumerate(models):
            if model is not None:
                oof[held_idx, k] = model.predict_proba(x_held)[:, 1]
    thresholds = {}
    for k, topic in enumerate(classifier_topics):
        rules = rule_hits[:, rule_col[topic]] & (topic in authoritative)
        scores = [_f1(y[:, k], rules | (oof[:, k] >= t)) for t in THRESHOLD_GRID]
        thresholds[topic] = float(THRESHOLD_GRID[int(np.argmax(scores))])

    topic_vec = topic_features().fit(texts)
    topic_clfs = _fit_topic_classifiers(_topic_design(topic_vec.transform(texts), rule_hits), y)

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
