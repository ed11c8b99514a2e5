"""CSV that spreadsheets open safely: a text cell starting with ``=``, ``+``, ``-``,
``@`` (or a tab or carriage return) is a formula to Excel and LibreOffice, so it is
prefixed with an apostrophe and read as text (OWASP « CSV injection »)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text
