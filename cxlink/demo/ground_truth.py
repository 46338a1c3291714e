"""``ground_truth.json``: the planted parameters and what was actually drawn.

The planted values (hazards, CAC, topic probabilities, ...) are what the marts should recover
within their confidence intervals; the realized counts let tests check the landing zone and the
extractor exactly (rows written, quarantine per rule).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from cxlink.demo import parameters as p
from cxlink.demo.comments import topic_mention_probability
from cxlink.demo.customers import Customers
from cxlink.demo.dates import SECONDS_PER_DAY, add_months
from cxlink.demo.feedback import NPS, SURVEY_TYPES, Responses
from cxlink.demo.invoices import LINE_TYPES, Lines
from cxlink.demo.subscriptions import Subscriptions

HORIZONS_MONTHS = (3, 6, 12)


def expected_churn_by_horizon() -> dict[str, dict[str, float]]:
    """P(no active subscription k months after a response | type) = 1 - exp(-k * hazard)."""
    return {
        str(k): {t: round(1 - math.exp(-k * h), 6) for t, h in p.MONTHLY_CHURN_HAZARD.items()}
        for k in HORIZONS_MONTHS
    }


def _zeros(keys) -> dict[str, int]:
    return dict.fromkeys(keys, 0)


def _tallies() -> dict[str, dict[str, list[int]]]:
    return {str(k): {c: [0, 0] for c in p.COMMENT_CATEGORIES} for k in HORIZONS_MONTHS}


@dataclass
class Realized:
    """Counts summed over chunks."""

    customers_by_type: dict[str, int] = field(default_factory=lambda: _zeros(p.NPS_TYPES))
    non_subscription_customers: int = 0
    churn_events: int = 0
    reactivations: int = 0
    responses_by_survey: dict[str, int] = field(default_factory=lambda: _zeros(SURVEY_TYPES))
    nps_responses_by_category: dict[str, int] = field(
        default_factory=lambda: _zeros(p.COMMENT_CATEGORIES)
    )
    nps_comments_by_category: dict[str, int] = field(
        default_factory=lambda: _zeros(p.COMMENT_CATEGORIES)
    )
    nps_topic_mentions: dict[str, dict[str, int]] = field(
        default_factory=lambda: {t: _zeros(p.COMMENT_CATEGORIES) for t in p.TOPICS}
    )
    comments_by_language: dict[str, int] = field(default_factory=lambda: _zeros(p.LANGUAGES))
    comments_without_language: int = 0
    invoice_lines_by_type: dict[str, int] = field(default_factory=lambda: _zeros(LINE_TYPES))
    # horizon -> category -> [responses whose horizon has passed, of which churned by then]
    churn_by_horizon: dict[str, dict[str, list[int]]] = field(default_factory=lambda: _tallies())
    # horizon -> category -> [customers active k months before as_of, of which churned by as_of]
    churn_by_horizon_cohort: dict[str, dict[str, list[int]]] = field(
        default_factory=lambda: _tallies()
    )

    def add(
        self,
        customers: Customers,
        subs: Subscriptions,
        lines: Lines,
        responses: Responses,
        as_of_day: int,
    ) -> None:
        subscriber = customers.subscriber
        for t, name in enumerate(p.NPS_TYPES):
            self.customers_by_type[name] += int(np.sum(subscriber & (customers.nps_type == t)))
        self.non_subscription_customers += int(np.sum(~subscriber))
        ep = subs.episodes
        self.churn_events += int(np.sum(ep.end <= as_of_day))
        self.reactivations += int(np.sum(ep.number > 0))
        for s, name in enumerate(SURVEY_TYPES):
            self.responses_by_survey[name] += int(np.sum(responses.survey == s))
        for k, name in enumerate(LINE_TYPES):
            self.invoice_lines_by_type[name] += int(np.sum(lines.line_type == k))

        nps = responses.survey == NPS
        commented = np.array([c is not None for c in responses.comment], dtype=bool)
        for c, category in enumerate(p.COMMENT_CATEGORIES):
            at = nps & (responses.category == c)
            self.nps_responses_by_category[category] += int(at.sum())
            self.nps_comments_by_category[category] += int((at & commented).sum())
            for t, topic in enumerate(p.TOPICS):
                self.nps_topic_mentions[topic][category] += int(responses.topics[at, t].sum())
        for language in p.LANGUAGES:
            written = responses.language == language
            self.comments_by_language[language] += int(np.sum(written))
        self.comments_without_language += int(
            np.sum(commented & np.array([x is None for x in responses.language], dtype=bool))
        )

        # churn counted from each NPS response, on calendar months (response date + k months)
        at = np.flatnonzero(nps)  # sorted by customer, then time
        day = responses.seconds[at] // SECONDS_PER_DAY
        churn_day = ep.end[responses.episode[at]]
        category = responses.category[at]
        customer = responses.customer[at]
        for k in HORIZONS_MONTHS:
            horizon = add_months(day, k)
            seen = horizon <= as_of_day
            _tally(self.churn_by_horizon[str(k)], category[seen], churn_day[seen] <= horizon[seen])
            # the seed method's cohort: customers active on as_of - k months, by the category of
            # their latest NPS response up to that day, churned by as_of (no look-ahead: choosing
            # a customer's latest response *whatever its date* would pick the last one before a
            # churn and inflate churn)
            cohort_day = int(add_months(np.array([as_of_day]), -k)[0])
            horizon_day = int(add_months(np.array([cohort_day]), k)[0])
            known = np.flatnonzero(day <= cohort_day)
            who = customer[known]
            last = known[np.append(who[1:] != who[:-1], True)] if who.size else known
            latest = np.full(len(customers), -1)
            latest[customer[last]] = category[last]
            active = (ep.start <= cohort_day) & (cohort_day < ep.end)
            cat = latest[ep.customer[active]]
            answered = cat >= 0
            _tally(
                self.churn_by_horizon_cohort[str(k)],
                cat[answered],
                ep.end[active][answered] <= horizon_day,
            )


def _tally(tallies: dict[str, list[int]], category: np.ndarray, churned: np.ndarray) -> None:
    for c, name in enumerate(p.COMMENT_CATEGORIES):
        mine = category == c
        tallies[name][0] += int(mine.sum())
        tallies[name][1] += int((mine & churned).sum())


def _rates(tallies: dict[str, dict[str, list[int]]], unit: str = "responses") -> dict:
    return {
        k: {
            c: {unit: n, "churned": m, "churn_rate": round(m / n, 6) if n else None}
            for c, (n, m) in by_category.items()
        }
        for k, by_category in tallies.items()
    }


def build_ground_truth(
    *,
    seed: int,
    customers: int,
    chunk_size: int,
    start_date: date,
    as_of_date: date,
    dirty: bool,
    realized: Realized,
    rows: dict[str, int],
    dirty_rows: dict[str, int],
    files: list[str],
    quarantine_expected: dict[str, dict[str, int]],
) -> dict:
    return {
        "generator": "cxlink.demo",
        "seed": seed,
        "customers": customers,
        "chunk_size": chunk_size,
        "start_date": start_date.isoformat(),
        "as_of_date": as_of_date.isoformat(),
        "reporting_currency": p.REPORTING_CURRENCY,
        "dirty": dirty,
        "nps_type_mix": dict(zip(p.NPS_TYPES, p.NPS_TYPE_MIX, strict=True)),
        "nps_score_distribution": {
            t: {str(s): q for s, q in probs.items()} for t, probs in p.NPS_SCORE_PROBS.items()
        },
        "csat_score_distribution": {
            t: dict(zip(map(str, range(1, 6)), probs, strict=True))
            for t, probs in p.CSAT_SCORE_PROBS.items()
        },
        "ces_score_distribution": {
            t: dict(zip(map(str, range(1, 8)), probs, strict=True))
            for t, probs in p.CES_SCORE_PROBS.items()
        },
        "churn": {
            "monthly_hazard": dict(p.MONTHLY_CHURN_HAZARD),
            "days_per_month": p.DAYS_PER_MONTH,
            "expected_churn_by_horizon": expected_churn_by_horizon(),
            "definition": (
                "share of NPS responses whose customer has no active subscription period "
                "(period_start <= day < period_end, or period_end empty) on response date + "
                "k months; every response counts, whatever the customer's age (lifetimes are "
                "exponential, hence memoryless)"
            ),
            "reactivation_probability": p.REACTIVATION_PROBABILITY,
            "reactivation_min_gap_months": p.REACTIVATION_MIN_GAP_MONTHS,
        },
        "segments": dict(zip(p.SEGMENTS, p.SEGMENT_MIX, strict=True)),
        "plan_tiers": list(p.TIERS),
        "non_subscription": {
            "share": p.NON_SUBSCRIPTION_SHARE,
            "plan_tier": p.NON_SUBSCRIPTION_PLAN_TIER,
            "surveys": "csat only, after some orders",
        },
        "list_price_per_month": {
            "tiers": dict(zip(p.TIERS, p.TIER_PRICE_EUR, strict=True)),
            "segment_factor": dict(zip(p.SEGMENTS, p.SEGMENT_PRICE_FACTOR, strict=True)),
            "customer_price_sigma": p.CUSTOMER_PRICE_SIGMA,
            "initial_tier_by_channel": {
                c: dict(zip(p.TIERS, mix, strict=True))
                for c, mix in zip(p.CHANNELS, p.TIER_MIX, strict=True)
            },
            "tier_bounds_by_segment": {
                s: [p.TIERS[low], p.TIERS[high]]
                for s, (low, high) in zip(p.SEGMENTS, p.TIER_BOUNDS, strict=True)
            },
            "note": "MRR of a period = tier price x segment factor x the customer's lognormal "
            "factor x the seat factor of its renewals x a little period noise",
        },
        "expansion": {
            "tier_change_rate_per_month": p.TIER_CHANGE_RATE_PER_MONTH,
            "upgrade_share": p.UPGRADE_SHARE,
            "renewal_interval_months": p.RENEWAL_INTERVAL_MONTHS,
            "renewal_seat_log_change": {
                "mean": p.RENEWAL_SEAT_LOG_MEAN,
                "sigma": p.RENEWAL_SEAT_LOG_SIGMA,
            },
            "enterprise_addon_probability": p.ADDON_PROBABILITY,
            "addon_cancel_probability": p.ADDON_CANCEL_PROBABILITY,
        },
        "cac_by_channel": dict(p.CAC_EUR),
        "cac_noise_sigma": p.CAC_NOISE_SIGMA,
        "spend_to_acquisition_lag_months": p.SPEND_TO_ACQUISITION_LAG_MONTHS,
        "service_cost_per_customer": {
            "onboarding_per_new_customer": dict(
                zip(p.SEGMENTS, p.ONBOARDING_COST_PER_NEW_CUSTOMER, strict=True)
            ),
            "support_per_active_customer_month": p.SUPPORT_COST_PER_ACTIVE_CUSTOMER_MONTH,
            "success_per_active_enterprise_customer_month": (
                p.SUCCESS_COST_PER_ACTIVE_ENTERPRISE_CUSTOMER_MONTH
            ),
            "active_means": "a subscription period covers some day of the month",
            "enterprise_means": "segment = enterprise",
        },
        "fx_base_rate_to_reporting": dict(p.FX_BASE),
        "topics": list(p.TOPICS),
        "topic_mention_probability": topic_mention_probability(),
        "topic_mention_note": (
            "P(a comment mentions the topic | category of its score); NPS categories by the "
            "standard cut-offs, CSAT 4-5 / 3 / 1-2, CES 6-7 / 4-5 / 1-3 (CES: 7 = very easy)"
        ),
        "sentiment_probability": {
            c: dict(zip(p.SENTIMENTS, probs, strict=True)) for c, probs in p.SENTIMENT_PROBS.items()
        },
        "languages": list(p.LANGUAGES),
        "country_language": {c[0]: c[2] for c in p.COUNTRIES},
        "country_currency": {c[0]: c[3] for c in p.COUNTRIES},
        "comment_rate": dict(p.COMMENT_RATE),
        "language_omitted_rate": p.LANGUAGE_OMITTED_RATE,
        "nps_response_probability": p.NPS_RESPONSE_PROBABILITY,
        "nps_survey_interval_days": p.NPS_SURVEY_INTERVAL_DAYS,
        "ces_scale": "1-7, 7 = very easy (higher is better)",
        "quarantine_expected": quarantine_expected,
        "realized": {
            "files": files,
            "rows": rows,
            "dirty_rows": dirty_rows,
            "customers_by_type": realized.customers_by_type,
            "non_subscription_customers": realized.non_subscription_customers,
            "churn_events": realized.churn_events,
            "reactivations": realized.reactivations,
            "responses_by_survey": realized.responses_by_survey,
            "nps_responses_by_category": realized.nps_responses_by_category,
            "nps_comments_by_category": realized.nps_comments_by_category,
            "nps_topic_mentions": realized.nps_topic_mentions,
            "comments_by_language": realized.comments_by_language,
            "comments_without_language": realized.comments_without_language,
            "invoice_lines_by_type": realized.invoice_lines_by_type,
            "churn_by_horizon": _rates(realized.churn_by_horizon),
            "churn_by_horizon_note": (
                "each NPS response whose response date + k calendar months is on or before "
                "as_of_date; churned = no active subscription on that day"
            ),
            "churn_by_horizon_cohort": _rates(realized.churn_by_horizon_cohort, "customers"),
            "churn_by_horizon_cohort_note": (
                "customers active on as_of_date - k months, by the category of their latest NPS "
                "response on or before that day; churned = no active subscription on that day "
                "+ k months. Picking each customer's latest response regardless of date is "
                "biased upwards (it is often the last one before a churn)"
            ),
        },
    }
