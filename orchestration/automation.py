"""The jobs, the daily schedule, and the sensor that runs everything when landing files change."""

import hashlib
import json

import dagster as dg

from cxlink.extract.files import landing_fingerprint
from orchestration.resources import Warehouse

MAIN_JOB_NAME = "cxlink_main"

TEXT_JOB_NAME = "cxlink_text"
ALL_JOB_NAME = "cxlink_all"
TEXT_GROUP = "text"

# The text assets (translation, tagging) are partitioned by feedback month. A run that includes
# them needs a partition range: cxlink_all (everything, in dependency order: extract ->
# translate -> dbt) is always launched over the full range of months (full_range_tags), by
# `cxlink run`, the schedule and the landing sensor. cxlink_main (everything but the text
# assets) runs without one; cxlink_text runs the text assets for chosen months (backfills).
main_job = dg.define_asset_job(
    MAIN_JOB_NAME,
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(TEXT_GROUP),
    description="Extract every landing entity, check it, build the dbt models and marts.",
)

text_job = dg.define_asset_job(
    TEXT_JOB_NAME,
    selection=dg.AssetSelection.groups(TEXT_GROUP),
    description=(
        "Translate (and tag) feedback comments, per feedback month; one run may cover a range "
        "of months (tags dagster/asset_partition_range_start and _end)."
    ),
)

all_job = dg.define_asset_job(
    ALL_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description=(
        "Everything in one run: extract, check, translate every month's comments, build the dbt "
        "models and marts. Launch it over the full range of months (`cxlink run` does)."
    ),
)


def partition_range_tags(first_key: str, last_key: str) -> dict[str, str]:
    """Run tags that make one run cover the months first_key..last_key (single-run backfill)."""
    return {
        "dagster/asset_partition_range_start": first_key,
        "dagster/asset_partition_range_end": last_key,
    }


def full_range_tags(months: dg.PartitionsDefinition) -> dict[str, str]:
    """All feedback months, from the first partition to the current one (evaluated now)."""
    return partition_range_tags(months.get_first_partition_key(), months.get_last_partition_key())


def daily_schedule(
    cron: str, timezone: str, months: dg.PartitionsDefinition
) -> dg.ScheduleDefinition:
    """The daily run (settings CXLINK_SCHEDULE_CRON and CXLINK_SCHEDULE_TIMEZONE)."""

    @dg.schedule(
        name="cxlink_daily",
        job=all_job,
        cron_schedule=cron,
        execution_timezone=timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Daily run of the whole pipeline (a backstop for the landing sensor).",
    )
    def _daily(context: dg.ScheduleEvaluationContext):
        # The range is computed at each tick, so a new month is included when it starts.
        return dg.RunRequest(tags=full_range_tags(months))

    return _daily


def fingerprint_key(listing: list[tuple[str, int, int]]) -> str:
    return hashlib.sha256(json.dumps(listing).encode()).hexdigest()[:16]


def landing_sensor(months: dg.PartitionsDefinition) -> dg.SensorDefinition:
    """Starts a run over every month when the landing zone changes."""

    @dg.sensor(
        name="cxlink_landing_sensor",
        job=all_job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts a run when files are added to or changed in the landing zone.",
    )
    def _landing(context: dg.SensorEvaluationContext, warehouse: Warehouse):
        landing_dir = warehouse.landing_dir()
        listing = landing_fingerprint(landing_dir)
        if not listing:
            return dg.SkipReason(f"no landing files under {landing_dir}")
        key = fingerprint_key(listing)
        if key == context.cursor:
            return dg.SkipReason("landing zone unchanged since the last run request")
        context.update_cursor(key)
        return dg.RunRequest(
            run_key=f"landing-{key}",
            tags={"cxlink/trigger": "landing_sensor", **full_range_tags(months)},
        )

    return _landing
