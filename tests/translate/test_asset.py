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
from orchestration.automation import full_range_tags as full_range_tags_of
from orchestration.partitions import feedback_month_partitions
from orchestration.resources import build_resources

MONTHS = feedback_month_partitions(Settings.from_env({}).partitions_start)
feedback_translations = build_feedback_translations(MONTHS)


def full_range_tags() -> dict[str, str]:
    return full_range_tags_of(MONTHS)


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


def test_translates_every_month_and_reruns_from_the_cache(
    extracted: Path, packages_dir: Path, argos_archives
):
    install_package(argos_archives["fi"], packages_dir)
    result = run(extracted, [feedback_translations], tags=full_range_tags())
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

    # a rerun translates nothing
    again = metadata_of(run(extracted, [feedback_translations], tags=full_range_tags()))
    assert again["texts_translated"] == 0
    assert again["cache_hits"] == rows["translated"]
    assert again["status_translated"] == rows["translated"]


def test_one_month_replaces_only_that_month(extracted: Path, packages_dir: Path):
    assert run(extracted, [feedback_translations], tags=full_range_tags()).success
    month, n = query(
        extracted,
        "select feedback_month, count(*) from text.feedback_translations group by 1 order by 2 desc limit 1",
    )[0]
    total = query(extracted, "select count(*) from text.feedback_translations")[0][0]
    con = duckdb.connect(str(extracted / "warehouse.duckdb"))
    con.execute("update text.feedback_translations set detail = 'old'")
    con.close()
    result = run(extracted, [feedback_translations], partition_key=month.isoformat())
    assert metadata_of(result)["dagster/row_count"] == n
    after = dict(
        query(
            extracted,
            "select feedback_month = date '" + month.isoformat() + "', count(*) "
            "from text.feedback_translations where detail is distinct from 'old' group by 1",
        )
    )
    assert after == {True: n}  # only the chosen month was rewritten
    assert query(extracted, "select count(*) from text.feedback_translations")[0][0] == total
