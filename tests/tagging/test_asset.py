"""The Dagster asset end to end on a temporary warehouse, and sentiment on the demo data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from cxlink.demo import generate
from cxlink.extract import extract_entity
from cxlink.settings import Settings
from cxlink.tagging.pipeline import CommentIn, tag_comments
from cxlink.tagging.schema import TABLES
from orchestration.assets.tagging import build_statement_tags
from orchestration.partitions import feedback_month_partitions
from orchestration.resources import build_resources

statement_tags = build_statement_tags(
    feedback_month_partitions(Settings.from_env({}).partitions_start)
)

TRANSLATIONS = [
    # response_id, feedback_month, status, original_text, translated_text
    ("r1", date(2024, 3, 1), "already_english", "Support was great, but billing is a mess.", None),
    ("r2", date(2024, 3, 9), "translated", "Liian kallis.", "Far too expensive for what we get."),
    ("r3", date(2024, 3, 1), "no_model", "Zu teuer.", None),
    ("r4", date(2024, 3, 1), "empty", "", None),
    ("r5", date(2024, 3, 1), "already_english", "🙂", None),
    ("r6", date(2024, 4, 1), "already_english", "The app is painfully slow.", None),
]


def seed_translations(warehouse: Path, rows) -> None:
    con = duckdb.connect(str(warehouse))
    con.execute("create schema if not exists text")
    con.execute(
        "create or replace table text.feedback_translations (response_id varchar, "
        "feedback_month date, source_language varchar, language_source varchar, "
        "original_text varchar, translated_text varchar, status varchar, model_name varchar, "
        "model_version varchar, translated_at timestamp)"
    )
    con.executemany(
        "insert into text.feedback_translations (response_id, feedback_month, status, "
        "original_text, translated_text) values (?, ?, ?, ?, ?)",
        rows,
    )
    con.close()


def resources(data_dir: Path, tagger_dir: Path) -> dict:
    env = {"CXLINK_DATA_DIR": str(data_dir), "CXLINK_TAGGER_DIR": str(tagger_dir)}
    return build_resources(Settings.from_env(env))


def run(data_dir: Path, month: str, tagger_dir: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [statement_tags], partition_key=month, resources=resources(data_dir, tagger_dir)
    )


def test_asset_tags_a_partition_and_reruns_idempotently(tmp_path: Path, trained):
    model, _, directory = trained
    seed_translations(tmp_path / "warehouse.duckdb", TRANSLATIONS)

    result = run(tmp_path, "2024-03-01", directory)
    assert result.success
    meta = result.asset_materializations_for_node("text__statement_tags")[0].metadata
    assert meta["model_version"].value == model.version
    assert meta["comments_in"].value == 5  # r6 is April
    assert meta["skipped_no_model"].value == 1 and meta["skipped_empty"].value == 1
    assert meta["comments_without_statements"].value == 1

    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        for table, columns in TABLES.items():
            described = con.execute(f"describe text.{table}").fetchall()
            assert [(c[0], c[1]) for c in described] == list(columns.items())
        statements = con.execute(
            "select response_id, statement_index, statement_text, sentiment_label, model_version "
            "from text.feedback_statements order by all"
        ).fetchall()
        assert statements == [
            ("r1", 0, "Support was great", "positive", model.version),
            ("r1", 1, "Billing is a mess.", "negative", model.version),
            ("r2", 0, "Far too expensive for what we get.", "negative", model.version),
        ]
        topics = con.execute(
            "select response_id, statement_index, topic_id, parent_topic_id "
            "from text.statement_topics order by all"
        ).fetchall()
        assert ("r1", 1, "billing", "pricing") in topics
        assert ("r2", 0, "price_value", "pricing") in topics
        assert any(t[:3] == ("r1", 0, "support_quality") for t in topics)
        n_topics = con.execute("select count(*), count(*) filter (level = 1) from text.topics")
        assert n_topics.fetchone() == (len(model.taxonomy.topics), 6)
        before = con.execute(
            "select * exclude (tagged_at) from text.feedback_statements"
        ).fetchall()
        topics_before = con.execute("select * from text.statement_topics order by all").fetchall()
    finally:
        con.close()

    # a rerun replaces the partition: same rows, no duplicates; another month is untouched
    assert run(tmp_path, "2024-03-01", directory).success
    assert run(tmp_path, "2024-04-01", directory).success
    assert run(tmp_path, "2024-03-01", directory).success
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        march = con.execute(
            "select * exclude (tagged_at) from text.feedback_statements "
            "where feedback_month < '2024-04-01'"
        ).fetchall()
        assert sorted(march) == sorted(before)
        assert (
            con.execute(
                "select * from text.statement_topics where response_id <> 'r6' order by all"
            ).fetchall()
            == topics_before
        )
        assert con.execute(
            "select count(*) from text.feedback_statements where response_id = 'r6'"
        ).fetchone() == (1,)
    finally:
        con.close()


def test_asset_fails_clearly_without_an_artifact(tmp_path: Path):
    seed_translations(tmp_path / "warehouse.duckdb", TRANSLATIONS)
    result = dg.materialize(
        [statement_tags],
        partition_key="2024-03-01",
        resources=resources(tmp_path, tmp_path / "missing"),
        raise_on_error=False,
    )
    assert not result.success
    failure = result.failure_data_for_node("text__statement_tags")
    assert "make train-tagger" in str(failure.error)


def test_demo_detractors_write_more_negatively_than_promoters(tmp_path: Path, trained):
    """Demo comments (hand-written phrase banks, never seen in training): the planted sentiment
    and topic effects by score category are recovered from English comments."""
    model, _, _ = trained
    landing = tmp_path / "landing"
    generate(landing, customers=600, seed=11)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        for entity in ("customers", "feedback"):
            extract_entity(con, landing, entity)
        rows = con.execute(
            "select response_id, survey_type, score, comment from raw.feedback "
            "where comment is not null and language = 'en'"
        ).fetchall()
    finally:
        con.close()
    cuts = {"nps": (9, 7), "csat": (4, 3), "ces": (6, 4)}
    category = {}
    for rid, survey, score, _ in rows:
        promoter, passive = cuts[survey]
        category[rid] = (
            "promoter" if score >= promoter else "passive" if score >= passive else "detractor"
        )
    comments = [CommentIn(r[0], date(2024, 1, 1), "already_english", r[3], None) for r in rows]
    statements, topics, _ = tag_comments(model, comments, None)
    scores = {"promoter": [], "passive": [], "detractor": []}
    for s in statements:
        scores[category[s.response_id]].append(s.sentiment_score)
    assert min(len(v) for v in scores.values()) >= 30
    mean = {k: sum(v) / len(v) for k, v in scores.items()}
    assert mean["detractor"] < mean["passive"] < mean["promoter"]
    assert mean["promoter"] - mean["detractor"] > 0.8, mean

    # planted topic effect: detractors mention reliability more, promoters usability
    level1 = {}
    for t in topics:
        level1.setdefault(t.response_id, set()).add(t.parent_topic_id or t.topic_id)
    share = {
        (cat, topic): sum(topic in level1.get(r, ()) for r in ids) / len(ids)
        for cat in ("promoter", "detractor")
        for ids in [[r for r, c in category.items() if c == cat]]
        for topic in ("reliability", "usability")
    }
    assert share["detractor", "reliability"] > share["promoter", "reliability"] + 0.1
    assert share["promoter", "usability"] > share["detractor", "usability"] + 0.1
