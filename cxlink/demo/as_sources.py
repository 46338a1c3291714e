"""The demo landing zone re-delivered the way companies' systems deliver it: the connector demo.

``write_as_sources(data_dir, port)`` takes the generated contract files of customers,
subscriptions, invoices and feedback and writes them again as a HubSpot CRM (companies), a
Stripe account (customers, prices, subscriptions, invoices, credit notes) and Qualtrics response
exports, one per survey type. It also writes the sources file that reads them: the Qualtrics
exports as file sources under ``landing/qualtrics_<type>/``, Stripe and HubSpot as API sources at
``http://127.0.0.1:<port>`` and ``<port + 1>``. There ``cxlink run --demo-vendors`` serves the two accounts
(cxlink/demo/vendor_api/) for the length of the run. Marketing spend, service costs, FX rates,
support tickets and product usage stay contract files. The contract files that were converted
are moved to ``demo-vendors/contract/``, so the run reads each row through its connector only.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import yaml

from cxlink.contract import ENTITIES
from cxlink.demo.vendors.hubspot import DEMO_OPTIONS as HUBSPOT_OPTIONS
from cxlink.demo.vendors.hubspot import hubspot_companies
from cxlink.demo.vendors.qualtrics import DEMO_CHANNEL_MAP, qualtrics_export_csv
from cxlink.demo.vendors.stripe import stripe_objects
from cxlink.extract.files import discover
from cxlink.extract.readers import select_as_text
from cxlink.settings import DataLayout

VENDORS_DIR = "demo-vendors"
MARKER = "# written by `cxlink generate-demo --as-sources`: the connector demo (docs/sources.md)"
CONVERTED = ("customers", "subscriptions", "invoices", "feedback")
# The demo credentials the stand-in APIs accept; `cxlink run --demo-vendors` sets them.
DEMO_STRIPE_KEY = ("DEMO_STRIPE_API_KEY", "sk_test_cxlink_demo")
DEMO_HUBSPOT_TOKEN = ("DEMO_HUBSPOT_TOKEN", "pat-demo")
DEFAULT_PORT = 8765


def contract_rows(landing_dir: Path, entity: str) -> list[dict[str, str | None]]:
    """Every row of an entity's contract files, as text, in file and record order."""
    files, _ = discover(landing_dir, entity)
    con = duckdb.connect()
    try:
        rows: list[dict[str, str | None]] = []
        for file in files:
            cursor = con.execute(select_as_text(con, file, ENTITIES[entity]))
            names = [d[0] for d in cursor.description]
            columns = ENTITIES[entity].column_names
            for record in cursor.fetchall():
                values = dict(zip(names, record, strict=True))
                rows.append({c: values[c] for c in columns})
        return rows
    finally:
        con.close()


def sources_entries(port: int, survey_types: list[str]) -> list[dict]:
    qualtrics = []
    for survey_type in survey_types:
        entry: dict = {
            "name": f"qualtrics_{survey_type}",
            "kind": "qualtrics_export",
            "entities": ["feedback"],
            "channel_map": dict(DEMO_CHANNEL_MAP),
        }
        if survey_type != "nps":  # only an NPS question has a _NPS_GROUP sibling
            entry |= {"score_column": "Q1", "survey_type": survey_type}
        qualtrics.append(entry)
    return [
        {
            "name": "hubspot",
            "kind": "hubspot",
            "entities": ["customers"],
            "base_url": f"http://127.0.0.1:{port + 1}",
            "token_env": "DEMO_HUBSPOT_TOKEN",
            **HUBSPOT_OPTIONS,
        },
        {
            "name": "stripe",
            "kind": "stripe",
            "entities": ["subscriptions", "invoices"],
            "base_url": f"http://127.0.0.1:{port}",
            "api_key_env": "DEMO_STRIPE_API_KEY",
            "customer_id_from": "metadata.account_id",
        },
        *qualtrics,
    ]


def write_as_sources(data_dir: Path, port: int = DEFAULT_PORT) -> dict[str, int]:
    """Convert the demo's contract files; returns rows converted per entity."""
    landing = data_dir / "landing"
    vendors = data_dir / VENDORS_DIR
    rows = {entity: contract_rows(landing, entity) for entity in CONVERTED}
    shutil.rmtree(vendors, ignore_errors=True)
    vendors.mkdir(parents=True)
    (vendors / "hubspot.json").write_text(
        json.dumps({"companies": hubspot_companies(rows["customers"])}), encoding="utf-8"
    )
    (vendors / "stripe.json").write_text(json.dumps(stripe_objects(rows)), encoding="utf-8")
    survey_types = sorted({r["survey_type"] for r in rows["feedback"]})
    for survey_type in survey_types:
        folder = landing / f"qualtrics_{survey_type}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        mine = [r for r in rows["feedback"] if r["survey_type"] == survey_type]
        export = qualtrics_export_csv(mine, time_zone="Europe/Helsinki")
        (folder / f"{survey_type}_responses.csv").write_text(export, encoding="utf-8")
    for entity in CONVERTED:
        shutil.move(landing / entity, vendors / "contract" / entity)
    document = yaml.safe_dump({"sources": sources_entries(port, survey_types)}, sort_keys=False)
    DataLayout(data_dir).sources_path.write_text(f"{MARKER}\n{document}", encoding="utf-8")
    return {entity: len(r) for entity, r in rows.items()}


def demo_sources_file(data_dir: Path) -> Path | None:
    """The data directory's sources file if the connector demo wrote it, else None."""
    path = DataLayout(data_dir).sources_path
    if path.exists() and path.read_text(encoding="utf-8").startswith(MARKER):
        return path
    return None


def remove_demo_sources(data_dir: Path) -> bool:
    """Undo the connector demo (a plain ``generate-demo`` calls it): its sources file, exports
    and vendor accounts. A sources file not written by the demo is left alone."""
    path = demo_sources_file(data_dir)
    if path is None:
        return False
    path.unlink()
    shutil.rmtree(data_dir / VENDORS_DIR, ignore_errors=True)
    for folder in (data_dir / "landing").glob("qualtrics_*"):
        shutil.rmtree(folder, ignore_errors=True)
    return True


def demo_port(data_dir: Path) -> int | None:
    """The Stripe stand-in's port from the demo's sources file (None: no connector demo here)."""
    path = demo_sources_file(data_dir)
    if path is None:
        return None
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
    stripe = next(e for e in entries if e["kind"] == "stripe")
    return int(stripe["base_url"].rsplit(":", 1)[1])
