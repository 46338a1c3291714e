"""A telco's real churn reasons (issue 14, item 12) where the tagger failed: a competitor's
advantage read as praise, the network as no topic, staff attitude as uptime. Each test failed on
the tagger before the fix (tagger-4099fbe16449)."""

from __future__ import annotations

# The telco's exit reasons named in the issue. None of them (nor a near copy) is in the training
# data (test_short_texts.py checks), so these tests measure what the tagger learned, not what it memorised.
COMPETITOR_COMPARATIVES = [
    "Competitor made better offer",
    "Competitor had better devices",
    "Competitor offered more data",
    "Competitor offered higher download speeds",
]
# ("Connection problems" alone is read as integrations: in a software context it usually is)
NETWORK_NOUNS = ["Network reliability", "Network coverage", "Weak connection"]
STAFF_ATTITUDE = ["Attitude of service provider", "Attitude of support person"]


def test_a_competitors_advantage_is_negative_for_us(trained):
    """Before: +0.99 and "positive" for the first two (the words "better" and "more")."""
    model, _, _ = trained
    for text, tags in zip(COMPETITOR_COMPARATIVES, model.tag(COMPETITOR_COMPARATIVES), strict=True):
        assert tags.sentiment_label == "negative" and tags.sentiment_score < -0.3, (text, tags)
    # ... and a competitor's disadvantage is praise of us ("Cheaper than the competition" is
    # still read as negative: one of the short evaluation set's remaining errors)
    praise = model.tag(["Competitors charge more for less"])
    assert [t.sentiment_label for t in praise] == ["positive"]


def test_network_connection_and_coverage_are_reliability(trained):
    """Before: "Network reliability" got no topic at all."""
    model, _, _ = trained
    for text, tags in zip(NETWORK_NOUNS, model.tag(NETWORK_NOUNS), strict=True):
        topics = {t.topic_id for t in tags.topics}
        assert topics and {model.taxonomy.level1(t) for t in topics} == {"reliability"}, (
            text,
            topics,
        )
    assert {t.topic_id for t in model.tag(["Network reliability"])[0].topics} == {"reliability"}


def test_staff_attitude_is_support_not_uptime(trained):
    """Before: "Attitude of service provider" was tagged uptime."""
    model, _, _ = trained
    for text, tags in zip(STAFF_ATTITUDE, model.tag(STAFF_ATTITUDE), strict=True):
        assert {t.topic_id for t in tags.topics} == {"support_quality"}, (text, tags.topics)
        assert tags.sentiment_label == "negative", (text, tags)
