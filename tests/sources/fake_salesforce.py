"""A Salesforce REST query API for the salesforce kinds' tests, on tests/sources/vendor_server.py.

``GET /services/data/v60.0/query?q=SELECT <fields> FROM Account [WHERE SystemModstamp > <dt>]
ORDER BY SystemModstamp, Id`` answers ``{"totalSize", "done", "records": [{"attributes": {"type",
"url"}, ...}], "nextRecordsUrl"}`` in batches; each ``nextRecordsUrl``
(``/services/data/v60.0/query/01g...-<offset>``) is served until ``done``. An unknown field is
HTTP 400 ``INVALID_FIELD``, a wrong token 401 ``INVALID_SESSION_ID``, as Salesforce answers.
Also writes the known account as Salesforce accounts and as a report CSV export.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import re
from datetime import date, datetime

from cxlink.demo.vendor_api.server import Request, VendorServer, bearer

TOKEN = "00D5g000004XXXX!AQ0AQExampleAccessToken"
VERSION = "v60.0"
QUERY = f"/services/data/{VERSION}/query"
_SOQL = re.compile(
    r"^SELECT (?P<fields>.+?) FROM (?P<object>\w+)"
    r"(?: WHERE (?:SystemModstamp > (?P<after>\S+))?(?: AND )?(?P<extra>\(.+\))?)?"
    r" ORDER BY SystemModstamp, Id$"
)
# 15-character ids of the known account's accounts (mixed case, as Salesforce's are)
IDS15 = ["0015g00000Ab3Cd", "0015g00000eF4gH", "0015g00000Ij5Kl", "0015g00000mN6oP",
         "0015g00000Qr7St", "0015g00000uV8wX", "0015g00000Yz9aB"]  # fmt: skip
COUNTRIES = {"FI": "Finland", "US": "United States", "DE": "Germany", "ES": "Spain", "FR": "France"}
LABELS = {"smb": "SMB", "starter": "Starter", "growth": "Growth", "pay_as_you_go": "Pay As You Go",
          "organic": "Organic", "paid_search": "Paid Search"}  # fmt: skip


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(
        re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", stamp.replace("Z", "+00:00"))
    )


class FakeSalesforce:
    def __init__(self, server: VendorServer, records: list[dict], batch_size: int = 2000):
        self.server, self.batch_size = server, batch_size
        self.records = {r["Id"]: copy.deepcopy(r) for r in records}
        self.locators = itertools.count(1)
        server.route("GET", QUERY, self.query)

    def put(self, record: dict) -> None:
        self.records[record["Id"]] = copy.deepcopy(record)

    def query(self, req: Request):
        match = _SOQL.match(req.arg("q") or "")
        if not match:
            return 400, [{"message": "unexpected token", "errorCode": "MALFORMED_QUERY"}]
        fields = [f.strip() for f in match["fields"].split(",")]
        known = set().union(*(r.keys() for r in self.records.values())) | {"Id", "SystemModstamp"}
        for field in fields:
            if field not in known:
                message = f"No such column '{field}' on entity '{match['object']}'."
                return 400, [{"message": message, "errorCode": "INVALID_FIELD"}]
        rows = list(self.records.values())
        if match["after"]:
            after = datetime.fromisoformat(match["after"].replace("Z", "+00:00"))
            rows = [r for r in rows if _when(r["SystemModstamp"]) > after]
        rows.sort(key=lambda r: (_when(r["SystemModstamp"]), r["Id"]))
        shaped = [
            {
                "attributes": {
                    "type": match["object"],
                    "url": f"/services/data/{VERSION}/sobjects/{match['object']}/{r['Id']}",
                },
                **{f: r.get(f) for f in fields},
            }
            for r in rows
        ]
        return 200, self._batch(shaped, 0, f"01gD0000002HU{next(self.locators):02d}IAW")

    def _batch(self, records: list[dict], offset: int, locator: str) -> dict:
        chunk = records[offset : offset + self.batch_size]
        page = {
            "totalSize": len(records),
            "done": offset + self.batch_size >= len(records),
            "records": chunk,
        }
        if not page["done"]:
            nxt = offset + self.batch_size
            url = f"{QUERY}/{locator}-{nxt}"
            page["nextRecordsUrl"] = url
            self.server.route("GET", url, lambda req: (200, self._batch(records, nxt, locator)))
        return page


def serve(records: list[dict], batch_size: int = 2000, token: str = TOKEN):
    body = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    server = VendorServer(auth=bearer(token), unauthorized_body=body)
    return server, FakeSalesforce(server, records, batch_size)


def id18(id15: str) -> str:
    from cxlink.sources.kinds.crm_common import salesforce_id18

    return salesforce_id18(id15)


def known_accounts(customers: list[dict]) -> list[dict]:
    """The known account's customers as Account records (AccountNumber holds P1, P2, ...)."""
    out = []
    for i, (row, id15) in enumerate(zip(customers, IDS15, strict=True)):
        out.append(
            {
                "Id": id18(id15),
                "AccountNumber": row["customer_id"],
                "Name": None,  # the known account has no names
                "CreatedDate": f"{row['signup_date']}T09:00:00.000+0000",
                "SystemModstamp": f"2024-01-0{i + 1}T10:00:00.000+0000",
                "Segment__c": LABELS[row["segment"]],
                "Plan_Tier__c": LABELS[row["plan_tier"]],
                "AccountSource": LABELS[row["acquisition_channel"]],
                "BillingCountry": COUNTRIES[row["country"]],
            }
        )
    return out


FOOTER = [
    "Known account customers",
    "Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved.",
    "Confidential Information - Do Not Distribute",
    "Generated By:  Jane Doe  11/4/2024 10:21 AM",
    "Acme Corp",
]
HEADER = ["Account ID", "Account Name", "Account Number", "Created Date", "Billing Country",
          "Segment", "Plan Tier", "Account Source"]  # fmt: skip


def known_report_csv(customers: list[dict]) -> str:
    """The same accounts as a report export: labels, 15-character ids, M/D/YYYY, the footer."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(HEADER)
    for account, id15 in zip(known_accounts(customers), IDS15, strict=True):
        created = date.fromisoformat(account["CreatedDate"][:10])
        writer.writerow(
            [id15, "", account["AccountNumber"], f"{created.month}/{created.day}/{created.year}",
             account["BillingCountry"], account["Segment__c"], account["Plan_Tier__c"], account["AccountSource"]]
        )  # fmt: skip
    writer.writerow([])
    for line in FOOTER:
        writer.writerow([line])
    return buffer.getvalue()
