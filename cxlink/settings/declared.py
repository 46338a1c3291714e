"""The declaration of every ``CXLINK_*`` setting: name, default, allowed values, meaning.

The one place a setting is defined. ``Settings`` (``cxlink.settings``) has one field per row;
README.md's settings table has one line per row (tests/test_settings.py checks both).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cxlink.settings.layout import DEFAULT_DATA_DIR, PROJECT_ROOT
from cxlink.settings.parsers import (
    COMPUTE_TYPES,
    CRON_HELP,
    choice,
    cron,
    csat_nps_mapping,
    currency,
    decimal,
    iso_date,
    optional,
    path,
    timezone,
    whole,
)


@dataclass(frozen=True)
class Setting:
    name: str  # the environment variable
    attr: str  # the Settings field
    default: str  # the text used when the variable is unset or empty
    allowed: str  # allowed values, in words (the error message quotes it)
    doc: str  # what it means (README's third column)
    parse: Callable[[str], Any]
    shown_default: str = ""  # README's default column when the default is derived
    dbt_var: str | None = None  # the dbt var it sets (dbt_project.yml reads the same variable)

    @property
    def default_text(self) -> str:
        return self.shown_default or f"`{self.default}`"


_MONTHS = "a whole number of months >= 1"
DECLARED: tuple[Setting, ...] = (
    Setting("CXLINK_DATA_DIR", "data_dir", str(DEFAULT_DATA_DIR), "a directory path",
            "the data directory: `landing/<entity>/`, `warehouse.duckdb`, `cxlink_bi.duckdb` (BI "
            "copy), `exports/`, `report/` (the report with charts), `dbt_docs/`, `argos-models/`, "
            "`logs/` (one per run), "
            "`dbt_target/`",
            path, shown_default="`./data`"),
    Setting("CXLINK_SOURCES", "sources_file", "", "empty or a file path",
            "the sources file (survey tools, billing and CRM APIs, a database, mapped exports: "
            "docs/sources.md); without one, every entity reads `landing/<entity>/`",
            optional(path), shown_default="`$CXLINK_DATA_DIR/sources.yml`"),
    Setting("CXLINK_KEEP_REMOVED_FILES", "keep_removed_files", "false", "true or false",
            "keep the rows of a landing file after it is removed from the landing zone (for "
            "zones cleaned after delivery), except those a present file delivers again (same "
            "key); by default they are removed at the next run",
            lambda text: choice("true", "false")(text) == "true"),
    Setting("CXLINK_AS_OF_DATE", "as_of_date", "", "empty or a date YYYY-MM-DD",
            "the date the marts are computed \"as of\" (which retention horizons have passed); "
            "unset, the latest response, invoice, subscription period start or end or signup, "
            "never after the day of the run (docs/metrics.md, As-of date)",
            optional(iso_date), shown_default="latest event in the data", dbt_var="as_of_date"),
    Setting("CXLINK_HISTORY_STARTS_AT", "history_starts_at", "", "empty or a date YYYY-MM-DD",
            "the day the billing history really starts, for data that begin mid-life (a "
            "snapshot, a migration): customers whose first period starts on or before it are "
            "left out of `cohort_retention`'s cohorts, and churn and retention windows count "
            "only months from it (docs/metrics.md, History start)",
            optional(iso_date), shown_default="none (every month counts)",
            dbt_var="history_starts_at"),
    Setting("CXLINK_REPORTING_CURRENCY", "reporting_currency", "EUR",
            "an ISO 4217 currency code such as EUR or USD",
            "ISO 4217 code money is reported in", currency, dbt_var="reporting_currency"),
    Setting("CXLINK_CAC_LAG_MONTHS", "cac_lag_months", "0", "a whole number of months >= 0",
            "months between marketing spend and the acquisitions it buys (`marts.cac_by_channel`)",
            whole(0), dbt_var="cac_lag_months"),
    Setting("CXLINK_GROSS_MARGIN", "gross_margin", "0.8", "a decimal share in (0, 1], e.g. 0.8",
            "gross margin (share) of the finance marts (CAC payback, `gross_margin_value`)",
            decimal(0, 1, high_included=True), dbt_var="gross_margin"),
    Setting("CXLINK_CLV_WINDOW_MONTHS", "clv_window_months", "12", _MONTHS,
            "complete months before the as-of month over which ARPU, churn, CAC and CRC are "
            "measured", whole(1), dbt_var="clv_window_months"),
    Setting("CXLINK_CLV_LIFETIME", "clv_lifetime", "inverse_churn", "inverse_churn or rmst",
            "lifetime used in CLV: `inverse_churn` (1 / monthly churn) or `rmst`",
            choice("inverse_churn", "rmst"), dbt_var="clv_lifetime"),
    Setting("CXLINK_RMST_HORIZON_MONTHS", "rmst_horizon_months", "36", _MONTHS,
            "horizon of the restricted mean survival time (Kaplan-Meier)", whole(1),
            dbt_var="rmst_horizon_months"),
    Setting("CXLINK_LINKAGE_HORIZON_MONTHS", "linkage_horizon_months", "12", _MONTHS,
            "NPS linkage horizon: churn and NRR of the customers active this many months ago",
            whole(1), dbt_var="linkage_horizon_months"),
    Setting("CXLINK_CLV_HOLDOUT_WEEKS", "clv_holdout_weeks", "39", "a whole number of weeks >= 1",
            "hold-out period of the predictive CLV (BG/NBD + Gamma-Gamma): the last this many "
            "weeks before the as-of date validate the fit on the weeks before them "
            "(`marts.clv_predicted_validation`; 39 as in Fader, Hardie & Lee 2005)",
            whole(1), dbt_var="clv_holdout_weeks"),
    Setting("CXLINK_CSAT_AS_NPS", "csat_as_nps", "auto", "auto, always or never",
            "when CSAT answers stand in for NPS in the NPS categories of the linkage and CLV "
            "marts (`category_source` = `csat_mapped`): `auto` only when no NPS answer is "
            "loaded, `always` next to the NPS answers, `never` (docs/metrics.md#csat-and-ces)",
            choice("auto", "always", "never"), dbt_var="csat_as_nps"),
    Setting("CXLINK_CSAT_NPS_MAPPING", "csat_nps_mapping", "5/4/1-3",
            "promoter/passive/detractor 1-5 scores, e.g. 5/4/1-3 or 4-5/3/1-2",
            "how a 1-5 CSAT (or star) score maps to promoter/passive/detractor when CSAT stands "
            "in for NPS", csat_nps_mapping, dbt_var="csat_nps_mapping"),
    Setting("CXLINK_CES_EASY_END", "ces_easy_end", "high", "high or low",
            "which end of the 1-7 CES scale is easy: `high` (7 = easy, CES 2.0 \"made it easy\" "
            "agreement) or `low` (1 = very low effort); low effort = the 3 scores at that end",
            choice("high", "low"), dbt_var="ces_easy_end"),
    Setting("CXLINK_ALERT_FDR", "alert_fdr", "0.05", "a decimal in (0, 1), e.g. 0.05",
            "false-discovery rate of the topic spike alerts (`marts.topic_alerts`)",
            decimal(0, 1, high_included=False), dbt_var="alert_fdr"),
    Setting("CXLINK_FOLLOW_UP_LOOKBACK_DAYS", "follow_up_lookback_days", "30",
            "a whole number of days >= 1",
            "days before the as-of date (it included) whose survey answers count as new in "
            "`marts.account_follow_ups` and `marts.promoter_asks` (docs/metrics.md, Follow-up "
            "rules)", whole(1), dbt_var="follow_up_lookback_days"),
    Setting("CXLINK_FOLLOW_UP_MIN_ARR", "follow_up_min_arr", "10000",
            "a whole amount >= 0 in the reporting currency",
            "ARR from which an account is high-ARR: red health is a follow-up reason, and new "
            "red accounts and new detractors make the `account_follow_ups_new` check warn",
            whole(0), dbt_var="follow_up_min_arr"),
    Setting("CXLINK_URGENT_TICKET_HOURS", "urgent_ticket_hours", "24", "a whole number >= 1",
            "hours after which an open urgent support ticket is an unanswered one (a follow-up "
            "reason)", whole(1), dbt_var="urgent_ticket_hours"),
    Setting("CXLINK_HEALTH_SCORE_CONFIG", "health_score_config", "", "empty or a file path",
            "the configured health score: indicators' weights, band cut-offs, scales, per "
            "segment and tenure stage (`marts.customer_health`; docs/metrics.md, Health score)",
            optional(path), shown_default="`assets/health/health_score.yml`",
            dbt_var="health_score_config"),
    Setting("CXLINK_HEALTH_CHURN_HORIZON_MONTHS", "health_churn_horizon_months", "3", _MONTHS,
            "the learned health score and its validation predict churn within this many months",
            whole(1), dbt_var="health_churn_horizon_months"),
    Setting("CXLINK_DUCKDB_THREADS", "duckdb_threads", "1", "a whole number >= 1",
            "DuckDB threads per dbt query. One thread keeps the marts byte-for-byte "
            "reproducible: a parallel aggregate adds floating-point values (ARR, standard "
            "errors) in whatever order its threads finish, so more threads are faster on big "
            "data but may change the last digit between runs",
            whole(1)),
    Setting("CXLINK_SCHEDULE_CRON", "schedule_cron", "0 6 * * *", CRON_HELP,
            "cron of the daily schedule", cron),
    Setting("CXLINK_SCHEDULE_TIMEZONE", "schedule_timezone", "UTC",
            "an IANA time zone such as UTC or Europe/Helsinki", "time zone of the schedule",
            timezone),
    Setting("CXLINK_KEEP_RUNS", "keep_runs", "10", "a whole number >= 1",
            "runs whose Dagster history, dbt target folder and log file are kept; older ones "
            "are deleted at the start of `cxlink run` (docs/operations.md#retention)", whole(1)),
    Setting("CXLINK_CSV_DIALECT", "csv_dialect", "comma", "comma or semicolon",
            "the CSV exports' dialect (both UTF-8 with a BOM): `comma` (`,` between fields, `.` "
            "decimals) or `semicolon` (`;` between fields, `,` decimals, as Excel opens them in "
            "the de, fi, sv, fr, es and pt locales; docs/operations.md#exports)",
            choice("comma", "semicolon")),
    Setting("CXLINK_ARGOS_MODELS", "argos_models", "", "empty or a directory path",
            "where `make models` picks up `.argosmodel` files", optional(path),
            shown_default="`$CXLINK_DATA_DIR/argos-models`"),
    Setting("CXLINK_TRANSLATE_BEAM_SIZE", "translate_beam_size", "4", "a whole number >= 1",
            "translation beam size (argos' default)", whole(1)),
    Setting("CXLINK_TRANSLATE_BATCH_SIZE", "translate_batch_size", "32", "a whole number >= 1",
            "sentences per CTranslate2 batch", whole(1)),
    Setting("CXLINK_TRANSLATE_INTRA_THREADS", "translate_intra_threads", "",
            "empty or a whole number >= 1", "CTranslate2 threads inside one batch",
            optional(whole(1)), shown_default="1 (2 above 8 cores)"),
    Setting("CXLINK_TRANSLATE_INTER_THREADS", "translate_inter_threads", "",
            "empty or a whole number >= 1", "CTranslate2 batches decoded in parallel",
            optional(whole(1)), shown_default="cores / intra threads"),
    Setting("CXLINK_TRANSLATE_COMPUTE_TYPE", "translate_compute_type", "auto",
            "one of " + ", ".join(COMPUTE_TYPES),
            "CTranslate2 compute type (`auto`: int8 models stay int8)", choice(*COMPUTE_TYPES)),
    Setting("CXLINK_TAGGER_MODELS_DIR", "tagger_models", "", "empty or a directory path",
            "trained taggers, one folder per model version, shared by every data directory "
            "(trained once per version, on first use or by `make setup`)", optional(path),
            shown_default="`$XDG_CACHE_HOME/cxlink/models` (`~/.cache/cxlink/models`)"),
    Setting("CXLINK_TAGGER_DIR", "tagger_dir", "", "empty or a directory path",
            "one tagger artifact to use as it is; unset, the current version under "
            "`$CXLINK_TAGGER_MODELS_DIR` is loaded, or trained when missing", optional(path),
            shown_default="train or load under `$CXLINK_TAGGER_MODELS_DIR`"),
    Setting("CXLINK_BENCH_DIR", "bench_dir", str(PROJECT_ROOT / ".bench"), "a directory path",
            "benchmark data (`make bench`)", path, shown_default="`./.bench`"),
    Setting("CXLINK_BENCH_CACHE", "bench_cache", "~/.cache/cxlink/bench",
            "a directory path", "the translation benchmark's package cache", path),
)  # fmt: skip
BY_NAME = {s.name: s for s in DECLARED}
