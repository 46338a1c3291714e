"""Short, real-style texts (issue 14, item 12): the competitor scope, level-1 topics, and the
second evaluation set (assets/tagging/eval_short_texts.csv), kept apart from training."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cxlink.tagging.artifact import load_inputs, train_and_write
from cxlink.tagging.competitor import competitor_flags
from cxlink.tagging.evaluate import evaluate
from cxlink.tagging.labeled import LabeledDataError, LabeledStatement
from cxlink.tagging.lexicon import LexiconFeatures
from cxlink.tagging.model import TopicTag, most_specific
from cxlink.tagging.negation import sentiment_text
from cxlink.tagging.short_eval import check_disjoint, load_short_eval, near_copies
from tests.tagging.test_real_texts import COMPETITOR_COMPARATIVES, NETWORK_NOUNS, STAFF_ATTITUDE

# Measured on the tagger of this commit (165 texts): topic macro-F1 0.932, sentiment accuracy
# 0.885; the tagger before issue 14 scored 0.721 and 0.751 on the same texts. The floors sit a
# few statements below the measured values, so a retrain that moves a borderline text or two
# passes, and one that loses what item 12 fixed does not.
SHORT_MACRO_F1_FLOOR = 0.90
SHORT_SENTIMENT_ACCURACY_FLOOR = 0.85


def test_named_failures_are_not_in_the_training_data():
    inputs = load_inputs()
    texts = COMPETITOR_COMPARATIVES + NETWORK_NOUNS + STAFF_ATTITUDE
    assert near_copies([s.text for s in inputs.labeled.statements], texts) == []


@pytest.mark.parametrize(
    ("text", "theirs"),
    [
        ("Competitor had better devices", ["had", "better", "devices"]),
        ("The rival network has more coverage", ["network", "has", "more", "coverage"]),
        ("Better deal elsewhere", ["better", "deal"]),
        ("Found a cheaper plan with another provider", ["found", "a", "cheaper", "plan", "with"]),
        ("Switched to a competitor because the price went up", []),
        ("Cheaper than the competition", []),
        ("Moving over from the old tool went without a hitch", []),
        ("Relocated to another city", []),
        ("Prices rose, competitors stayed cheap", ["stayed", "cheap"]),
    ],
)
def test_competitor_scope(text, theirs):
    tokens = text.lower().replace(",", " ,").split()
    flags = competitor_flags(tokens)
    assert [t for t, f in zip(tokens, flags, strict=True) if f] == theirs


def test_cues_in_a_competitors_scope_count_for_the_other_side():
    features = LexiconFeatures({"positive": ["better", "cheap*"], "negative": ["slow"]}).fit([])
    assert features.cues(sentiment_text("Competitor had better devices")) == (0, 1)
    assert features.cues(sentiment_text("Better than the competition")) == (1, 0)
    assert features.cues(sentiment_text("The competitor's app is slow")) == (1, 0)
    # negated inside a competitor's scope: their "not cheap" is no complaint about us
    assert features.cues(sentiment_text("The rival is not cheap")) == (1, 0)


def test_a_parent_topic_gives_way_to_its_child():
    taxonomy = load_inputs().taxonomy
    tags = [TopicTag("reliability", 0.9, "rule"), TopicTag("uptime", 0.8, "both")]
    assert [t.topic_id for t in most_specific(tags, taxonomy)] == ["uptime"]
    alone = [TopicTag("reliability", 0.9, "rule"), TopicTag("billing", 0.7, "rule")]
    assert most_specific(alone, taxonomy) == alone


def test_short_evaluation_set_is_disjoint_from_training():
    inputs = load_inputs()
    short = load_short_eval(None, inputs.taxonomy)
    assert 100 <= len(short) <= 200
    assert len(short) == len(inputs.short_eval)
    assert near_copies([s.text for s in inputs.labeled.statements], [s.text for s in short]) == []
    check_disjoint(inputs.labeled.statements, short)  # what training runs first


def test_training_refuses_a_short_evaluation_text(tmp_path: Path):
    inputs = load_inputs()
    leaked = inputs.short_eval[0]
    copy = LabeledStatement("leak", leaked.text.upper() + "!", leaked.topics, "negative", "train")
    labeled = dataclasses.replace(inputs.labeled, statements=(*inputs.labeled.statements, copy))
    with pytest.raises(LabeledDataError, match="nearly copy labeled statements"):
        train_and_write(dataclasses.replace(inputs, labeled=labeled), tmp_path)
    assert not any(tmp_path.iterdir())  # refused before training: nothing written


def test_short_texts_meet_their_floors(trained):
    model, _, directory = trained
    short = evaluate(model, list(load_inputs().short_eval))
    assert short.statements == 165
    assert short.macro_f1 >= SHORT_MACRO_F1_FLOOR, short.macro_f1
    assert short.sentiment_accuracy >= SHORT_SENTIMENT_ACCURACY_FLOOR, short.sentiment_accuracy
    assert (directory / "evaluation_short_texts.md").exists()
