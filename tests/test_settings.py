"""The one settings object: every CXLINK_* setting declared, defaulted, validated, documented."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest
import yaml

from cxlink.settings import (
    DBT_PROJECT_DIR,
    DECLARED,
    DEFAULT_DATA_DIR,
    PROJECT_ROOT,
    Settings,
    SettingsError,
)
from cxlink.settings.__main__ import main as settings_main
from cxlink.settings.parsers import cron

DEFAULTS = Settings.from_env({})


def rejected(name: str, value: str) -> str:
    with pytest.raises(SettingsError) as err:
        Settings.from_env({name: value})
    return str(err.value)


def test_defaults():
    s = DEFAULTS
    assert s.data_dir == DEFAULT_DATA_DIR == PROJECT_ROOT / "data"
    assert (s.as_of_date, s.reporting_currency, s.cac_lag_months) == (None, "EUR", 0)
    assert (s.gross_margin, s.clv_window_months, s.clv_lifetime) == (0.8, 12, "inverse_churn")
    assert (s.rmst_horizon_months, s.linkage_horizon_months, s.alert_fdr) == (36, 12, 0.05)
    assert s.duckdb_threads == 1
    assert s.csv_dialect == "comma"
    assert (s.schedule_cron, s.schedule_timezone) == ("0 6 * * *", "UTC")
    assert (s.translate_beam_size, s.translate_batch_size, s.translate_compute_type) == (
        4,
        32,
        "auto",
    )
    assert s.tagger_dir is None and s.argos_models is None
    assert s.argos_models_dir == PROJECT_ROOT / "data" / "argos-models"
    assert s.tagger_models is None
    assert s.layout.bi_copy_path == PROJECT_ROOT / "data" / "cxlink_bi.duckdb"
    assert s.layout.exports_dir == PROJECT_ROOT / "data" / "exports"
    assert s.dbt_docs_dir == PROJECT_ROOT / "data" / "dbt_docs"
    # an empty variable is the same as an unset one; a field left out is its declared default
    assert Settings.from_env({"CXLINK_GROSS_MARGIN": " ", "CXLINK_DATA_DIR": ""}) == DEFAULTS
    assert Settings() == DEFAULTS
    assert Settings(gross_margin=0.5) == Settings.from_env({"CXLINK_GROSS_MARGIN": "0.5"})


def test_thread_defaults_follow_the_cores(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("os.cpu_count", lambda: 16)
    s = Settings.from_env({})
    assert (s.translate_intra_threads, s.translate_inter_threads) == (2, 8)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    s = Settings.from_env({})
    assert (s.translate_intra_threads, s.translate_inter_threads) == (1, 2)
    assert (Settings().translate_intra_threads, Settings().translate_inter_threads) == (1, 2)
    s = Settings.from_env({"CXLINK_TRANSLATE_INTRA_THREADS": "2"})
    assert (s.translate_intra_threads, s.translate_inter_threads) == (2, 1)


def test_a_bad_value_is_named_with_its_value_and_the_allowed_values():
    assert rejected("CXLINK_GROSS_MARGIN", "1.5") == (
        "CXLINK_GROSS_MARGIN='1.5' is not allowed: use a decimal share in (0, 1], e.g. 0.8."
    )
    # every bad setting is reported at once, one sentence each
    with pytest.raises(SettingsError) as err:
        Settings.from_env({"CXLINK_CLV_LIFETIME": "foo", "CXLINK_AS_OF_DATE": "30/06/2024"})
    assert str(err.value) == (
        "CXLINK_AS_OF_DATE='30/06/2024' is not allowed: use empty or a date YYYY-MM-DD. "
        "CXLINK_CLV_LIFETIME='foo' is not allowed: use inverse_churn or rmst."
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CXLINK_GROSS_MARGIN", "0"),
        ("CXLINK_GROSS_MARGIN", "1.5"),
        ("CXLINK_GROSS_MARGIN", "80%"),
        ("CXLINK_GROSS_MARGIN", "8e-1"),  # dbt pastes the text into SQL: plain decimals only
        ("CXLINK_ALERT_FDR", "1"),
        ("CXLINK_ALERT_FDR", "0"),
        ("CXLINK_CLV_LIFETIME", "foo"),
        ("CXLINK_AS_OF_DATE", "2024-13-01"),
        ("CXLINK_AS_OF_DATE", "20240630"),
        ("CXLINK_AS_OF_DATE", "30/06/2024"),
        ("CXLINK_REPORTING_CURRENCY", "euro"),
        ("CXLINK_REPORTING_CURRENCY", "ABC"),
        ("CXLINK_REPORTING_CURRENCY", "E1R"),
        ("CXLINK_CAC_LAG_MONTHS", "-1"),
        ("CXLINK_CAC_LAG_MONTHS", "1.5"),
        ("CXLINK_CLV_WINDOW_MONTHS", "0"),
        ("CXLINK_RMST_HORIZON_MONTHS", "three"),
        ("CXLINK_LINKAGE_HORIZON_MONTHS", "0"),
        ("CXLINK_DUCKDB_THREADS", "0"),
        ("CXLINK_SCHEDULE_CRON", "61 * * * *"),
        ("CXLINK_SCHEDULE_CRON", "0 6 * *"),
        ("CXLINK_SCHEDULE_TIMEZONE", "Mars/Olympus"),
        ("CXLINK_TRANSLATE_BEAM_SIZE", "0"),
        ("CXLINK_TRANSLATE_BATCH_SIZE", "many"),
        ("CXLINK_TRANSLATE_INTER_THREADS", "-2"),
        ("CXLINK_TRANSLATE_COMPUTE_TYPE", "int4"),
        ("CXLINK_CSV_DIALECT", "tab"),
        ("CXLINK_CSAT_AS_NPS", "yes"),
        ("CXLINK_CSAT_NPS_MAPPING", "5/3/1-2"),  # 4 is in no group
        ("CXLINK_CSAT_NPS_MAPPING", "5/4/2-3"),  # 1 is in no group
        ("CXLINK_CSAT_NPS_MAPPING", "5//1-4"),
        ("CXLINK_CSAT_NPS_MAPPING", "9-10/7-8/0-6"),
        ("CXLINK_CES_EASY_END", "7"),
    ],
)
def test_each_rule_rejects(name: str, value: str):
    message = rejected(name, value)
    assert message.startswith(f"{name}={value!r} is not allowed: use ")
    declared = next(s for s in DECLARED if s.name == name)
    assert declared.allowed in message


@pytest.mark.parametrize(
    ("name", "value", "attr", "expected"),
    [
        ("CXLINK_GROSS_MARGIN", "1", "gross_margin", 1.0),
        ("CXLINK_GROSS_MARGIN", ".65", "gross_margin", 0.65),
        ("CXLINK_CLV_LIFETIME", "RMST", "clv_lifetime", "rmst"),
        ("CXLINK_AS_OF_DATE", "2024-06-30", "as_of_date", date(2024, 6, 30)),
        ("CXLINK_REPORTING_CURRENCY", " usd ", "reporting_currency", "USD"),
        ("CXLINK_CAC_LAG_MONTHS", "2", "cac_lag_months", 2),
        ("CXLINK_SCHEDULE_CRON", "*/15 6-18 * jan-mar mon-fri", "schedule_cron", None),
        ("CXLINK_SCHEDULE_CRON", "@daily", "schedule_cron", "@daily"),
        ("CXLINK_SCHEDULE_TIMEZONE", "Europe/Helsinki", "schedule_timezone", None),
        ("CXLINK_TRANSLATE_COMPUTE_TYPE", "int8_float32", "translate_compute_type", None),
        ("CXLINK_CSV_DIALECT", "Semicolon", "csv_dialect", "semicolon"),
        ("CXLINK_CSAT_AS_NPS", "Always", "csat_as_nps", "always"),
        ("CXLINK_CSAT_NPS_MAPPING", " 5-4 / 3 / 2-1 ", "csat_nps_mapping", "4-5/3/1-2"),
        ("CXLINK_CES_EASY_END", "LOW", "ces_easy_end", "low"),
    ],
)
def test_each_rule_accepts(name: str, value: str, attr: str, expected):
    assert getattr(Settings.from_env({name: value}), attr) == (
        value if expected is None else expected
    )


@pytest.mark.parametrize(
    "expression",
    [
        "0 6 * * *",
        "*/15 * * * *",
        "0 6 * * 1-5",
        "0 0 1 */3 *",
        "5,35 8-18/2 * * mon,wed",
        "0 6 * JAN *",
        "@daily",
        "@hourly",
        "0 6 * * 7",
        "0 6 * *",
        "0 6 * * * *",
        "60 * * * *",
        "0 24 * * *",
        "0 6 0 * *",
        "0 6 * 13 *",
        "0 6 * * 8",
        "0 6 30 2 *",
        "5-1 * * * *",
        "*/0 * * * *",
        "foo",
    ],
)
def test_the_cron_rule_is_the_one_dagster_schedules_apply(expression: str):
    from dagster._utils.schedules import is_valid_cron_string

    try:
        cron(expression)
        ours = True
    except ValueError:
        ours = False
    assert ours == is_valid_cron_string(expression)


def test_every_declared_setting_is_a_field_and_vice_versa():
    names = [s.name for s in DECLARED]
    assert len(names) == len(set(names)) and all(n.startswith("CXLINK_") for n in names)
    assert [s.attr for s in DECLARED] == [f.name for f in fields(Settings)]
    for setting in DECLARED:
        assert setting.doc and setting.allowed and setting.default_text
        # the declared default parses: a default is never itself a bad value
        setting.parse(setting.default)


def test_every_setting_read_anywhere_is_declared():
    """Every CXLINK_* name the code, the dbt project or the Makefile mentions is declared."""
    declared = {s.name for s in DECLARED}
    sources = [
        *PROJECT_ROOT.glob("cxlink/**/*.py"),
        *PROJECT_ROOT.glob("orchestration/**/*.py"),
        *PROJECT_ROOT.glob("benchmarks/*.py"),
        *DBT_PROJECT_DIR.glob("**/*.sql"),
        *DBT_PROJECT_DIR.glob("*.yml"),
        *DBT_PROJECT_DIR.glob("models/**/*.yml"),
        PROJECT_ROOT / "Makefile",
    ]
    mentioned = {
        name
        for path in sources
        if "target" not in path.parts
        for name in re.findall(r"CXLINK_[A-Z0-9_]*[A-Z0-9]", path.read_text())
    }
    # CXLINK_TRANSLATE_{BEAM_SIZE,...} in a docstring is no variable
    assert mentioned - {"CXLINK_TRANSLATE"} <= declared


def test_nothing_outside_the_settings_package_reads_a_cxlink_variable():
    # a read: os.environ / getenv / env.get / env[...] with a CXLINK_ name on the same line (an
    # override handed to Settings.from_env is no read)
    reader = re.compile(r"(environ|getenv|env\.get|env\[)[^\n]*CXLINK_")
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}: {line.strip()}"
        for path in [
            *PROJECT_ROOT.glob("cxlink/**/*.py"),
            *PROJECT_ROOT.glob("orchestration/**/*.py"),
            *PROJECT_ROOT.glob("benchmarks/*.py"),
        ]
        if "settings" not in path.parts
        for line in path.read_text().splitlines()
        if reader.search(line) and "Settings.from_env(" not in line
    ]
    assert offenders == []


def test_no_product_code_writes_the_environment():
    """dbt gets its settings as --vars, GX its analytics switch in the context config: nothing
    sets a variable for a subprocess or a library by changing this process's environment."""
    writer = re.compile(r"environ\[[^\]]+\]\s*=|environ\.(update|setdefault|pop)\(|putenv")
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in [
            *PROJECT_ROOT.glob("cxlink/**/*.py"),
            *PROJECT_ROOT.glob("orchestration/**/*.py"),
            *PROJECT_ROOT.glob("benchmarks/*.py"),
        ]
        if writer.search(path.read_text())
    ]
    assert offenders == []


def env_var_defaults(text: str) -> dict[str, str]:
    return dict(re.findall(r"env_var\('(CXLINK_[A-Z_]+)', '([^']*)'\)", text))


def test_dbt_project_defaults_equal_the_settings_defaults():
    """dbt_project.yml keeps env_var defaults for standalone dbt: the same as the settings'."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    by_var = {s.dbt_var: s for s in DECLARED if s.dbt_var}
    passed = DEFAULTS.dbt_vars()
    read_from_env = {}
    for var, value in project["vars"].items():
        found = env_var_defaults(str(value))
        if found:
            ((name, default),) = found.items()
            assert by_var[var].name == name, var
            assert default == by_var[var].default == passed[var], var
            read_from_env[var] = name
    # every settings-backed var is one dbt_project.yml declares (names unchanged)
    assert set(read_from_env) == set(by_var)


def test_profile_reads_the_vars_the_resource_passes_with_the_same_defaults():
    profile = (DBT_PROJECT_DIR / "profiles.yml").read_text()
    assert "var('data_dir', env_var('CXLINK_DATA_DIR', '../data'))" in profile
    assert "var('duckdb_threads', env_var('CXLINK_DUCKDB_THREADS', '1'))" in profile
    defaults = env_var_defaults(profile)
    assert (DBT_PROJECT_DIR / defaults["CXLINK_DATA_DIR"]).resolve() == DEFAULTS.data_dir
    assert defaults["CXLINK_DUCKDB_THREADS"] == str(DEFAULTS.duckdb_threads)


def test_dbt_vars_known_answer(tmp_path: Path):
    settings = Settings.from_env(
        {
            "CXLINK_DATA_DIR": str(tmp_path),
            "CXLINK_AS_OF_DATE": "2024-06-30",
            "CXLINK_REPORTING_CURRENCY": "usd",
            "CXLINK_GROSS_MARGIN": "0.65",
            "CXLINK_CLV_LIFETIME": "RMST",
            "CXLINK_DUCKDB_THREADS": "4",
        }
    )
    flag, payload = settings.dbt_vars_args()
    assert flag == "--vars"
    assert json.loads(payload) == {
        "as_of_date": "2024-06-30",
        "history_starts_at": "",
        "reporting_currency": "USD",
        "cac_lag_months": "0",
        "gross_margin": "0.65",
        "clv_window_months": "12",
        "clv_lifetime": "rmst",
        "rmst_horizon_months": "36",
        "linkage_horizon_months": "12",
        "clv_holdout_weeks": "39",
        "csat_as_nps": "auto",
        "csat_nps_mapping": "5/4/1-3",
        "ces_easy_end": "high",
        "alert_fdr": "0.05",
        "follow_up_lookback_days": "30",
        "follow_up_min_arr": "10000",
        "urgent_ticket_hours": "24",
        "health_score_config": "",
        "health_churn_horizon_months": "3",
        "data_dir": str(tmp_path),
        "duckdb_threads": "4",
    }
    # unset as-of date: empty, as dbt_project.yml's default (int_calendar__as_of_dates derives it)
    assert DEFAULTS.dbt_vars()["as_of_date"] == ""


def readme_settings_rows() -> dict[str, str]:
    text = (PROJECT_ROOT / "README.md").read_text()
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `(CXLINK_[A-Z0-9_]+)` \| ([^|]+?) \|", section, re.M))


def test_readme_settings_table_lists_every_setting_and_only_those():
    rows = readme_settings_rows()
    assert set(rows) == {s.name for s in DECLARED}
    assert {s.name: s.default_text for s in DECLARED} == rows


def test_python_m_cxlink_settings_prints_every_setting(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("CXLINK_GROSS_MARGIN", "0.7")
    assert settings_main([]) == 0
    out = capsys.readouterr().out
    for setting in DECLARED:
        assert f"| `{setting.name}` | {setting.default_text} |" in out
    assert "| `CXLINK_GROSS_MARGIN` | `0.8` | `0.7` |" in out
    monkeypatch.setenv("CXLINK_GROSS_MARGIN", "2")
    assert settings_main([]) == 2
    assert "CXLINK_GROSS_MARGIN='2' is not allowed" in capsys.readouterr().err


def test_engine_settings_come_from_the_settings():
    from cxlink.translate.engine import EngineSettings

    engine = EngineSettings.from_settings(
        Settings.from_env({"CXLINK_TRANSLATE_BEAM_SIZE": "1", "CXLINK_TRANSLATE_BATCH_SIZE": "8"})
    )
    assert (engine.beam_size, engine.batch_size) == (1, 8)
    # the library defaults the engine falls back to are the settings' defaults
    library, configured = EngineSettings(), EngineSettings.from_settings(DEFAULTS)
    assert (library.beam_size, library.batch_size, library.compute_type) == (
        configured.beam_size,
        configured.batch_size,
        configured.compute_type,
    )


def test_nothing_is_read_at_import_and_the_cli_fails_at_start_with_the_message(
    dbt_manifest: Path,
):
    """Importing the code location with a bad value works (nothing is read at import); the CLI
    stops before doing anything, with the one sentence."""
    env = {"PATH": "", "PYTHONPATH": str(PROJECT_ROOT), "CXLINK_CLV_LIFETIME": "foo"}
    code = "import orchestration.definitions, cxlink.cli; print('imported')"
    imported = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert imported.returncode == 0 and "imported" in imported.stdout, imported.stderr
    ran = subprocess.run(
        [sys.executable, "-m", "cxlink.cli", "run"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 2
    assert ran.stderr.strip() == (
        "cxlink: CXLINK_CLV_LIFETIME='foo' is not allowed: use inverse_churn or rmst."
    )
