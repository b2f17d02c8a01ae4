"""The « Actions » sheet of the actions workbook as exported: which columns the import does not read, and
what each row said before the user's edits (:mod:`labo_dash.imports.actions` compares the two).

A user's edit never vanishes: a changed cell of a column the import does not read (:data:`READ_ONLY`)
refuses its row, saying why and what the export said; a changed « Dernier commentaire » is read (it goes
into the action's new point, with its status and %).
"""

from __future__ import annotations

import datetime as dt

from labo_dash import db
from labo_dash.actions import clean
from labo_dash.imports.reading import read_table
from labo_dash.imports.tables import Row
from labo_dash.parsing import shown
from labo_dash.reporting.workbook import ACTION_COLUMNS, DATE, situation_xlsx

ACTIONS_SHEET, UPDATES_SHEET = "Actions", "Points d'avancement"
COMMENT_HEADER = "Dernier commentaire"  # read: a changed comment goes into the new point
# The columns of the « Actions » sheet the import does not read, and why (French): a changed cell refuses
# its row (a user's edit never vanishes). Every other column is N°, a field, the state or the comment.
READ_ONLY = {
    "Défi": "il vient de la solution dont l'action est issue",
    "Solution": "l'action reste rattachée à la solution dont elle est issue",
    "En retard": "l'application le calcule depuis l'Échéance, que vous pouvez modifier",
    "Depuis la revue précédente": "l'application le calcule depuis les points d'avancement",
    "Dernier point": ("c'est la date du dernier point : un statut, un % ou un commentaire changés ici "
                      "font un point daté du jour ; pour une autre date, ajoutez une ligne dans la feuille "
                      f"« {UPDATES_SHEET} »"),
}


def read_date(text: str) -> dt.date | None:
    """Return a date cell (ISO as a real Excel date is read, or typed JJ/MM/AAAA, JJ/MM/AA), None when
    blank; raise ValueError otherwise."""
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def exported_rows(con: db.Connection, day: dt.date) -> dict[int, Row]:
    """Return the « Actions » rows of the situation exported on ``day`` (local date), by N°, read as the
    uploaded file is (what each cell said before the user's edits)."""
    table = read_table(situation_xlsx(con, day), "situation.xlsx", required=list(ACTION_COLUMNS),
                       allow_empty=True, sheet=ACTIONS_SHEET)
    return {int(row["N°"]): row for row in table.rows}


def _same(header: str, typed: str, exported: str) -> bool:
    """True when a cell reads as the export wrote it (dates in any accepted form, spaces aside)."""
    if ACTION_COLUMNS[header][1] == DATE:
        try:
            return read_date(typed) == read_date(exported)
        except ValueError:
            pass
    return " ".join(typed.split()) == " ".join(exported.split())


def _as_exported(header: str, text: str) -> str:
    """Return an exported cell as Excel shows it (a date JJ/MM/AAAA, not the ISO form it is read as)."""
    if ACTION_COLUMNS[header][1] == DATE and text:
        return f"{read_date(text):%d/%m/%Y}"
    return shown(text)


def unread_edits(row: Row, exported: Row | None) -> tuple[list[str], str | None, bool]:
    """Compare a row's read-only cells and comment with the export's: return (a French reason per
    read-only cell changed, the comment for a new point or None when unchanged, whether anything
    differs). A comment cell emptied is refused: a recorded comment stays in the history."""
    if exported is None:
        return [], None, False
    reasons = [f"{header} : « {shown(row[header])} » au lieu de « {_as_exported(header, exported[header])} » "
               f": cette colonne n'est pas lue à l'import ({why}). Remettez la valeur exportée."
               for header, why in READ_ONLY.items()
               if header in row.values and not _same(header, row[header], exported[header])]
    comment = None
    typed = row.values.get(COMMENT_HEADER)
    if typed is not None and not _same(COMMENT_HEADER, typed, exported[COMMENT_HEADER]):
        comment = clean(typed)
        if comment is None:
            reasons.append(f"{COMMENT_HEADER} : effacé, mais un commentaire enregistré reste dans "
                           "l'historique. Remettez-le, ou écrivez le commentaire du nouveau point.")
    return reasons, comment, bool(reasons) or comment is not None
