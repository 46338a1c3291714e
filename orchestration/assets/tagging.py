"""`text/statement_tags`: statements, sentiment and topics of every English comment, by month.

The Dagster wrapper around cxlink.tagging: it loads (or, the first time, trains) the tagger for
the current labeled data and taxonomy, reads the partition range's rows of
text.feedback_translations, tags them and replaces those months in text.feedback_statements and
text.statement_topics; text.topics is rewritten from the taxonomy.
"""

from datetime import UTC, datetime

import dagster as dg

from cxlink.settings import Settings
from cxlink.tagging.artifact import ArtifactError, ensure_model
from cxlink.tagging.labeled import LabeledDataError
from cxlink.tagging.lexicon import LexiconError
from cxlink.tagging.pipeline import SKIPPED_STATUSES, TagStats, tag_comments
from cxlink.tagging.store import read_translations, write_tags
from cxlink.tagging.taxonomy import TaxonomyError
from orchestration.assets.translation import ASSET_KEY as TRANSLATIONS_KEY
from orchestration.partitions import partition_window_utc
from orchestration.resources import Warehouse

ASSET_KEY = dg.AssetKey(["text", "statement_tags"])


def tagging_metadata(stats: TagStats, version: str, model_dir: str, trained: bool) -> dict:
    topics = "\n".join(f"| {t} | {n} |" for t, n in stats.statements_by_topic.most_common())
    return {
        "dagster/row_count": stats.statements,
        "model_version": version,
        "model_dir": dg.MetadataValue.path(model_dir),
        "model_trained_this_run": trained,
        "comments_in": stats.comments_in,
        "comments_tagged": stats.comments_tagged,
        "comments_without_statements": stats.comments_without_statements,
        **{f"skipped_{s}": stats.skipped_by_status.get(s, 0) for s in SKIPPED_STATUSES},
        "statements": stats.statements,
        "statements_with_topic": stats.statements_with_topic,
        **{f"sentiment_{k}": v for k, v in sorted(stats.statements_by_label.items())},
        "topic_tags_by_source": dg.MetadataValue.json(dict(stats.topic_rows_by_source)),
        "statements_by_topic": dg.MetadataValue.md(
            "| topic | statements |\n|---|---|\n" + (topics or "| (none) | 0 |")
        ),
    }


def build_statement_tags(months: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    """The asset over the feedback months ``months`` (the translations' partitions)."""

    @dg.asset(
        key=ASSET_KEY,
        group_name="text",
        kinds={"python", "scikitlearn", "duckdb"},
        deps=[TRANSLATIONS_KEY],
        partitions_def=months,
        backfill_policy=dg.BackfillPolicy.single_run(),
        description=(
            "Every English (or translated) comment split into statements, each tagged with a "
            "sentiment score in [-1, 1] and label and with zero or more topics of the taxonomy "
            "(assets/taxonomy/topics.yaml) by its rules and a classifier trained on "
            "assets/tagging/labeled_statements.csv. Writes text.feedback_statements, "
            "text.statement_topics and text.topics; every row records the model version. "
            "Partitioned by feedback month; a rerun replaces its months."
        ),
    )
    def statement_tags(
        context: dg.AssetExecutionContext,
        warehouse: Warehouse,
        settings: dg.ResourceParam[Settings],
    ) -> dg.MaterializeResult:
        start, end = partition_window_utc(context)
        try:
            model, model_dir, trained = ensure_model(
                settings.tagger_models_dir, settings.tagger_dir
            )
        except (ArtifactError, TaxonomyError, LabeledDataError, LexiconError) as exc:
            raise dg.Failure(description=f"no usable tagger: {exc}") from exc
        context.log.info(
            f"tagger {model.version} ({'trained now' if trained else 'loaded'}) from {model_dir}; "
            f"months {start:%Y-%m} to {end:%Y-%m} (exclusive)"
        )
        tagged_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        with warehouse.connect() as con:
            comments = read_translations(con, start.date(), end.date())
            statements, topics, stats = tag_comments(model, comments, tagged_at)
            write_tags(con, statements, topics, model.taxonomy, start.date(), end.date())
        skipped = ", ".join(f"{s} {n}" for s, n in sorted(stats.skipped_by_status.items()))
        context.log.info(
            f"{stats.comments_in} comments: {stats.comments_tagged} tagged into {stats.statements} "
            f"statements ({stats.statements_with_topic} with a topic), "
            f"{stats.comments_without_statements} without any statement"
            + (f"; skipped {skipped}" if skipped else "")
        )
        return dg.MaterializeResult(
            metadata=tagging_metadata(stats, model.version, str(model_dir), trained)
        )

    return statement_tags
