"""The tools around the pipeline: `cxlink models`, `cxlink train-tagger`, `cxlink bench`.

Each is also a ``python -m`` module (cxlink.translate, cxlink.tagging.train, benchmarks.*),
which these commands call, so both ways stay the same tool.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from cxlink.cli.app import CONTEXT, DATA_DIR, VERBOSE, CliState, cli, command
from cxlink.settings import PROJECT_ROOT

PACKAGES_DIR = click.option(
    "--packages-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where argos keeps installed packages (default: argos' own, ARGOS_PACKAGES_DIR).",
)


PACKAGES_KEY = "cxlink.packages_dir"  # the group's --packages-dir, for its subcommands


def _packages_dir() -> Path:
    from cxlink.translate.packages import packages_dir as default_packages_dir

    return click.get_current_context().meta.get(PACKAGES_KEY) or default_packages_dir()


@click.group("models", invoke_without_command=True, context_settings=CONTEXT)
@PACKAGES_DIR
@click.option("--offline", is_flag=True, help="Never try the argos package index.")
@DATA_DIR
@VERBOSE
@click.pass_context
def models_group(ctx: click.Context, packages_dir: Path | None, offline: bool) -> int | None:
    """Translation packages (.argosmodel): without a subcommand, what `make models` does.

    Installs the files in $CXLINK_ARGOS_MODELS (default $CXLINK_DATA_DIR/argos-models), then,
    with internet, fetches the demo languages still missing from the argos index; otherwise
    says which files to put where. Exit code 1 while a demo language has no package.
    """
    ctx.meta[PACKAGES_KEY] = packages_dir
    if ctx.invoked_subcommand is not None:
        return None
    from cxlink.translate.__main__ import models

    state = ctx.ensure_object(CliState)
    return models(state.settings().argos_models_dir, _packages_dir(), not offline)


cli.add_command(models_group)


@command(models_group, "list")
def models_list(state: CliState) -> int:
    """List the installed translation packages."""
    from cxlink.translate.__main__ import list_installed

    return list_installed(_packages_dir())


@command(models_group, "install")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def models_install(state: CliState, paths: tuple[Path, ...]) -> int:
    """Install .argosmodel files, or folders of them (default: $CXLINK_ARGOS_MODELS)."""
    from cxlink.translate.__main__ import install

    return install(list(paths) or [state.settings().argos_models_dir], _packages_dir())


@command(cli, "train-tagger")
@click.option("--labeled", type=click.Path(dir_okay=False, path_type=Path), help="Labeled CSV.")
@click.option("--taxonomy", type=click.Path(dir_okay=False, path_type=Path), help="Taxonomy YAML.")
@click.option("--lexicon", type=click.Path(dir_okay=False, path_type=Path), help="Lexicon YAML.")
@click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the artifact goes (default: the tagger's models folder, `cxlink settings`).",
)
@click.option(
    "--if-missing",
    is_flag=True,
    help="Train only when the current version is not trained yet (`make setup` does this).",
)
def train_tagger(
    state: CliState,
    labeled: Path | None,
    taxonomy: Path | None,
    lexicon: Path | None,
    models_dir: Path | None,
    if_missing: bool,
) -> int:
    """Train the comment tagger, evaluate it on the eval split, write the artifact (`make
    train-tagger`). Exit code 1 when the eval split misses the targets."""
    from cxlink.tagging.train import main as train_main

    settings = state.settings()  # a bad setting stops it here, with the one sentence
    argv = ["--models-dir", str(models_dir or settings.tagger_models_dir)]
    for flag, value in (("--labeled", labeled), ("--taxonomy", taxonomy), ("--lexicon", lexicon)):
        if value is not None:
            argv += [flag, str(value)]
    return train_main([*argv, "--if-missing"] if if_missing else argv)


BENCHMARKS = {
    "pipeline": "benchmarks.run",
    "translation": "benchmarks.translation",
    "tagging": "benchmarks.tagging",
    "fault-injection": "benchmarks.fault_injection",
}


@command(
    cli,
    "bench",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.argument("benchmark", type=click.Choice([*BENCHMARKS, "all"]), default="all")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(state: CliState, benchmark: str, args: tuple[str, ...]) -> int:
    """Run a benchmark from the repository (`make bench` runs all four).

    BENCHMARK: pipeline (stage timings at two scales, `python -m benchmarks.run`), translation,
    tagging or fault-injection (kill -9, two runs at once, a full disk and hostile inputs
    injected into real runs: "N of M held"); ARGS go to it (`cxlink bench pipeline --customers 1000`; `cxlink bench tagging
    --help`). Each runs as its own process, from a checkout of the repository.
    """
    if not (PROJECT_ROOT / "benchmarks").is_dir():
        from cxlink.errors import UserError

        raise UserError(
            f"no benchmarks/ folder in {PROJECT_ROOT}: the benchmarks run from a checkout of "
            "the repository (git clone, then `make bench`)."
        )
    chosen = list(BENCHMARKS) if benchmark == "all" else [benchmark]
    for name in chosen:
        module = BENCHMARKS[name]
        code = subprocess.run(
            [sys.executable, "-m", module, *args], cwd=PROJECT_ROOT, env=state.env(), check=False
        ).returncode
        if code:
            return code
    return 0
