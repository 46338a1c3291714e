"""Plan-tier changes and contract renewals inside subscription episodes, and the constant-price
periods they cut.

Vectorised over all episodes of a chunk; subscriptions.py draws the episodes and calls these
in a fixed order, so a seed gives the same data.
"""

from __future__ import annotations

import numpy as np

from cxlink.demo import parameters as p
from cxlink.demo.dates import add_months, ragged


def tier_changes(
    rng: np.random.Generator,
    start: np.ndarray,
    observed_end: np.ndarray,
    tier0: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tier changes inside each episode: (episode, change day, new tier), sorted, all real changes."""
    duration = observed_end - start
    expected = p.TIER_CHANGE_RATE_PER_MONTH * duration / p.DAYS_PER_MONTH
    owner, _ = ragged(rng.poisson(expected))
    u_day, u_dir = rng.random(owner.size), rng.random(owner.size)
    # A change needs a day strictly inside the visible part of the episode.
    room = duration[owner] - 1
    keep = room >= 1
    owner, u_day, u_dir, room = owner[keep], u_day[keep], u_dir[keep], room[keep]
    day = start[owner] + 1 + np.floor(u_day * room).astype(np.int64)
    step = np.where(u_dir < p.UPGRADE_SHARE, 1, -1)
    order = np.lexsort((day, owner))
    owner, day, step = owner[order], day[order], step[order]
    # Two changes on one day would make an empty period: keep the first.
    distinct = np.ones(owner.size, dtype=bool)
    distinct[1:] = (owner[1:] != owner[:-1]) | (day[1:] != day[:-1])
    owner, day, step = owner[distinct], day[distinct], step[distinct]
    _, rank = ragged(np.bincount(owner, minlength=start.size))
    tier = np.empty(owner.size, dtype=np.int64)
    changed = np.empty(owner.size, dtype=bool)
    current = tier0.copy()
    # Changes are applied in order; a step past the segment's tier bounds is no change at all.
    for r in range(int(rank.max()) + 1 if rank.size else 0):
        at = rank == r
        who = owner[at]
        new = np.clip(current[who] + step[at], low[who], high[who])
        tier[at] = new
        changed[at] = new != current[who]
        current[who] = new
    return owner[changed], day[changed], tier[changed]


def renewals(
    rng: np.random.Generator, start: np.ndarray, observed_end: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Contract anniversaries inside each episode, each with a seat true-up: (episode, day, log
    seat factor change ~ N(RENEWAL_SEAT_LOG_MEAN, RENEWAL_SEAT_LOG_SIGMA)), sorted.

    B2B contracts renew every RENEWAL_INTERVAL_MONTHS (billed monthly) and most of their net
    revenue retention comes from seats added at renewal, not from tier moves alone.
    """
    # enough candidate anniversaries for the longest visible span; the later ones are dropped
    years = (observed_end - start) // 365 + 1
    owner, k = ragged(years)
    day = add_months(start[owner], p.RENEWAL_INTERVAL_MONTHS * (k + 1))
    keep = day < observed_end[owner]
    owner, day = owner[keep], day[keep]
    step = rng.normal(p.RENEWAL_SEAT_LOG_MEAN, p.RENEWAL_SEAT_LOG_SIGMA, owner.size)
    return owner, day, step


def merge_changes(
    tier0: np.ndarray,
    tier_owner: np.ndarray,
    tier_day: np.ndarray,
    tier_new: np.ndarray,
    renewal_owner: np.ndarray,
    renewal_day: np.ndarray,
    renewal_step: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tier changes and renewals as one sorted list of period cuts: (episode, day, tier in force
    from that day, log seat factor change). A renewal keeps the tier in force; one falling on a
    tier change's day is folded into it, so no period is empty."""
    owner = np.concatenate([tier_owner, renewal_owner])
    day = np.concatenate([tier_day, renewal_day])
    tier = np.concatenate([tier_new, np.full(renewal_owner.size, -1)])
    step = np.concatenate([np.zeros(tier_owner.size), renewal_step])
    kind = np.concatenate([np.zeros(tier_owner.size), np.ones(renewal_owner.size)])
    order = np.lexsort((kind, day, owner))
    owner, day, tier, step = owner[order], day[order], tier[order], step[order]
    same_day = np.zeros(owner.size, dtype=bool)
    same_day[1:] = (owner[1:] == owner[:-1]) & (day[1:] == day[:-1])
    folded = np.flatnonzero(same_day)
    step[folded - 1] += step[folded]
    keep = ~same_day
    owner, day, tier, step = owner[keep], day[keep], tier[keep], step[keep]
    # a renewal's tier: the latest tier change of its episode before it, else the first tier
    position = np.arange(owner.size)
    latest = np.maximum.accumulate(np.where(tier >= 0, position, -1)) if owner.size else position
    own = (latest >= 0) & (owner[np.maximum(latest, 0)] == owner)
    tier = np.where(tier >= 0, tier, np.where(own, tier[np.maximum(latest, 0)], tier0[owner]))
    return owner, day, tier, step


def episode_periods(
    start: np.ndarray,
    end: np.ndarray,
    tier0: np.ndarray,
    change_owner: np.ndarray,
    change_day: np.ndarray,
    change_tier: np.ndarray,
    change_seat_step: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Contiguous periods per episode: (episode, position, start, end, tier, upgrade, log seat
    factor). The seat factor starts at 1 (log 0) and changes only where a renewal cuts."""
    n_changes = np.bincount(change_owner, minlength=start.size)
    owner, pos = ragged(1 + n_changes)
    offset = np.cumsum(n_changes) - n_changes
    # the log seat factor after each change: a running sum within its episode
    running = np.cumsum(change_seat_step)
    seat_after = running - (running - change_seat_step)[offset[change_owner]]
    # Pad so that index arithmetic stays in bounds when an episode has no change.
    days = np.append(change_day, 0)
    tiers = np.append(change_tier, 0)
    seats = np.append(seat_after, 0.0)
    before = np.where(pos > 0, offset[owner] + pos - 1, days.size - 1)
    after = np.where(pos < n_changes[owner], offset[owner] + pos, days.size - 1)
    p_start = np.where(pos == 0, start[owner], days[before])
    p_end = np.where(pos < n_changes[owner], days[after], end[owner])
    p_tier = np.where(pos == 0, tier0[owner], tiers[before])
    p_seat = np.where(pos == 0, 0.0, seats[before])
    previous = np.where(pos >= 2, tiers[np.maximum(before - 1, 0)], tier0[owner])
    upgrade = (pos > 0) & (p_tier > previous)
    return owner, pos, p_start, p_end, p_tier, upgrade, p_seat
