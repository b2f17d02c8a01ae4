"""Cells safe to open in a spreadsheet: user text never runs as a formula and never breaks a file.

Excel and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula ("CSV
injection": a finding typed as ``=cmd|' /C calc'!A0`` would start a program on the reader's computer).
So every export of user text goes through this module:

- CSV: such text gets a leading apostrophe, the spreadsheet convention for "this is text";
  :func:`from_csv` removes it again when a file we exported comes back through an import (a text that
  itself starts with an apostrophe before such a character, ``'=x``, gets one more, so that every text
  comes back as it was);
- .xlsx: every text cell is stored as text, never as a formula (openpyxl would store ``=...`` as a
  formula), and the control characters the format cannot hold are dropped instead of failing the export.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_REGEX = "^([=+@\\t\\r-]|'[=+@\\t\\r'-])"


def _marked(value: str) -> bool:
    """True when a CSV cell needs an apostrophe: a formula start, or an apostrophe before one (or another)."""
    return value.startswith(FORMULA_STARTS) or (
        value[:1] == "'" and value[1:].startswith((*FORMULA_STARTS, "'"))
    )


def csv_text(value: Any) -> Any:
    """Return ``value`` for a CSV cell: text that a spreadsheet would run as a formula gets an apostrophe."""
    if isinstance(value, str) and _marked(value):
        return "'" + value
    return value


def from_csv(value: str) -> str:
    """Undo :func:`csv_text` on a value read from a CSV file."""
    if value[:1] == "'" and _marked(value[1:]):
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame, cell: Callable[[Any], Any]) -> pd.DataFrame:
    """Return a copy of ``frame`` with ``cell`` applied to every value of its text columns."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(cell)
    return safe


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells are safe in a CSV file (see :func:`csv_text`)."""
    return _text_columns(frame, csv_text)


def csv_table(table: pa.Table) -> pa.Table:
    """Return ``table`` with its text columns made safe for a CSV file (see :func:`csv_text`)."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = pc.replace_substring_regex(column, pattern=_FORMULA_REGEX, replacement="'\\1")
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


def xlsx_text(value: Any) -> Any:
    """Return ``value`` for an .xlsx cell: text without the control characters the format forbids."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells can be written to an .xlsx sheet (:func:`xlsx_text`)."""
    return _text_columns(frame, xlsx_text)


def text_cells(sheet: Worksheet) -> None:
    """Store every cell of ``sheet`` that openpyxl took for a formula as plain text instead."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
