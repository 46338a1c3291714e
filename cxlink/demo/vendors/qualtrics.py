"""Contract feedback rows written as a Qualtrics response export (CSV, three header rows), the
layout that the ``qualtrics_export`` source kind reads.

The export has the standard metadata columns (StartDate ... UserLanguage), an NPS question
``Q1`` (ImportId ``QID1``) with its ``Q1_NPS_GROUP`` column and a text-entry question ``Q2``
(ImportId ``QID2_TEXT``) for the comment. Rows of a csat or ces survey get a plain ``Q1``
without an NPS group: read them with options ``score_column: Q1`` and ``survey_type``.
Every response is a real, finished one (Status 0, Finished 1). ``UserLanguage`` is the row's
language upper-cased (pt -> PT), empty where the row has none, so the round trip is exact.

Qualtrics has no distribution channel for in-app feedback: ``in_app`` rows are written as
``DistributionChannel`` ``app``, which the source reads with ``channel_map: {app: in_app}``
(``DEMO_CHANNEL_MAP``).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

CHANNEL_CODES = {"web": "anonymous", "email": "email", "sms": "sms", "social": "social",
                 "in_app": "app"}  # fmt: skip
DEMO_CHANNEL_MAP = {"app": "in_app"}
QUESTION = {
    "nps": "How likely are you to recommend us to a friend or colleague?",
    "csat": "How satisfied are you with our product?",
    "ces": "How easy was it to get your issue resolved?",
}
# (row-1 name, row-2 text, ImportId, carries the time zone)
METADATA = (
    ("StartDate", "Start Date", "startDate", True),
    ("EndDate", "End Date", "endDate", True),
    ("Status", "Response Type", "status", False),
    ("IPAddress", "IP Address", "ipAddress", False),
    ("Progress", "Progress", "progress", False),
    ("Duration (in seconds)", "Duration (in seconds)", "duration", False),
    ("Finished", "Finished", "finished", False),
    ("RecordedDate", "Recorded Date", "recordedDate", True),
    ("ResponseId", "Response ID", "_recordId", False),
    ("RecipientLastName", "Recipient Last Name", "recipientLastName", False),
    ("RecipientFirstName", "Recipient First Name", "recipientFirstName", False),
    ("RecipientEmail", "Recipient Email", "recipientEmail", False),
    ("ExternalReference", "External Data Reference", "externalDataReference", False),
    ("LocationLatitude", "Location Latitude", "locationLatitude", False),
    ("LocationLongitude", "Location Longitude", "locationLongitude", False),
    ("DistributionChannel", "Distribution Channel", "distributionChannel", False),
    ("UserLanguage", "User Language", "userLanguage", False),
)
DURATION_S = 47


def _import_id(import_id: str, zone: str | None) -> str:
    value = {"ImportId": import_id, **({"timeZone": zone} if zone else {})}
    return json.dumps(value, separators=(",", ":"))


def _local(responded_at: str, zone: ZoneInfo) -> datetime:
    stamp = datetime.fromisoformat(str(responded_at).replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(zone)


def _group(score: int) -> str:
    return "1" if score <= 6 else "2" if score <= 8 else "3"


def qualtrics_export_csv(feedback_rows: list[dict], time_zone: str | None = "UTC") -> str:
    """The rows as a Qualtrics CSV export; dates are written in ``time_zone`` and named in
    row 3 (None: no ``timeZone`` in row 3, dates written in UTC). All rows share one
    survey type."""
    types = {str(r["survey_type"]) for r in feedback_rows} or {"nps"}
    if len(types) != 1:
        raise ValueError(f"one survey type per export, got {sorted(types)}")
    (survey_type,) = types
    nps = survey_type == "nps"
    zone = ZoneInfo(time_zone or "UTC")
    names = [m[0] for m in METADATA] + ["Q1"] + (["Q1_NPS_GROUP"] if nps else []) + ["Q2"]
    texts = [m[1] for m in METADATA] + [QUESTION[survey_type]]
    texts += [f"{QUESTION[survey_type]} - Group"] if nps else []
    texts += ["What is the most important reason for your score?"]
    ids = [_import_id(m[2], time_zone if m[3] else None) for m in METADATA] + [
        _import_id("QID1", None)
    ]
    ids += [_import_id("QID1_NPS_GROUP", None)] if nps else []
    ids += [_import_id("QID2_TEXT", None)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([names, texts, ids])
    for row in feedback_rows:
        end = _local(row["responded_at"], zone)
        start = end - timedelta(seconds=DURATION_S)
        score = int(row["score"])
        language = str(row.get("language") or "").upper()  # empty where the row has none
        writer.writerow(
            [start.strftime("%Y-%m-%d %H:%M:%S"), end.strftime("%Y-%m-%d %H:%M:%S"), "0",
             "", "100", str(DURATION_S), "1", end.strftime("%Y-%m-%d %H:%M:%S"),
             row["response_id"], "", "", "", row["customer_id"], "", "",
             CHANNEL_CODES[str(row["channel"])], language, str(score)]
            + ([_group(score)] if nps else [])
            + [row.get("comment") or ""]
        )  # fmt: skip
    return out.getvalue()
