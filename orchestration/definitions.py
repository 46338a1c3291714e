"""The cxlink code location: `dagster dev -m orchestration.definitions`.

Nothing here runs at import: Dagster calls ``defs`` (``@dg.definitions``) when it loads the
location, which reads the settings once; ``build_definitions(settings)`` builds everything that
depends on them (sources, schedule, sensor, resources).
"""

from __future__ import annotations

import dagster as dg

from cxlink.contract import ENTITY_ORDER
from cxlink.settings import Settings
from cxlink.sources.config import load_sources
from orchestration.automation import all_job, daily_schedule, landing_sensor, main_job, text_job
from orchestration.dbt_project import dbt_project
from orchestration.landing_changes import watched_folders
from orchestration.resources import build_resources


def build_definitions(
    settings: Settings, source_env: dict[str, str] | None = None
) -> dg.Definitions:
    """Everything the location serves. ``source_env``: where the sources read credentials
    (default: the run's environment)."""
    if not dbt_project.manifest_path.exists():
        raise FileNotFoundError(
            f"dbt manifest {dbt_project.manifest_path} is missing: run `make prepare` "
            "(dbt parse) once after cloning"
        )
    # Imported here: @dbt_assets reads the manifest when the module loads.
    from orchestration.assets.dbt import cxlink_dbt_models
    from orchestration.assets.extract import build_extract_assets
    from orchestration.assets.publish import bi_copy
    from orchestration.assets.quality import ledger_balances, quarantine_ledger
    from orchestration.assets.report import report
    from orchestration.assets.sources import build_source_asset
    from orchestration.assets.tagging import build_statement_tags
    from orchestration.assets.translation import build_feedback_translations
    from orchestration.checks.data_window import DATA_WINDOW_CHECKS
    from orchestration.checks.follow_ups import account_follow_ups_new
    from orchestration.checks.gx_checks import build_gx_asset_checks
    from orchestration.checks.topic_alerts import topic_alerts_new

    sources = load_sources(settings.sources_path)
    return dg.Definitions(
        assets=[
            *[build_source_asset(source, source_env) for source in sources.sources],
            *build_extract_assets(sources),
            quarantine_ledger,
            build_feedback_translations(),
            build_statement_tags(),
            cxlink_dbt_models,
            bi_copy,
            report,
        ],
        asset_checks=[
            *build_gx_asset_checks(ENTITY_ORDER),
            ledger_balances,
            topic_alerts_new,
            account_follow_ups_new,
            *DATA_WINDOW_CHECKS,
        ],
        jobs=[main_job, text_job, all_job],
        schedules=[daily_schedule(settings.schedule_cron, settings.schedule_timezone)],
        sensors=[landing_sensor(watched_folders(sources))],
        resources=build_resources(settings),
        # DuckDB admits one writing process per file: run every step in the run's own process.
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(Settings.from_env())
