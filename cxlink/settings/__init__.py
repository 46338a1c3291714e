"""Every ``CXLINK_*`` setting: declared, defaulted, validated and documented in this package.

An entry point (the ``cxlink`` CLI, the Dagster code location, ``python -m cxlink.translate``,
the tagger trainer, the benchmarks) reads the environment once with ``Settings.from_env()`` and
passes the object, or plain values from it, down. Nothing else reads ``CXLINK_*`` variables and
nothing is read at import time. A bad value fails there, with one sentence naming the variable,
the value and what is allowed. ``python -m cxlink.settings`` (or ``cxlink settings``) prints the
table of every setting with its default and current value; README.md's table lists the same.

dbt gets its settings as ``--vars`` (``Settings.dbt_vars``); dbt_project.yml and profiles.yml
keep the same defaults (a test holds them equal) for standalone ``dbt`` runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cxlink.settings.declared import DECLARED, Setting
from cxlink.settings.layout import DBT_PROJECT_DIR, DEFAULT_DATA_DIR, PROJECT_ROOT, DataLayout
from cxlink.settings.parsers import as_text

__all__ = [
    "DBT_PROJECT_DIR",
    "DECLARED",
    "DEFAULT_DATA_DIR",
    "PROJECT_ROOT",
    "DataLayout",
    "Setting",
    "Settings",
    "SettingsError",
    "render_table",
]


class SettingsError(ValueError):
    """One or more settings have a value outside their allowed values."""


@dataclass(frozen=True)
class Settings:
    """The resolved settings: build it with ``from_env`` (meanings and defaults: ``DECLARED``)."""

    data_dir: Path
    as_of_date: date | None
    reporting_currency: str
    cac_lag_months: int
    gross_margin: float
    clv_window_months: int
    clv_lifetime: str
    rmst_horizon_months: int
    linkage_horizon_months: int
    alert_fdr: float
    duckdb_threads: int
    partitions_start: date
    schedule_cron: str
    schedule_timezone: str
    argos_models: Path | None
    translate_beam_size: int
    translate_batch_size: int
    translate_intra_threads: int
    translate_inter_threads: int
    translate_compute_type: str
    tagger_dir: Path | None
    bench_dir: Path
    bench_cache: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and check every declared setting; SettingsError names each bad one."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        errors: list[str] = []
        for setting in DECLARED:
            text = (env.get(setting.name) or "").strip() or setting.default
            try:
                values[setting.attr] = setting.parse(text)
            except ValueError:
                errors.append(f"{setting.name}={text!r} is not allowed: use {setting.allowed}.")
        if errors:
            raise SettingsError(" ".join(errors))
        # Derived defaults: on a few CPU cores, parallel batches beat threads inside a batch.
        cores = os.cpu_count() or 1
        if values["translate_intra_threads"] is None:
            values["translate_intra_threads"] = 1 if cores <= 8 else 2
        if values["translate_inter_threads"] is None:
            values["translate_inter_threads"] = max(1, cores // values["translate_intra_threads"])
        return cls(**values)

    @property
    def layout(self) -> DataLayout:
        return DataLayout(self.data_dir)

    @property
    def landing_dir(self) -> Path:
        return self.layout.landing_dir

    @property
    def warehouse_path(self) -> Path:
        return self.layout.warehouse_path

    @property
    def dbt_docs_dir(self) -> Path:
        return self.layout.dbt_docs_dir

    @property
    def tagger_models_dir(self) -> Path:
        return self.layout.tagger_models_dir

    @property
    def argos_models_dir(self) -> Path:
        return self.argos_models or self.layout.argos_models_dir

    def text(self, setting: Setting) -> str:
        """A setting's value as text (what dbt gets; "" for an unset optional one)."""
        return as_text(getattr(self, setting.attr))

    def dbt_vars(self) -> dict[str, str]:
        """What dbt gets as ``--vars``: the project vars of dbt_project.yml, as text (as its
        ``env_var`` defaults give them), plus the two profiles.yml reads (``data_dir``,
        ``duckdb_threads``)."""
        project = {s.dbt_var: self.text(s) for s in DECLARED if s.dbt_var}
        profile = {"data_dir": str(self.data_dir), "duckdb_threads": str(self.duckdb_threads)}
        return {**project, **profile}

    def dbt_vars_args(self) -> list[str]:
        """``["--vars", <JSON>]`` for a dbt command."""
        return ["--vars", json.dumps(self.dbt_vars(), sort_keys=True)]

    def table(self) -> list[tuple[str, str, str, str]]:
        """(variable, default, current value, meaning) of every setting."""
        return [(s.name, s.default_text, self.text(s), s.doc) for s in DECLARED]


def render_table(settings: Settings) -> str:
    lines = ["| variable | default | current | meaning |", "|---|---|---|---|"]
    lines += [f"| `{n}` | {d} | `{c}` | {m} |" for n, d, c, m in settings.table()]
    return "\n".join(lines)
