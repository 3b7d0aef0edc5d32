"""Spreadsheet formula injection: one neutraliser for every file a user opens in Excel.

A cell starting with = + - @ (or a tab, carriage return or NUL, which Excel strips before
looking) is read as a formula; prefixing an apostrophe makes it text. Used by the lead
export (CSV and XLSX), the dashboard CSV and the import's error report.
"""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralise(value) -> object:
    """The cell value made safe: numbers stay numbers, None is empty, text that would start
    a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
