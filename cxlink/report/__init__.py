"""The HTML report every run writes to ``$CXLINK_DATA_DIR/report/index.html`` (docs/report.md).

``queries`` reads each chart's rows from the warehouse, ``figures`` draws them with plotly,
``charts`` lists the charts in page order, ``page`` assembles one self-contained HTML file and
``write`` puts it in place.
"""

from cxlink.report.write import REPORT_FILE, ReportResult, build_report, write_report

__all__ = ["REPORT_FILE", "ReportResult", "build_report", "write_report"]
