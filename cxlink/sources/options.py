"""Kind-specific options of a source: declared per kind, checked when the sources file is read.

A kind declares each option it accepts with its type, default and meaning; anything else in a
source's entry is an error that names the source, the option and what is allowed. Secrets are
never values in the file: options ending in ``_env`` name the environment variable that holds
them, and ``credential`` reads it when the source runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cxlink.errors import UserError


class SourceConfigError(UserError):
    """The sources file is wrong. The message names the file, the source and the option."""


@dataclass(frozen=True)
class Option:
    name: str
    kind: str  # text | int | bool | list | mapping | env
    default: Any = None
    doc: str = ""
    allowed: tuple[str, ...] | None = None  # for text options with a closed set of values
    required: bool = False

    def allowed_text(self) -> str:
        if self.allowed:
            return "one of " + ", ".join(self.allowed)
        return {
            "text": "a text value",
            "int": "a whole number",
            "bool": "true or false",
            "list": "a list",
            "mapping": "a mapping of names to values",
            "env": "the name of an environment variable (A-Z, 0-9, _)",
        }[self.kind]


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check(option: Option, value: Any) -> Any:
    """The option's value in its declared type; ValueError when it is not one."""
    if option.kind == "text":
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ValueError
        text = str(value)
        if option.allowed and text not in option.allowed:
            raise ValueError
        return text
    if option.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError
        return value
    if option.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError
        return value
    if option.kind == "list":
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list):
            raise ValueError
        return value
    if option.kind == "mapping":
        if not isinstance(value, Mapping):
            raise ValueError
        return dict(value)
    if option.kind == "env":
        if not isinstance(value, str) or not _ENV_NAME.match(value):
            raise ValueError
        return value
    raise AssertionError(f"unknown option kind {option.kind}")


def resolve_options(
    where: str, declared: tuple[Option, ...], given: Mapping[str, Any]
) -> dict[str, Any]:
    """Every declared option's value (given or default); errors name ``where`` and the option."""
    by_name = {o.name: o for o in declared}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        allowed = ", ".join(sorted(by_name)) or "none"
        raise SourceConfigError(
            f"{where}: unknown option(s) {', '.join(unknown)}; this kind accepts: {allowed}."
        )
    values: dict[str, Any] = {}
    for option in declared:
        if option.name not in given or given[option.name] is None:
            if option.required:
                raise SourceConfigError(
                    f"{where}: option {option.name} is required ({option.doc or option.allowed_text()})."
                )
            values[option.name] = option.default
            continue
        try:
            values[option.name] = _check(option, given[option.name])
        except ValueError:
            raise SourceConfigError(
                f"{where}: option {option.name}={given[option.name]!r} is not allowed: use "
                f"{option.allowed_text()}."
            ) from None
    return values


def credential(
    source_name: str, option: str, env_var: str | None, env: Mapping[str, str] | None = None
) -> str:
    """The secret held by the environment variable a source's option names."""
    env = os.environ if env is None else env
    if not env_var:
        raise SourceConfigError(
            f"source {source_name}: option {option} must name the environment variable that "
            "holds the credential."
        )
    value = env.get(env_var, "")
    if not value:
        raise SourceConfigError(
            f"source {source_name}: environment variable {env_var} (option {option}) is not set: "
            f"export {env_var}=... before the run."
        )
    return value
