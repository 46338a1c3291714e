"""The front page of a run (what `cxlink run` and `cxlink summary` print first): the headline
linkage figures with their intervals and what was quarantined, formatted from a ``FrontPage``.
Pure: cxlink/summary.py reads the figures; docs/metrics.md defines them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

NPS_CATEGORIES = ("promoter", "passive", "detractor")
TOP_RULES = 4  # quarantine rules named on the summary line; `quarantine.ledger` has them all


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Publication:
    version: str
    window_start: date | None
    window_end: date | None


@dataclass(frozen=True)
class ScoreHeadline:
    """A CSAT or CES headline (marts.csat_overall / ces_overall): the top-band share with its
    interval, the mean score, n and the window."""

    share: Estimate
    mean: float | None
    responses: int
    period: str = "last_12_months"


@dataclass
class FrontPage:
    currency: str
    as_of: date | None = None
    publication: Publication | None = None
    nps: Estimate | None = None
    nps_period: str = "last_12_months"
    nps_responses: int = 0
    csat: ScoreHeadline | None = None
    ces: ScoreHeadline | None = None
    ces_easy_end: str = "high"
    # where the linkage's NPS categories come from (marts.cx_revenue_linkage_overall)
    category_source: str = "nps"
    churn_horizon_months: int | None = None
    churn_by_category: dict[str, Estimate] = field(default_factory=dict)
    churn_gap: Estimate | None = None
    revenue_at_risk: Estimate | None = None
    nps_point_value: Estimate | None = None
    clv_to_cac: Estimate | None = None
    cac_payback_months: float | None = None
    rows_in: int = 0
    rows_quarantined: int = 0
    quarantined_by_rule: list[tuple[str, int]] = field(default_factory=list)
    unreadable_files: int = 0
    # active accounts per health band in the as-of month, and the red band's ARR
    # (marts.customer_health)
    health_bands: dict[str, int] = field(default_factory=dict)
    red_arr: float | None = None
    # marts.account_follow_ups: accounts to contact, of them high priority and overdue
    follow_ups: tuple[int, int, int] | None = None
    follow_ups_file: str = "exports/follow_ups.csv"
    # values set null with the row kept (quarantine.cleared_values), per rule
    cleared_by_rule: list[tuple[str, int]] = field(default_factory=list)
    missing_marts: list[str] = field(default_factory=list)
    # what the data cover, worded by cxlink/coverage.py: events after the as-of date, a
    # left-truncated history (the Dagster checks on marts/data_window say the same)
    warnings: list[str] = field(default_factory=list)


def _points(x: float) -> str:
    return f"{x:+.1f}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _money(x: float, currency: str) -> str:
    return f"{currency} {x:,.0f}"


def _interval(e: Estimate, fmt) -> str:
    if e.low is None or e.high is None:
        return fmt(e.value)
    return f"{fmt(e.value)} ({fmt(e.low)} .. {fmt(e.high)})"


def _score_rows(page: FrontPage) -> list[tuple[str, str]]:
    rows = []
    easy = "7 = easy" if page.ces_easy_end == "high" else "1 = easy"
    for label, headline, band, scale in (
        ("CSAT", page.csat, "satisfied", "of 5"),
        ("CES", page.ces, "low effort", f"of 7 ({easy})"),
    ):
        if headline is not None and headline.responses and headline.share.value is not None:
            share = _interval(headline.share, _pct)
            mean = f", mean {headline.mean:.2f} {scale}" if headline.mean is not None else ""
            period = headline.period.replace("_", " ")
            rows.append((f"{label}, {period}", f"{share} {band}{mean}, n={headline.responses:,}"))
    return rows


def _survey_rows(page: FrontPage) -> list[tuple[str, str]]:
    scores = _score_rows(page)
    if page.nps is not None and page.nps.value is not None:
        period = page.nps_period.replace("_", " ")
        nps = _interval(page.nps, _points)
        return [(f"NPS, {period}", f"{nps}, n={page.nps_responses:,}"), *scores]
    if not scores:
        return [("NPS", "no NPS responses in the data")]
    # a CSAT / CES programme: say where the churn lines' categories come from
    if page.category_source == "csat_mapped":
        return [*scores, ("NPS", "no NPS survey; the churn below maps CSAT to NPS categories")]
    return [*scores, ("NPS", "no NPS survey in the data")]


def _headline_lines(page: FrontPage) -> list[str]:
    rows = _survey_rows(page)
    mapped = page.category_source in ("csat_mapped", "nps_and_csat_mapped")
    churn = [
        f"{category + 's':<11}{_interval(page.churn_by_category[category], _pct)}"
        for category in reversed(NPS_CATEGORIES)  # detractors first: the figure finance asks for
        if page.churn_by_category.get(category)
        and page.churn_by_category[category].value is not None
    ]
    for i, text in enumerate(churn):
        label = f"{page.churn_horizon_months}-month logo churn" + (" (CSAT mapped)" * mapped)
        rows.append((label if i == 0 else "", text))
    if page.churn_gap is not None and page.churn_gap.value is not None:
        gap = _interval(page.churn_gap, lambda x: f"{100 * x:+.1f}")
        rows.append(("detractor churn gap", f"{gap} points over promoters"))
    # revenue at risk is detractor ARR x the churn gap over the linkage horizon
    horizon = f"of ARR over {page.churn_horizon_months or 12} months"
    for label, estimate, period in (
        ("revenue at risk", page.revenue_at_risk, horizon),
        ("one NPS point", page.nps_point_value, "a year"),
    ):
        if estimate is not None and estimate.value is not None:
            text = f"{_money(estimate.value, page.currency)} {period}"
            if estimate.low is not None and estimate.high is not None:
                text += f" ({estimate.low:,.0f} .. {estimate.high:,.0f})"
            rows.append((label, text))
    if page.clv_to_cac is not None and page.clv_to_cac.value is not None:
        ratio = _interval(page.clv_to_cac, lambda x: f"{x:.1f}x")
        payback = (
            f", CAC payback {page.cac_payback_months:.1f} months"
            if page.cac_payback_months is not None
            else ""
        )
        rows.append(("CLV / CAC", f"{ratio}{payback} (subscriptions)"))
    elif page.clv_to_cac is not None:
        rows.append(("CLV / CAC", "not estimable: no acquisition cost in the CLV window"))
    return _aligned(rows)


def _aligned(rows: list[tuple[str, str]]) -> list[str]:
    """(label, text) rows, indented, the texts in one column."""
    width = max(len(label) for label, _ in rows)
    return [f"  {label:<{width}}  {text}" for label, text in rows]


HEALTH_BANDS = ("green", "yellow", "red")


def _customer_success_lines(page: FrontPage) -> list[str]:
    rows = []
    if page.health_bands:
        bands = " · ".join(f"{band} {page.health_bands.get(band, 0):,}" for band in HEALTH_BANDS)
        red = f" (red ARR {_money(page.red_arr, page.currency)})" if page.red_arr else ""
        rows.append(("health, as-of month", f"{bands} active accounts{red}"))
    if page.follow_ups is not None:
        total, high, overdue = page.follow_ups
        if total:
            text = (
                f"{total:,} account{'s' if total > 1 else ''} to contact ({high:,} high "
                f"priority, {overdue:,} overdue): {page.follow_ups_file}"
            )
        else:
            text = "no account meets a follow-up rule"
        rows.append(("follow-ups", text))
    if not rows:
        return []
    return ["", "customer success (docs/metrics.md):", *_aligned(rows)]


def _rules_text(by_rule: list[tuple[str, int]]) -> str:
    """The largest rules with their counts, then how many more there are."""
    named = by_rule[:TOP_RULES]
    rest = len(by_rule) - len(named)
    text = ", ".join(f"{rule} {n:,}" for rule, n in named)
    return text + (f" and {rest} more rule{'s' if rest > 1 else ''}" if rest else "")


def _quarantine_line(page: FrontPage) -> str:
    if not page.rows_in:
        return "quarantined: no rows loaded"
    share = page.rows_quarantined / page.rows_in
    text = f"quarantined: {page.rows_quarantined:,} of {page.rows_in:,} rows ({share:.2%})"
    if page.quarantined_by_rule:
        text += ": " + _rules_text(page.quarantined_by_rule)
    if page.unreadable_files:
        text += f"; {page.unreadable_files} unreadable file(s): select * from quarantine.files"
    return text


def _cleared_line(page: FrontPage) -> str | None:
    if not page.cleared_by_rule:
        return None
    total = sum(n for _, n in page.cleared_by_rule)
    return (
        f"cleared: {total:,} value{'s' if total > 1 else ''} set null, rows kept "
        f"({_rules_text(page.cleared_by_rule)}): "
        "select * from quarantine.cleared_values"
    )


def front_page_lines(page: FrontPage) -> list[str]:
    """The summary block for ``page`` (without the where-things-are lines)."""
    title = "cxlink summary"
    if page.publication is not None:
        title += f" · published {page.publication.version}"
        start, end = page.publication.window_start, page.publication.window_end
        if start and end:
            title += f" · data {start:%Y-%m} .. {end:%Y-%m}"
    else:
        title += " · not published"
    if page.as_of:
        title += f" · as of {page.as_of.isoformat()}"
    lines = [title, "", "headlines (95% intervals; docs/metrics.md):"]
    lines += _headline_lines(page)
    if page.missing_marts:
        lines.append(f"  not built: marts {', '.join(page.missing_marts)} (did dbt build fail?)")
    lines += _customer_success_lines(page)
    if page.warnings:
        lines += ["", "warnings:"] + [f"  {text}" for text in page.warnings]
    lines += ["", _quarantine_line(page)]
    if (cleared := _cleared_line(page)) is not None:
        lines.append(cleared)
    return lines
