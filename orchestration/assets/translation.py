"""`text/feedback_translations`: every comment in English (or why not), incrementally.

The Dagster wrapper around cxlink.translate: it resolves the installed argos packages, reads
every comment of raw.feedback and the stored rows, translates only the comments without a
current translation (new or edited ones, a language whose package changed: see
cxlink.translate.incremental) with the batched, cached pipeline, and writes those rows. Run
config ``full_refresh: true`` redoes every comment (the cache still answers the texts it has).
"""

from collections import Counter

import dagster as dg

from cxlink.settings import Settings
from cxlink.translate.cache import DuckDBTranslationCache
from cxlink.translate.detect import DEFAULT_CANDIDATES, LanguageDetector
from cxlink.translate.engine import EngineSettings
from cxlink.translate.incremental import TranslationPlan, candidates_key, plan_translations
from cxlink.translate.packages import (
    installed_packages,
    missing_models_help,
    packages_by_source,
    packages_dir,
)
from cxlink.translate.pipeline import RunStats, TranslationPipeline
from cxlink.translate.schema import STATUSES
from cxlink.translate.store import (
    read_comments,
    read_state,
    read_stored,
    status_counts,
    write_translations,
)
from orchestration.resources import Warehouse

ASSET_KEY = dg.AssetKey(["text", "feedback_translations"])
CANDIDATES_STATE = "detector_candidates"


class TextRunConfig(dg.Config):
    """Run config of the text assets (no ``from __future__ import annotations`` in this module:
    Dagster reads the annotation)."""

    full_refresh: bool = False  # redo every comment, not only those without a current result


def translation_metadata(
    table: Counter, plan: TranslationPlan, stats: RunStats, packages, help_text: str | None
) -> dict:
    """``table``: (status, language) -> rows of the whole table after the run; the rest is
    this run's work."""
    by_status: Counter = Counter()
    for (status, _), n in table.items():
        by_status[status] += n
    languages = sorted({lang for _, lang in table})
    header = "| language | " + " | ".join(STATUSES) + " |\n|---|" + "---|" * len(STATUSES) + "\n"
    rows = "".join(
        f"| {lang or '(undetermined)'} | "
        + " | ".join(str(table.get((s, lang), 0)) for s in STATUSES)
        + " |\n"
        for lang in languages
    )
    metadata: dict = {
        "dagster/row_count": sum(by_status.values()),
        **{f"status_{s}": by_status.get(s, 0) for s in STATUSES},
        "comments_processed": len(plan.todo),
        "comments_current": plan.current,
        "rows_removed": len(plan.removed),
        "by_language_and_status": dg.MetadataValue.md(header + (rows or "| (none) |\n")),
        "language_source": dg.MetadataValue.json(dict(sorted(stats.language_sources.items()))),
        "cache_hits": stats.cache_hits,
        "texts_translated": stats.texts_translated,
        "sentences_translated": stats.engine.sentences,
        "translate_seconds": round(stats.engine.seconds, 3),
        "sentences_per_second": round(stats.sentences_per_second, 1),
        "installed_packages": dg.MetadataValue.json(
            {p.from_code: f"{p.name} {p.version} ({p.path})" for p in packages}
        ),
    }
    no_model = {lang: n for (status, lang), n in table.items() if status == "no_model"}
    if no_model:
        metadata["no_model_by_language"] = dg.MetadataValue.json(
            {(k or "(undetermined)"): v for k, v in sorted(no_model.items())}
        )
    if help_text:
        metadata["models_to_supply"] = dg.MetadataValue.text(help_text)
    if stats.failures:
        metadata["failures"] = dg.MetadataValue.json(stats.failures)
    return metadata


def build_feedback_translations() -> dg.AssetsDefinition:
    @dg.asset(
        key=ASSET_KEY,
        group_name="text",
        kinds={"python", "duckdb"},
        deps=[dg.AssetKey(["raw", "feedback"])],
        description=(
            "Every feedback comment in English: argostranslate packages run offline, batched "
            "(CTranslate2 over length-sorted sentences) and cached by (normalized text, language, "
            "package, version). One row per commented response with its source language (given or "
            "detected), original and translated text and a status: translated, already_english, "
            "no_model, empty or failed. Incremental: a run translates only the comments without a "
            "current row (new or edited, or their language's package changed); run config "
            "full_refresh: true redoes all."
        ),
    )
    def feedback_translations(
        context: dg.AssetExecutionContext,
        config: TextRunConfig,
        warehouse: Warehouse,
        settings: dg.ResourceParam[Settings],
    ) -> dg.MaterializeResult:
        target_dir = packages_dir()
        package_errors: list[str] = []
        installed = installed_packages(target_dir, package_errors)
        for problem in package_errors:
            context.log.warning(f"skipping an unusable package: {problem}")
        by_source = packages_by_source(installed)
        context.log.debug(
            f"packages in {target_dir}: "
            + (", ".join(f"{p.name} {p.version}" for p in by_source.values()) or "none")
        )
        detector = LanguageDetector(candidates=(*DEFAULT_CANDIDATES, *by_source))
        candidates = candidates_key(detector.candidates)
        with warehouse.connect() as con:
            comments = read_comments(con)
            same_candidates = read_state(con, CANDIDATES_STATE) == candidates
            plan = plan_translations(
                comments, read_stored(con), by_source, same_candidates, config.full_refresh
            )
            pipeline = TranslationPipeline(
                by_source,
                DuckDBTranslationCache(con),
                engine_settings=EngineSettings.from_settings(settings),
                detector=detector,
                log=context.log.info,
            )
            rows, stats = pipeline.run(plan.todo)
            write_translations(
                con, rows, plan.removed, config.full_refresh, {CANDIDATES_STATE: candidates}
            )
            table = status_counts(con)
        missing = sorted({lang for (status, lang) in table if status == "no_model" and lang})
        help_text = (
            missing_models_help(missing, settings.argos_models_dir, target_dir) if missing else None
        )
        if help_text:
            context.log.warning(help_text)
        context.log.info(
            f"{len(comments)} comments: {len(rows)} processed"
            + (" (full refresh)" if config.full_refresh else "")
            + f", {plan.current} already current, {len(plan.removed)} removed; "
            + (", ".join(f"{s} {n}" for s, n in sorted(stats.by_status.items())) or "nothing new")
            + f"; cache hits {stats.cache_hits}, {stats.engine.sentences} sentences translated"
            + (f" at {stats.sentences_per_second:.1f}/s" if stats.engine.sentences else "")
        )
        metadata = translation_metadata(table, plan, stats, by_source.values(), help_text)
        if package_errors:
            metadata["package_errors"] = dg.MetadataValue.json(package_errors)
        return dg.MaterializeResult(metadata=metadata)

    return feedback_translations
