"""Reading and validating the health score's configuration file (docs/metrics.md "Customer
health and closing the loop", Health score): ``assets/health/health_score.yml`` unless
``CXLINK_HEALTH_SCORE_CONFIG`` names another. Every problem in a file is reported at once, one
sentence each, naming the file and the key. The terms (indicators, scales, the resolved and
versioned configuration): ``cxlink.health.terms``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from cxlink.errors import UserError
from cxlink.health.terms import (
    DEFAULT_BANDS,
    DEFAULT_CONFIG_PATH,
    DEFAULT_ONBOARDING_MONTHS,
    INDICATORS,
    SCALES,
    TENURE_STAGES,
    Bands,
    HealthConfig,
    Override,
)

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "INDICATORS",
    "SCALES",
    "HealthConfig",
    "HealthConfigError",
    "config_path",
    "load_config",
    "parse_config",
]

TOP_KEYS = ("weights", "bands", "onboarding_months", "scales", "overrides")
OVERRIDE_KEYS = ("segment", "tenure_stage", "weights", "bands")
BAND_KEYS = ("green_min", "red_below")
WEIGHT_TOLERANCE = 1e-6


class HealthConfigError(UserError):
    """The health score configuration is not valid; one sentence per problem."""


# --- parsing -------------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _weights(value: Any, where: str, problems: list[str]) -> dict[str, float] | None:
    if not isinstance(value, Mapping) or not value:
        problems.append(f"{where} must map indicators to weights, e.g. nps_category: 0.3.")
        return None
    weights = dict.fromkeys(INDICATORS, 0.0)
    ok = True
    for key, raw in value.items():
        if key not in INDICATORS:
            problems.append(f"{where}.{key} is not an indicator: use {', '.join(INDICATORS)}.")
            ok = False
            continue
        number = _number(raw)
        if number is None or number < 0:
            problems.append(f"{where}.{key} must be a number >= 0, got {raw!r}.")
            ok = False
            continue
        weights[key] = number
    if ok and not math.isclose(sum(weights.values()), 1.0, abs_tol=WEIGHT_TOLERANCE):
        problems.append(f"{where} add up to {sum(weights.values()):g}, not 1.")
        ok = False
    return weights if ok else None


def _bands(value: Any, where: str, problems: list[str], base: Bands | None) -> Bands | None:
    if not isinstance(value, Mapping):
        problems.append(f"{where} must be a mapping with green_min and red_below.")
        return None
    unknown = [k for k in value if k not in BAND_KEYS]
    for key in unknown:
        problems.append(f"{where}.{key} is not a band key: use green_min or red_below.")
    defaults = DEFAULT_BANDS if base is None else (base.green_min, base.red_below)
    found: dict[str, float] = {}
    for key, default in zip(BAND_KEYS, defaults, strict=True):
        raw = value.get(key, default)
        number = _number(raw)
        if number is None or not 0 <= number <= 100:
            problems.append(f"{where}.{key} must be a number from 0 to 100, got {raw!r}.")
        else:
            found[key] = number
    if unknown or len(found) < 2:
        return None
    if found["red_below"] > found["green_min"]:
        problems.append(
            f"{where}.red_below ({found['red_below']:g}) is above green_min "
            f"({found['green_min']:g})."
        )
        return None
    return Bands(found["green_min"], found["red_below"])


def _scales(value: Any, where: str, problems: list[str]) -> dict[str, float]:
    scales = {name: float(spec[0]) for name, spec in SCALES.items()}
    if value is None:
        return scales
    if not isinstance(value, Mapping):
        problems.append(f"{where} must be a mapping of scale names to numbers.")
        return scales
    for key, raw in value.items():
        if key not in SCALES:
            problems.append(f"{where}.{key} is not a scale: use {', '.join(SCALES)}.")
            continue
        _, kind, low, high = SCALES[key]
        number = _number(raw)
        if kind is int:
            good = number is not None and number.is_integer() and number >= low
            rule = f"a whole number >= {low:g}"
        else:
            good = number is not None and number > low and (high is None or number <= high)
            rule = f"a number above {low:g}" + (f" and at most {high:g}" if high else "")
        if not good:
            problems.append(f"{where}.{key} must be {rule}, got {raw!r}.")
        else:
            scales[key] = float(number)
    return scales


def _override(entry: Any, where: str, problems: list[str], base: Bands) -> Override | None:
    if not isinstance(entry, Mapping):
        problems.append(f"{where} must be a mapping with segment and/or tenure_stage.")
        return None
    before = len(problems)
    for key in entry:
        if key not in OVERRIDE_KEYS:
            problems.append(
                f"{where}.{key} is not an override key: use {', '.join(OVERRIDE_KEYS)}."
            )
    segment, stage = entry.get("segment"), entry.get("tenure_stage")
    if segment is not None and (not isinstance(segment, str) or not segment.strip()):
        problems.append(f"{where}.segment must be a segment name, got {segment!r}.")
    if stage is not None and stage not in TENURE_STAGES:
        problems.append(f"{where}.tenure_stage must be onboarding or established, got {stage!r}.")
    if segment is None and stage is None:
        problems.append(f"{where} names neither a segment nor a tenure_stage.")
    if "weights" not in entry and "bands" not in entry:
        problems.append(f"{where} sets neither weights nor bands.")
    weights = (
        _weights(entry["weights"], f"{where}.weights", problems) if "weights" in entry else None
    )
    bands = _bands(entry["bands"], f"{where}.bands", problems, base) if "bands" in entry else None
    if len(problems) > before:
        return None
    return Override(segment.strip() if segment else None, stage, weights, bands)


def parse_config(document: Any, source: str = "<health score configuration>") -> HealthConfig:
    """Validate a parsed YAML document; HealthConfigError lists every problem."""
    if not isinstance(document, Mapping):
        raise HealthConfigError(f"{source}: expected a mapping with weights:, bands:, ...")
    problems: list[str] = []
    for key in document:
        if key not in TOP_KEYS:
            problems.append(f"{source}: {key} is not a key of the file: use {', '.join(TOP_KEYS)}.")
    if "weights" not in document:
        problems.append(f"{source}: weights is missing (the weight of each indicator).")
        weights = None
    else:
        weights = _weights(document["weights"], f"{source}: weights", problems)
    bands = _bands(document.get("bands", {}), f"{source}: bands", problems, None)
    raw_months = document.get("onboarding_months", DEFAULT_ONBOARDING_MONTHS)
    months = _number(raw_months)
    if months is None or not months.is_integer() or months < 0:
        problems.append(
            f"{source}: onboarding_months must be a whole number >= 0, got {raw_months!r}."
        )
    scales = _scales(document.get("scales"), f"{source}: scales", problems)
    overrides: list[Override] = []
    raw_overrides = document.get("overrides") or []
    if not isinstance(raw_overrides, list):
        problems.append(f"{source}: overrides must be a list.")
        raw_overrides = []
    seen: dict[tuple[str | None, str | None], int] = {}
    for index, entry in enumerate(raw_overrides):
        where = f"{source}: overrides[{index}]"
        override = _override(entry, where, problems, bands or Bands(*DEFAULT_BANDS))
        if override is None:
            continue
        key = (override.segment, override.tenure_stage)
        if key in seen:
            problems.append(f"{where} repeats overrides[{seen[key]}] (the same segment and stage).")
            continue
        seen[key] = index
        overrides.append(override)
    if problems or weights is None or bands is None or months is None:
        raise HealthConfigError(" ".join(problems))
    return HealthConfig(source, weights, bands, int(months), scales, tuple(overrides))


def config_path(text: str | Path | None) -> Path:
    """The file to read: the given path, or the shipped file when it is empty."""
    return Path(text).expanduser().resolve() if text and str(text).strip() else DEFAULT_CONFIG_PATH


def load_config(path: str | Path | None = None) -> HealthConfig:
    """Read and validate the configuration (the shipped file when ``path`` is empty)."""
    file = config_path(path)
    if not file.is_file():
        raise HealthConfigError(
            f"{file}: the health score configuration does not exist: point "
            "CXLINK_HEALTH_SCORE_CONFIG at a file, or unset it for the shipped one."
        )
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise HealthConfigError(f"{file}: not valid YAML ({exc}).") from exc
    return parse_config(document, str(file))
