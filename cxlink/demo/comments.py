"""Free-text comments: 1-3 sentences, one topic each, in the customer's language.

Which topics a comment mentions depends on the category of its score (promoter / passive /
detractor); each sentence's sentiment too. Topics are drawn as independent Bernoulli mentions
and redrawn until 1 to 3 are mentioned, so the exact mention probability per topic and
category can be computed by enumeration (``topic_mention_probability``) for the ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np

from cxlink.demo import parameters as p
from cxlink.demo.phrases import PhraseBank
from cxlink.demo.randomness import choice

# (category, topic) base probabilities as an array: rows follow COMMENT_CATEGORIES.
BASE = np.array([[p.TOPIC_BASE_PROBABILITY[t][c] for t in p.TOPICS] for c in p.COMMENT_CATEGORIES])


def score_category(survey: np.ndarray, score: np.ndarray) -> np.ndarray:
    """0 promoter / 1 passive / 2 detractor for each (survey type text, score)."""
    out = np.full(score.size, 2)
    for kind, (promoter_from, passive_from) in p.SCORE_CATEGORY_CUTS.items():
        at = survey == kind
        out[at & (score >= passive_from)] = 1
        out[at & (score >= promoter_from)] = 0
    return out


def topic_mention_probability() -> dict[str, dict[str, float]]:
    """Exact P(a comment mentions topic | category of its score), by enumerating topic sets."""
    result: dict[str, dict[str, float]] = {t: {} for t in p.TOPICS}
    for c, category in enumerate(p.COMMENT_CATEGORIES):
        total = 0.0
        mentions = np.zeros(len(p.TOPICS))
        for subset in product((0, 1), repeat=len(p.TOPICS)):
            size = sum(subset)
            if not 1 <= size <= p.MAX_TOPICS_PER_COMMENT:
                continue
            s = np.array(subset)
            weight = float(np.prod(np.where(s == 1, BASE[c], 1 - BASE[c])))
            total += weight
            mentions += weight * s
        for t, topic in enumerate(p.TOPICS):
            result[topic][category] = round(float(mentions[t] / total), 6)
    return result


def draw_topics(rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
    """Boolean (n, topics) mention matrix with 1..MAX_TOPICS_PER_COMMENT topics per row."""
    mentions = np.zeros((category.size, len(p.TOPICS)), dtype=bool)
    todo = np.arange(category.size)
    while todo.size:
        draw = rng.random((todo.size, len(p.TOPICS))) < BASE[category[todo]]
        size = draw.sum(axis=1)
        ok = (size >= 1) & (size <= p.MAX_TOPICS_PER_COMMENT)
        mentions[todo[ok]] = draw[ok]
        todo = todo[~ok]
    return mentions


@dataclass(frozen=True)
class Comments:
    text: list[str]
    topics: np.ndarray  # (n, topics) bool
    sentiment: np.ndarray  # (n, topics) codes into SENTIMENTS, meaningful where topics is True


def compose(
    rng: np.random.Generator, bank: PhraseBank, category: np.ndarray, language: np.ndarray
) -> Comments:
    n = category.size
    topics = draw_topics(rng, category)
    sentiment = choice(
        rng,
        np.array([p.SENTIMENT_PROBS[c] for c in p.COMMENT_CATEGORIES]),
        np.repeat(category, len(p.TOPICS)),
    ).reshape(n, len(p.TOPICS))
    pick = rng.random((n, len(p.TOPICS)))
    # sentences in a random order; unmentioned topics sort last and are skipped
    order = np.argsort(np.where(topics, rng.random((n, len(p.TOPICS))), 2.0), axis=1)
    on_new_lines = rng.random(n) < p.NEWLINE_SEPARATOR_RATE
    texts = []
    for i in range(n):
        sentences = []
        for t in order[i, : int(topics[i].sum())].tolist():
            options = bank.options(language[i], p.TOPICS[t], p.SENTIMENTS[sentiment[i, t]])
            sentences.append(options[int(pick[i, t] * len(options))])
        texts.append(("\n" if on_new_lines[i] else " ").join(sentences))
    return Comments(texts, topics, sentiment)
