"""Re-import of the Excel/CSV export of actions and progress updates: a round trip by N°.

Accepted files: the monthly workbook (sheets "Actions" and "Points d'avancement", see reporting/workbook) of
the current situation, or a CSV of either sheet. On the "Actions" sheet, a row is matched by its N°: its
changed fields update the action (audited before/after) and a changed status, % or « Dernier commentaire »
becomes a new progress update dated today (with that comment); a changed cell of a column the import does
not read (Défi, En retard…: :data:`labo_dash.imports.actions_sheet.READ_ONLY`) refuses its row, saying why:
a user's edit never vanishes. On "Points d'avancement", a row without N° is a new update; a row with a N°
must be unchanged (the history is never rewritten). The stored actions are read by actions.get_actions; a
row of an action changed in the app after the export (:attr:`labo_dash.actions.Action.last_change`, compared
in local time with the workbook's « Édité le ») is refused. Every row is checked with the action tracker's
rules first (actions.check_fields; a new point is read by updates.read_point): one bad row refuses the file,
with each bad line and its reason, and nothing is written. :func:`plan_import` previews;
:func:`apply_import` writes.

Cells are read as Excel shows them (:mod:`labo_dash.imports.reading`): a progress cell shown « 100 % » (stored
1 with a percent format) is 100, « 50 % » typed as text is 50; budgets such as « 45 000 € » or
« 12 500,50 » and every other number go through :mod:`labo_dash.parsing`, and a refusal quotes what was
read. Dates are real Excel dates or typed JJ/MM/AAAA. A hidden sheet is never read: the plan's
``source`` says which sheets were read and which were left hidden.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

import openpyxl

from labo_dash import access, backup, clock, db, french
from labo_dash.access import Actor, Permission
from labo_dash.actions import BUDGET_MAX, FIELDS, Action, check_fields, clean, get_actions
from labo_dash.errors import ImportRejected, ValidationError
from labo_dash.imports import Table, header_key, read_table, workbook_sheets
from labo_dash.imports.actions_sheet import (
    ACTIONS_SHEET,
    UPDATES_SHEET,
    exported_rows,
    read_date,
    unread_edits,
)
from labo_dash.imports.tables import Row
from labo_dash.parsing import NumberError, parse_amount, parse_decimal, parse_percent, shown
from labo_dash.reporting.workbook import ABOUT_SHEET, ACTION_COLUMNS, READ_AT_LABEL, UPDATE_COLUMNS
from labo_dash.updates import ProgressUpdate, append_updates, read_point

_EDITABLE = {header: source for header, (source, _, _) in ACTION_COLUMNS.items() if source in FIELDS}
_STATUS_HEADERS = {"Statut": "status", "Avancement (%)": "progress"}
_STATUSES = {header_key(label): code for code, label in french.STATUSES.items()} | {
    header_key(code): code for code in french.STATUSES
}
_UPDATE = (
    "UPDATE actions SET title = ?, description = ?, pilot_structure = ?, pilot_person = ?, contributors = ?, "
    "funders = ?, budget_planned = ?, budget_secured = ?, start_date = ?, due_date = ?, next_step = ?, "
    "weight = ? WHERE id = ?"
)
_UPDATE_ORDER = ("title", "description", "pilot_structure", "pilot_person", "contributors", "funders",
                 "budget_planned", "budget_secured", "start_date", "due_date", "next_step", "weight")


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One action row of the file that changes something: fields (before, after) and/or its state."""

    line: int
    action_id: int
    title: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    update: ProgressUpdate | None = None
    values: dict[str, Any] = field(default_factory=dict)  # every field of the action after the import


@dataclass(frozen=True, slots=True)
class ImportedPoint:
    """A new row of the « Points d'avancement » sheet: its line in the file, its action's title, the point."""

    line: int
    title: str
    update: ProgressUpdate


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import would do: action changes, new progress points, and where the file came from."""

    changes: list[FieldChange]
    points: list[ImportedPoint]
    sheets: list[str]
    exported_at: dt.datetime | None = None
    source: str = ""  # French: the sheets read (and the hidden ones left unread), or the CSV read

    @property
    def updates(self) -> list[ProgressUpdate]:
        """The new points of the « Points d'avancement » sheet, in file order."""
        return [point.update for point in self.points]

    @property
    def empty(self) -> bool:
        """True when the file changes nothing."""
        return not self.changes and not self.points


def _number_id(text: str, header: str) -> int | None:
    """Return a N° cell as an int (None when blank); raise NumberError unless a whole number above 0."""
    number = parse_decimal(text, header)
    if number is None:
        return None
    if number <= 0 or number != number.to_integral_value():
        raise NumberError(f"{header} : « {shown(text)} » lu, un numéro entier attendu.")
    return int(number)


def _parse(header: str, source: str, text: str) -> Any:
    """Turn a cell's text into the value of field ``source``; raise ValidationError naming ``header``.

    Budgets are euros (cents at most), weight a number, progress a whole % from 0 to 100 (int), dates
    ``date``; numbers are read by :mod:`labo_dash.parsing` (so the message says what was read).
    """
    if source in ("budget_planned", "budget_secured"):
        return clean(parse_amount(text, header, high=BUDGET_MAX))
    if source == "weight":
        return clean(parse_decimal(text, header))
    if source == "progress":
        value = parse_percent(text, header, integer=True)
        return None if value is None else int(value)
    if source in ("start_date", "due_date", "reported_on"):
        try:
            return read_date(text)
        except ValueError:
            raise ValidationError(f"{header} : « {text} » n'est pas une date (JJ/MM/AAAA).") from None
    if source == "status":
        if text and header_key(text) not in _STATUSES:
            known = ", ".join(french.STATUSES.values())
            raise ValidationError(f"{header} : statut « {text} » inconnu ({known}).")
        return _STATUSES.get(header_key(text)) if text else None
    return clean(text)


def _about(data: bytes) -> tuple[dt.datetime | None, dt.date | None]:
    """Return the export time and the reading date written on a workbook's « À propos » sheet."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if ABOUT_SHEET not in book.sheetnames:
            return None, None
        about = {row[0]: row[1] for row in book[ABOUT_SHEET].iter_rows(values_only=True)
                 if len(row) > 1 and row[0]}
    finally:
        book.close()
    exported_at, read_at = about.get("Édité le"), about.get(READ_AT_LABEL)
    if isinstance(read_at, dt.datetime):
        read_at = read_at.date()
    return (exported_at if isinstance(exported_at, dt.datetime) else None,
            read_at if isinstance(read_at, dt.date) else None)


def _read(data: bytes, filename: str) -> tuple[dict[str, Table], str, dt.datetime | None, dt.date | None]:
    """Return the file's tables by sheet name, how it was read (French), the export time and reading date."""
    required = {ACTIONS_SHEET: ["N°", "Action"], UPDATES_SHEET: ["N°", "N° action", "Date", "Statut"]}
    optional = {ACTIONS_SHEET: [h for h in ACTION_COLUMNS if h not in ("N°", "Action")],
                UPDATES_SHEET: [h for h in UPDATE_COLUMNS if h not in required[UPDATES_SHEET]]}
    if not data.startswith(b"PK\x03\x04"):
        probe = read_table(data, filename, required=[], optional=["N° action"], allow_empty=True)
        keys = {header_key(h) for h in probe.headers}
        sheet = UPDATES_SHEET if header_key("N° action") in keys else ACTIONS_SHEET
        table = read_table(data, filename, required=required[sheet], optional=optional[sheet],
                           allow_empty=True)
        return {sheet: table}, f"{table.source}, lu comme la feuille « {sheet} »", None, None
    sheets = workbook_sheets(data)
    found = [name for name in (ACTIONS_SHEET, UPDATES_SHEET) if sheets.get(name)]
    hidden = [f"« {name} »" for name in (ACTIONS_SHEET, UPDATES_SHEET) if sheets.get(name) is False]
    if not found:
        if hidden:
            raise ImportRejected(
                (f"Les feuilles {' et '.join(hidden)} de ce classeur sont masquées" if len(hidden) > 1
                 else f"La feuille {hidden[0]} de ce classeur est masquée")
                + " : une feuille masquée n'est pas lue. Affichez-la dans Excel (clic droit sur un onglet › "
                "Afficher…) puis importez le fichier de nouveau.", rows=[])
        raise ImportRejected(
            f"Ce classeur n'a ni feuille « {ACTIONS_SHEET} » ni feuille « {UPDATES_SHEET} » : partez d'un "
            "export de la situation actuelle (rapport mensuel au format Excel).", rows=[])
    tables = {name: read_table(data, filename, required=required[name], optional=optional[name],
                               allow_empty=True, sheet=name) for name in found}
    source = f"feuille{'s' if len(found) > 1 else ''} " + " et ".join(f"« {name} »" for name in found)
    if hidden:
        source += f" ; feuille masquée, non lue : {', '.join(hidden)}"
    return tables, source, *_about(data)


def _to_ms(moment: dt.datetime) -> dt.datetime:
    """Return an instant truncated to the millisecond, the precision of the export time in the workbook."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _changed_since(current: dict[int, Action], exported_at: dt.datetime | None,
                   zone: dt.tzinfo) -> set[int]:
    """Return the ids of the actions changed in the app after ``exported_at`` (the workbook's « Édité le »,
    local and naive, to the millisecond), compared in local time; none when the export time is unknown."""
    if exported_at is None:
        return set()
    return {action.id for action in current.values() if action.last_change is not None
            and _to_ms(clock.local(action.last_change, zone).replace(tzinfo=None)) > exported_at}


def _row_id(row: Row, current: dict[int, Action], seen: set[int], bad: list[tuple[int, str]]) -> int | None:
    """Return the N° of an « Actions » row, an action of the base seen once in the file; else note why in
    ``bad`` and return None."""
    try:
        action_id = _number_id(row["N°"], "N°")
    except NumberError:
        action_id = None
    if not action_id:
        bad.append((row.line, f"N° manquant ou invalide (« {shown(row['N°'])} ») : une nouvelle action "
                              "se crée depuis sa solution (page Actions de suivi)."))
    elif action_id in seen:
        bad.append((row.line, f"l'action n° {action_id} apparaît deux fois dans le fichier."))
    elif action_id not in current:
        bad.append((row.line, f"l'action n° {action_id} n'existe pas dans la base."))
    else:
        seen.add(action_id)
        return action_id
    return None


def _action_rows(table: Table, current: dict[int, Action], exported: dict[int, Row], changed: set[int],
                 today: dt.date, reported_by: str, bad: list[tuple[int, str]]) -> list[FieldChange]:
    """Read the « Actions » sheet: each row's changed fields, and a new point when its status, % or comment
    changed (compared with ``exported``, the rows of the current export by N°)."""
    changes: list[FieldChange] = []
    seen: set[int] = set()
    for row in table.rows:
        action_id = _row_id(row, current, seen, bad)
        if action_id is None:
            continue
        action = current[action_id]
        before = action.fields()
        values, reasons = {}, []
        for header in [*_EDITABLE, *_STATUS_HEADERS]:
            if header in row.values:
                source = _EDITABLE.get(header) or _STATUS_HEADERS[header]
                try:
                    values[source] = _parse(header, source, row[header])
                except ValidationError as exc:
                    reasons.append(str(exc))
        if reasons:
            bad.append((row.line, f"action n° {action_id} : " + " ".join(reasons)))
            continue
        unread, comment, differs = unread_edits(row, exported.get(action_id))
        fields = {name: values.get(name, clean(before[name])) for name in FIELDS}
        moved = {n: (clean(before[n]), fields[n]) for n in FIELDS if fields[n] != clean(before[n])}
        status = values.get("status") or action.status
        value = values.get("progress", action.progress)
        errors = check_fields(fields) if moved else {}
        update, restated = None, status != action.status or value != action.progress or comment is not None
        if restated:
            update, point_errors = read_point(action_id, today, reported_by, {
                "status": status, "progress_value": value, "comment": comment, "today": today},
                last=action.last_update)
            errors |= point_errors
        messages = [*unread, *errors.values()]
        if (moved or restated or differs) and action_id in changed:  # the app's change, not the user's
            messages = [*errors.values(), "modifiée dans l'application après l'export du classeur : exportez "
                        "à nouveau la situation actuelle et reportez-y vos changements."]
        if messages:
            bad.append((row.line, f"action n° {action_id} : " + " ".join(messages)))
        elif moved or update:
            changes.append(FieldChange(row.line, action_id, fields["title"], moved, update, fields))
    return changes


def _update_rows(con: db.Connection, table: Table, current: dict[int, Action], planned: dict[int, dt.date],
                 today: dt.date, reported_by: str, bad: list[tuple[int, str]]) -> list[ImportedPoint]:
    history = {r["id"]: r for r in db.query(
        con, "SELECT id, action_id, reported_on, status, progress, comment FROM progress_updates")}
    points: list[ImportedPoint] = []
    last: dict[int, dt.date | None] = dict(planned)
    for row in table.rows:
        try:
            values = {source: _parse(header, source, row[header])
                      for header, (source, _, _) in UPDATE_COLUMNS.items()
                      if header in row.values and source in ("reported_on", "progress")}
            number, action = _number_id(row["N°"], "N°"), _number_id(row["N° action"], "N° action")
        except ValidationError as exc:
            bad.append((row.line, str(exc)))
            continue
        status = _STATUSES.get(header_key(row["Statut"]))
        if number:
            old = history.get(number)
            recorded = old and (old["action_id"], old["reported_on"], old["status"], old["progress"])
            if recorded != (action, values.get("reported_on"), status, values.get("progress")):
                bad.append((row.line, f"le point d'avancement n° {number} a été modifié : l'historique "
                                      "ne se réécrit pas. Ajoutez plutôt une ligne sans N°."))
            continue
        if not action or action not in current:
            bad.append((row.line, "N° action manquant ou inconnu."))
            continue
        update, errors = read_point(action, values.get("reported_on"), reported_by, {
            "status": status, "progress_value": values.get("progress"), "comment": row["Commentaire"],
            "evidence_url": row["Justificatif"], "reported_by": row["Saisi par"], "today": today,
        }, last=last.get(action, current[action].last_update))
        if update is None:
            bad.append((row.line, f"action n° {action} : " + " ".join(errors.values())))
            continue
        last[action] = update.reported_on
        points.append(ImportedPoint(row.line, current[action].title, update))
    return points


def plan_import(con: db.Connection, data: bytes, filename: str, today: dt.date,
                reported_by: str) -> ImportPlan:
    """Read and check the whole file; return what importing it would change, or raise ImportRejected."""
    tables, source, exported_at, read_at = _read(data, filename)
    if exported_at and read_at and read_at != exported_at.date():
        raise ImportRejected(
            f"Ce classeur décrit la situation au {french.date(read_at)}, pas la situation actuelle : seul un "
            "export du mois en cours peut être réimporté (sinon il remettrait des valeurs anciennes).",
            rows=[])
    current, bad = get_actions(con), list[tuple[int, str]]()
    changed = _changed_since(current, exported_at, clock.zone(con))
    changes = []
    if ACTIONS_SHEET in tables:
        exported = exported_rows(con, read_at or today)
        changes = _action_rows(tables[ACTIONS_SHEET], current, exported, changed, today, reported_by, bad)
    planned = {c.action_id: c.update.reported_on for c in changes if c.update}
    points = (_update_rows(con, tables[UPDATES_SHEET], current, planned, today, reported_by, bad)
              if UPDATES_SHEET in tables else [])
    if bad:
        note = next((table.note for table in tables.values() if table.note), "")
        raise ImportRejected(
            f"{french.plural(len(bad), 'ligne refusée', 'lignes refusées')} : rien n'a été importé. "
            f"{french.agree(len(bad), 'Corrigez-la', 'Corrigez-les')} dans le fichier puis "
            f"importez-le à nouveau (lu : {source}).{note}", rows=sorted(bad))
    return ImportPlan(changes, points, list(tables), exported_at, source)


def apply_import(con: db.Connection, actor: Actor, data: bytes, filename: str,
                 today: dt.date) -> ImportPlan:
    """Import the file in one transaction (checked again first); return what was done."""
    access.require(actor, Permission.ACTIONS_WRITE)
    if not plan_import(con, data, filename, today, actor.name).empty:  # a refused file raises: no backup
        backup.before_import(con)
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        plan = plan_import(con, data, filename, today, actor.name)
        for change in plan.changes:
            if change.fields:
                cur.execute(_UPDATE, [change.values[name] for name in _UPDATE_ORDER] + [change.action_id])
                db.audit(cur, actor, "action", change.action_id, "update",
                         {n: before for n, (before, _) in change.fields.items()},
                         {n: after for n, (_, after) in change.fields.items()})
        append_updates(cur, actor, [c.update for c in plan.changes if c.update] + plan.updates)
    return plan
