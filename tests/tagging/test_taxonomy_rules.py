"""The taxonomy YAML: validation with clear messages, and rule matching from it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cxlink.tagging.labeled import LabeledDataError, load_labeled
from cxlink.tagging.rules import RuleMatcher
from cxlink.tagging.taxonomy import TaxonomyError, load_taxonomy, parse_taxonomy

DEMO_TOPICS = ("product", "support", "pricing", "reliability", "usability", "onboarding")


def write(tmp_path: Path, topics: list[dict]) -> Path:
    path = tmp_path / "topics.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "topics": topics}))
    return path


BASE = [
    {"id": "pricing", "name": "Pricing", "description": "Price and value."},
    {
        "id": "billing",
        "name": "Billing",
        "parent": "pricing",
        "description": "Invoices.",
        "phrases": ["invoice*", "double charged", "credit card"],
        "patterns": [r"\bcharged? (twice|two times)\b"],
        "exclude": ["invoice template"],
    },
]


def test_rules_match_phrases_wildcards_patterns_and_excludes(tmp_path: Path):
    matcher = RuleMatcher(load_taxonomy(write(tmp_path, BASE)))
    assert matcher.match("The INVOICES are always late") == ["billing"]
    assert matcher.match("We were double-charged in May") == ["billing"]  # space ~ hyphen
    assert matcher.match("They charged twice for one month") == ["billing"]
    assert matcher.match("Paying by credit  card works") == ["billing"]
    assert matcher.match("The invoice template editor is nice") == []  # excluded
    assert matcher.match("Invoiced late") == ["billing"]
    assert matcher.match("We reinvoice our clients") == []  # whole words only


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.append({**t[1], "name": "Again"}), "duplicate id 'billing' (also topic #2)"),
        (lambda t: t[1].update(parent="finance"), "topic 'billing': unknown parent 'finance'"),
        (
            lambda t: t.append(
                {"id": "refunds", "name": "Refunds", "parent": "billing", "description": "x"}
            ),
            "topic 'refunds': parent 'billing' is itself a level-2 topic (under 'pricing'); "
            "the taxonomy has two levels only",
        ),
        (lambda t: t[0].update(id="Pricing Topic"), "must be lower_snake_case"),
        (lambda t: t[1].update(patterns=["(unclosed"]), "is not a valid regular expression"),
        (lambda t: t[1].update(phrase=["typo"]), "unknown key(s) phrase"),
        (lambda t: t[1].pop("description"), "topic 'billing': 'description' is required"),
        (lambda t: t[1].update(phrases="invoice"), "'phrases' must be a list of strings"),
        (lambda t: t[1].update(parent="billing"), "topic 'billing': is its own parent"),
        (lambda t: t[1].update(phrases=["in*voice"]), "'*' is allowed only at the end of a word"),
    ],
)
def test_invalid_taxonomy_is_rejected_with_a_clear_message(tmp_path: Path, change, message):
    topics = [dict(t) for t in BASE]
    change(topics)
    path = write(tmp_path, topics)
    with pytest.raises(TaxonomyError) as raised:
        load_taxonomy(path)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(TaxonomyError, match=r"^2 problem\(s\)") as raised:
        parse_taxonomy(
            {
                "topics": [
                    {"id": "a", "name": "A", "description": "a", "parent": "missing"},
                    {"id": "a", "name": "A", "description": "a"},
                ]
            }
        )
    assert "unknown parent 'missing'" in str(raised.value)
    assert "duplicate id 'a'" in str(raised.value)


def test_not_a_taxonomy(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text("topics: [unclosed")
    with pytest.raises(TaxonomyError, match="not valid YAML"):
        load_taxonomy(path)
    with pytest.raises(TaxonomyError, match="does not exist"):
        load_taxonomy(tmp_path / "nope.yaml")


def test_shipped_taxonomy_maps_onto_the_demo_topics():
    taxonomy = load_taxonomy()
    level1 = {t.id for t in taxonomy.topics if t.level == 1}
    assert level1 == set(DEMO_TOPICS)
    for topic in taxonomy.topics:
        if topic.level == 2:
            assert topic.has_rules, topic.id
    assert len([t for t in taxonomy.topics if t.level == 2]) >= 10
    # the named areas exist
    for topic_id in ("functionality", "performance", "billing", "integrations", "documentation"):
        assert topic_id in taxonomy
    rows = taxonomy.rows()
    assert rows[taxonomy.ids.index("billing")][:4] == (
        "billing",
        "Billing and invoices",
        "pricing",
        2,
    )


def test_labeled_data_is_checked_against_the_taxonomy(tmp_path: Path):
    taxonomy = load_taxonomy(write(tmp_path, BASE))
    path = tmp_path / "labeled.csv"
    path.write_text(
        "id,text,topics,sentiment,split\n"
        "s1,Invoices are late,billing,negative,train\n"
        "s2,Great,,positive,eval\n"
        "s3,Refunds are slow,refunds,negative,train\n"
        "s4,invoices are LATE,billing,negative,eval\n"
        "s5,Fine,,meh,test\n"
    )
    with pytest.raises(LabeledDataError) as raised:
        load_labeled(path, taxonomy)
    message = str(raised.value)
    assert "labeled.csv:4: unknown topic 'refunds'" in message
    assert "labeled.csv:5: the same text as line 2 (train/eval)" in message
    assert "labeled.csv:6: sentiment 'meh'" in message
    assert "labeled.csv:6: split 'test'" in message


def test_shipped_labeled_data_covers_every_topic_and_sentiment():
    taxonomy = load_taxonomy()
    data = load_labeled(None, taxonomy)
    assert len(data.statements) >= 1500
    leaves = [t.id for t in taxonomy.topics if t.level == 2]
    for split in ("train", "eval"):
        rows = data.split(split)
        assert {s.sentiment for s in rows} == {"negative", "neutral", "positive"}
        for topic in leaves:
            assert sum(topic in s.topics for s in rows) >= 10, (split, topic)
        assert any(not s.topics for s in rows)  # statements without a topic
