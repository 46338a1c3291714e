"""The configured health score's terms: the indicators, the scales, and the configuration
(weights, bands, overrides) resolved per segment and tenure stage and versioned.

docs/metrics.md "Customer health and closing the loop" ("Health score: the configured formula"):
score = 100 x sum_i w_i s_i over the indicators present for an account, each s_i in [0, 1] (1 =
healthy), the weights summing to 1 (renormalised over the present ones); bands green / yellow /
red by two cut-offs. Weights and cut-offs may differ per segment and per tenure stage
(``overrides``); the scales that turn raw values into s_i (windows, the value that scores 0) are
part of the formula too. The file is ``assets/health/health_score.yml`` unless
``CXLINK_HEALTH_SCORE_CONFIG`` names another (dbt var ``health_score_config``).

``score_version`` is a short hash of the normalised configuration (every default filled in, key
order and number formatting removed) and of ``FORMULA_REVISION``: it changes exactly when the
formula does, and every scored row carries it. Reading and validating the file:
``cxlink.health.config``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
