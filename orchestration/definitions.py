"""The cxlink code location: `dagster dev -m orchestration.definitions`."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from cxlink.contract import ENTITY_ORDER
from orchestration.automation import all_job, daily_schedule, landing_sensor, main_job, text_job
from orchestration.dbt_project import dbt_project
from orchestration.resources import Warehouse, dbt_executable


def build_definitions() -> dg.Definitions:
    if not dbt_project.manifest_path.exists():
        raise FileNotFoundError(
            f"dbt manifest {dbt_project.manifest_path} is missing: run `make prepare` "
            "(dbt parse) once after cloning"
        )
    # Imported here: @dbt_assets reads the manifest when the module loads.
    from orchestration.assets.dbt import cxlink_dbt_models
    from orchestration.assets.extract import extract_assets
    from orchestration.assets.publish import bi_copy
    from orchestration.assets.quality import ledger_balances, quarantine_ledger
    from orchestration.assets.tagging import statement_tags
    from orchestration.assets.translation import feedback_translations
    from orchestration.checks.gx_checks import build_gx_asset_checks
    from orchestration.checks.topic_alerts import topic_alerts_new

    return dg.Definitions(
        assets=[
            *extract_assets,
            quarantine_ledger,
            feedback_translations,
            statement_tags,
            cxlink_dbt_models,
            bi_copy,
        ],
        asset_checks=[*build_gx_asset_checks(ENTITY_ORDER), ledger_balances, topic_alerts_new],
        jobs=[main_job, text_job, all_job],
        schedules=[daily_schedule()],
        sensors=[landing_sensor],
        resources={
            "warehouse": Warehouse(),
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
        },
        # DuckDB admits one writing process per file: run every step in the run's own process.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
