"""`cxlink generate-demo --as-sources`: the demo re-delivered as HubSpot, Stripe and Qualtrics
data reads back, through the connectors, as exactly the demo's own contract rows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cxlink.contract import ENTITY_ORDER
from cxlink.demo.as_sources import (
    CONVERTED,
    DEMO_HUBSPOT_TOKEN,
    DEMO_STRIPE_KEY,
    VENDORS_DIR,
    demo_port,
)
from cxlink.demo.vendor_api import serving_demo_vendors
from cxlink.extract import extract_entity
from cxlink.sources.config import load_sources
from tests.sources.harness import (
    comparable_rows,
    connect,
    extract_all,
    free_port_pair,
    run_source,
)

# The qualtrics export keeps the response id; Stripe and HubSpot assign their own ids.
VENDOR_IDS = {"subscriptions": ("subscription_id",), "invoices": ("invoice_id", "subscription_id")}


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CXLINK_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "cxlink.cli", *args], env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("connector_demo")
    port = free_port_pair()
    done = cli(
        data_dir, "generate-demo", "--customers", "60", "--clean-only", "--as-sources",
        "--vendor-port", str(port),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "re-delivered as HubSpot, Stripe and Qualtrics" in done.stdout
    return data_dir


def test_the_sources_file_and_what_moved(demo: Path):
    config = load_sources(demo / "sources.yml")
    assert {s.kind_name for s in config.sources} == {"hubspot", "stripe", "qualtrics_export"}
    for entity in CONVERTED:
        assert not (demo / "landing" / entity).exists()
        assert (demo / VENDORS_DIR / "contract" / entity).is_dir()
    # spend, costs and rates stay contract files
    assert all(not config.feeding(e) for e in ("marketing_spend", "service_costs", "fx_rates"))
    listed = cli(demo, "sources")
    assert listed.returncode == 0 and "stripe (stripe) -> subscriptions, invoices" in listed.stdout


def test_connectors_give_back_the_demo_rows(demo: Path, tmp_path: Path):
    port = demo_port(demo)
    env = dict([DEMO_STRIPE_KEY, DEMO_HUBSPOT_TOKEN])
    with serving_demo_vendors(demo / VENDORS_DIR, port, DEMO_STRIPE_KEY[1], DEMO_HUBSPOT_TOKEN[1]):
        for source in load_sources(demo / "sources.yml").sources:
            run_source(demo, source.name, env=env)
    extract_all(demo)
    listed = cli(demo, "sources").stdout
    # each file source shows its one export loaded; the API sources their stored objects
    assert "1 file(s)" in listed.split("qualtrics_nps (qualtrics_export)")[1].split("\n")[1]
    assert "object(s) stored" in listed.split("stripe (stripe)")[1].split("\n")[1]
    # the same rows from the demo's own contract files
    con = connect(tmp_path)
    try:
        for entity in ENTITY_ORDER:
            folder = demo / VENDORS_DIR / "contract" if entity in CONVERTED else demo / "landing"
            extract_entity(con, folder, entity)
        # Stripe opens every subscription with billing_reason subscription_create: its first
        # paid line is `new` revenue (docs/sources/stripe.md). The generator labels a returning
        # customer's new subscription `renewal`; no mart tells the two apart (the 300-customer
        # demo's marts are equal either way), so compare on Stripe's reading.
        con.execute(
            """
            update raw.invoices set line_type = 'new'
            where line_type = 'renewal' and (subscription_id, issued_at) in (
                select subscription_id, min(issued_at) from raw.invoices
                where subscription_id is not null group by 1
            )
            """
        )
        expected = {e: comparable_rows(con, e, VENDOR_IDS) for e in CONVERTED}
    finally:
        con.close()
    con = connect(demo, read_only=True)
    try:
        for entity in CONVERTED:
            assert comparable_rows(con, entity, VENDOR_IDS) == expected[entity], entity
            quarantined = con.execute(f"select count(*) from quarantine.{entity}").fetchone()[0]
            assert quarantined == 0, entity
    finally:
        con.close()


def test_a_plain_demo_removes_the_connector_demo(demo: Path):
    done = cli(demo, "generate-demo", "--customers", "60", "--clean-only", "--overwrite")
    assert done.returncode == 0, done.stderr
    assert "connector demo removed" in done.stdout
    assert not (demo / "sources.yml").exists()
    assert not list((demo / "landing").glob("qualtrics_*"))
    assert (demo / "landing" / "feedback").is_dir()


def test_demo_vendors_needs_the_demo_sources_file(tmp_path: Path):
    done = cli(tmp_path, "run", "--demo-vendors", "--no-summary")
    assert done.returncode == 2
    assert "is not the connector demo's sources file" in done.stderr
    assert "cxlink generate-demo --as-sources" in done.stderr
