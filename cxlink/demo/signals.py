"""Support tickets and product usage of a chunk (issue 15), and what they planted, for
``ground_truth.json``.

Both draw from random streams of their own (``TICKETS_STREAM``, ``USAGE_STREAM``), so adding
them left every other landing file byte-identical. The realized figures are defined so that a
test can recompute them exactly from the landing files (tests/demo/test_signals.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cxlink.demo import parameters as p
from cxlink.demo.customers import Customers
from cxlink.demo.dates import SECONDS_PER_DAY
from cxlink.demo.feedback import NPS, Responses
from cxlink.demo.randomness import TICKETS_STREAM, USAGE_STREAM, stream
from cxlink.demo.subscriptions import Subscriptions
from cxlink.demo.tickets import Tickets, generate_tickets
from cxlink.demo.usage import Usage, decline_factor, generate_usage

# Windows of weeks, in days from the week's Monday to the reference day (the churn day, or
# as_of_date + 1 for accounts still active): the last 3 months, and months 6 to 12 before.
RECENT_DAYS = (1, 91)
EARLIER_DAYS = (183, 365)
# Only episodes this long take part in the comparison: both windows lie after the onboarding
# ramp (so the ramp does not pass for a decline).
MIN_EPISODE_DAYS = 400
HIGH_PRIORITIES = (2, 3)  # high, urgent


@dataclass(frozen=True)
class Signals:
    tickets: Tickets
    usage: Usage


def generate_signals(
    seed: int,
    index: int,
    customers: Customers,
    subs: Subscriptions,
    responses: Responses,
    as_of_day: int,
) -> Signals:
    tickets = generate_tickets(
        stream(seed, TICKETS_STREAM, index), customers, subs, responses, as_of_day
    )
    usage = generate_usage(stream(seed, USAGE_STREAM, index), customers, subs, as_of_day)
    return Signals(tickets, usage)


def _sums() -> dict[str, list[int]]:
    # group -> window -> [weeks, active users, key events, seats (weeks with seats), their users]
    return {g: {w: [0, 0, 0, 0, 0] for w in ("recent", "earlier")} for g in ("churned", "ongoing")}


@dataclass
class SignalTallies:
    """Counts summed over chunks."""

    tickets_by_priority: list[int] = field(default_factory=lambda: [0] * 4)
    burst_tickets: int = 0
    open_tickets: int = 0
    rated_tickets: int = 0
    # NPS category -> [responses, tickets in the window before, of which high or urgent]
    before_response: dict[str, list[int]] = field(
        default_factory=lambda: {c: [0, 0, 0] for c in p.COMMENT_CATEGORIES}
    )
    usage_weeks: int = 0
    windows: dict = field(default_factory=_sums)

    def add(self, subs: Subscriptions, responses: Responses, signals: Signals, as_of_day: int):
        t = signals.tickets
        self.tickets_by_priority = [
            a + int(np.sum(t.priority == k)) for k, a in enumerate(self.tickets_by_priority)
        ]
        self.burst_tickets += int(t.burst.sum())
        self.open_tickets += int(np.sum(t.closed < 0))
        self.rated_tickets += int(np.sum(t.csat > 0))
        self._before_responses(t, responses)
        self._usage_windows(subs, signals.usage, as_of_day)

    def _before_responses(self, t: Tickets, responses: Responses) -> None:
        at = np.flatnonzero(responses.survey == NPS)
        big = np.int64(10**10)  # > any timestamp in seconds: one sorted key per customer
        key = t.customer * big + t.opened  # sorted: tickets are by customer, then opened
        high = np.concatenate([[0], np.cumsum(np.isin(t.priority, HIGH_PRIORITIES))])
        end = responses.customer[at] * big + responses.seconds[at]
        hi = np.searchsorted(key, end, side="left")
        lo = np.searchsorted(key, end - p.TICKET_BURST_DAYS * SECONDS_PER_DAY, side="left")
        for c, name in enumerate(p.COMMENT_CATEGORIES):
            mine = responses.category[at] == c
            tally = self.before_response[name]
            tally[0] += int(mine.sum())
            tally[1] += int((hi - lo)[mine].sum())
            tally[2] += int((high[hi] - high[lo])[mine].sum())

    def _usage_windows(self, subs: Subscriptions, u: Usage, as_of_day: int) -> None:
        ep = subs.episodes
        self.usage_weeks += len(u)
        churned = ep.end[u.episode] <= as_of_day
        reference = np.where(churned, ep.end[u.episode], as_of_day + 1)
        days = reference - u.week
        long_enough = reference - ep.start[u.episode] >= MIN_EPISODE_DAYS
        for group, member in (("churned", churned), ("ongoing", ~churned)):
            for window, (low, high) in (("recent", RECENT_DAYS), ("earlier", EARLIER_DAYS)):
                at = member & long_enough & (days >= low) & (days <= high)
                seated = at & u.seats_reported
                sums = self.windows[group][window]
                sums[0] += int(at.sum())
                sums[1] += int(u.active_users[at].sum())
                sums[2] += int(u.key_events[at].sum())
                sums[3] += int(u.seats[seated].sum())
                sums[4] += int(u.active_users[seated].sum())


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 6) if b else None


def _window_figures(sums: list[int]) -> dict:
    weeks, active, events, seats, seated_active = sums
    return {
        "weeks": weeks,
        "mean_active_users": _ratio(active, weeks),
        "mean_key_events": _ratio(events, weeks),
        "seat_utilisation": _ratio(seated_active, seats),
    }


def _planted_recent_factor() -> float:
    """Mean decline factor over the weekly Mondays 1..91 days before a churn (uniform days)."""
    return round(float(np.mean(decline_factor(np.arange(RECENT_DAYS[0], RECENT_DAYS[1] + 1)))), 6)


def signals_ground_truth(tallies: SignalTallies) -> dict:
    w = tallies.windows
    figures = {g: {k: _window_figures(v) for k, v in w[g].items()} for g in w}
    ratios = {
        g: {
            m: _ratio(figures[g]["recent"][m] or 0, figures[g]["earlier"][m] or 0)
            for m in ("mean_active_users", "mean_key_events", "seat_utilisation")
        }
        for g in w
    }
    before = {
        c: {
            "responses": n,
            "tickets": k,
            "high_or_urgent": h,
            "mean_tickets": _ratio(k, n),
            "mean_high_or_urgent": _ratio(h, n),
        }
        for c, (n, k, h) in tallies.before_response.items()
    }
    return {
        "product_usage": {
            "seats_median_by_segment": dict(zip(p.SEGMENTS, p.USAGE_SEATS_MEDIAN, strict=True)),
            "seats_reported_share": p.USAGE_SEATS_REPORTED_SHARE,
            "utilisation_by_type": dict(p.USAGE_UTILISATION),
            "onboarding_weeks": p.USAGE_ONBOARDING_WEEKS,
            "decline_days": p.USAGE_DECLINE_DAYS,
            "decline_floor": p.USAGE_DECLINE_FLOOR,
            "planted_recent_vs_earlier_ratio": _planted_recent_factor(),
            "key_events_per_active_user": dict(
                zip(p.SEGMENTS, p.USAGE_EVENTS_PER_ACTIVE_USER, strict=True)
            ),
            "windows_note": (
                "weeks whose Monday is 1-91 days (recent) or 183-365 days (earlier) before the "
                "reference day: the churn day (last period_end of the episode, churned) or "
                "as_of_date + 1 (ongoing); episodes of at least 400 days up to that day; "
                "utilisation = sum of active users / sum of seats over the weeks with seats"
            ),
            "realized": {"weeks": tallies.usage_weeks, "windows": figures, "ratios": ratios},
        },
        "support_tickets": {
            "rate_per_month_by_segment": dict(
                zip(p.SEGMENTS, p.TICKET_RATE_PER_MONTH, strict=True)
            ),
            "priority_mix": dict(zip(p.TICKET_PRIORITIES, p.TICKET_PRIORITY_MIX, strict=True)),
            "burst_mean": p.TICKET_BURST_MEAN,
            "burst_days": p.TICKET_BURST_DAYS,
            "burst_priority_mix": dict(
                zip(p.TICKET_PRIORITIES, p.TICKET_BURST_PRIORITY_MIX, strict=True)
            ),
            "burst_note": (
                "before every NPS detractor response, Poisson(burst_mean) extra tickets opened "
                "in the burst_days before it; background tickets do not depend on the NPS type, "
                "so mean tickets before a detractor response - before a promoter response is "
                "about burst_mean"
            ),
            "realized": {
                "by_priority": dict(
                    zip(p.TICKET_PRIORITIES, tallies.tickets_by_priority, strict=True)
                ),
                "burst_tickets": tallies.burst_tickets,
                "open_tickets": tallies.open_tickets,
                "rated_tickets": tallies.rated_tickets,
                "before_nps_response": before,
                "before_note": (
                    "tickets of the customer opened in [responded_at - burst_days, "
                    "responded_at), per NPS response category"
                ),
            },
        },
    }
