"""Follow-up actions: created from a solution, edited in bulk, followed by append-only progress updates.

An action's fields (title, pilot, dates, budget...) may change, audited before/after. Its status and % live
only in ``progress_updates``: every change is a new dated row and the current state is the latest point of
the view ``progress_points`` (the points not withdrawn, see :mod:`labo_dash.corrections`).
A new point whose status and % disagree (Terminée below 100 %, À lancer above 0 %) is refused
(:func:`check_update`, the one check of every write path); old data that disagrees is flagged, never fixed.
Numbers (budgets, weight, %) are read exactly by :mod:`labo_dash.parsing`: typed text (« 45 000 € »,
« 40 % »), grid floats and stored Decimals alike; a value out of range is refused, never clamped.
Actions created from a solution: :mod:`labo_dash.action_creation`; bulk edits of many actions at once:
:mod:`labo_dash.action_table`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NotRequired, TypedDict, Unpack
from urllib.parse import urlparse

import pandas as pd

from labo_dash import access, clock, db, french, parsing, progress, review, settings, solutions
from labo_dash.access import Actor, Permission
from labo_dash.errors import NotFound, ValidationError
from labo_dash.progress import ActionStatus

TITLE_MAX = 200  # characters
# Editable fields of the action row -> (French label, max length for text, None for other types).
FIELDS: dict[str, tuple[str, int | None]] = {
    "title": ("Intitulé", TITLE_MAX),
    "description": ("Description", 2000),
    "pilot_structure": ("Structure pilote", 200),
    "pilot_person": ("Personne pilote", 200),
    "contributors": ("Contributeur·ice·s", 1000),
    "funders": ("Financeurs", 500),
    "budget_planned": ("Budget prévu", None),
    "budget_secured": ("Budget acquis", None),
    "start_date": ("Début", None),
    "due_date": ("Échéance", None),
    "next_step": ("Prochaine étape", 500),
    "weight": ("Poids", None),
}
UPDATE_FIELDS = ("status", "progress", "comment", "evidence_url")
NUMBER_FIELDS = ("budget_planned", "budget_secured", "weight")
BUDGET_MAX = 100_000_000  # €
WEIGHT_MAX = 100
COMMENT_MAX = 2000


def clean(value: Any) -> Any:
    """Normalise a form or DataFrame value: blanks and NaN to None, dates to ``date``, text stripped."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item"):  # numpy scalars
        return clean(value.item())
    return value


def read_numbers(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return (``values`` with budgets and weight read exactly, French message per unreadable number).

    Budgets (€, Decimal with cents at most, 0 to BUDGET_MAX) and weight (Decimal, above 0, WEIGHT_MAX at
    most) may be typed text (« 45 000 € », « 0,5 »), grid floats or stored Decimals; blank is None.
    A value that cannot be read or is out of range keeps its raw form in the result and gets a message.
    """
    read, errors = dict(values), {}
    for name in ("budget_planned", "budget_secured"):
        try:
            read[name] = parsing.parse_amount(values.get(name), FIELDS[name][0], high=BUDGET_MAX)
        except parsing.NumberError as exc:
            errors[name] = str(exc)
    try:
        weight = parsing.parse_decimal(values.get("weight"), "Poids")
    except parsing.NumberError as exc:
        errors["weight"] = str(exc)
    else:
        if weight is not None and not 0 < weight <= WEIGHT_MAX:
            typed = parsing.shown(values.get("weight"))
            errors["weight"] = (f"Poids : « {typed} » lu, un nombre strictement positif, "
                                f"{WEIGHT_MAX} au plus, attendu (vide = 1).")
        else:
            read["weight"] = weight
    return read, errors


def field_changes(current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Return the entries of ``values`` (action fields, as typed) that differ from ``current`` (stored).

    Numbers are compared exactly once read (« 45 000 » equals a stored 45000.00); an unreadable number
    counts as a change, so that saving it reports the error.
    """
    read, errors = read_numbers(values)
    stored = {**current, **read_numbers({name: current.get(name) for name in NUMBER_FIELDS})[0]}
    return {
        name: value for name, value in values.items()
        if name in errors or clean(read[name]) != clean(stored.get(name))
    }


def check_fields(values: dict[str, Any]) -> dict[str, str]:
    """Return a French message per invalid field of a complete set of action fields (empty when valid).

    Budgets and weight are read by :func:`read_numbers`; secured above planned is compared exactly.
    """
    read, errors = read_numbers(values)
    for name, (label, limit) in FIELDS.items():
        value = values.get(name)
        if limit and value is not None and len(str(value)) > limit:
            errors[name] = french.too_long(f"« {label} »", str(value), limit)
    if not values.get("title"):
        errors["title"] = "Intitulé : obligatoire."
    planned, secured = read["budget_planned"], read["budget_secured"]
    readable = not errors.keys() & {"budget_planned", "budget_secured"}
    if readable and planned is not None and secured is not None and secured > planned:
        errors["budget_secured"] = (
            f"Budget acquis ({french.amount(secured)}) supérieur au budget prévu "
            f"({french.amount(planned)}) : augmentez le budget prévu."
        )
    start, due = values.get("start_date"), values.get("due_date")
    if start is not None and due is not None and due < start:
        errors["due_date"] = f"Échéance ({french.date(due)}) antérieure au début ({french.date(start)})."
    return errors


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

    Every write of a point goes through here: creation, the update form, the bulk table, the Excel
    import. ``progress_value`` is read by :func:`read_progress`; a status and % that disagree are refused
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


def append_updates(cur: db.Cursor, actor: Actor, rows: list[dict[str, Any]]) -> list[int]:
    """Append progress updates (one statement) and audit each; return their ids."""
    if not rows:
        return []
    columns = ["action_id", "reported_on", "status", "progress", "comment", "evidence_url", "reported_by"]
    ids = [
        r[0]
        for r in cur.execute(
            "INSERT INTO progress_updates (action_id, reported_on, status, progress, comment, evidence_url, "
            "reported_by, recorded_at) SELECT unnest(?::INTEGER[]), unnest(?::DATE[]), unnest(?::VARCHAR[]), "
            "unnest(?::INTEGER[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), ? "
            "RETURNING id",
            [*([r[c] for r in rows] for c in columns), clock.stored_now()],  # recorded_at: UTC, app clock
        ).fetchall()
    ]
    for update_id, row in zip(ids, rows, strict=True):
        db.audit(cur, actor, "progress_update", update_id, "create", None, row)
    return ids


@dataclass(frozen=True, slots=True)
class Action:
    """A follow-up action: its stored fields (:data:`FIELDS`; budgets in € as Decimal, ``weight`` None = 1,
    ``created_at`` UTC), its provenance (solution title, défi id and title, the défi's objectives as
    :attr:`labo_dash.solutions.Solution.objectives`) and its current state: the latest point not withdrawn
    (``progress`` in %, None when not measured; ``last_update`` its local date, None when never measured)."""

    id: int
    solution_id: int
    title: str
    description: str | None
    pilot_structure: str | None
    pilot_person: str | None
    contributors: str | None
    funders: str | None
    budget_planned: Decimal | None
    budget_secured: Decimal | None
    start_date: dt.date | None
    due_date: dt.date | None
    next_step: str | None
    weight: float | None
    created_at: dt.datetime
    solution: str
    challenge_id: int
    challenge: str
    objectives: list[solutions.WeightedObjective]
    status: ActionStatus
    progress: int | None
    last_update: dt.date | None

    def fields(self) -> dict[str, Any]:
        """Return the editable fields (:data:`FIELDS`) by name: a form's start, :func:`field_changes`'s."""
        return {name: getattr(self, name) for name in FIELDS}


def get_action(con: db.Connection, action_id: int) -> Action:
    """Return an action's fields, provenance (solution, défi, objectives) and current state.

    The state (``status``, ``progress`` in %, ``last_update`` date) is the latest point not withdrawn;
    never measured: À lancer, None, None. Raises NotFound (French) for an unknown id.
    """
    rows = db.query(con, "SELECT * FROM actions WHERE id = ?", [action_id])
    if not rows:
        raise NotFound(f"L'action n° {action_id} n'existe pas.")
    solution = solutions.get_solution(con, rows[0]["solution_id"])
    latest = db.query(
        con,
        "SELECT status, progress, reported_on FROM progress_points WHERE action_id = ? "
        "ORDER BY reported_on DESC, seq DESC LIMIT 1",
        [action_id],
    )
    state: dict[str, Any] = latest[0] if latest else {"status": "a_lancer", "progress": None,
                                                      "reported_on": None}
    return Action(
        **rows[0], solution=solution.title, challenge_id=solution.challenge_id, challenge=solution.challenge,
        objectives=solution.objectives, status=ActionStatus(state["status"]), progress=state["progress"],
        last_update=state["reported_on"],
    )


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


def chronology_errors(last: dt.date | None, reported_on: dt.date | None) -> dict[str, str]:
    """Refuse an update dated before the action's latest point (the history is never rewritten).

    ``last`` is the date of the latest point not withdrawn (:attr:`Action.last_update`): a withdrawn point
    no longer blocks dating. Returns {"reported_on": French message} or {}.
    """
    if reported_on is not None and last is not None and reported_on < last:
        return {"reported_on": (
            f"Date du point : {french.date(reported_on)} précède le dernier point ({french.date(last)}) ; "
            "l'historique ne se réécrit pas."
        )}
    return {}


class NewPoint(TypedDict):
    """A new progress point as typed: the keyword arguments of :func:`record_update` and
    :func:`labo_dash.corrections.replace_update` (the one list of them).

    ``status`` (a code of french.STATUSES), ``progress_value`` (a % as typed, « 40 » or « 40 % », or a
    number; blank: not measured), ``comment``, ``evidence_url``, ``reported_by`` (default: the actor's
    name), ``today`` (local date: a point is never in the future).
    """

    status: str
    progress_value: Any
    comment: NotRequired[str | None]
    evidence_url: NotRequired[str | None]
    reported_by: NotRequired[str | None]
    today: dt.date


def read_point(
    action_id: int, reported_on: dt.date, reporter: str, point: NewPoint
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return a new point's row for :func:`append_updates` (text cleaned, % read by :func:`read_progress`,
    None when refused; ``reporter`` when it names no one) and a French message per invalid field
    (:func:`check_update`; empty when valid)."""
    comment, evidence_url = clean(point.get("comment")), clean(point.get("evidence_url"))
    progress_value = clean(point["progress_value"])
    errors = check_update(point["status"], progress_value, reported_on, comment, evidence_url, point["today"])
    row = {"action_id": action_id, "reported_on": reported_on, "status": point["status"],
           "progress": None if "progress" in errors else read_progress(progress_value),
           "comment": comment, "evidence_url": evidence_url,
           "reported_by": clean(point.get("reported_by")) or reporter}
    return row, errors


def record_update(
    con: db.Connection, actor: Actor, action_id: int, *, reported_on: dt.date,
    **point: Unpack[NewPoint],
) -> int:
    """Append one progress update (:class:`NewPoint`) to an action; return its id (nothing is overwritten).

    Checked by :func:`check_update`, after the action's latest point (:func:`chronology_errors`), and
    refused when it brings nothing new. Raises ValidationError (French, per field), NotFound.
    """
    access.require(actor, Permission.ACTIONS_WRITE)
    current = get_action(con, action_id)
    row, errors = read_point(action_id, reported_on, actor.name, point)
    errors |= chronology_errors(current.last_update, reported_on)
    unchanged = (row["status"], row["progress"]) == (current.status, current.progress)
    if not errors and unchanged and not row["comment"] and not row["evidence_url"]:
        errors["status"] = "Rien de nouveau : changez le statut ou l'avancement, ou écrivez un commentaire."
    if errors:
        raise ValidationError("Le point n'a pas été enregistré : corrigez les champs signalés.", errors)
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        return append_updates(cur, actor, [row])[0]


def stale_since(con: db.Connection, today: dt.date, seminar_id: int = 1) -> dt.date | None:
    """Return the date of the review the « pas de point depuis la dernière revue » alert compares with.

    It is the latest review held at least ``stale_after_days`` days (setting, default 14) before ``today``
    (local date): right after a review, pilots get that long to report before their action is flagged,
    and until then the alert still refers to the review before. None when no review is that old.
    """
    days = settings.whole_number(con, settings.STALE_AFTER_DAYS)
    return review.last_review_date(con, today - dt.timedelta(days=days), seminar_id)


def tracker(con: db.Connection, today: dt.date, seminar_id: int = 1) -> pd.DataFrame:
    """Return every action with its fields, provenance, current state and flags at ``today``.

    ``objectives`` lists the numbers of the objectives its défi is weighted on (ascending, may be empty).
    Flags: ``overdue`` (due date passed, not closed), ``mismatch`` (French sentence or None), ``stale``
    (open, and no point since the review of :func:`stale_since`). ``attrs["last_review"]`` holds that
    review's date (None when no review is old enough yet).
    """
    fields = db.query_df(
        con,
        "SELECT a.*, c.title AS challenge, s.title AS solution, "
        "(SELECT list(o.number ORDER BY o.number) FROM challenge_objectives co "
        " JOIN objectives o ON o.id = co.objective_id WHERE co.challenge_id = c.id AND co.weight > 0) "
        "AS objectives FROM actions a "
        "JOIN solutions s ON s.id = a.solution_id JOIN challenges c ON c.id = s.challenge_id "
        "WHERE s.seminar_id = ? ORDER BY c.id, s.id, a.id",
        [seminar_id],
    )
    states = progress.action_states(con, today)[
        ["id", "created_on", "status", "progress", "last_update", "overdue"]
    ]
    fields["objectives"] = [tuple(int(n) for n in v) if hasattr(v, "__len__") else ()  # NULL: no weight
                            for v in fields["objectives"]]
    table = fields.merge(states, on="id", how="left")
    table["mismatch"] = [progress.mismatch_message(s, p) for s, p in zip(table["status"], table["progress"],
                                                                       strict=True)]
    last_review = stale_since(con, today, seminar_id)
    if last_review is None:
        table["stale"] = False
    else:
        since = pd.Timestamp(last_review)
        table["stale"] = (
            ~table["status"].isin(progress.CLOSED)
            & (table["created_on"] <= since)  # local dates
            & (table["last_update"].isna() | (table["last_update"] <= since))
        )
    table.attrs["last_review"] = last_review
    return table.reset_index(drop=True)
