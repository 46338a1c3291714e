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
from orchestration.assets import tagging as tagging_asset
from orchestration.assets.tagging import build_statement_tags
from orchestration.resources import build_resources

statement_tags = build_statement_tags()

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


def resources(data_dir: Path, tagger_dir: Path | None = None, models_dir: Path | None = None):
    env = {"CXLINK_DATA_DIR": str(data_dir)}
    if tagger_dir:
        env["CXLINK_TAGGER_DIR"] = str(tagger_dir)
    if models_dir:
        env["CXLINK_TAGGER_MODELS_DIR"] = str(models_dir)
    return build_resources(Settings.from_env(env))


def run(data_dir: Path, tagger_dir: Path | None = None, **kwargs) -> dict:
    """Materialize the asset; its metadata."""
    result = dg.materialize(
        [statement_tags], resources=kwargs.pop("resources", None) or resources(data_dir, tagger_dir),
        **kwargs,
    )  # fmt: skip
    assert result.success
    meta = result.asset_materializations_for_node("text__statement_tags")[0].metadata
    return {k: v.value for k, v in meta.items()}


def rows(warehouse: Path, sql: str):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def execute(warehouse: Path, sql: str) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(sql)
    finally:
        con.close()


STATEMENTS = "select * exclude (tagged_at) from text.feedback_statements order by all"


def test_asset_tags_every_comment_and_reruns_idempotently(tmp_path: Path, trained):
    model, _, directory = trained
    warehouse = tmp_path / "warehouse.duckdb"
    seed_translations(warehouse, TRANSLATIONS)

    meta = run(tmp_path, directory)
    assert meta["model_version"] == model.version and meta["model_loaded"]
    assert meta["comments_in"] == 6 and meta["comments_current"] == 0
    assert meta["skipped_no_model"] == 1 and meta["skipped_empty"] == 1
    assert meta["comments_without_statements"] == 1

    con = duckdb.connect(str(warehouse), read_only=True)
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
            ("r6", 0, "The app is painfully slow.", "negative", model.version),
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
        before = con.execute(STATEMENTS).fetchall()
        topics_before = con.execute("select * from text.statement_topics order by all").fetchall()
    finally:
        con.close()

    # a rerun with nothing new loads no tagger and leaves every row as it was
    again = run(tmp_path, directory)
    assert (again["comments_in"], again["comments_current"]) == (0, 6)
    assert not again["model_loaded"] and not again["model_trained_this_run"]
    assert rows(warehouse, STATEMENTS) == before
    assert rows(warehouse, "select * from text.statement_topics order by all") == topics_before

    # a full refresh retags every comment into the same rows
    full = run(
        tmp_path, directory,
        run_config={"ops": {"text__statement_tags": {"config": {"full_refresh": True}}}},
    )  # fmt: skip
    assert full["comments_in"] == 6
    assert rows(warehouse, STATEMENTS) == before
    assert rows(warehouse, "select * from text.statement_topics order by all") == topics_before


def test_only_changed_translations_and_other_model_versions_are_tagged_again(
    tmp_path: Path, trained
):
    model, _, directory = trained
    warehouse = tmp_path / "warehouse.duckdb"
    seed_translations(warehouse, TRANSLATIONS)
    run(tmp_path, directory)
    execute(
        warehouse,
        "update text.feedback_translations set translated_text = 'The support was slow.' "
        "where response_id = 'r2'",
    )
    execute(warehouse, "delete from text.feedback_translations where response_id = 'r6'")
    execute(
        warehouse,
        "update text.tagged_comments set model_version = 'tagger-older' where response_id = 'r1'",
    )
    meta = run(tmp_path, directory)
    assert (meta["comments_in"], meta["comments_current"], meta["comments_removed"]) == (2, 3, 1)
    assert rows(
        warehouse, "select response_id, statement_text from text.feedback_statements order by all"
    ) == [
        ("r1", "Billing is a mess."),
        ("r1", "Support was great"),
        ("r2", "The support was slow."),
    ]
    assert rows(warehouse, "select distinct response_id from text.statement_topics order by 1") == [
        ("r1",),
        ("r2",),
    ]
    assert rows(warehouse, "select distinct model_version from text.tagged_comments") == [
        (model.version,)
    ]


def test_nothing_to_tag_loads_and_trains_no_model(tmp_path: Path, monkeypatch):
    """Zero comments on a fresh data dir and an empty models directory: the tables exist for
    dbt, text.topics holds the taxonomy, and no tagger was loaded or trained."""

    def no_model(*args, **kwargs):
        raise AssertionError("the tagger was loaded or trained with nothing to tag")

    monkeypatch.setattr(tagging_asset, "ensure_model", no_model)
    models = tmp_path / "models"
    meta = run(tmp_path, resources=resources(tmp_path / "data", models_dir=models))
    assert (meta["comments_in"], meta["dagster/row_count"]) == (0, 0)
    assert not meta["model_loaded"] and not meta["model_trained_this_run"]
    assert not models.exists()
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    assert rows(warehouse, "select count(*) from text.feedback_statements") == [(0,)]
    assert rows(warehouse, "select count(*) from text.topics")[0][0] > 6
    again = run(tmp_path, resources=resources(tmp_path / "data", models_dir=models))
    assert not again["model_loaded"]


def test_asset_fails_clearly_without_an_artifact(tmp_path: Path):
    seed_translations(tmp_path / "warehouse.duckdb", TRANSLATIONS)
    result = dg.materialize(
        [statement_tags], resources=resources(tmp_path, tmp_path / "missing"), raise_on_error=False
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
