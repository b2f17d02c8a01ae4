"""Action progress: the state of every action at a date, and the one roll-up rule.

Roll-up (domain brief §5): the progress of a solution, défi or objective is the weighted mean of its
actions' progress; weight 1 unless set, weights normalised; actions never measured (no % known) and
abandoned actions are left out. With nothing left, the progress is unknown (None), not 0.
Every rolled-up percentage of the app goes through :func:`rollup` (directly or via :func:`rollup_groups`).

An action belongs to its solution, to the solution's défi, and to every objective on which that défi has
a weight above 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb
import pandas as pd

from labo_dash import db, french

ABANDONED = "abandonnee"
CLOSED = ("terminee", ABANDONED)
SUGGESTED_PROGRESS = {"a_lancer": 0, "terminee": 100}

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
        if progress is None or pd.isna(progress) or status == ABANDONED:
            continue
        w = 1.0 if weight is None or pd.isna(weight) else float(weight)
        total_weight += w
        weighted += w * float(progress)
    if total_weight == 0:
        return None
    return weighted / total_weight / 100.0


def status_mismatch(status: str | None, progress: float | None) -> bool:
    """Tell whether a status and a % disagree (Terminée below 100, À lancer above 0)."""
    if status not in SUGGESTED_PROGRESS or progress is None or pd.isna(progress):
        return False
    return float(progress) != SUGGESTED_PROGRESS[status]


def mismatch_message(status: str | None, progress: float | None) -> str | None:
    """Return a French sentence describing a status/% mismatch, or None when they agree."""
    if not status_mismatch(status, progress):
        return None
    return (
        f"Statut « {french.status(status)} » mais avancement de {french.number(progress)} % "
        f"(attendu : {SUGGESTED_PROGRESS[status]} %)"
    )


def action_states(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pd.DataFrame:
    """Return every action with its status and % as known at the end of ``as_of`` (from the history)."""
    return db.query_df(
        con,
        """
        WITH latest AS (
            SELECT action_id, status, progress, reported_on
            FROM progress_updates
            WHERE reported_on <= ?
            QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY reported_on DESC, id DESC) = 1
        )
        SELECT a.id, a.title, a.solution_id, s.challenge_id, s.seminar_id, a.weight, a.start_date, a.due_date,
               a.created_at::DATE AS created_on,
               coalesce(l.status, 'a_lancer') AS status, l.progress, l.reported_on AS last_update,
               (a.due_date < ? AND coalesce(l.status, 'a_lancer') NOT IN ('terminee', 'abandonnee'))
                   AS overdue
        FROM actions a
        JOIN solutions s ON s.id = a.solution_id
        LEFT JOIN latest l ON l.action_id = a.id
        ORDER BY a.id
        """,
        [as_of, as_of],
    )


def rollup_groups(states: pd.DataFrame, membership: pd.DataFrame, key: str) -> pd.DataFrame:
    """Roll up ``states`` per group; ``membership`` maps ``action_id`` to ``key`` (an action may be in many).

    Returns one row per group of ``membership`` with ``progress`` (fraction or None), ``actions`` (count),
    ``measured`` (counted in the roll-up) and ``abandoned``.
    """
    measures = states[["id", "progress", "weight", "status"]]
    merged = membership.merge(measures, left_on="action_id", right_on="id", how="left")
    rows = []
    for group, part in merged.groupby(key, sort=False, dropna=False):
        part = part[part["id"].notna()]
        triples = list(zip(part["progress"], part["weight"], part["status"], strict=True))
        counted = [t for t in triples if not pd.isna(t[0]) and t[2] != ABANDONED]
        rows.append(
            {
                key: group,
                "progress": rollup(triples),
                "actions": len(part),
                "measured": len(counted),
                "abandoned": int((part["status"] == ABANDONED).sum()),
            }
        )
    return pd.DataFrame(rows, columns=[key, "progress", "actions", "measured", "abandoned"])


def progress_by_challenge(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, seminar_id: int = 1
) -> pd.DataFrame:
    """Return every défi (selected ones and those with actions) with its rolled-up progress at ``as_of``."""
    groups = db.query_df(
        con,
        """
        SELECT c.id AS challenge_id, c.title, c.selected, a.id AS action_id
        FROM challenges c
        LEFT JOIN solutions s ON s.challenge_id = c.id AND s.deleted_at IS NULL
        LEFT JOIN actions a ON a.solution_id = s.id
        WHERE c.seminar_id = ? AND c.deleted_at IS NULL
          AND (c.selected OR a.id IS NOT NULL)
        ORDER BY c.id, a.id
        """,
        [seminar_id],
    )
    rolled = rollup_groups(action_states(con, as_of), groups[["challenge_id", "action_id"]], "challenge_id")
    titles = groups.drop_duplicates("challenge_id")[["challenge_id", "title", "selected"]]
    return titles.merge(rolled, on="challenge_id", how="left").reset_index(drop=True)


def progress_by_objective(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, seminar_id: int = 1
) -> pd.DataFrame:
    """Return the five objectives with the rolled-up progress of their actions at ``as_of``."""
    groups = db.query_df(
        con,
        """
        SELECT o.id AS objective_id, o.number, o.short_label, o.title, a.id AS action_id
        FROM objectives o
        LEFT JOIN challenge_objectives co ON co.objective_id = o.id AND co.weight > 0
        LEFT JOIN challenges c ON c.id = co.challenge_id AND c.deleted_at IS NULL
        LEFT JOIN solutions s ON s.challenge_id = c.id AND s.deleted_at IS NULL
        LEFT JOIN actions a ON a.solution_id = s.id
        WHERE o.seminar_id = ?
        ORDER BY o.number, a.id
        """,
        [seminar_id],
    )
    rolled = rollup_groups(action_states(con, as_of), groups[["objective_id", "action_id"]], "objective_id")
    labels = groups.drop_duplicates("objective_id")[["objective_id", "number", "short_label", "title"]]
    return labels.merge(rolled, on="objective_id", how="left").reset_index(drop=True)
