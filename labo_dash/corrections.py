"""Corrections of the progress history: a wrong point is withdrawn, or replaced, never erased.

Domain brief §5: "A wrong point is never erased: it is withdrawn by a later, dated and audited record with
a reason, and every roll-up, review, report and export ignores withdrawn points." ``progress_updates``
stays append-only; a withdrawal is one row of ``progress_withdrawals`` (reason, who, role, local date,
UTC instant, the replacing point if any) and one audit entry. From then on the view ``progress_points``,
which every state, roll-up, review, report, signature figure and export reads, leaves the point out, at
every date (the point was wrong from the start). Only the timeline (``updates.history``) still shows it,
struck through, with who withdrew it and why.

Who may correct: the roles that record points (permission ``actions.write``: organisers and the steering
group).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Unpack

from labo_dash import access, clock, db, french
from labo_dash.access import Actor, Permission
from labo_dash.actions import clean
from labo_dash.errors import NotFound, ValidationError
from labo_dash.progress import ActionStatus
from labo_dash.updates import NewPoint, ProgressUpdate, append_updates, read_point

REASON_MAX = 1000
_POINT = """
    SELECT u.id, u.action_id, u.reported_on, u.status, u.progress, u.comment, u.evidence_url, u.reported_by,
           w.withdrawn_on, w.withdrawn_by
    FROM progress_updates u LEFT JOIN progress_withdrawals w ON w.update_id = u.id
    WHERE u.id = ?
"""


def _check_reason(reason: str | None) -> dict[str, str]:
    """Return {"reason": French message} when the reason is missing or too long, else {}."""
    if not reason:
        return {"reason": "Raison : obligatoire (pourquoi ce point est-il faux ?)."}
    if len(reason) > REASON_MAX:
        return {"reason": french.too_long("La raison", reason, REASON_MAX)}
    return {}


@dataclass(frozen=True, slots=True)
class _Point(ProgressUpdate):
    """A stored progress point: its :class:`ProgressUpdate` fields, its id, and its withdrawal, if any
    (``withdrawn_on`` local date)."""

    id: int
    withdrawn_on: dt.date | None
    withdrawn_by: str | None


def _point(cur: db.Cursor, update_id: int) -> _Point:
    """Return a point that may be withdrawn (inside the caller's transaction), or raise in French."""
    cur.execute(_POINT, [update_id])
    row = cur.fetchone()
    if row is None:
        raise NotFound(f"Le point d'avancement n° {update_id} n'existe pas.")
    values = dict(zip([d[0] for d in cur.description], row, strict=True))
    point = _Point(**{**values, "status": ActionStatus(values["status"])})
    if point.withdrawn_on is not None:
        raise ValidationError(
            f"Le point n° {update_id} a déjà été retiré le {french.date(point.withdrawn_on)} par "
            f"{point.withdrawn_by} : rien n'a été changé.",
            {"update_id": "Ce point est déjà retiré : choisissez-en un autre."},
        )
    return point


def _withdraw(
    cur: db.Cursor,
    actor: Actor,
    point: _Point,
    reason: str,
    today: dt.date,
    replaced_by: int | None,
) -> None:
    """Record and audit the withdrawal of ``point`` inside the caller's transaction."""
    record = {
        "reason": reason,
        "withdrawn_by": actor.name or access.ROLE_LABELS.get(actor.role, actor.role),
        "role": actor.role,
        "withdrawn_on": today,
        "withdrawn_at": clock.stored_now(),
        "replaced_by": replaced_by,
    }
    cur.execute(
        "INSERT INTO progress_withdrawals (update_id, reason, withdrawn_by, role, withdrawn_on, "
        "withdrawn_at, replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [point.id, *record.values()],
    )
    before = {"action_id": point.action_id, "reported_on": point.reported_on, "status": point.status,
              "progress": point.progress, "comment": point.comment}
    db.audit(cur, actor, "progress_update", point.id, "withdraw", before, record)


def withdraw_update(
    con: db.Connection, actor: Actor, update_id: int, reason: str | None, *, today: dt.date
) -> None:
    """Withdraw a wrong progress point, with a reason; the point stays in the history, struck through.

    ``today`` is the seminar's local date (the withdrawal's date); the instant is stored in UTC.
    Raises PermissionDenied without ``actions.write``, NotFound for an unknown point, ValidationError
    (French, field ``reason`` or ``update_id``) for a missing or too long reason or a point already
    withdrawn. Nothing is written when it raises.
    """
    access.require(actor, Permission.ACTIONS_WRITE)
    reason = clean(reason)
    errors = _check_reason(reason)
    if errors:
        raise ValidationError("Le point n'a pas été retiré : corrigez les champs signalés.", errors)
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        _withdraw(cur, actor, _point(cur, update_id), reason, today, None)



def replace_update(
    con: db.Connection, actor: Actor, update_id: int, reason: str | None,
    **point: Unpack[NewPoint],
) -> int:
    """Replace a wrong point by a corrected one of the same date, in one transaction; return the new id.

    The wrong point is withdrawn (``replaced_by`` = the new point) and the corrected point (status, % as
    typed, « 40 » or « 40 % », or None, comment, evidence link: :class:`labo_dash.updates.NewPoint`) is
    appended with the withdrawn point's ``reported_on``; both are audited. Errors as
    :func:`withdraw_update`, plus the checks of a new point (updates.read_point) and a correction
    identical to the withdrawn point. Nothing is written when it raises.
    """
    access.require(actor, Permission.ACTIONS_WRITE)
    reason = clean(reason)
    errors = _check_reason(reason)
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        old = _point(cur, update_id)
        update, point_errors = read_point(old.action_id, old.reported_on, actor.name, point)
        errors |= point_errors
        if not errors and update is not None and (
            update.status, update.progress, update.comment, update.evidence_url
        ) == (old.status, old.progress, old.comment, old.evidence_url):
            errors["status"] = ("Correction identique au point retiré : changez le statut, l'avancement "
                                "ou le commentaire.")
        if update is None or errors:
            raise ValidationError("Le point n'a pas été corrigé : corrigez les champs signalés.", errors)
        new_id = append_updates(cur, actor, [update])[0]
        _withdraw(cur, actor, old, reason, point["today"], new_id)
    return new_id
