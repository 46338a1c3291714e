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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cxlink.errors import UserError
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
    "environment_with_data_dir",
    "render_table",
]


def _declared(attr: str) -> Callable[[], Any]:
    """A field's default: its declared default, parsed (so ``Settings(data_dir=...)`` works)."""
    setting = next(s for s in DECLARED if s.attr == attr)
    return lambda: setting.parse(setting.default)


class SettingsError(UserError):
    """One or more settings have a value outside their allowed values."""


@dataclass(frozen=True)
class Settings:
    """The resolved settings: build it with ``from_env`` (meanings and defaults: ``DECLARED``;
    a field left out takes its declared default)."""

    data_dir: Path = field(default_factory=_declared("data_dir"))
    sources_file: Path | None = field(default_factory=_declared("sources_file"))
    keep_removed_files: bool = field(default_factory=_declared("keep_removed_files"))
    as_of_date: date | None = field(default_factory=_declared("as_of_date"))
    history_starts_at: date | None = field(default_factory=_declared("history_starts_at"))
    reporting_currency: str = field(default_factory=_declared("reporting_currency"))
    cac_lag_months: int = field(default_factory=_declared("cac_lag_months"))
    gross_margin: float = field(default_factory=_declared("gross_margin"))
    clv_window_months: int = field(default_factory=_declared("clv_window_months"))
    clv_lifetime: str = field(default_factory=_declared("clv_lifetime"))
    rmst_horizon_months: int = field(default_factory=_declared("rmst_horizon_months"))
    linkage_horizon_months: int = field(default_factory=_declared("linkage_horizon_months"))
    clv_holdout_weeks: int = field(default_factory=_declared("clv_holdout_weeks"))
    csat_as_nps: str = field(default_factory=_declared("csat_as_nps"))
    csat_nps_mapping: str = field(default_factory=_declared("csat_nps_mapping"))
    ces_easy_end: str = field(default_factory=_declared("ces_easy_end"))
    alert_fdr: float = field(default_factory=_declared("alert_fdr"))
    follow_up_lookback_days: int = field(default_factory=_declared("follow_up_lookback_days"))
    follow_up_min_arr: int = field(default_factory=_declared("follow_up_min_arr"))
    urgent_ticket_hours: int = field(default_factory=_declared("urgent_ticket_hours"))
    health_score_config: Path | None = field(default_factory=_declared("health_score_config"))
    health_churn_horizon_months: int = field(
        default_factory=_declared("health_churn_horizon_months")
    )
    duckdb_threads: int = field(default_factory=_declared("duckdb_threads"))
    schedule_cron: str = field(default_factory=_declared("schedule_cron"))
    schedule_timezone: str = field(default_factory=_declared("schedule_timezone"))
    keep_runs: int = field(default_factory=_declared("keep_runs"))
    csv_dialect: str = field(default_factory=_declared("csv_dialect"))
    argos_models: Path | None = field(default_factory=_declared("argos_models"))
    translate_beam_size: int = field(default_factory=_declared("translate_beam_size"))
    translate_batch_size: int = field(default_factory=_declared("translate_batch_size"))
    translate_intra_threads: int = field(default_factory=_declared("translate_intra_threads"))
    translate_inter_threads: int = field(default_factory=_declared("translate_inter_threads"))
    translate_compute_type: str = field(default_factory=_declared("translate_compute_type"))
    tagger_models: Path | None = field(default_factory=_declared("tagger_models"))
    tagger_dir: Path | None = field(default_factory=_declared("tagger_dir"))
    bench_dir: Path = field(default_factory=_declared("bench_dir"))
    bench_cache: Path = field(default_factory=_declared("bench_cache"))

    def __post_init__(self) -> None:
        # Derived defaults: on a few CPU cores, parallel batches beat threads inside a batch.
        cores = os.cpu_count() or 1
        if self.translate_intra_threads is None:
            object.__setattr__(self, "translate_intra_threads", 1 if cores <= 8 else 2)
        if self.translate_inter_threads is None:
            inter = max(1, cores // self.translate_intra_threads)
            object.__setattr__(self, "translate_inter_threads", inter)

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
    def sources_path(self) -> Path:
        """The sources file: CXLINK_SOURCES, else ``sources.yml`` in the data directory."""
        return self.sources_file or self.layout.sources_path

    @property
    def dbt_docs_dir(self) -> Path:
        return self.layout.dbt_docs_dir

    @property
    def tagger_models_dir(self) -> Path:
        """Trained taggers (``tagger-<version>/``): CXLINK_TAGGER_MODELS_DIR, else the per-user
        cache, so a new data directory reuses the model trained for another."""
        return self.tagger_models or user_cache_dir() / "models"

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


def user_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """cxlink's per-user cache: ``$XDG_CACHE_HOME/cxlink``, else ``~/.cache/cxlink``."""
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME") or ""
    return (Path(base).expanduser() if base else Path.home() / ".cache").resolve() / "cxlink"


def environment_with_data_dir(data_dir: Path | None) -> dict[str, str]:
    """This process's environment with CXLINK_DATA_DIR replaced by ``data_dir`` (unchanged for
    None): what ``--data-dir`` means, for Settings.from_env and for tools run as processes."""
    env = dict(os.environ)
    if data_dir is not None:
        env["CXLINK_DATA_DIR"] = str(data_dir)
    return env


def render_table(settings: Settings) -> str:
    lines = ["| variable | default | current | meaning |", "|---|---|---|---|"]
    lines += [f"| `{n}` | {d} | `{c}` | {m} |" for n, d, c, m in settings.table()]
    return "\n".join(lines)
