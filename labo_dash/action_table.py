"""Bulk edits of the action table: validate every row, then save all of them or nothing.

A change of an action's fields updates its row (audited before/after); a change of status or %, or a
comment or evidence link, appends one progress update per action (audited). One bad row refuses the
whole save, with one French message per refused action.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from labo_dash import access, db, progress
from labo_dash.access import Actor
from labo_dash.actions import (
    FIELDS,
    UPDATE_FIELDS,
    append_updates,
    check_fields,
    check_update,
    chronology_errors,
    clean,
)
from labo_dash.errors import ValidationError

# Each action's fields and its latest point not withdrawn (the view progress_points, as get_action reads it).
_CURRENT = """
    SELECT a.id, a.title, a.description, a.pilot_structure, a.pilot_person, a.contributors, a.funders,
           a.budget_planned, a.budget_secured, a.start_date, a.due_date, a.next_step, a.weight,
           coalesce(u.status, 'a_lancer') AS status, u.progress, u.reported_on AS last_update
    FROM actions a
    LEFT JOIN (
        SELECT action_id, status, progress, reported_on FROM progress_points
        QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY reported_on DESC, id DESC) = 1
    ) u ON u.action_id = a.id
    WHERE a.id IN (SELECT unnest(?::INTEGER[]))
"""
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

    Both frames have an ``id`` column; only editable columns (FIELDS and UPDATE_FIELDS) are compared.
    """
    columns = [c for c in [*FIELDS, *UPDATE_FIELDS] if c in edited.columns]
    before = original.set_index("id")
    changes: dict[int, dict[str, Any]] = {}
    for _, row in edited.iterrows():
        action_id = int(row["id"])
        diff = {c: clean(row[c]) for c in columns if clean(row[c]) != clean(before.at[action_id, c])}
        if diff:
            changes[action_id] = diff
    return changes


def _plan(
    current: dict[str, Any],
    diff: dict[str, Any],
    reported_on: dt.date,
    reported_by: str | None,
    today: dt.date,
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, list[str]]:
    """Return (new fields or None, new progress update or None, French errors) for one edited action."""
    unknown = sorted(set(diff) - set(FIELDS) - set(UPDATE_FIELDS))
    if unknown:
        return None, None, [f"colonne non modifiable : {', '.join(unknown)}."]
    fields = {name: clean(diff[name]) if name in diff else clean(current[name]) for name in FIELDS}
    changed = any(fields[name] != clean(current[name]) for name in FIELDS)
    errors = check_fields(fields) if changed else {}
    status = diff.get("status", current["status"])
    value = clean(diff["progress"]) if "progress" in diff else clean(current["progress"])
    comment, evidence = clean(diff.get("comment")), clean(diff.get("evidence_url"))
    update = None
    if status != current["status"] or value != clean(current["progress"]) or comment or evidence:
        errors |= check_update(status, value, reported_on, comment, evidence, today)
        errors |= chronology_errors(current, reported_on)
        update = {"action_id": current["id"], "reported_on": reported_on, "status": status,
                  "progress": None if value is None else int(value), "comment": comment,
                  "evidence_url": evidence, "reported_by": reported_by}
    return (fields if changed else None), update, list(errors.values())


def save_changes(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    changes: dict[int, dict[str, Any]],
    *,
    reported_on: dt.date,
    reported_by: str | None,
    today: dt.date,
) -> dict[str, Any]:
    """Validate and save bulk edits in one transaction; raise ValidationError (nothing written) on a bad row.

    ``changes`` maps an action id to its changed columns (see :func:`table_changes`). Returns the number
    of actions whose fields changed, of progress updates appended, and the status/% mismatches saved.
    """
    access.require(actor, "actions.write")
    reported_by = clean(reported_by) or actor.name
    with db.transaction(con) as cur:
        cur.execute(_CURRENT, [list(changes)])
        names = [d[0] for d in cur.description]
        current = {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}
        errors: dict[str, str] = {}
        field_rows, updates = [], []
        for action_id, diff in changes.items():
            if action_id not in current:
                errors[str(action_id)] = "cette action n'existe plus."
                continue
            fields, update, messages = _plan(current[action_id], diff, reported_on, reported_by, today)
            if messages:
                errors[str(action_id)] = " ".join(messages)
            if fields:
                field_rows.append((action_id, fields))
            if update:
                updates.append(update)
        if errors:
            raise ValidationError(
                f"{len(errors)} ligne(s) refusée(s) : rien n'a été enregistré. Corrigez-les puis enregistrez "
                "à nouveau (vos modifications sont conservées).",
                errors,
            )
        if field_rows:
            cur.execute(_UPDATE, [[r[0] for r in field_rows]]
                        + [[fields[name] for _, fields in field_rows] for name in FIELDS])
            for action_id, fields in field_rows:
                old = current[action_id]
                keys = [k for k in FIELDS if fields[k] != clean(old[k])]
                db.audit(cur, actor, "action", action_id, "update",
                         {k: clean(old[k]) for k in keys}, {k: fields[k] for k in keys})
        append_updates(cur, actor, updates)
    mismatches = [
        f"{current[u['action_id']]['title']} : {progress.mismatch_message(u['status'], u['progress'])}"
        for u in updates if progress.status_mismatch(u["status"], u["progress"])
    ]
    return {"actions": len(field_rows), "updates": len(updates), "mismatches": mismatches}
