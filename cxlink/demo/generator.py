"""``generate()``: the whole demo landing zone, chunk by chunk, in bounded memory."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa

from cxlink.contract import ENTITIES, ENTITY_ORDER
from cxlink.demo.costs import (
    FX_COLUMNS,
    MONEY_COLUMNS,
    SERVICE_COLUMNS,
    MonthlyTallies,
    fx_rate_rows,
    marketing_spend_rows,
    service_cost_rows,
)
from cxlink.demo.customers import CUSTOMER_COLUMNS, Customers, customer_rows, generate_customers
from cxlink.demo.dates import day_number, month_number
from cxlink.demo.dirty import DIRTY_FILE, CleanSamples, dirty_files
from cxlink.demo.feedback import FEEDBACK_COLUMNS, Responses, feedback_records, generate_responses
from cxlink.demo.ground_truth import Realized, build_ground_truth
from cxlink.demo.invoices import (
    INVOICE_SCHEMA,
    Lines,
    generate_invoices,
    generate_purchases,
    invoice_table,
)
from cxlink.demo.phrases import PhraseBank, load_names, load_phrase_bank
from cxlink.demo.randomness import COSTS_STREAM, CUSTOMERS_STREAM, FX_STREAM, stream
from cxlink.demo.signals import SignalTallies, generate_signals, signals_ground_truth
from cxlink.demo.subscriptions import (
    SUBSCRIPTION_COLUMNS,
    Subscriptions,
    generate_subscriptions,
    subscription_rows,
)
from cxlink.demo.tickets import TICKET_COLUMNS, ticket_rows
from cxlink.demo.usage import USAGE_SCHEMA, usage_table
from cxlink.demo.writers import (
    GROUND_TRUTH_FILE,
    CsvSink,
    JsonlSink,
    ParquetSink,
    prepare_landing,
    write_json_atomically,
)

Progress = Callable[[str], None]

# Where each entity's clean rows go: several formats, so every reader is exercised.
FILES = {
    "customers": "customers/customers.csv",
    "subscriptions": "subscriptions/subscriptions.csv",
    "invoices": "invoices/invoices.parquet",
    "feedback": "feedback/responses.jsonl",
    "feedback_legacy": "feedback/legacy_export.csv",
    "marketing_spend": "marketing_spend/marketing_spend.csv",
    "service_costs": "service_costs/service_costs.csv",
    "fx_rates": "fx_rates/fx_rates.csv",
    "support_tickets": "support_tickets/tickets.csv",
    "product_usage": "product_usage/usage_weeks.parquet",
}


@dataclass(frozen=True)
class Chunk:
    customers: Customers
    subs: Subscriptions
    lines: Lines
    responses: Responses


def generate_chunk(
    seed: int,
    index: int,
    first_customer: int,
    n: int,
    start_day: int,
    as_of_day: int,
    bank: PhraseBank,
) -> Chunk:
    """One chunk of customers with everything that belongs to them, from its own random stream."""
    rng = stream(seed, CUSTOMERS_STREAM, index)
    customers = generate_customers(rng, first_customer, n, start_day, as_of_day, load_names())
    subs = generate_subscriptions(rng, customers, as_of_day)
    purchases = generate_purchases(rng, customers, as_of_day)
    lines = generate_invoices(rng, customers, subs, purchases, as_of_day)
    responses = generate_responses(rng, customers, subs, purchases, bank, as_of_day)
    return Chunk(customers, subs, lines, responses)


def _text_row(columns: tuple[str, ...], row: tuple) -> dict[str, str]:
    return {c: "" if v is None else str(v) for c, v in zip(columns, row, strict=True)}


def _first_invoice_text(table: pa.Table) -> dict[str, str]:
    row = table.slice(0, 1).to_pylist()[0]
    row["issued_at"] = row["issued_at"].strftime("%Y-%m-%dT%H:%M:%S")
    row["amount"] = f"{row['amount']:.2f}"
    return {k: "" if v is None else str(v) for k, v in row.items()}


def _first_usage_text(table: pa.Table) -> dict[str, str]:
    row = table.slice(0, 1).to_pylist()[0]
    return {k: "" if v is None else str(v) for k, v in row.items()}


def _validate(customers: int, chunk_size: int, start_date: date, as_of_date: date) -> None:
    if customers < 1:
        raise ValueError(f"customers must be at least 1, got {customers}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    if as_of_date <= start_date:
        raise ValueError(f"as_of_date {as_of_date} must be after start_date {start_date}")


def generate(
    landing_dir: Path,
    customers: int = 5000,
    seed: int = 42,
    start_date: date = date(2022, 1, 1),
    as_of_date: date = date(2026, 10, 31),
    dirty: bool = True,
    chunk_size: int = 10_000,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> dict:
    """Write the seeded demo landing zone and its ground truth; return a small report.

    Same arguments give byte-identical files. The chunk size is part of the arguments: each
    chunk draws from its own random stream, so a different chunk size gives a different (but
    statistically equivalent) data set. Raises FileExistsError when an entity folder under
    ``landing_dir`` is not empty, unless ``overwrite`` (which replaces only those folders).
    """
    _validate(customers, chunk_size, start_date, as_of_date)
    started = time.perf_counter()
    say = progress or (lambda _: None)
    landing_dir = Path(landing_dir)
    prepare_landing(landing_dir, overwrite)
    start_day, as_of_day = day_number(start_date), day_number(as_of_date)
    bank = load_phrase_bank()

    sinks = {
        "customers": CsvSink(landing_dir, FILES["customers"], CUSTOMER_COLUMNS),
        "subscriptions": CsvSink(landing_dir, FILES["subscriptions"], SUBSCRIPTION_COLUMNS),
        "invoices": ParquetSink(landing_dir, FILES["invoices"], INVOICE_SCHEMA),
        "feedback": JsonlSink(landing_dir, FILES["feedback"]),
        "feedback_legacy": CsvSink(landing_dir, FILES["feedback_legacy"], FEEDBACK_COLUMNS),
        "support_tickets": CsvSink(landing_dir, FILES["support_tickets"], TICKET_COLUMNS),
        "product_usage": ParquetSink(landing_dir, FILES["product_usage"], USAGE_SCHEMA),
    }
    all_sinks = list(sinks.values())
    try:
        tallies = MonthlyTallies(int(month_number(start_day)), int(month_number(as_of_day)))
        realized = Realized()
        signal_tallies = SignalTallies()
        samples: dict[str, dict[str, str]] = {}
        n_chunks = math.ceil(customers / chunk_size)
        total_rows = 0
        for k in range(n_chunks):
            first = k * chunk_size
            n = min(chunk_size, customers - first)
            chunk = generate_chunk(seed, k, first, n, start_day, as_of_day, bank)
            c_rows = customer_rows(chunk.customers, chunk.subs.current_tier)
            s_rows = subscription_rows(chunk.customers, chunk.subs, as_of_day)
            table = invoice_table(chunk.customers, chunk.subs, chunk.lines)
            records = feedback_records(chunk.customers, chunk.responses)
            legacy = chunk.responses.legacy.tolist()
            sinks["customers"].write(c_rows)
            sinks["subscriptions"].write(s_rows)
            sinks["invoices"].write(table)
            sinks["feedback"].write([r for r, old in zip(records, legacy, strict=True) if not old])
            sinks["feedback_legacy"].write(
                [
                    tuple(r.get(c) for c in FEEDBACK_COLUMNS)
                    for r, old in zip(records, legacy, strict=True)
                    if old
                ]
            )
            # tickets and usage: random streams of their own (the files above stay unchanged)
            signals = generate_signals(
                seed, k, chunk.customers, chunk.subs, chunk.responses, as_of_day
            )
            t_rows = ticket_rows(chunk.customers, signals.tickets)
            usage = usage_table(chunk.customers, signals.usage)
            sinks["support_tickets"].write(t_rows)
            sinks["product_usage"].write(usage)
            signal_tallies.add(chunk.subs, chunk.responses, signals, as_of_day)
            tallies.add(chunk.customers, chunk.subs)
            realized.add(chunk.customers, chunk.subs, chunk.lines, chunk.responses, as_of_day)
            # the first clean row of each kind seeds the dirty copies (duplicate keys)
            if "customer" not in samples and c_rows:
                samples["customer"] = _text_row(CUSTOMER_COLUMNS, c_rows[0])
            if "subscription" not in samples and s_rows:
                samples["subscription"] = _text_row(SUBSCRIPTION_COLUMNS, s_rows[0])
            if "invoice" not in samples and table.num_rows:
                samples["invoice"] = _first_invoice_text(table)
            if "response" not in samples and records:
                samples["response"] = {c: str(records[0].get(c, "")) for c in FEEDBACK_COLUMNS}
            if "ticket" not in samples and t_rows:
                samples["ticket"] = _text_row(TICKET_COLUMNS, t_rows[0])
            if "usage" not in samples and usage.num_rows:
                samples["usage"] = _first_usage_text(usage)
            total_rows += len(c_rows) + len(s_rows) + table.num_rows + len(records)
            total_rows += len(t_rows) + usage.num_rows
            say(
                f"chunk {k + 1}/{n_chunks}: {first + n:,} customers, {total_rows:,} rows so far "
                f"({time.perf_counter() - started:.1f} s)"
            )

        tables = {
            "marketing_spend": (
                MONEY_COLUMNS,
                marketing_spend_rows(stream(seed, COSTS_STREAM), tallies),
            ),
            "service_costs": (SERVICE_COLUMNS, service_cost_rows(tallies)),
            "fx_rates": (
                FX_COLUMNS,
                fx_rate_rows(stream(seed, FX_STREAM), tallies.first_month, tallies.last_month),
            ),
        }
        for entity, (columns, rows) in tables.items():
            sink = CsvSink(landing_dir, FILES[entity], columns)
            all_sinks.append(sink)
            sink.write(rows)

        quarantine_expected: dict[str, dict[str, int]] = {e: {} for e in ENTITY_ORDER}
        if dirty:
            columns = {e: tuple(ENTITIES[e].column_names) for e in ENTITY_ORDER}
            for broken in dirty_files(columns, CleanSamples(**samples)):
                sink = CsvSink(landing_dir, f"{broken.entity}/{DIRTY_FILE}", broken.columns)
                all_sinks.append(sink)
                sink.write(broken.rows)
                quarantine_expected[broken.entity] = broken.expected
    except BaseException:
        for sink in all_sinks:
            sink.discard()
        raise
    for sink in all_sinks:
        sink.commit()

    rows: dict[str, int] = dict.fromkeys(ENTITY_ORDER, 0)
    dirty_rows: dict[str, int] = dict.fromkeys(ENTITY_ORDER, 0)
    for sink in all_sinks:
        entity = sink.relative.split("/", 1)[0]
        target = dirty_rows if sink.relative.endswith(DIRTY_FILE) else rows
        target[entity] += sink.rows
    files = sorted(sink.relative for sink in all_sinks)
    truth = build_ground_truth(
        seed=seed,
        customers=customers,
        chunk_size=chunk_size,
        start_date=start_date,
        as_of_date=as_of_date,
        dirty=dirty,
        realized=realized,
        rows=rows,
        dirty_rows=dirty_rows,
        files=files,
        quarantine_expected=quarantine_expected,
    )
    truth.update(signals_ground_truth(signal_tallies))
    write_json_atomically(landing_dir / GROUND_TRUTH_FILE, truth)
    seconds = round(time.perf_counter() - started, 2)
    return {
        "landing_dir": str(landing_dir),
        "customers": customers,
        "seed": seed,
        "files": len(files) + 1,
        "rows": rows,
        "dirty_rows": dirty_rows,
        "seconds": seconds,
    }


__all__ = ["FILES", "generate"]
