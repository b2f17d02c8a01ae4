"""Action progress: the state of every action at a date, and the one roll-up rule.

Roll-up (domain brief §5): the progress of a solution, défi or objective is the weighted mean of its
actions' progress; weight 1 unless set, weights normalised; actions never measured (no % known) and
abandoned actions are left out. With nothing left, the progress is unknown (None), not 0.
Every rolled-up percentage of the app goes through :func:`rollup` (directly or via :func:`rollup_groups`).

An action belongs to its solution, to the solution's défi, and to every objective on which that défi has
a weight above 0. An action's state at a date is its latest point on or before it in the view
``progress_points``: withdrawn points (labo_dash.corrections) are ignored, at every date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

import pandas as pd

from labo_dash import clock, db, french


class ActionStatus(StrEnum):
    """An action's status (domain brief §5), as stored in ``progress_updates.status``, in the order of
    the app's lists; French labels in :data:`labo_dash.french.STATUSES`."""

    TO_START = "a_lancer"
    RUNNING = "en_cours"
    PAUSED = "en_pause"
    DONE = "terminee"
    ABANDONED = "abandonnee"


CLOSED = (ActionStatus.DONE, ActionStatus.ABANDONED)
SUGGESTED_PROGRESS: dict[str, int] = {ActionStatus.TO_START: 0, ActionStatus.DONE: 100}

ROLLUP_EXPLANATION = (
    "Avancement agrégé = moyenne pondérée de l'avancement des actions rattachées "
    "(poids 1 sauf indication, poids normalisés). Les actions jamais mesurées et les actions "
    "abandonnées ne sont pas comptées (elles ne valent pas 0)."
)


def rollup(actions: Iterable[tuple[float | None, float | None, str | None]]) -> float | None:
    """Return the rolled-up progress (a fraction 0..1) of (progress %, weight, status) triples."""
    total_weight = 0.0
    weighted = 0.0
    for progress, weight, status in actions:
        if progress is None or pd.isna(progress) or status == ActionStatus.ABANDONED:
            continue
        w = 1.0 if weight is None or pd.isna(weight) else float(weight)
        total_weight += w
        weighted += w * float(progress)
    if total_weight == 0:
        return None
    return weighted / total_weight / 100.0


def status_mismatch(status: str | None, progress: float | None) -> bool:
    """Tell whether a status and a % disagree (Terminée below 100, À lancer above 0)."""
    expected = SUGGESTED_PROGRESS.get(status) if status else None
    if expected is None or progress is None or pd.isna(progress):
        return False
    return float(progress) != expected


def mismatch_message(status: str | None, progress: float | None) -> str | None:
    """Return a French sentence describing a status/% mismatch, or None when they agree.

    Shown on the card of an action whose recorded state disagrees (old data is flagged, never fixed).
    """
    if status is None or not status_mismatch(status, progress):
        return None
    return (
        f"Statut « {french.status(status)} » mais avancement de {french.number(progress)} % "
        f"(attendu : {SUGGESTED_PROGRESS[status]} %)"
    )


def mismatch_refusal(status: str | None, progress: float | None) -> str | None:
    """Return the French refusal of a new point whose status and % disagree, saying what to do, or None.

    The one consistency rule of every write path (``updates.check_update``): a new point « À lancer »
    above 0 % or « Terminée » below 100 % is refused, never saved with a warning nor corrected.
    """
    message = mismatch_message(status, progress)
    if message is None:
        return None
    fix = "mettez 0 % (ou laissez l'avancement vide)" if status == ActionStatus.TO_START else "mettez 100 %"
    return f"{message} : {fix} ou choisissez En cours."


_STATES = """
    WITH dates AS (SELECT unnest(?::DATE[]) AS as_of),
    latest AS (
        SELECT d.as_of, u.action_id, u.status, u.progress, u.reported_on
        FROM dates d JOIN progress_points u ON u.reported_on <= d.as_of
        QUALIFY row_number() OVER (
            PARTITION BY d.as_of, u.action_id ORDER BY u.reported_on DESC, u.seq DESC) = 1
    )
    SELECT d.as_of, a.id, a.title, a.solution_id, s.challenge_id, s.seminar_id, a.weight, a.start_date,
           a.due_date, timezone(?, timezone('UTC', a.created_at))::DATE AS created_on,  -- local date
           coalesce(l.status, 'a_lancer') AS status, l.progress, l.reported_on AS last_update,
           (coalesce(a.due_date < d.as_of, false)  -- no due date: never overdue (not NULL)
            AND coalesce(l.status, 'a_lancer') NOT IN ('terminee', 'abandonnee')) AS overdue
    FROM dates d
    CROSS JOIN actions a
    JOIN solutions s ON s.id = a.solution_id
    LEFT JOIN latest l ON l.as_of = d.as_of AND l.action_id = a.id
    ORDER BY d.as_of, a.id
"""
_CHALLENGE_GROUPS = """
    SELECT c.id AS challenge_id, c.title, c.selected, a.id AS action_id
    FROM challenges c
    LEFT JOIN solutions s ON s.challenge_id = c.id AND s.deleted_at IS NULL
    LEFT JOIN actions a ON a.solution_id = s.id
    WHERE c.seminar_id = ? AND c.deleted_at IS NULL AND (c.selected OR a.id IS NOT NULL)
    ORDER BY c.id, a.id
"""
_OBJECTIVE_GROUPS = """
    SELECT o.id AS objective_id, o.number, o.short_label, o.title, a.id AS action_id
    FROM objectives o
    LEFT JOIN challenge_objectives co ON co.objective_id = o.id AND co.weight > 0
    LEFT JOIN challenges c ON c.id = co.challenge_id AND c.deleted_at IS NULL
    LEFT JOIN solutions s ON s.challenge_id = c.id AND s.deleted_at IS NULL
    LEFT JOIN actions a ON a.solution_id = s.id
    WHERE o.seminar_id = ?
    ORDER BY o.number, a.id
"""


def action_states_over(con: db.Connection, dates: list[dt.date]) -> pd.DataFrame:
    """Return every action's state at the end of each of ``dates`` (column ``as_of``), in one query.

    ``created_on`` is the seminar's local date of the action's creation (``created_at`` is UTC).
    """
    return db.query_df(con, _STATES, [list(dates), clock.zone_name(con)])


def action_states(con: db.Connection, as_of: dt.date) -> pd.DataFrame:
    """Return every action with its status and % as known at the end of ``as_of`` (from the history)."""
    return action_states_over(con, [as_of]).drop(columns=["as_of"])


def rollup_groups(states: pd.DataFrame, membership: pd.DataFrame, key: str) -> pd.DataFrame:
    """Roll up ``states`` per group; ``membership`` maps ``action_id`` to ``key`` (an action may be in many).

    Returns one row per group of ``membership`` (in its order) with ``progress`` (fraction or None),
    ``actions`` (count), ``measured`` (counted in the roll-up) and ``abandoned``.
    """
    measure = {
        int(i): (p, w, s)
        for i, p, w, s in zip(
            states["id"], states["progress"], states["weight"], states["status"], strict=True
        )
    }
    members: dict = {}
    for group, action_id in zip(membership[key], membership["action_id"], strict=True):
        found = members.setdefault(group, [])
        if not pd.isna(action_id) and int(action_id) in measure:
            found.append(measure[int(action_id)])
    rows = [
        {
            key: group,
            "progress": rollup(triples),
            "actions": len(triples),
            "measured": sum(1 for p, _, s in triples if not pd.isna(p) and s != ActionStatus.ABANDONED),
            "abandoned": sum(1 for _, _, s in triples if s == ActionStatus.ABANDONED),
        }
        for group, triples in members.items()
    ]
    return pd.DataFrame(rows, columns=[key, "progress", "actions", "measured", "abandoned"])


def _by_group(
    con: db.Connection,
    sql: str,
    key: str,
    labels: list[str],
    dates: list[dt.date],
    seminar_id: int,
) -> pd.DataFrame:
    """Roll up the groups of ``sql`` (group key, labels, action_id) at each date; column ``as_of``."""
    groups = db.query_df(con, sql, [seminar_id])
    names = groups.drop_duplicates(key)[[key, *labels]]
    states = action_states_over(con, dates)
    membership = groups[[key, "action_id"]]
    by_date = {stamp.date(): part for stamp, part in states.groupby("as_of")}
    rolled = pd.concat(
        [
            rollup_groups(by_date.get(day, states.iloc[0:0]), membership, key).assign(as_of=day)
            for day in dates
        ],
        ignore_index=True,
    )
    return names.merge(rolled, on=key, how="right")


def progress_by_challenge(
    con: db.Connection, as_of: dt.date, seminar_id: int = 1
) -> pd.DataFrame:
    """Return every défi (selected ones and those with actions) with its rolled-up progress at ``as_of``."""
    frame = _by_group(con, _CHALLENGE_GROUPS, "challenge_id", ["title", "selected"], [as_of], seminar_id)
    return frame.drop(columns=["as_of"])


def progress_by_objective(
    con: db.Connection, as_of: dt.date, seminar_id: int = 1
) -> pd.DataFrame:
    """Return the five objectives with the rolled-up progress of their actions at ``as_of``."""
    return objective_progress_over(con, [as_of], seminar_id).drop(columns=["as_of"])


def objective_progress_over(
    con: db.Connection, dates: list[dt.date], seminar_id: int = 1
) -> pd.DataFrame:
    """Return the rolled-up progress of every objective at the end of each of ``dates`` (column ``as_of``)."""
    labels = ["number", "short_label", "title"]
    return _by_group(con, _OBJECTIVE_GROUPS, "objective_id", labels, list(dates), seminar_id)
