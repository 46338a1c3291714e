"""The Dagster asset end to end: demo landing zone -> raw.feedback -> text.feedback_translations."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from cxlink.demo import generate
from cxlink.settings import Settings
from cxlink.translate.packages import install_package
from orchestration.assets.extract import extract_assets
from orchestration.assets.translation import build_feedback_translations
from orchestration.resources import build_resources

feedback_translations = build_feedback_translations()
FULL_REFRESH = {"ops": {"text__feedback_translations": {"config": {"full_refresh": True}}}}


def run(data_dir: Path, assets, **kwargs) -> dg.ExecuteInProcessResult:
    settings = Settings.from_env({"CXLINK_DATA_DIR": str(data_dir)})
    return dg.materialize(assets, resources=build_resources(settings), **kwargs)


def metadata_of(result: dg.ExecuteInProcessResult) -> dict:
    events = result.get_asset_materialization_events()
    mats = [e.materialization for e in events if e.asset_key == feedback_translations.key]
    return {k: v.value for k, v in mats[-1].metadata.items()}


def query(data_dir: Path, sql: str):
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def extracted(tmp_path: Path) -> Path:
    generate(tmp_path / "landing", customers=60, seed=7)
    assert run(tmp_path, extract_assets).success
    return tmp_path


def execute(data_dir: Path, sql: str) -> None:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    try:
        con.execute(sql)
    finally:
        con.close()


def test_translates_every_comment_and_reruns_from_the_cache(
    extracted: Path, packages_dir: Path, argos_archives
):
    install_package(argos_archives["fi"], packages_dir)
    result = run(extracted, [feedback_translations])
    assert result.success
    meta = metadata_of(result)

    commented = query(extracted, "select count(*) from raw.feedback where comment is not null")[0][
        0
    ]
    rows = dict(
        query(extracted, "select status, count(*) from text.feedback_translations group by 1")
    )
    assert sum(rows.values()) == commented > 100
    assert meta["dagster/row_count"] == commented
    assert {s: meta[f"status_{s}"] for s in rows} == rows
    # Finnish is translated by the installed package; the other languages are no_model
    by_lang = dict(
        query(
            extracted,
            "select source_language, list(distinct status order by status) "
            "from text.feedback_translations where source_language is not null group by 1",
        )
    )
    assert by_lang["fi"] == ["translated"] and by_lang["en"] == ["already_english"]
    assert by_lang["de"] == by_lang["sv"] == ["no_model"]
    assert "translate-de_en-1_0.argosmodel" in meta["models_to_supply"]
    # rows without a language were detected (or recorded as undetermined)
    sources = dict(
        query(
            extracted, "select language_source, count(*) from text.feedback_translations group by 1"
        )
    )
    assert sources.get("detected", 0) > 0
    # every row sits in its response's month and keeps the response's text
    mismatched = query(
        extracted,
        "select count(*) from text.feedback_translations t join raw.feedback f using (response_id) "
        "where t.feedback_month <> date_trunc('month', f.responded_at) "
        "or t.original_text is distinct from f.comment",
    )
    assert mismatched == [(0,)]

    assert meta["comments_processed"] == commented and meta["comments_current"] == 0

    # a rerun has nothing to do; a full refresh redoes every comment, from the cache
    again = metadata_of(run(extracted, [feedback_translations]))
    assert (again["comments_processed"], again["comments_current"]) == (0, commented)
    assert again["status_translated"] == rows["translated"]
    full = metadata_of(run(extracted, [feedback_translations], run_config=FULL_REFRESH))
    assert full["comments_processed"] == commented
    assert full["texts_translated"] == 0 and full["cache_hits"] == rows["translated"]


def test_a_run_translates_only_new_edited_and_newly_translatable_comments(
    extracted: Path, packages_dir: Path, argos_archives
):
    install_package(argos_archives["fi"], packages_dir)
    assert run(extracted, [feedback_translations]).success
    commented = query(extracted, "select count(*) from raw.feedback where comment is not null")
    commented = commented[0][0]
    # one Finnish comment edited, one comment deleted, one comment added
    (fi_id,) = query(
        extracted,
        "select min(response_id) from text.feedback_translations where status = 'translated'",
    )[0]
    (gone_id,) = query(
        extracted,
        f"select max(response_id) from raw.feedback where comment is not null "
        f"and response_id <> '{fi_id}'",
    )[0]
    execute(extracted, f"update raw.feedback set comment = comment || ' Kiitos.' "
                       f"where response_id = '{fi_id}'")  # fmt: skip
    execute(extracted, f"update raw.feedback set comment = null where response_id = '{gone_id}'")
    execute(
        extracted,
        "insert into raw.feedback select * replace ('zz-new' as response_id, "
        "'Great support, thanks!' as comment, 'en' as language) from raw.feedback limit 1",
    )
    meta = metadata_of(run(extracted, [feedback_translations]))
    assert (meta["comments_processed"], meta["rows_removed"]) == (2, 1)
    assert meta["comments_current"] == commented - 2
    assert meta["texts_translated"] == 1  # the edited Finnish text; the new one is English
    assert query(
        extracted,
        f"select count(*) from text.feedback_translations where response_id = '{gone_id}'",
    ) == [(0,)]

    # a package installed since: its language's comments, and only those, are translated now
    de_comments = query(
        extracted,
        "select count(*) from text.feedback_translations where source_language = 'de'",
    )[0][0]
    assert de_comments > 0
    install_package(argos_archives["de"], packages_dir)
    meta = metadata_of(run(extracted, [feedback_translations]))
    assert meta["comments_processed"] == de_comments
    assert query(
        extracted,
        "select distinct status from text.feedback_translations where source_language = 'de'",
    ) == [("translated",)]
