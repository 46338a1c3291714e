"""Monthly money that is not invoiced: marketing spend, service costs, exchange rates.

Spend and costs are derived from monthly tallies of the customers (new signups per channel,
active customers), which are summed chunk by chunk: the planted CAC and cost rates are exact in
expectation, with only the stated noise on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cxlink.demo import parameters as p
from cxlink.demo.customers import Customers
from cxlink.demo.dates import iso_dates, month_number, month_start
from cxlink.demo.subscriptions import Subscriptions

MONEY_COLUMNS = ("month", "channel", "amount", "currency")
SERVICE_COLUMNS = ("month", "cost_type", "amount", "currency")
FX_COLUMNS = ("date", "currency", "rate_to_reporting")


@dataclass
class MonthlyTallies:
    first_month: int
    last_month: int
    new_by_channel: np.ndarray = field(init=False)
    new_by_segment: np.ndarray = field(init=False)
    active: np.ndarray = field(init=False)
    active_enterprise: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.n_months
        self.new_by_channel = np.zeros((n, len(p.CHANNELS)), dtype=np.int64)
        self.new_by_segment = np.zeros((n, len(p.SEGMENTS)), dtype=np.int64)
        # difference arrays: +1 in an episode's first month, -1 after its last
        self.active = np.zeros(n + 1, dtype=np.int64)
        self.active_enterprise = np.zeros(n + 1, dtype=np.int64)

    @property
    def n_months(self) -> int:
        return self.last_month - self.first_month + 1

    def add(self, customers: Customers, subs: Subscriptions) -> None:
        signup_month = month_number(customers.signup_day) - self.first_month
        np.add.at(self.new_by_channel, (signup_month, customers.channel), 1)
        np.add.at(self.new_by_segment, (signup_month, customers.segment), 1)
        ep = subs.episodes
        # a customer is active in a month when a subscription covers any day of it; episodes of
        # one customer are more than a year apart, so no month is counted twice
        first = month_number(ep.start) - self.first_month
        last = month_number(ep.observed_end - 1) - self.first_month
        enterprise = customers.segment[ep.customer] == 2
        for counts, which in ((self.active, slice(None)), (self.active_enterprise, enterprise)):
            np.add.at(counts, first[which], 1)
            np.add.at(counts, last[which] + 1, -1)

    def active_customers(self) -> np.ndarray:
        return np.cumsum(self.active)[:-1]

    def active_enterprise_customers(self) -> np.ndarray:
        return np.cumsum(self.active_enterprise)[:-1]

    def month_dates(self) -> list[str]:
        months = np.arange(self.first_month, self.last_month + 1)
        return iso_dates(month_start(months)).tolist()


def _amount(value: float) -> str:
    return f"{value:.2f}"


def marketing_spend_rows(rng: np.random.Generator, tallies: MonthlyTallies) -> list[tuple]:
    """Spend per month and channel = new customers x planted CAC x lognormal noise (lag 0)."""
    cac = np.array([p.CAC_EUR[c] for c in p.CHANNELS])
    noise = np.exp(rng.normal(0.0, p.CAC_NOISE_SIGMA, tallies.new_by_channel.shape))
    spend = tallies.new_by_channel * cac * noise
    rows = []
    for m, month in enumerate(tallies.month_dates()):
        for c, channel in enumerate(p.CHANNELS):
            rows.append((month, channel, _amount(spend[m, c]), p.REPORTING_CURRENCY))
    return rows


def service_cost_rows(tallies: MonthlyTallies) -> list[tuple]:
    amounts = {
        "onboarding": tallies.new_by_segment @ np.array(p.ONBOARDING_COST_PER_NEW_CUSTOMER),
        "support": tallies.active_customers() * p.SUPPORT_COST_PER_ACTIVE_CUSTOMER_MONTH,
        "success": tallies.active_enterprise_customers()
        * p.SUCCESS_COST_PER_ACTIVE_ENTERPRISE_CUSTOMER_MONTH,
    }
    rows = []
    for m, month in enumerate(tallies.month_dates()):
        for cost_type, amount in amounts.items():
            rows.append((month, cost_type, _amount(amount[m]), p.REPORTING_CURRENCY))
    return rows


def fx_rate_rows(rng: np.random.Generator, first_month: int, last_month: int) -> list[tuple]:
    """Rates on the first day of each month: a small log random walk from FX_BASE."""
    months = np.arange(first_month, last_month + 1)
    dates = iso_dates(month_start(months)).tolist()
    walks = {}
    for currency, base in p.FX_BASE.items():
        steps = rng.normal(0.0, p.FX_MONTHLY_SIGMA, months.size)
        steps[0] = 0.0
        walks[currency] = base * np.exp(np.cumsum(steps))
    rows = []
    for m, day in enumerate(dates):
        for currency, rates in walks.items():
            rows.append((day, currency, f"{rates[m]:.6f}"))
    return rows
