"""Progress updates (« points d'avancement »): read, checked and appended, never overwritten.

An action's status and % live only in ``progress_updates``: every change is a new dated row, the current
state is the latest point of the view ``progress_points`` (the points not withdrawn, see
:mod:`labo_dash.corrections`). A new point is read in one place, :func:`read_point`, into a
:class:`ProgressUpdate`: text cleaned, % read exactly by :mod:`labo_dash.parsing`, checked by
:func:`check_update` (a status and % that disagree, Terminée below 100 %, À lancer above 0 %, are refused)
and, when the action has points already, by :func:`chronology_errors`. Every write path goes through it:
the update form (:func:`record_update`), creation, the bulk table, the Excel import and corrections.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, NotRequired, TypedDict, Unpack
from urllib.parse import urlparse

import pandas as pd

from labo_dash import access, clock, db, french, parsing, progress
from labo_dash.access import Actor, Permission
from labo_dash.actions import clean, get_action
from labo_dash.errors import ValidationError
from labo_dash.progress import ActionStatus

UPDATE_FIELDS = ("status", "progress", "comment", "evidence_url")  # a point's columns in the action table
COMMENT_MAX = 2000  # characters


@dataclass(frozen=True, slots=True)
class ProgressUpdate:
    """A new progress update of an action, as appended to ``progress_updates``: ``reported_on`` its local
    date, ``progress`` in % (whole, 0..100; None = not measured), ``reported_by`` the name shown.

    Built by :func:`read_point` (the one reader of a typed point), written by :func:`append_updates`.
    """

    action_id: int
    reported_on: dt.date
    status: ActionStatus
    progress: int | None
    comment: str | None
    evidence_url: str | None
    reported_by: str | None


def read_progress(value: Any) -> int | None:
    """Return a typed % (« 40 », « 40 % », 40.0) as a whole number 0..100, None when blank (not measured).

    Raises parsing.NumberError (French, quoting what was read) otherwise: never rounded nor clamped.
    """
    number = parsing.parse_percent(value, "Avancement", integer=True)
    return None if number is None else int(number)


def check_update(
    status: str | None,
    progress_value: Any,
    reported_on: dt.date | None,
    comment: str | None,
    evidence_url: str | None,
    today: dt.date,
) -> dict[str, str]:
    """Return a French message per invalid field of a new progress update (empty when valid).

    Every write of a point goes through here (via :func:`read_point`; creation also checks its form's first
    point). ``progress_value`` is read by :func:`read_progress`; a status and % that disagree are refused
    by the one consistency rule, :func:`labo_dash.progress.mismatch_refusal`.
    """
    errors: dict[str, str] = {}
    if status not in french.STATUSES:
        errors["status"] = "Statut : choisissez À lancer, En cours, En pause, Terminée ou Abandonnée."
    try:
        value = read_progress(progress_value)
    except parsing.NumberError:
        typed = parsing.shown(progress_value)
        errors["progress"] = (f"Avancement : un nombre entier de 0 à 100 attendu, « {typed} » lu "
                              "(vide = non mesuré).")
    else:
        refusal = progress.mismatch_refusal(status, value)
        if refusal:
            errors["progress"] = refusal
    if reported_on is None:
        errors["reported_on"] = "Date du point : obligatoire."
    elif reported_on > today:
        errors["reported_on"] = f"Date du point : {french.date(reported_on)} est dans le futur."
    if comment and len(comment) > COMMENT_MAX:
        errors["comment"] = french.too_long("Le commentaire", comment, COMMENT_MAX)
    if evidence_url:
        parsed = urlparse(evidence_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(evidence_url) > 500:
            errors["evidence_url"] = "Lien de preuve : une adresse web complète (https://…)."
    return errors


def chronology_errors(last: dt.date | None, reported_on: dt.date | None) -> dict[str, str]:
    """Refuse an update dated before the action's latest point (the history is never rewritten).

    ``last`` is the date of the latest point not withdrawn (:attr:`labo_dash.actions.Action.last_update`):
    a withdrawn point no longer blocks dating. Returns {"reported_on": French message} or {}.
    """
    if reported_on is not None and last is not None and reported_on < last:
        return {"reported_on": (
            f"Date du point : {french.date(reported_on)} précède le dernier point ({french.date(last)}) ; "
            "l'historique ne se réécrit pas."
        )}
    return {}


class NewPoint(TypedDict):
    """A new progress point as typed (a form's values): the keyword arguments of :func:`record_update` and
    :func:`labo_dash.corrections.replace_update` (the one list of them), the input of :func:`read_point`.

    ``status`` (a code of french.STATUSES; None or another text is refused), ``progress_value`` (a % as
    typed, « 40 » or « 40 % », or a number; blank: not measured), ``comment``, ``evidence_url``,
    ``reported_by`` (default: the reporter given to :func:`read_point`), ``today`` (local date: a point is
    never in the future).
    """

    status: str | None
    progress_value: Any
    comment: NotRequired[str | None]
    evidence_url: NotRequired[str | None]
    reported_by: NotRequired[str | None]
    today: dt.date


def read_point(
    action_id: int, reported_on: dt.date | None, reporter: str, point: NewPoint, *,
    last: dt.date | None = None,
) -> tuple[ProgressUpdate | None, dict[str, str]]:
    """Return (the new point, None when refused; a French message per invalid field, empty when valid).

    The one reader of a typed point: text cleaned, % read by :func:`read_progress`, ``reporter`` when the
    point names no one; checked by :func:`check_update` and, when ``last`` (local date of the action's
    latest point not withdrawn) is given, by :func:`chronology_errors` (a correction keeps its date: none).
    """
    comment, evidence_url = clean(point.get("comment")), clean(point.get("evidence_url"))
    progress_value = clean(point["progress_value"])
    status = point["status"]
    errors = check_update(status, progress_value, reported_on, comment, evidence_url, point["today"])
    errors |= chronology_errors(last, reported_on)
    if errors or status is None or reported_on is None:
        return None, errors
    return ProgressUpdate(
        action_id=action_id, reported_on=reported_on, status=ActionStatus(status),
        progress=read_progress(progress_value), comment=comment, evidence_url=evidence_url,
        reported_by=clean(point.get("reported_by")) or reporter,
    ), errors


def append_updates(cur: db.Cursor, actor: Actor, updates: list[ProgressUpdate]) -> list[int]:
    """Append progress updates (one statement) and audit each (its fields; the status as its code, as
    stored); return their ids."""
    if not updates:
        return []
    columns = [
        [u.action_id for u in updates], [u.reported_on for u in updates], [u.status.value for u in updates],
        [u.progress for u in updates], [u.comment for u in updates], [u.evidence_url for u in updates],
        [u.reported_by for u in updates],
    ]
    ids = [
        r[0]
        for r in cur.execute(
            "INSERT INTO progress_updates (action_id, reported_on, status, progress, comment, evidence_url, "
            "reported_by, recorded_at) SELECT unnest(?::INTEGER[]), unnest(?::DATE[]), unnest(?::VARCHAR[]), "
            "unnest(?::INTEGER[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), ? "
            "RETURNING id",
            [*columns, clock.stored_now()],  # recorded_at: UTC, app clock
        ).fetchall()
    ]
    for update_id, update in zip(ids, updates, strict=True):
        db.audit(cur, actor, "progress_update", update_id, "create", None, asdict(update))
    return ids


def record_update(
    con: db.Connection, actor: Actor, action_id: int, *, reported_on: dt.date,
    **point: Unpack[NewPoint],
) -> int:
    """Append one progress update (:class:`NewPoint`) to an action; return its id (nothing is overwritten).

    Read and checked by :func:`read_point`, after the action's latest point, and refused when it brings
    nothing new. Raises ValidationError (French, per field), PermissionDenied, NotFound.
    """
    access.require(actor, Permission.ACTIONS_WRITE)
    current = get_action(con, action_id)
    update, errors = read_point(action_id, reported_on, actor.name, point, last=current.last_update)
    if (update is not None and (update.status, update.progress) == (current.status, current.progress)
            and not update.comment and not update.evidence_url):
        errors["status"] = "Rien de nouveau : changez le statut ou l'avancement, ou écrivez un commentaire."
    if update is None or errors:
        raise ValidationError("Le point n'a pas été enregistré : corrigez les champs signalés.", errors)
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        return append_updates(cur, actor, [update])[0]


def history(con: db.Connection, action_id: int) -> pd.DataFrame:
    """Return every progress update of an action, withdrawn ones included, oldest first (its timeline).

    Columns: id, reported_on, status, progress (%), comment, evidence_url, reported_by, recorded_at,
    withdrawn (bool), withdrawn_on (local date), withdrawn_by, withdrawal_reason, replaced_by (update id).
    The timeline is the one view that shows withdrawn points (struck through); every state and roll-up
    reads the view ``progress_points`` instead.
    """
    return db.query_df(
        con,
        "SELECT u.id, u.reported_on, u.status, u.progress, u.comment, u.evidence_url, u.reported_by, "
        "u.recorded_at, w.update_id IS NOT NULL AS withdrawn, w.withdrawn_on, w.withdrawn_by, "
        "w.reason AS withdrawal_reason, w.replaced_by "
        "FROM progress_updates u LEFT JOIN progress_withdrawals w ON w.update_id = u.id "
        "WHERE u.action_id = ? ORDER BY u.reported_on, u.id",
        [action_id],
    )
