"""The reports: report.html, localities/*.html, workbook.xlsx and themes.qdc (see build.py)."""
from __future__ import annotations

from .build import build_reports
from .data import ReportError

__all__ = ["build_reports", "ReportError"]
