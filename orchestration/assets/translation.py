"""`text/feedback_translations`: every comment in English (or why not), partitioned by month.

The Dagster wrapper around cxlink.translate: it resolves the installed argos packages, reads the
partition range's comments from raw.feedback, runs the batched, cached pipeline and replaces
those months in text.feedback_translations. A single run can cover a range of months
(BackfillPolicy.single_run), which is how `cxlink run` translates everything at once.
"""

import dagster as dg

from cxlink.settings import Settings
from cxlink.translate.cache import DuckDBTranslationCache
from cxlink.translate.detect import DEFAULT_CANDIDATES, LanguageDetector
from cxlink.translate.engine import EngineSettings
from cxlink.translate.packages import (
    installed_packages,
    missing_models_help,
    packages_by_source,
    packages_dir,
)
from cxlink.translate.pipeline import RunStats, TranslationPipeline
from cxlink.translate.schema import STATUSES
from cxlink.translate.store import read_comments, write_translations
from orchestration.partitions import partition_window_utc
from orchestration.resources import Warehouse

ASSET_KEY = dg.AssetKey(["text", "feedback_translations"])


def translation_metadata(stats: RunStats, packages, help_text: str | None) -> dict:
    by_status = stats.by_status
    languages = sorted({lang for _, lang in stats.by_status_language})
    header = "| language | " + " | ".join(STATUSES) + " |\n|---|" + "---|" * len(STATUSES) + "\n"
    table = "".join(
        f"| {lang or '(undetermined)'} | "
        + " | ".join(str(stats.by_status_language.get((s, lang), 0)) for s in STATUSES)
        + " |\n"
        for lang in languages
    )
    metadata: dict = {
        "dagster/row_count": sum(by_status.values()),
        **{f"status_{s}": by_status.get(s, 0) for s in STATUSES},
        "by_language_and_status": dg.MetadataValue.md(header + (table or "| (none) |\n")),
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
    if stats.no_model_languages:
        metadata["no_model_by_language"] = dg.MetadataValue.json(
            {(k or "(undetermined)"): v for k, v in sorted(stats.no_model_languages.items())}
        )
    if help_text:
        metadata["models_to_supply"] = dg.MetadataValue.text(help_text)
    if stats.failures:
        metadata["failures"] = dg.MetadataValue.json(stats.failures)
    return metadata


def build_feedback_translations(months: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """The asset over the feedback months ``months`` (built from the settings' partition start)."""

    @dg.asset(
        key=ASSET_KEY,
        group_name="text",
        kinds={"python", "duckdb"},
        deps=[dg.AssetKey(["raw", "feedback"])],
        partitions_def=months,
        backfill_policy=dg.BackfillPolicy.single_run(),
        description=(
            "Every feedback comment in English: argostranslate packages run offline, batched "
            "(CTranslate2 over length-sorted sentences) and cached by (normalized text, language, "
            "package, version). One row per commented response with its source language (given or "
            "detected), original and translated text and a status: translated, already_english, "
            "no_model, empty or failed. Partitioned by feedback month."
        ),
    )
    def feedback_translations(
        context: dg.AssetExecutionContext,
        warehouse: Warehouse,
        settings: dg.ResourceParam[Settings],
    ) -> dg.MaterializeResult:
        start, end = partition_window_utc(context)
        target_dir = packages_dir()
        package_errors: list[str] = []
        installed = installed_packages(target_dir, package_errors)
        for problem in package_errors:
            context.log.warning(f"skipping an unusable package: {problem}")
        by_source = packages_by_source(installed)
        context.log.info(
            f"months {start:%Y-%m} to {end:%Y-%m} (exclusive); packages in {target_dir}: "
            + (", ".join(f"{p.name} {p.version}" for p in by_source.values()) or "none")
        )
        with warehouse.connect() as con:
            comments = read_comments(con, start, end)
            pipeline = TranslationPipeline(
                by_source,
                DuckDBTranslationCache(con),
                engine_settings=EngineSettings.from_settings(settings),
                detector=LanguageDetector(candidates=(*DEFAULT_CANDIDATES, *by_source)),
                log=context.log.info,
            )
            rows, stats = pipeline.run(comments)
            write_translations(con, rows, start, end)
        missing = [lang for lang in stats.no_model_languages if lang]
        help_text = (
            missing_models_help(missing, settings.argos_models_dir, target_dir) if missing else None
        )
        if help_text:
            context.log.warning(help_text)
        context.log.info(
            f"{len(rows)} comments: "
            + ", ".join(f"{s} {n}" for s, n in sorted(stats.by_status.items()))
            + f"; cache hits {stats.cache_hits}, {stats.engine.sentences} sentences translated"
            + (f" at {stats.sentences_per_second:.1f}/s" if stats.engine.sentences else "")
        )
        metadata = translation_metadata(stats, by_source.values(), help_text)
        if package_errors:
            metadata["package_errors"] = dg.MetadataValue.json(package_errors)
        return dg.MaterializeResult(metadata=metadata)

    return feedback_translations
