"""Every source kind cxlink can read, by name. docs/sources.md documents each one."""

from __future__ import annotations

from cxlink.sources.kinds import (
    chargebee,
    delighted,
    hubspot,
    mapped_file,
    postgres,
    qualtrics,
    salesforce,
    salesforce_report,
    stripe,
    surveymonkey,
    typeform,
)
from cxlink.sources.model import Kind

# Each kind module defines one ``KIND``; a new kind is one import and one entry here.
_KINDS: tuple[Kind, ...] = (
    # surveys
    qualtrics.KIND,
    surveymonkey.KIND,
    delighted.KIND,
    typeform.KIND,
    # billing
    stripe.KIND,
    chargebee.KIND,
    # CRM
    hubspot.KIND,
    salesforce.KIND,
    salesforce_report.KIND,
    # a SQL database
    postgres.KIND,
    # anything else
    mapped_file.KIND,
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in _KINDS}
