"""The jobs, the daily schedule, and the sensor that runs everything when landing files change."""

import dagster as dg
import duckdb

from orchestration.landing_changes import (
    fingerprint,
    first_change,
    list_loadable,
    loaded_files,
    manifest_key,
)
from orchestration.resources import Warehouse

MAIN_JOB_NAME = "cxlink_main"
TEXT_JOB_NAME = "cxlink_text"
ALL_JOB_NAME = "cxlink_all"
TEXT_GROUP = "text"
TEXT_ASSET_NODES = ("text__feedback_translations", "text__statement_tags")

# No asset is partitioned: a run plans one materialization per asset whatever the date. The
# text assets are incremental instead (they translate and tag only what changed since the last
# run), so cxlink_all (everything, in dependency order: extract -> translate -> dbt) is what
# `cxlink run`, the schedule and the landing sensor launch.
main_job = dg.define_asset_job(
    MAIN_JOB_NAME,
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(TEXT_GROUP),
    description="Extract every landing entity, check it, build the dbt models and marts.",
)

text_job = dg.define_asset_job(
    TEXT_JOB_NAME,
    selection=dg.AssetSelection.groups(TEXT_GROUP),
    description=(
        "Re-run translation and tagging only (e.g. after installing a translation package or "
        "editing the taxonomy); run config full_refresh: true on both assets redoes every comment."
    ),
)

all_job = dg.define_asset_job(
    ALL_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description=(
        "Everything in one run: extract, check, translate and tag the new comments, build the "
        "dbt models and marts, publish (what `cxlink run` launches)."
    ),
)


def full_refresh_config() -> dict:
    """Run config that makes the text assets redo every comment instead of only what changed."""
    return {"ops": {node: {"config": {"full_refresh": True}} for node in TEXT_ASSET_NODES}}


def daily_schedule(cron: str, timezone: str) -> dg.ScheduleDefinition:
    """The daily run (settings CXLINK_SCHEDULE_CRON and CXLINK_SCHEDULE_TIMEZONE)."""
    return dg.ScheduleDefinition(
        name="cxlink_daily",
        job=all_job,
        cron_schedule=cron,
        execution_timezone=timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Daily run of the whole pipeline (a backstop for the landing sensor).",
    )


def landing_sensor(folders: dict[str, dict[str, str]]) -> dg.SensorDefinition:
    """Starts a run when a landing file the run would load (``folders``: landing folder ->
    formats, orchestration.landing_changes.watched_folders) is new or changed against the load
    manifest. Its cursor is the listing's fingerprint: an unchanged listing is skipped without
    opening the warehouse; a changed one is compared with the manifest, read-only."""

    @dg.sensor(
        name="cxlink_landing_sensor",
        job=all_job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts a run when landing files are added or changed (not yet loaded).",
    )
    def _landing(context: dg.SensorEvaluationContext, warehouse: Warehouse):
        landing_dir = warehouse.landing_dir()
        files = list_loadable(landing_dir, folders)
        if not files:
            return dg.SkipReason(f"no landing files under {landing_dir}")
        key = fingerprint(files)
        if key == context.cursor:
            return dg.SkipReason("landing files unchanged since the last check")
        try:
            with warehouse.connect(read_only=True) as con:
                loaded = loaded_files(con)
        except FileNotFoundError:
            loaded = {}  # no warehouse yet: nothing was loaded
        except duckdb.IOException as exc:
            # a run holds the write lock; the cursor stays, so the next tick looks again
            return dg.SkipReason(f"warehouse busy, checking again next tick ({exc})")
        change = first_change(files, loaded)
        context.update_cursor(key)
        if change is None:
            return dg.SkipReason(f"all {len(files)} landing files are already loaded")
        context.log.info(f"starting a run: {change}")
        return dg.RunRequest(
            run_key=f"landing-{key}-{manifest_key(files, loaded)}",
            tags={"cxlink/trigger": "landing_sensor"},
        )

    return _landing
