"""The configured health score's weights and cut-offs, one row per segment x tenure stage x
indicator (docs/metrics.md "Customer health and closing the loop", Health score). Read from the
YAML file of var ``health_score_config`` (env CXLINK_HEALTH_SCORE_CONFIG; empty: the shipped
assets/health/health_score.yml; int_health__config_file) and validated by ``cxlink.health.config``: a bad file stops the
build with one sentence per problem, naming the file and the key. Segment ``*`` holds every
segment no override names. The scales and ``score_version`` (a hash of the normalised
configuration) are on every row."""

import pandas as pd

from cxlink.health.config import SCALES, load_config


def model(dbt, session):
    dbt.config(materialized="table")
    # the path comes rendered from a SQL model: in a standalone dbt run a var set from an
    # env_var reaches a Python model's config as its unrendered text
    file_relation = dbt.ref("int_health__config_file")
    path = str(file_relation.df()["config_path"].iloc[0] or "").strip()
    config = load_config(path or None)
    frame = pd.DataFrame(config.rows())
    scales = ", ".join(
        f"cast({name} as {'integer' if kind is int else 'double'}) as {name}"
        for name, (_, kind, _, _) in SCALES.items()
    )
    return session.from_df(frame).project(
        "cast(segment as varchar) as segment, cast(tenure_stage as varchar) as tenure_stage, "
        "cast(indicator as varchar) as indicator, cast(indicator_order as integer) as "
        "indicator_order, cast(weight as double) as weight, cast(green_min as double) as "
        "green_min, cast(red_below as double) as red_below, cast(onboarding_months as integer) "
        f"as onboarding_months, {scales}, cast(score_version as varchar) as score_version"
    )
