"""The valuation report: a signed-off valuation as a trilingual PDF, who may read it, and the
number and fingerprint a reader checks a copy by."""

from __future__ import annotations

from ipx.finance.report.access import may_read_report, report_filename, valuation_report_of
from ipx.finance.report.download import valuation_report_response
from ipx.finance.report.fingerprint import report_number, valuation_fingerprint
from ipx.finance.report.pdf import valuation_report_pdf

__all__ = ["may_read_report", "report_filename", "report_number", "valuation_fingerprint", "valuation_report_of",
           "valuation_report_pdf", "valuation_report_response"]
