"""Hand-made finance marts of one grain each, and a dbt manifest giving their columns' units.

- ``cac_total`` (month): three months, spend in the millions (the width of a money cell);
- ``cac_by_channel`` (month x acquisition_channel): channel names a spreadsheet would run as
  formulas (``=HYPERLINK(...)``, ``=1+1``, ``+1``, ``-2``, ``@SUM(A1)``);
- ``clv_by_channel`` (billing_model x acquisition_channel): a wide snapshot (more figures than
  sheet_layout.FIGURES_MIN_COLUMNS), shown transposed;
- ``nps_overall`` (period): NPS with its interval columns *before* the estimate's neighbours
  in the table (se, ci_low, ci_high), so the workbook's reordering shows.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

CHANNELS = ('=HYPERLINK("http://example.com","x")', "=1+1", "+1", "-2", "@SUM(A1)", "organic")

# column -> (unit, description); additive columns are marked with a trailing '+'
UNITS: dict[str, dict[str, tuple[str, str]]] = {
    "cac_total": {
        "month": ("month", "Acquisition month."),
        "spend+": ("money", 'Sales and marketing spend (docs/metrics.md "CLV and CAC").'),
        "new_customers+": ("count", "New customers gained in the month."),
        "cac": ("money", "CAC = spend / new_customers."),
        "currency": ("currency", "The reporting currency."),
    },
    "cac_by_channel": {
        "month": ("month", "Acquisition month."),
        "acquisition_channel": ("dimension", "The channel."),
        "spend+": ("money", "Spend of the channel."),
        "new_customers+": ("count", "New customers of the channel."),
        "cac": ("money", "CAC of the channel."),
        "currency": ("currency", "The reporting currency."),
    },
    "nps_overall": {
        "period": ("dimension", "Which window."),
        "period_start_date": ("date", "First day of the window."),
        "responses": ("count", "n."),
        "se": ("nps_points", "Standard error of the NPS."),
        "nps": ("nps_points", 'NPS (docs/metrics.md "Survey metrics").'),
        "ci_low": ("nps_points", "Lower bound."),
        "ci_high": ("nps_points", "Upper bound."),
        "ci_z": ("number", "z of the interval."),
    },
}
CLV_FIGURES = {
    "customers": "count",
    "arpu": "money",
    "arpu_ci_low": "money",
    "arpu_ci_high": "money",
    "arpu_se": "money",
    "monthly_churn": "fraction",
    "monthly_churn_ci_low": "fraction",
    "monthly_churn_ci_high": "fraction",
    "monthly_churn_se": "fraction",
    "lifetime_months": "months",
    "cac": "money",
    "crc": "money",
    "clv": "money",
    "clv_ci_low": "money",
    "clv_ci_high": "money",
    "clv_se": "money",
    "clv_to_cac": "ratio",
    "clv_to_cac_ci_low": "ratio",
    "clv_to_cac_ci_high": "ratio",
    "cac_payback_months": "months",
    "rmst_horizon_months": "months",
    "clv_formula": "text",
    "ci_z": "number",
}
LONG_DESCRIPTION = (
    "Customer lifetime value per customer: ARPU x lifetime - (CAC + CRC), where the lifetime "
    "is 1 / monthly churn or the Kaplan-Meier RMST, with a delta-method standard error and a "
    "Wald interval; null when no churn was observed, so the lifetime is unbounded, or when an "
    "input is missing."
)
UNITS["clv_by_channel"] = {
    "billing_model": ("dimension", "subscription or one_time."),
    "acquisition_channel": ("dimension", "The channel."),
    **{name: (unit, f"The {name}.") for name, unit in CLV_FIGURES.items()},
    "clv": ("money", LONG_DESCRIPTION),
    "currency": ("currency", "The reporting currency."),
}
TABLE_DOCS = {
    "cac_total": 'CAC per month (docs/metrics.md "CLV and CAC").',
    "cac_by_channel": 'CAC per month and channel (docs/metrics.md "CLV and CAC").',
    "clv_by_channel": 'CLV per billing model and channel (docs/metrics.md "CLV and CAC", '
    '"Linking NPS to retention and revenue").',
    "nps_overall": 'NPS over three windows (docs/metrics.md "Survey metrics").',
}


def _figure(name: str, unit: str, k: int) -> str:
    """A CLV figure's SQL over the row number i: distinct per figure and row."""
    if name == "rmst_horizon_months":
        return "36"
    if name == "ci_z":
        return "1.96::double"
    return {
        "count": f"(7 * i + {k})::bigint",
        "text": "'monthly_transactions x average_order_value'",
        "money": f"(1000.5 * i + {k})::double",
        "months": f"(12.25 + i + {k})::double",
    }.get(unit, f"(0.01 * i + 0.001 * {k})::double")


def build_finance_marts(path: Path, currency: str = "EUR") -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists marts")
        con.execute(
            """
            create or replace table marts.cac_total as
            select * from (values
                (date '2024-01-01', 1234567.891::decimal(38, 4), 1200::bigint, 1028.81, $c),
                (date '2024-02-01', 2345.5::decimal(38, 4), 3::bigint, 781.83, $c),
                (date '2024-03-01', 999.0::decimal(38, 4), 0::bigint, null, $c)
            ) v(month, spend, new_customers, cac, currency)
            """,
            {"c": currency},
        )
        con.execute(
            """
            create or replace table marts.cac_by_channel as
            select m.month, c.channel as acquisition_channel,
                   (100 * c.i + extract(month from m.month))::decimal(38, 4) as spend,
                   (c.i + 1)::bigint as new_customers,
                   (100 * c.i + extract(month from m.month)) / (c.i + 1) as cac,
                   $c as currency
            from (values (date '2024-01-01'), (date '2024-02-01')) m(month),
                 (select unnest($channels) as channel,
                         generate_subscripts($channels, 1) as i) c
            """,
            {"c": currency, "channels": list(CHANNELS)},
        )
        figures = ", ".join(
            f"{_figure(name, unit, k)} as {name}"
            for k, (name, unit) in enumerate(CLV_FIGURES.items())
        )
        con.execute(
            f"""
            create or replace table marts.clv_by_channel as
            select billing_model, acquisition_channel, {figures}, $c as currency
            from (select b.billing_model, ch.acquisition_channel,
                         row_number() over (order by b.billing_model, ch.acquisition_channel) as i
                  from (values ('one_time'), ('subscription')) b(billing_model),
                       (values ('organic'), ('paid_search'), ('partner')) ch(acquisition_channel))
            """,
            {"c": currency},
        )
        con.execute(
            """
            create or replace table marts.nps_overall as
            select * from (values
                ('all_time', date '2023-06-01', 120::bigint, 1.2, 12.5, 10.1, 14.9, 1.96),
                ('last_12_months', date '2024-01-01', 80::bigint, 1.5, -3.25, -6.2, -0.3, 1.96),
                ('last_3_months', date '2024-10-01', 20::bigint, null, null, null, null, 1.96)
            ) v(period, period_start_date, responses, se, nps, ci_low, ci_high, ci_z)
            """
        )
    finally:
        con.close()
    return path


def write_finance_manifest(path: Path) -> Path:
    """A dbt manifest (the parts mart_docs reads) with every column's unit: in ``config.meta``
    as dbt 1.10+ writes it (cac tables) or in the older ``meta`` (the others)."""
    nodes = {}
    for table, columns in UNITS.items():
        entries = {}
        for key, (unit, description) in columns.items():
            name = key.rstrip("+")
            meta = {"unit": unit, **({"additive": True} if key.endswith("+") else {})}
            place = {"config": {"meta": meta}} if table.startswith("cac") else {"meta": meta}
            entries[name] = {"name": name, "description": description, **place}
        nodes[f"model.cxlink.{table}"] = {
            "resource_type": "model",
            "schema": "marts",
            "name": table,
            "description": TABLE_DOCS[table],
            "columns": entries,
        }
    path.write_text(json.dumps({"nodes": nodes}))
    return path
