"""Training, evaluation targets, versioning, determinism and bad inputs."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from cxlink.tagging.artifact import (
    ArtifactError,
    ensure_model,
    load_artifact,
    load_inputs,
    model_version,
)
from cxlink.tagging.pipeline import CommentIn, tag_comments
from cxlink.tagging.schema import SENTIMENT_LABELS, TAG_SOURCES
from cxlink.tagging.sentiment_classifier import TemperatureScaledSVC
from cxlink.tagging.trainer import train_model

MACRO_F1_TARGET = 0.80
SENTIMENT_ACCURACY_TARGET = 0.85


def test_eval_split_meets_the_topic_target(trained):
    _, evaluation, _ = trained
    assert evaluation.statements >= 400
    assert evaluation.macro_f1 >= MACRO_F1_TARGET, evaluation.macro_f1
    means = evaluation.sentiment_mean_score
    assert means["negative"] < -0.5 < 0.5 < means["positive"]
    assert abs(means["neutral"]) < 0.1
    # well above chance (0.33), whatever the target below says
    assert evaluation.sentiment_accuracy >= 0.78, evaluation.sentiment_accuracy


def test_eval_split_meets_the_sentiment_target(trained):
    _, evaluation, _ = trained
    assert evaluation.sentiment_accuracy >= SENTIMENT_ACCURACY_TARGET, evaluation.sentiment_accuracy


def test_artifact_records_version_and_report(trained):
    model, evaluation, directory = trained
    assert directory.name == model.version == model_version(load_inputs())
    assert model.version.startswith("tagger-") and len(model.version) == len("tagger-") + 12
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["version"] == model.version
    assert manifest["evaluation"]["macro_f1"] == evaluation.macro_f1
    report = (directory / "evaluation.md").read_text()
    assert "| billing |" in report and "sentiment accuracy" in report
    reloaded = load_artifact(directory)
    texts = ["The invoices are wrong every month.", "Support was lovely."]
    assert reloaded.tag(texts) == model.tag(texts)


def test_tags_are_well_formed(trained):
    model, _, _ = trained
    tags = model.tag(
        [
            "We were charged twice and nobody in support replies.",
            "It's not slow at all.",
            "The onboarding was a mess.",
            "We have been customers since 2019.",
        ]
    )
    for tag in tags:
        assert -1 <= tag.sentiment_score <= 1 and tag.sentiment_label in SENTIMENT_LABELS
        if tag.sentiment_label == "positive":
            assert tag.sentiment_score > 0
        if tag.sentiment_label == "negative":
            assert tag.sentiment_score < 0
        for topic in tag.topics:
            assert topic.source in TAG_SOURCES and 0 <= topic.confidence <= 1
    first = {t.topic_id for t in tags[0].topics}
    assert {"billing", "support_responsiveness"} <= first
    assert tags[1].sentiment_label == "positive"  # negation of a negative cue
    assert "performance" in {t.topic_id for t in tags[1].topics}
    assert tags[2].sentiment_label == "negative"
    assert "implementation" in {t.topic_id for t in tags[2].topics}


def test_classifier_tags_paraphrases_the_rules_miss(trained):
    model, _, _ = trained
    # neither sentence is in the labeled data, and no phrase of the taxonomy matches them
    cases = {
        "We couldn't log in for most of the day.": "uptime",
        "Our sales team can't get the figures they need for the weekly meeting.": "reporting",
    }
    for text, topic in cases.items():
        assert model.rules.match(text) == []
        topics = {t.topic_id: t.source for t in model.tag([text])[0].topics}
        assert topics.get(topic) == "classifier", (text, topics)


def test_training_is_deterministic():
    inputs = load_inputs()
    subset = inputs.labeled.split("train")[::3]
    first = train_model(subset, inputs.taxonomy, inputs.lexicon, "v")
    second = train_model(subset, inputs.taxonomy, inputs.lexicon, "v")
    probe = [s.text for s in inputs.labeled.split("eval")[:60]]
    assert first.tag(probe) == second.tag(probe)
    assert first.thresholds == second.thresholds


def test_bad_inputs_are_handled(trained):
    model, _, _ = trained
    month = date(2024, 3, 1)
    comments = [
        CommentIn("r1", month, "already_english", "", None),
        CommentIn("r2", month, "already_english", "👍👍🔥", None),
        CommentIn("r3", month, "already_english", "slow " * 20000, None),
        CommentIn("r4", month, "translated", "Hyvä tuote", "Great product, but the API is slow."),
        CommentIn("r5", month, "no_model", "Hyvä tuote", None),
        CommentIn("r6", month, "failed", "x", None),
        CommentIn("r7", month, "empty", None, None),
    ]
    at = datetime(2024, 4, 1, 12, 0)
    statements, topics, stats = tag_comments(model, comments, at)
    assert stats.comments_in == 7
    assert stats.comments_without_statements == 2
    assert dict(stats.skipped_by_status) == {"no_model": 1, "failed": 1, "empty": 1}
    huge = [s for s in statements if s.response_id == "r3"]
    assert len(huge) == len("slow " * 20000) // 600 + 1
    assert [s.statement_index for s in huge] == list(range(len(huge)))
    r4 = [s for s in statements if s.response_id == "r4"]
    assert [s.statement_text for s in r4] == ["Great product", "The API is slow."]
    assert r4[0].sentiment_label == "positive" and r4[1].sentiment_label == "negative"
    assert {(t.statement_index, t.topic_id) for t in topics if t.response_id == "r4"} >= {
        (1, "integrations"),
        (1, "performance"),
    }
    assert all(s.model_version == model.version for s in statements)
    assert all(t.model_version == model.version for t in topics)


def test_missing_explicit_artifact_fails_with_an_actionable_message(tmp_path: Path):
    with pytest.raises(ArtifactError, match="run `make train-tagger`"):
        ensure_model(tmp_path / "models", tagger_dir=tmp_path / "none")


def test_sentiment_probabilities_keep_the_svm_decision():
    """Temperature scaling: probabilities are a softmax of the SVM's decision values, so every
    row sums to 1, the most probable class is the SVM's decision, and the fitted temperature
    makes a clear-cut point more confident than a borderline one."""
    rng = np.random.default_rng(0)
    centres = {"negative": (-2.0, 0.0), "neutral": (0.0, 2.0), "positive": (2.0, 0.0)}
    x = np.vstack([rng.normal(c, 0.7, size=(60, 2)) for c in centres.values()])
    y = np.repeat(list(centres), 60)
    model = TemperatureScaledSVC(C=1.0).fit(x, y)
    proba = model.predict_proba(x)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert list(model.classes_[proba.argmax(axis=1)]) == list(model.svm_.predict(x))
    assert np.mean(model.predict(x) == y) > 0.9
    clear, borderline = model.predict_proba(np.array([[4.0, -1.0], [1.0, 1.0]]))
    assert clear.max() > 0.9 > borderline.max()
