"""`cxlink` as a person finds it: help for every command, the shared options, one-line errors."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from cxlink.cli import cli, main


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


COMMANDS = dict(_commands(cli))


def test_every_command_of_the_issue_is_there():
    names = {" ".join(path) for path in COMMANDS}
    assert {"generate-demo", "run", "sources", "summary", "settings", "models", "train-tagger",
            "bench", "models list", "models install"} <= names  # fmt: skip


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(p) or "cxlink")
def test_help_exits_0_and_explains_every_option(path, capsys):
    assert main([*path, "--help"]) == 0
    text = capsys.readouterr().out
    command = COMMANDS.get(path, cli)
    options = [p for p in command.params if isinstance(p, click.Option)]
    for option in options:
        assert any(name in text for name in option.opts), (option.opts, text)
        assert option.help, f"{' '.join(path)} {option.opts} has no help text"
    assert command.help and command.help.split("\n")[0] in text.replace("\n  ", " ")
    for shared in ("--data-dir", "--verbose"):
        assert shared in text


def test_run_has_the_documented_options(capsys):
    assert main(["run", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--job [all|main|text]", "--full-reload", "--no-summary", "--demo-vendors"):
        assert option in text


def test_a_user_error_is_one_line_with_exit_code_2(monkeypatch, capsys):
    monkeypatch.setenv("CXLINK_CLV_LIFETIME", "foo")
    assert main(["run", "--no-summary"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "cxlink: CXLINK_CLV_LIFETIME='foo' is not allowed: use inverse_churn or rmst.\n"
    )
    assert "Traceback" not in captured.err + captured.out


@pytest.mark.parametrize("argv", [["--verbose", "settings"], ["settings", "-v"]])
def test_verbose_shows_the_traceback(monkeypatch, capsys, argv):
    monkeypatch.setenv("CXLINK_CLV_LIFETIME", "foo")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "SettingsError" in err
    assert err.splitlines()[-1].startswith("cxlink: CXLINK_CLV_LIFETIME='foo'")


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_data_dir_overrides_the_environment_for_the_command(
    tmp_path: Path, monkeypatch, capsys, before
):
    monkeypatch.setenv("CXLINK_DATA_DIR", str(tmp_path / "from_env"))
    chosen = tmp_path / "chosen"
    argv = (
        ["--data-dir", str(chosen), "summary"] if before else ["summary", "--data-dir", str(chosen)]
    )
    assert main(argv) == 0
    assert f"No warehouse at {chosen / 'warehouse.duckdb'}" in capsys.readouterr().out


def test_source_names_need_full_reload(capsys):
    assert main(["run", "stripe"]) == 2
    assert "SOURCE names are for --full-reload" in capsys.readouterr().err


def test_a_wrong_option_is_a_usage_error(capsys):
    assert main(["run", "--job", "nope"]) == 2
    assert "Invalid value for '--job'" in capsys.readouterr().err


def test_models_list_is_the_translate_tool(tmp_path: Path, capsys):
    assert main(["models", "--packages-dir", str(tmp_path), "list"]) == 0
    out = capsys.readouterr().out
    assert f"packages directory: {tmp_path}" in out
    assert "(no translation package installed)" in out


def test_bench_runs_the_benchmark_module(monkeypatch, tmp_path: Path):
    import subprocess

    import cxlink.cli.tools

    calls = []

    def fake_run(argv, cwd, env, check):
        calls.append((argv[1:], env.get("CXLINK_DATA_DIR")))
        return subprocess.CompletedProcess(argv, 0)

    monkeypatch.setattr(cxlink.cli.tools.subprocess, "run", fake_run)
    assert main(["bench", "--data-dir", str(tmp_path), "tagging", "--statements", "10"]) == 0
    assert calls == [(["-m", "benchmarks.tagging", "--statements", "10"], str(tmp_path))]
    calls.clear()
    assert main(["bench"]) == 0
    assert [argv[1] for argv, _ in calls] == [
        "benchmarks.run",
        "benchmarks.translation",
        "benchmarks.tagging",
        "benchmarks.fault_injection",
    ]


def test_the_job_choices_are_the_jobs_of_the_code_location():
    from cxlink.cli.run import JOBS
    from orchestration.automation import ALL_JOB_NAME, MAIN_JOB_NAME, TEXT_JOB_NAME

    assert JOBS == {"all": ALL_JOB_NAME, "main": MAIN_JOB_NAME, "text": TEXT_JOB_NAME}
