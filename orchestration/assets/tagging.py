"""`text/statement_tags`: statements, sentiment and topics of every English comment, incrementally.

The Dagster wrapper around cxlink.tagging. It works out the tagger version of the current
labeled data and taxonomy without loading a model, reads text.feedback_translations and tags
only the comments whose English text or tagger version changed since they were last tagged
(cxlink.tagging.incremental). Only then is the tagger loaded, or trained once per version into
the shared models directory (CXLINK_TAGGER_MODELS_DIR); with nothing to tag, no model is
touched. Writes text.feedback_statements, text.statement_topics and text.topics. Run config
``full_refresh: true`` retags every comment.
"""

from datetime import UTC, datetime

import dagster as dg

from cxlink.settings import Settings
from cxlink.tagging.artifact import ArtifactError, current_version, ensure_model, load_inputs
from cxlink.tagging.incremental import TaggingPlan, plan_tagging
from cxlink.tagging.labeled import LabeledDataError
from cxlink.tagging.lexicon import LexiconError
from cxlink.tagging.pipeline import SKIPPED_STATUSES, TagStats, tag_comments
from cxlink.tagging.store import (
    count_statements,
    read_tagged,
    read_translations,
    topics_match,
    write_tags,
)
from cxlink.tagging.taxonomy import TaxonomyError
from orchestration.assets.translation import ASSET_KEY as TRANSLATIONS_KEY
from orchestration.assets.translation import TextRunConfig
from orchestration.resources import Warehouse

ASSET_KEY = dg.AssetKey(["text", "statement_tags"])
TAGGER_ERRORS = (ArtifactError, TaxonomyError, LabeledDataError, LexiconError)


def tagging_metadata(
    stats: TagStats, plan: TaggingPlan, version: str, total: int, model_dir: str | None,
    trained: bool,
) -> dict:  # fmt: skip
    topics = "\n".join(f"| {t} | {n} |" for t, n in stats.statements_by_topic.most_common())
    return {
        "dagster/row_count": total,
        "model_version": version,
        "model_dir": (
            dg.MetadataValue.path(model_dir)
            if model_dir
            else dg.MetadataValue.text("not loaded: nothing to tag")
        ),
        "model_loaded": model_dir is not None,
        "model_trained_this_run": trained,
        "comments_current": plan.current,
        "comments_removed": len(plan.removed),
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


def build_statement_tags() -> dg.AssetsDefinition:
    @dg.asset(
        key=ASSET_KEY,
        group_name="text",
        kinds={"python", "scikitlearn", "duckdb"},
        deps=[TRANSLATIONS_KEY],
        description=(
            "Every English (or translated) comment split into statements, each tagged with a "
            "sentiment score in [-1, 1] and label and with zero or more topics of the taxonomy "
            "(assets/taxonomy/topics.yaml) by its rules and a classifier trained on "
            "assets/tagging/labeled_statements.csv. Writes text.feedback_statements, "
            "text.statement_topics and text.topics; every row records the model version. "
            "Incremental: a run tags only the comments whose English text or tagger version "
            "changed; run config full_refresh: true retags all."
        ),
    )
    def statement_tags(
        context: dg.AssetExecutionContext,
        config: TextRunConfig,
        warehouse: Warehouse,
        settings: dg.ResourceParam[Settings],
    ) -> dg.MaterializeResult:
        try:
            inputs = None if settings.tagger_dir else load_inputs()
            version = current_version(settings.tagger_dir, inputs)
        except TAGGER_ERRORS as exc:
            raise dg.Failure(description=f"no usable tagger: {exc}") from exc
        taxonomy = inputs.taxonomy if inputs else None
        with warehouse.connect() as con:
            comments = read_translations(con)
            plan = plan_tagging(comments, read_tagged(con), version, config.full_refresh)
            topics_current = topics_match(con, taxonomy)
            total = count_statements(con)
        stats = TagStats()
        if plan.nothing_to_do and topics_current:
            context.log.info(
                f"nothing to tag: {len(comments)} comments, all tagged with {version} "
                "(the tagger was not loaded)"
            )
            return dg.MaterializeResult(
                metadata=tagging_metadata(stats, plan, version, total, None, False)
            )
        model = model_dir = None
        trained = False
        if plan.todo or taxonomy is None:
            try:
                model, model_dir, trained = ensure_model(
                    settings.tagger_models_dir, settings.tagger_dir, inputs=inputs
                )
            except TAGGER_ERRORS as exc:
                raise dg.Failure(description=f"no usable tagger: {exc}") from exc
            taxonomy = model.taxonomy
            (context.log.info if trained else context.log.debug)(
                f"tagger {model.version} ({'trained now' if trained else 'loaded'}) "
                f"from {model_dir}"
            )
        tagged_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        statements, topics = [], []
        if plan.todo:
            statements, topics, stats = tag_comments(model, plan.todo, tagged_at)
        with warehouse.connect() as con:
            write_tags(
                con, statements, topics, taxonomy, plan.todo, plan.removed, version, tagged_at,
                replace_all=config.full_refresh,
            )  # fmt: skip
            total = count_statements(con)
        skipped = ", ".join(f"{s} {n}" for s, n in sorted(stats.skipped_by_status.items()))
        work = (
            f"{stats.comments_in} to tag: {stats.comments_tagged} tagged into "
            f"{stats.statements} statements ({stats.statements_with_topic} with a topic), "
            f"{stats.comments_without_statements} without any statement"
            + (f", skipped {skipped}" if skipped else "")
            if plan.todo
            else "nothing to tag" + ("" if model else " (the tagger was not loaded)")
        )
        context.log.info(
            f"{len(comments)} comments: {work}"
            + (" (full refresh)" if config.full_refresh else "")
            + f"; {plan.current} already current, {len(plan.removed)} removed"
        )
        return dg.MaterializeResult(
            metadata=tagging_metadata(
                stats, plan, version, total, str(model_dir) if model_dir else None, trained
            )
        )

    return statement_tags
