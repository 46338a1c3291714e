"""dbt models as Dagster assets: staging, intermediate and marts, grouped by layer."""

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.dbt_project import dbt_project
from orchestration.resources import Warehouse

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


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set variables for the dbt subprocess started inside the block, then restore them."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=CxlinkDbtTranslator(),
    name="cxlink_dbt_models",
)
def cxlink_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse
) -> Iterator[Any]:
    # The profile reads CXLINK_DATA_DIR; hand dbt the absolute path this run resolved so dbt
    # and the extract assets always open the same warehouse file.
    settings = warehouse.settings()
    with environment({**settings.dbt_env(), "DO_NOT_TRACK": "1"}):
        invocation = dbt.cli(["build"], context=context)
        yield from invocation.stream()
        # The docs describe what was just built (catalog.json reads the warehouse), so they are
        # generated here rather than on demand; `make docs` serves them.
        dbt.cli(["docs", "generate"], target_path=settings.dbt_docs_dir).wait()
    context.log.info(f"dbt docs written to {settings.dbt_docs_dir} (serve them with `make docs`)")
