"""The main job, its daily schedule, and the sensor that runs it when landing files change."""

import hashlib
import json
import os

import dagster as dg

from cxlink.extract.files import landing_fingerprint
from orchestration.resources import Warehouse

MAIN_JOB_NAME = "cxlink_main"

main_job = dg.define_asset_job(
    MAIN_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Extract every landing entity, check it, build the dbt models and marts.",
)


def daily_schedule() -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="cxlink_daily",
        job=main_job,
        cron_schedule=os.environ.get("CXLINK_SCHEDULE_CRON", "0 6 * * *"),
        execution_timezone=os.environ.get("CXLINK_SCHEDULE_TIMEZONE", "UTC"),
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Daily run of the whole pipeline (a backstop for the landing sensor).",
    )


def fingerprint_key(listing: list[tuple[str, int, int]]) -> str:
    return hashlib.sha256(json.dumps(listing).encode()).hexdigest()[:16]


@dg.sensor(
    name="cxlink_landing_sensor",
    job=main_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts a run when files are added to or changed in the landing zone.",
)
def landing_sensor(context: dg.SensorEvaluationContext, warehouse: Warehouse):
    landing_dir = warehouse.landing_dir()
    listing = landing_fingerprint(landing_dir)
    if not listing:
        return dg.SkipReason(f"no landing files under {landing_dir}")
    key = fingerprint_key(listing)
    if key == context.cursor:
        return dg.SkipReason("landing zone unchanged since the last run request")
    context.update_cursor(key)
    return dg.RunRequest(run_key=f"landing-{key}", tags={"cxlink/trigger": "landing_sensor"})
