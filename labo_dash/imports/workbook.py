"""Excel workbooks: the sheet an import reads (never a hidden one), cells as Excel shows them, the .xlsx
template."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from labo_dash.errors import ImportRejected
from labo_dash.imports import spreadsheet
from labo_dash.imports.tables import MAX_ROWS, header_key
from labo_dash.parsing import percent_cell


def _cell_text(value: Any, number_format: str | None = None) -> str:
    """Return a spreadsheet cell as the text a user sees (1.0 -> "1", 0.4 formatted 0% -> "40 %").

    Dates (openpyxl returns a datetime for a serial number with a date format) become ISO dates.
    """
    value = percent_cell(value, number_format)
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value):
        return format(Decimal(repr(value)).normalize(), "f")  # 1e16 -> "10000000000000000", 2.0 -> "2"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return str(value)


def _open_workbook(data: bytes) -> Any:
    """Return the workbook (read-only, values) or raise ImportRejected when it cannot be read."""
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRejected(
            "Ce classeur Excel est illisible ou endommagé : réenregistrez-le au format .xlsx ou CSV.",
            rows=[(1, type(exc).__name__)],
        ) from None


def workbook_sheets(data: bytes) -> dict[str, bool]:
    """Return the worksheets of an .xlsx file in order: name -> visible (False when hidden)."""
    workbook = _open_workbook(data)
    try:
        return {ws.title: ws.sheet_state == "visible" for ws in workbook.worksheets}
    finally:
        workbook.close()


def _has_rows(sheet: Any) -> bool:
    """True when a worksheet holds at least one non-blank cell."""
    return any(
        any(v is not None and str(v).strip() for v in values) for values in sheet.iter_rows(values_only=True)
    )


def _choose_sheet(workbook: Any, preferred: str | None) -> Any:
    """Return the visible sheet named ``preferred``, else the active visible sheet, else the first visible.

    Raises ImportRejected when no sheet is visible, or when the chosen sheet is empty while hidden
    sheets hold rows (they are never read silently).
    """
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    named = [ws for ws in visible if preferred and header_key(ws.title) == header_key(preferred)]
    active = workbook.active if workbook.active in visible else None
    chosen = next(iter(named), None) or active or next(iter(visible), None)
    if chosen is None or not _has_rows(chosen):
        hidden = [f"« {ws.title} »" for ws in workbook.worksheets if ws not in visible and _has_rows(ws)]
        if hidden:
            raise ImportRejected(
                f"Les lignes de ce classeur sont dans une feuille masquée ({', '.join(hidden)}), qui n'est "
                "pas lue : affichez-la dans Excel (clic droit sur un onglet › Afficher…) ou copiez ses "
                "lignes dans une feuille visible, puis importez le fichier de nouveau.",
                rows=[],
            )
    if chosen is None:
        raise ImportRejected("Ce classeur n'a aucune feuille visible à lire.", rows=[])
    return chosen


def xlsx_lines(data: bytes, preferred: str | None) -> tuple[list[tuple[int, list[str]]], str, list[str]]:
    """Return (Excel row number, cell texts) of the sheet to read, its name and the other sheets."""
    workbook = _open_workbook(data)
    try:
        sheet = _choose_sheet(workbook, preferred)
        unread = [f"« {ws.title} »" + ("" if ws.sheet_state == "visible" else " (masquée)")
                  for ws in workbook.worksheets if ws is not sheet]
        records = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            records.append((number, [_cell_text(c.value, getattr(c, "number_format", None)) for c in cells]))
            if number > MAX_ROWS + 1:
                raise ImportRejected(f"Le classeur dépasse {MAX_ROWS} lignes : découpez-le.", rows=[])
        return records, sheet.title, unread
    finally:
        workbook.close()


def template_xlsx(
    headers: Sequence[str], examples: Sequence[Sequence[Any]] = (), sheet: str = "Modèle"
) -> bytes:
    """Return an .xlsx template: a bold header row, example rows, readable column widths.

    Text is stored as text, never as a formula (:mod:`labo_dash.imports.spreadsheet`): rows read back as
    written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    ws = workbook.create_sheet(sheet[:31], 0)
    workbook.remove(workbook.worksheets[1])  # the default empty sheet
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for example in examples:
        ws.append([spreadsheet.xlsx_text(value) for value in example])
    spreadsheet.text_cells(ws)
    for index, header in enumerate(headers):
        width = max([len(header), *(len(str(e[index])) for e in examples if index < len(e))])
        ws.column_dimensions[get_column_letter(index + 1)].width = min(max(12, width + 2), 70)
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
