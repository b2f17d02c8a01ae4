"""Excel workbooks built in memory for the import tests."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook


def workbook_bytes(*sheets: tuple[str, str, list[list[object]]], active: int = 0,
                   formats: Iterable[tuple[str, str, str]] = ()) -> bytes:
    """Return an .xlsx of (title, state, rows) sheets, ``active`` the active sheet's index.

    ``state`` is openpyxl's sheet state (« visible », « hidden »); ``formats``: (sheet, cell, number format).
    """
    book = Workbook()
    book.remove(book.worksheets[0])  # the empty sheet a new workbook has
    for title, state, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    for title, cell, number_format in formats:
        book[title][cell].number_format = number_format
    book.active = active
    return saved(book)


def saved(book: Workbook) -> bytes:
    """Return the bytes of ``book`` saved as .xlsx."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
