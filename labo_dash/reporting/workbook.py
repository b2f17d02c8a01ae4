"""The monthly report as an Excel workbook: one formatted sheet per entity, French headers, real dates.

The "Actions" and "Points d'avancement" sheets are also the round-trip format of imports/actions.py:
their headers (ACTION_COLUMNS, UPDATE_COLUMNS) are read back by name, rows matched by their N°.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from labo_dash import db, french, review
from labo_dash.imports import spreadsheet
from labo_dash.progress import ROLLUP_EXPLANATION
from labo_dash.reporting.monthly import MonthlyReport, build_report

DATE, EUROS, PERCENT, INTEGER = "DD/MM/YYYY", '#,##0.00 "€"', "0%", "0"
ABOUT_SHEET = "À propos"
READ_AT_LABEL = "Situation au"
# French header -> (column of the report's actions frame, number format, width); N° first.
ACTION_COLUMNS: dict[str, tuple[str, str | None, int]] = {
    "N°": ("id", INTEGER, 6),
    "Action": ("title", None, 40),
    "Description": ("description", None, 40),
    "Défi": ("challenge", None, 30),
    "Solution": ("solution", None, 30),
    "Structure pilote": ("pilot_structure", None, 22),
    "Personne pilote": ("pilot_person", None, 20),
    "Contributeurs": ("contributors", None, 30),
    "Financeurs": ("funders", None, 24),
    "Budget prévu (€)": ("budget_planned", EUROS, 14),
    "Financement acquis (€)": ("budget_secured", EUROS, 14),
    "Début": ("start_date", DATE, 12),
    "Échéance": ("due_date", DATE, 12),
    "Prochaine étape": ("next_step", None, 30),
    "Poids": ("weight", None, 7),
    "Statut": ("status_label", None, 12),
    "Avancement (%)": ("progress", INTEGER, 12),
    "En retard": ("late_label", None, 9),
    "Depuis la revue précédente": ("category_label", None, 18),
    "Dernier point": ("last_update", DATE, 12),
    "Dernier commentaire": ("comment", None, 40),
}
UPDATE_COLUMNS: dict[str, tuple[str, str | None, int]] = {
    "N°": ("id", INTEGER, 6), "N° action": ("action_id", INTEGER, 9), "Action": ("action", None, 40),
    "Date": ("reported_on", DATE, 12), "Statut": ("status_label", None, 12),
    "Avancement (%)": ("progress", INTEGER, 12), "Commentaire": ("comment", None, 50),
    "Justificatif": ("evidence_url", None, 30), "Saisi par": ("reported_by", None, 20),
}
_HEADER_FILL = PatternFill("solid", fgColor="0072B2")


def _cell(value: Any) -> Any:
    """Return a value openpyxl stores as it should be seen: dates as dates, NaN as empty, text as text."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime() if value.time() != dt.time() else value.date()
    if hasattr(value, "item"):
        return value.item()
    return spreadsheet.xlsx_text(value)  # control characters would make openpyxl refuse the whole file


def _sheet(workbook: Workbook, title: str, columns: dict[str, tuple[str, str | None, int]],
           frame: pd.DataFrame) -> Worksheet:
    """Add a sheet: bold header on blue, frozen, filterable, formatted columns, one row per frame row."""
    sheet = workbook.create_sheet(title)
    sheet.append(list(columns))
    for values in frame[[source for source, _, _ in columns.values()]].itertuples(index=False):
        sheet.append([_cell(v) for v in values])
    for index, (_, fmt, width) in enumerate(columns.values(), start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if fmt:
                cell.number_format = fmt
            if cell.data_type == "f":  # user text starting with "=" stays text, never a formula
                cell.data_type = "s"
            cell.alignment = Alignment(vertical="top", wrap_text=fmt is None)
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    return sheet


def _summary(workbook: Workbook, report: MonthlyReport) -> None:
    """Fill the first sheet, « Synthèse »: the month's key figures and how many actions of each category."""
    sheet = workbook.worksheets[0]  # the sheet a new workbook comes with
    sheet.title = "Synthèse"
    f = report.figures
    rows: Sequence[tuple[str, Any, str | None]] = [
        (report.seminar.title, None, None),
        (report.title, None, None),
        (READ_AT_LABEL, report.as_of, DATE),
        ("Comparée à la situation du", review.month_end(report.comparison.previous), DATE),
        ("Actions suivies", f.total, INTEGER),
        ("Terminées", f.done, INTEGER),
        ("En cours", f.running, INTEGER),
        ("En pause", f.paused, INTEGER),
        ("À lancer", f.to_start, INTEGER),
        ("Abandonnées", f.abandoned, INTEGER),
        ("En retard", f.late, INTEGER),
        ("Avancement global", f.progress, PERCENT),
        ("Budget prévu (hors actions abandonnées)", f.planned, EUROS),
        ("Financements acquis", f.secured, EUROS),
        ("Part du budget acquise", f.secured_share, PERCENT),
    ] + [
        (f"{label} ({meaning})", len(report.comparison.category(code)), INTEGER)
        for code, (label, meaning) in review.CATEGORIES.items()
    ]
    for label, value, fmt in rows:
        sheet.append([label, value])
        if fmt:
            sheet.cell(sheet.max_row, 2).number_format = fmt
    sheet["A1"].font, sheet["A2"].font = Font(bold=True, size=14, color="0072B2"), Font(bold=True, size=12)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 48, 18
    sheet.append([])
    sheet.append([ROLLUP_EXPLANATION])


def _about(workbook: Workbook, report: MonthlyReport) -> None:
    sheet = workbook.create_sheet(ABOUT_SHEET)
    for row in [
        ("Séminaire", report.seminar.title),
        ("Mois", french.month(report.month)),
        (READ_AT_LABEL, report.as_of),
        # milliseconds kept (what .xlsx holds): the re-import compares it with the last change in the app
        ("Édité le", report.generated_at.replace(microsecond=report.generated_at.microsecond // 1000 * 1000)),
        ("Réimport", "Les feuilles « Actions » et « Points d'avancement » d'un export de la situation "
                     "actuelle peuvent être modifiées puis réimportées (page Actions de suivi) : les actions "
                     "sont retrouvées par leur N° ; ajoutez un point d'avancement par une ligne sans N°."),
    ]:
        sheet.append(list(row))
    sheet["B3"].number_format, sheet["B4"].number_format = DATE, "DD/MM/YYYY HH:MM"
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 16, 100


def report_xlsx(report: MonthlyReport) -> bytes:
    """Return the monthly report as an .xlsx workbook."""
    workbook = Workbook()
    _summary(workbook, report)
    objectives = report.objectives.assign(label=report.objectives["title"])
    counts = {"Actions": ("actions", INTEGER, 9), "Actions mesurées": ("measured", INTEGER, 10),
              "Abandonnées": ("abandoned", INTEGER, 11)}
    _sheet(workbook, "Objectifs", {"N°": ("number", INTEGER, 6), "Objectif": ("label", None, 70),
                                   "Avancement": ("progress", PERCENT, 12), **counts}, objectives)
    challenges = report.challenges.assign(
        selected_label=report.challenges["selected"].map({True: "oui", False: "non"})
    )
    _sheet(workbook, "Défis", {"N°": ("challenge_id", INTEGER, 6), "Défi": ("title", None, 60),
                               "Retenu": ("selected_label", None, 8), "Avancement": ("progress", PERCENT, 12),
                               **counts}, challenges)
    actions = report.actions.sort_values("id").assign(
        status_label=lambda f: f["status"].map(french.status),
        late_label=lambda f: f["overdue"].map({True: "oui", False: "non"}),
        category_label=lambda f: f["category"].map(lambda c: review.CATEGORIES.get(c, (c,))[0]),
    )
    _sheet(workbook, "Actions", ACTION_COLUMNS, actions)
    updates = report.updates.assign(status_label=report.updates["status"].map(french.status))
    _sheet(workbook, "Points d'avancement", UPDATE_COLUMNS, updates)
    _sheet(workbook, "Décisions", {
        "N°": ("id", INTEGER, 6), "Décision": ("text", None, 60), "N° action": ("action_id", INTEGER, 9),
        "Action concernée": ("action", None, 40), "Responsable": ("owner", None, 20),
        "Échéance": ("due_date", DATE, 12)}, report.decisions)
    _about(workbook, report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def situation_xlsx(con: db.Connection, today: dt.date) -> bytes:
    """Return the workbook of the current situation (the report of ``today``'s month read on ``today``, a
    local date): what /actions offers to edit and re-import, and what the import compares the file with."""
    return report_xlsx(build_report(con, today.replace(day=1), today))
