"""The configured health score: a YAML file a customer success team edits, validated and versioned.

docs/metrics.md "Customer health and closing the loop" ("Health score: the configured formula"):
score = 100 x sum_i w_i s_i over the indicators present for an account, each s_i in [0, 1] (1 =
healthy), the weights summing to 1 (renormalised over the present ones); bands green / yellow /
red by two cut-offs. Weights and cut-offs may differ per segment and per tenure stage
(``overrides``); the scales that turn raw values into s_i (windows, the value that scores 0) are
part of the formula too. The file is ``assets/health/health_score.yml`` unless
``CXLINK_HEALTH_SCORE_CONFIG`` names another (dbt var ``health_score_config``).

``score_version`` is a short hash of the normalised configuration (every default filled in, key
order and number formatting removed) and of ``FORMULA_REVISION``: it changes exactly when the
formula does, and every scored row carries it. Every problem in a file is reported at once, one
sentence each, naming the file and the key.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cxlink.errors import UserError
from cxlink.settings import PROJECT_ROOT

DEFAULT_CONFIG_PATH = PROJECT_ROOT / "assets" / "health" / "health_score.yml"
# Bump when the normalisation of an indicator changes in dbt_project/macros/health.sql: the
# scores change, so the version must too, even with the same file.
FORMULA_REVISION = 1

# The indicators, in the order the marts list them (dbt_project/macros/health.sql
# `health_indicators` holds the same list; tests/health/test_config.py keeps them equal).
INDICATORS: tuple[str, ...] = (
    "nps_category",
    "nps_change",
    "comment_sentiment",
    "tickets_per_user",
    "urgent_tickets",
    "usage_trend",
    "seat_utilisation",
    "payment_problems",
    "tenure",
)
TENURE_STAGES = ("onboarding", "established")
DEFAULT_SEGMENT = "*"  # the row of every segment no override names

# The scales: name -> (default, kind, lowest allowed, highest allowed or None)
SCALES: dict[str, tuple[float, type, float, float | None]] = {
    "nps_lookback_months": (12, int, 1, None),
    "sentiment_lookback_months": (6, int, 1, None),
    "ticket_window_months": (3, int, 1, None),
    "tickets_per_user_zero_at": (1.0, float, 0.0, None),
    "urgent_tickets_zero_at": (2.0, float, 0.0, None),
    "usage_recent_weeks": (4, int, 1, None),
    "usage_baseline_weeks": (8, int, 1, None),
    "usage_decline_zero_at": (0.5, float, 0.0, 1.0),
    "seat_utilisation_full_at": (0.8, float, 0.0, 1.0),
    "payment_window_months": (6, int, 1, None),
    "payment_problems_zero_at": (2.0, float, 0.0, None),
}
DEFAULT_BANDS = (70.0, 40.0)
DEFAULT_ONBOARDING_MONTHS = 3
TOP_KEYS = ("weights", "bands", "onboarding_months", "scales", "overrides")
OVERRIDE_KEYS = ("segment", "tenure_stage", "weights", "bands")
BAND_KEYS = ("green_min", "red_below")
WEIGHT_TOLERANCE = 1e-6


class HealthConfigError(UserError):
    """The health score configuration is not valid; one sentence per problem."""


@dataclass(frozen=True)
class Bands:
    green_min: float  # a score >= green_min is green
    red_below: float  # a score < red_below is red; in between yellow


@dataclass(frozen=True)
class Override:
    segment: str | None
    tenure_stage: str | None
    weights: Mapping[str, float] | None
    bands: Bands | None

    @property
    def specificity(self) -> int:
        """Most specific first: segment and stage (3), segment (2), stage (1)."""
        return 2 * (self.segment is not None) + (self.tenure_stage is not None)


@dataclass(frozen=True)
class HealthConfig:
    source: str
    weights: Mapping[str, float]  # every indicator, 0 where the file names none
    bands: Bands
    onboarding_months: int
    scales: Mapping[str, float]
    overrides: tuple[Override, ...] = ()

    def resolve(self, segment: str, tenure_stage: str) -> tuple[Mapping[str, float], Bands]:
        """The weights and bands of an account: each from the most specific override that sets
        it (segment and stage, then segment, then stage), else the file's top level."""
        matching = sorted(
            (
                o
                for o in self.overrides
                if o.segment in (None, segment) and o.tenure_stage in (None, tenure_stage)
            ),
            key=lambda o: -o.specificity,
        )
        weights = next((o.weights for o in matching if o.weights is not None), self.weights)
        bands = next((o.bands for o in matching if o.bands is not None), self.bands)
        return weights, bands

    def segments(self) -> list[str]:
        """``*`` (any segment no override names) and the named segments, sorted."""
        named = {o.segment for o in self.overrides if o.segment is not None}
        return [DEFAULT_SEGMENT, *sorted(named)]

    def normalised(self) -> dict[str, Any]:
        """Everything the scores depend on, in one canonical form (the version's input)."""

        def bands(b: Bands | None) -> dict[str, float] | None:
            return None if b is None else {"green_min": b.green_min, "red_below": b.red_below}

        overrides = [
            {
                "segment": o.segment,
                "tenure_stage": o.tenure_stage,
                "weights": None if o.weights is None else dict(o.weights),
                "bands": bands(o.bands),
            }
            for o in self.overrides
        ]
        overrides.sort(key=lambda o: (o["segment"] or "", o["tenure_stage"] or ""))
        return {
            "formula_revision": FORMULA_REVISION,
            "indicators": list(INDICATORS),
            "weights": dict(self.weights),
            "bands": bands(self.bands),
            "onboarding_months": self.onboarding_months,
            "scales": dict(self.scales),
            "overrides": overrides,
        }

    @property
    def version(self) -> str:
        """12 hex digits of the SHA-256 of the normalised configuration."""
        text = json.dumps(self.normalised(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]

    def rows(self) -> list[dict[str, Any]]:
        """The table int_health__score_config: one row per segment x tenure stage x indicator
        with its weight and the cut-offs, the scales and the version on every row."""
        version = self.version
        out = []
        for segment in self.segments():
            for stage in TENURE_STAGES:
                weights, bands = self.resolve(segment, stage)
                for order, indicator in enumerate(INDICATORS, start=1):
                    out.append(
                        {
                            "segment": segment,
                            "tenure_stage": stage,
                            "indicator": indicator,
                            "indicator_order": order,
                            "weight": float(weights[indicator]),
                            "green_min": bands.green_min,
                            "red_below": bands.red_below,
                            "onboarding_months": self.onboarding_months,
                            **{name: float(value) for name, value in self.scales.items()},
                            "score_version": version,
                        }
                    )
        return out


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
            problems.append(
                f"{where}.{key} is not an indicator: use {', '.join(INDICATORS)}."
            )
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
            problems.append(f"{where}.{key} is not an override key: use {', '.join(OVERRIDE_KEYS)}.")
    segment, stage = entry.get("segment"), entry.get("tenure_stage")
    if segment is not None and (not isinstance(segment, str) or not segment.strip()):
        problems.append(f"{where}.segment must be a segment name, got {segment!r}.")
    if stage is not None and stage not in TENURE_STAGES:
        problems.append(f"{where}.tenure_stage must be onboarding or established, got {stage!r}.")
    if segment is None and stage is None:
        problems.append(f"{where} names neither a segment nor a tenure_stage.")
    if "weights" not in entry and "bands" not in entry:
        problems.append(f"{where} sets neither weights nor bands.")
    weights = _weights(entry["weights"], f"{where}.weights", problems) if "weights" in entry else None
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
