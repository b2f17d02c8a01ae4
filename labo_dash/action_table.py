"""Bulk edits of the action table: validate every row, then save all of them or nothing.

A change of an action's fields updates its row (audited before/after); a change of status or %, or a
comment or evidence link, appends one progress update per action (audited). One bad row refuses the
whole save, with one French message per refused action naming its row (N° and title) and column. The
stored actions are read by :func:`labo_dash.actions.get_actions` (one statement for all rows); numbers
are read exactly (:mod:`labo_dash.parsing`) and a value out of range is refused, never clamped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from labo_dash import access, db, french
from labo_dash.access import Actor, Permission
from labo_dash.actions import FIELDS, Action, check_fields, clean, field_changes, get_actions, read_numbers
from labo_dash.errors import ValidationError
from labo_dash.parsing import NumberError
from labo_dash.updates import UPDATE_FIELDS, ProgressUpdate, append_updates, read_point, read_progress

_UPDATE = """
    UPDATE actions SET title = v.title, description = v.description, pilot_structure = v.pilot_structure,
        pilot_person = v.pilot_person, contributors = v.contributors, funders = v.funders,
        budget_planned = v.budget_planned, budget_secured = v.budget_secured, start_date = v.start_date,
        due_date = v.due_date, next_step = v.next_step, weight = v.weight
    FROM (SELECT unnest(?::INTEGER[]) AS id, unnest(?::VARCHAR[]) AS title,
                 unnest(?::VARCHAR[]) AS description,
                 unnest(?::VARCHAR[]) AS pilot_structure, unnest(?::VARCHAR[]) AS pilot_person,
                 unnest(?::VARCHAR[]) AS contributors, unnest(?::VARCHAR[]) AS funders,
                 unnest(?::DECIMAL(12, 2)[]) AS budget_planned, unnest(?::DECIMAL(12, 2)[]) AS budget_secured,
                 unnest(?::DATE[]) AS start_date, unnest(?::DATE[]) AS due_date,
                 unnest(?::VARCHAR[]) AS next_step, unnest(?::DOUBLE[]) AS weight) v
    WHERE actions.id = v.id
"""


def table_changes(original: pd.DataFrame, edited: pd.DataFrame) -> dict[int, dict[str, Any]]:
    """Return {action id: {column: new value}} for the cells of ``edited`` that differ from ``original``.

    Both frames have an ``id`` column; only editable columns (FIELDS and UPDATE_FIELDS) are compared, as
    :func:`labo_dash.actions.clean` reads them (blank = None, text stripped). Cells equal as they are
    are skipped at once: a rerun of a 300-row grid costs a few ms.
    """
    columns = [c for c in [*FIELDS, *UPDATE_FIELDS] if c in edited.columns]
    ids = edited["id"].tolist()
    before = original.set_index("id").loc[ids, columns].to_numpy(dtype=object)
    after = edited[columns].to_numpy(dtype=object)
    same = (before == after) | (pd.isna(before) & pd.isna(after))
    changes: dict[int, dict[str, Any]] = {}
    for row, column in zip(*np.nonzero(~same), strict=True):
        new = clean(after[row, column])
        if new != clean(before[row, column]):
            changes.setdefault(int(ids[row]), {})[columns[column]] = new
    return changes


def _plan(
    current: Action,
    diff: dict[str, Any],
    reported_on: dt.date,
    reported_by: str,
    today: dt.date,
) -> tuple[dict[str, Any] | None, ProgressUpdate | None, list[str]]:
    """Return (new fields or None, new progress update or None, French errors) for one edited action.

    ``current`` is the stored action (:func:`labo_dash.actions.get_actions`); ``diff`` its changed columns
    (FIELDS and UPDATE_FIELDS names).
    """
    unknown = sorted(set(diff) - set(FIELDS) - set(UPDATE_FIELDS))
    if unknown:
        return None, None, [f"colonne non modifiable : {', '.join(unknown)}."]
    stored = current.fields()
    typed = {name: clean(diff[name]) if name in diff else clean(stored[name]) for name in FIELDS}
    changed = bool(field_changes(stored, typed))
    errors = check_fields(typed) if changed else {}
    fields = read_numbers(typed)[0] if changed and not errors else None
    status = diff.get("status", current.status)
    raw = clean(diff["progress"]) if "progress" in diff else current.progress
    try:
        value = read_progress(raw)
    except NumberError:
        value = raw  # unreadable or out of range: read_point below says why
    comment, evidence = clean(diff.get("comment")), clean(diff.get("evidence_url"))
    update = None
    if status != current.status or value != current.progress or comment or evidence:
        update, point_errors = read_point(current.id, reported_on, reported_by, {
            "status": status, "progress_value": raw, "comment": comment, "evidence_url": evidence,
            "today": today}, last=current.last_update)
        errors |= point_errors
    return fields, update, list(errors.values())


@dataclass(frozen=True, slots=True)
class SavedChanges:
    """What :func:`save_changes` wrote: ``actions`` with fields updated, progress ``updates`` appended."""

    actions: int
    updates: int


def save_changes(
    con: db.Connection,
    actor: Actor,
    changes: dict[int, dict[str, Any]],
    *,
    reported_on: dt.date,
    reported_by: str | None,
    today: dt.date,
) -> SavedChanges:
    """Validate and save bulk edits in one transaction; raise ValidationError (nothing written) on a bad row.

    ``changes`` maps an action id to its changed columns (see :func:`table_changes`; numbers as typed or
    numeric). Returns how many actions and progress updates were written. The error's
    ``fields`` map each refused action id (str) to « N° 5 « Intitulé » — Avancement : … » (row and column).
    """
    access.require(actor, Permission.ACTIONS_WRITE)
    reported_by = clean(reported_by) or actor.name
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        current = get_actions(con, list(changes))  # read once the topic is locked: no write of it in between
        errors: dict[str, str] = {}
        field_rows, updates = [], []
        for action_id, diff in changes.items():
            if action_id not in current:
                errors[str(action_id)] = f"N° {action_id} — cette action n'existe plus."
                continue
            fields, update, messages = _plan(current[action_id], diff, reported_on, reported_by, today)
            if messages:
                title = clean(diff.get("title")) or current[action_id].title
                errors[str(action_id)] = f"N° {action_id} « {title} » — " + " ".join(messages)
            if fields:
                field_rows.append((action_id, fields))
            if update:
                updates.append(update)
        if errors:
            raise ValidationError(
                f"{french.plural(len(errors), 'ligne refusée', 'lignes refusées')} : "
                f"rien n'a été enregistré. {french.agree(len(errors), 'Corrigez-la', 'Corrigez-les')} "
                "puis enregistrez à nouveau (vos modifications sont conservées).",
                errors,
            )
        if field_rows:
            cur.execute(_UPDATE, [[r[0] for r in field_rows]]
                        + [[fields[name] for _, fields in field_rows] for name in FIELDS])
            for action_id, fields in field_rows:
                old = current[action_id].fields()
                keys = list(field_changes(old, fields))
                db.audit(cur, actor, "action", action_id, "update",
                         {k: clean(old[k]) for k in keys}, {k: clean(fields[k]) for k in keys})
        append_updates(cur, actor, updates)
    return SavedChanges(actions=len(field_rows), updates=len(updates))
