"""dbt models as Dagster assets: staging, intermediate and marts, grouped by layer."""

from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from cxlink.runlog.warehouse_lock import wait_until_writable
from cxlink.settings import Settings
from orchestration.dbt_project import dbt_project

LAYERS = ("staging", "intermediate", "marts")


class CxlinkDbtTranslator(DagsterDbtTranslator):
    """Keys are ``<schema>/<model>``; groups are the model's layer folder.

    Sources keep the key their YAML gives them (``meta.dagster.asset_key``: ``raw/<entity>``),
    which ties them to the extract assets.
    """

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        layer = fqn[1] if len(fqn) > 2 else None
        return layer if layer in LAYERS else "marts"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=CxlinkDbtTranslator(),
    name="cxlink_dbt_models",
)
def cxlink_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, settings: dg.ResourceParam[Settings]
) -> Iterator[Any]:
    # Settings reach dbt as --vars: DbtCliResource gives its subprocess a copy of this process's
    # environment and no other, and parses --vars itself for the adapter it opens in-process,
    # so both see the same warehouse path (profiles.yml: var data_dir) and finance settings.
    vars_args = settings.dbt_vars_args()
    # dbt fails at once when another process has the warehouse open: wait out a short reader,
    # or stop here with a message naming the one that stays (cxlink.runlog.warehouse_lock)
    wait_until_writable(settings.warehouse_path)
    yield from dbt.cli(["build", *vars_args], context=context).stream()
    # The docs describe what was just built (catalog.json reads the warehouse), so they are
    # generated here rather than on demand; `make docs` serves them.
    dbt.cli(["docs", "generate", *vars_args], target_path=settings.dbt_docs_dir).wait()
    context.log.info(f"dbt docs written to {settings.dbt_docs_dir} (serve them with `make docs`)")
