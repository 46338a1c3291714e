"""Comments -> rows: statuses, language detection, bad input, and the cache."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from cxlink.translate.cache import DuckDBTranslationCache
from cxlink.translate.engine import EngineSettings
from cxlink.translate.packages import install_package, installed_packages, packages_by_source
from cxlink.translate.pipeline import Comment, TranslationPipeline, given_language

MONTH = date(2024, 3, 1)
T0 = datetime(2024, 4, 1, 12, 0)
T1 = datetime(2024, 5, 1, 12, 0)


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def make_pipeline(con, packages_dir: Path, clock=T0, **kwargs) -> TranslationPipeline:
    return TranslationPipeline(
        packages_by_source(installed_packages(packages_dir)),
        DuckDBTranslationCache(con),
        engine_settings=EngineSettings(inter_threads=2, intra_threads=1),
        clock=lambda: clock,
        **kwargs,
    )


def c(rid: str, text, language=None) -> Comment:
    return Comment(rid, MONTH, text, language)


def by_id(rows):
    return {r.response_id: r for r in rows}


FI_TEXT = "Hinta on liian korkea. Tuki vastasi tunnin sisällä!"
DE_TEXT = "Die Integration in unser CRM hat sofort funktioniert."
SV_TEXT = "Supporten svarade inom en timme och löste problemet direkt."


def test_every_status(con, fi_de_installed: Path):
    comments = [
        c("fi", FI_TEXT, "fi"),
        c("de-region", DE_TEXT, "de-AT"),
        c("en", "Great support, thank you.", "en"),
        c("sv", SV_TEXT, "sv"),  # no sv package installed
        c("blank", "   \n ", "fi"),
        c("emoji", "😀👍🎉", None),
        c("digits", "10/10 !!!", "de"),
    ]
    rows, stats = make_pipeline(con, fi_de_installed).run(comments)
    got = by_id(rows)
    assert {k: r.status for k, r in got.items()} == {
        "fi": "translated",
        "de-region": "translated",
        "en": "already_english",
        "sv": "no_model",
        "blank": "empty",
        "emoji": "empty",
        "digits": "empty",
    }
    assert [r.response_id for r in rows] == [x.response_id for x in comments]
    fi = got["fi"]
    assert (fi.model_name, fi.model_version, fi.source_language, fi.language_source) == (
        "translate-fi_en", "1.0", "fi", "given",
    )  # fmt: skip
    assert fi.translated_text and fi.translated_text != FI_TEXT and fi.original_text == FI_TEXT
    assert got["de-region"].source_language == "de"
    # no_model keeps the text, names the package it needs, and is counted per language
    sv = got["sv"]
    assert sv.translated_text == SV_TEXT and sv.model_name is None
    assert "translate-sv_en" in sv.detail
    assert stats.no_model_languages == {"sv": 1}
    assert stats.by_status == {"translated": 2, "already_english": 1, "no_model": 1, "empty": 3}
    assert stats.engine.sentences == 3 and stats.texts_translated == 2


def test_language_is_detected_when_missing(con, fi_de_installed: Path):
    comments = [
        c("fi", "Tuki vastasi tunnin sisällä ja ratkaisi ongelman heti ensimmäisellä kerralla."),
        c("en", "The support team answered within an hour and fixed the problem."),
        c("sv", "Supporten svarade inom en timme och löste problemet direkt."),
        c("unsure", "ok"),
        c("blank-language", FI_TEXT, "  "),
    ]
    got = by_id(make_pipeline(con, fi_de_installed).run(comments)[0])
    assert (got["fi"].source_language, got["fi"].language_source, got["fi"].status) == (
        "fi", "detected", "translated",
    )  # fmt: skip
    assert got["fi"].detection_confidence > 0.8
    assert (got["en"].source_language, got["en"].status) == ("en", "already_english")
    assert (got["sv"].source_language, got["sv"].status) == ("sv", "no_model")
    # too short to tell: recorded as undetermined, the text flows on untranslated
    unsure = got["unsure"]
    assert (unsure.source_language, unsure.language_source, unsure.status) == (
        None,
        "none",
        "no_model",
    )
    assert "not detected" in unsure.detail and unsure.detection_confidence < 0.8
    assert got["blank-language"].language_source == "detected"


def test_bad_comments_never_fail_the_batch(con, fi_de_installed: Path):
    huge = "Hinta on liian korkea. " * 2000
    comments = [
        c("huge", huge, "fi"),
        c("binary", "\x00\x01\x02\xff\ufffe Hinta\x07 on korkea.\x1b", "fi"),
        c("surrogate", "Hinta \ud800 on korkea.", "fi"),
        c("mixed", "Hinta on 高すぎる and way too high, слишком дорого.", "fi"),
        c("none", None, "fi"),
        c("ok", FI_TEXT, "fi"),
    ]
    rows, stats = make_pipeline(con, fi_de_installed, max_chars=10_000).run(comments)
    got = by_id(rows)
    assert got["huge"].status == "failed" and "too long" in got["huge"].detail
    assert got["huge"].translated_text == huge  # the original flows on
    for rid in ("binary", "surrogate", "mixed", "ok"):
        assert got[rid].status == "translated", rid
    assert got["none"].status == "empty"
    assert stats.failures == [f"huge: {got['huge'].detail}"]


def test_given_language_codes():
    assert [given_language(v) for v in ("FI", " pt-BR ", "de_AT", "", None, "12", "english")] == [
        "fi", "pt", "de", None, None, None, None,
    ]  # fmt: skip


def test_rerun_and_repeated_text_hit_the_cache(con, fi_de_installed: Path):
    first = [c("a", FI_TEXT, "fi"), c("b", DE_TEXT, "de")]
    rows1, stats1 = make_pipeline(con, fi_de_installed, clock=T0).run(first)
    assert (stats1.cache_hits, stats1.texts_translated) == (0, 2)
    # a rerun, plus a new comment whose text differs only in spacing from an old one
    again = [*first, c("c", f"  {FI_TEXT.replace(' ', '  ')}  ", "fi")]
    rows2, stats2 = make_pipeline(con, fi_de_installed, clock=T1).run(again)
    assert (stats2.cache_hits, stats2.texts_translated, stats2.engine.sentences) == (3, 0, 0)
    got = by_id(rows2)
    assert got["c"].translated_text == got["a"].translated_text == by_id(rows1)["a"].translated_text
    assert got["c"].translated_at == T0  # when it was translated, not when it was looked up
    assert DuckDBTranslationCache(con).count() == 2


def test_a_new_package_version_retranslates_only_its_language(
    con, fi_de_installed: Path, argos_archives
):
    comments = [c("a", FI_TEXT, "fi"), c("b", DE_TEXT, "de")]
    make_pipeline(con, fi_de_installed, clock=T0).run(comments)
    install_package(argos_archives["fi-1.1"], fi_de_installed)
    rows, stats = make_pipeline(con, fi_de_installed, clock=T1).run(comments)
    got = by_id(rows)
    assert (stats.cache_hits, stats.texts_translated) == (1, 1)
    assert (got["a"].model_version, got["a"].translated_at) == ("1.1", T1)
    assert (got["b"].model_version, got["b"].translated_at) == ("1.0", T0)
