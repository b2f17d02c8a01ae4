"""Follow-up actions: created from a solution, edited in bulk, followed by append-only progress updates.

An action's fields (title, pilot, dates, budget...) may change, audited before/after. Its status and % live
only in ``progress_updates`` (:mod:`labo_dash.updates`: every change is a new dated point, read and checked
there) and the current state is the latest point of the view ``progress_points`` (the points not
withdrawn, see :mod:`labo_dash.corrections`); old data whose status and % disagree is flagged, never fixed.
One reader gives actions with their provenance and current state, as :class:`Action` records:
:func:`get_actions` (many at once: the bulk table, the Excel import) and :func:`get_action` (one).
Numbers (budgets, weight) are read exactly by :mod:`labo_dash.parsing`: typed text (« 45 000 € »,
« 0,5 »), grid floats and stored Decimals alike; a value out of range is refused, never clamped.
Actions created from a solution: :mod:`labo_dash.action_creation`; bulk edits of many actions at once:
:mod:`labo_dash.action_table`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from labo_dash import db, french, parsing, progress, review, settings, solutions
from labo_dash.errors import NotFound
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
NUMBER_FIELDS = ("budget_planned", "budget_secured", "weight")
BUDGET_MAX = 100_000_000  # €
WEIGHT_MAX = 100


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


@dataclass(frozen=True, slots=True)
class Action:
    """A follow-up action: its stored fields (:data:`FIELDS`; budgets in € as Decimal, ``weight`` None = 1,
    ``created_at`` UTC), its provenance (solution title, défi id and title, the défi's objectives as
    :attr:`labo_dash.solutions.Solution.objectives`) and its current state: the latest point not withdrawn
    (``progress`` in %, None when not measured; ``last_update`` its local date, None when never measured).
    ``last_change`` is the instant (UTC) of the latest trace the app keeps of it: an audited edit (its
    creation included), a point recorded or withdrawn; None when there is none."""

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
    last_change: dt.datetime | None

    def fields(self) -> dict[str, Any]:
        """Return the editable fields (:data:`FIELDS`) by name: a form's start, :func:`field_changes`'s."""
        return {name: getattr(self, name) for name in FIELDS}


# THE reader of actions: each live action (its solution not deleted) with its provenance, its latest point
# not withdrawn (view progress_points; the points of one date ordered by seq, corrections included) and its
# latest trace (UTC instants: audit log, points recorded, withdrawals). Never measured: À lancer. The ids
# chosen (all when the list is NULL) filter each part first: one action costs little at any scale.
_ACTIONS = """
    WITH chosen AS (SELECT id FROM actions WHERE ?::INTEGER[] IS NULL OR id IN (SELECT unnest(?::INTEGER[])))
    SELECT a.*, s.title AS solution, s.challenge_id, c.title AS challenge,
           coalesce(u.status, 'a_lancer') AS status, u.progress, u.reported_on AS last_update,
           t.last_change
    FROM actions a
    JOIN solutions s ON s.id = a.solution_id AND s.deleted_at IS NULL
    JOIN challenges c ON c.id = s.challenge_id
    LEFT JOIN (
        SELECT action_id, status, progress, reported_on FROM progress_points
        WHERE action_id IN (SELECT id FROM chosen)
        QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY reported_on DESC, seq DESC) = 1
    ) u ON u.action_id = a.id
    LEFT JOIN (
        SELECT action_id, max(moment) AS last_change FROM (
            SELECT action_id, recorded_at AS moment FROM progress_updates
            UNION ALL SELECT p.action_id, w.withdrawn_at FROM progress_withdrawals w
                      JOIN progress_updates p ON p.id = w.update_id
            UNION ALL SELECT entity_id, logged_at FROM audit_log WHERE entity = 'action'
        ) WHERE action_id IN (SELECT id FROM chosen) GROUP BY action_id
    ) t ON t.action_id = a.id
    WHERE a.id IN (SELECT id FROM chosen)
    ORDER BY a.id
"""


def get_actions(con: db.Connection, ids: list[int] | None = None) -> dict[int, Action]:
    """Return {id: :class:`Action`} for the live actions among ``ids`` (every live action, of every
    seminar, when None), by id; an unknown id, or an action whose solution was deleted, is absent.

    Two statements whatever the number of actions: the actions with their state, then their défis'
    objectives. The state (``status``, ``progress`` in %, ``last_update`` local date) is the latest point
    not withdrawn (order: reported_on, then seq); never measured: À lancer, None, None.
    """
    rows = db.query(con, _ACTIONS, [ids, ids])
    objectives = solutions.challenge_objectives(con, sorted({row["challenge_id"] for row in rows}))
    return {row["id"]: Action(**row | {"status": ActionStatus(row["status"]),
                                       "objectives": objectives.get(row["challenge_id"], [])})
            for row in rows}


def get_action(con: db.Connection, action_id: int) -> Action:
    """Return an action's fields, provenance (solution, défi, objectives) and current state
    (:func:`get_actions`). Raises NotFound (French) for an unknown id or an action of a deleted solution.
    """
    found = get_actions(con, [action_id]).get(action_id)
    if found is None:
        raise NotFound(f"L'action n° {action_id} n'existe pas.")
    return found


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
