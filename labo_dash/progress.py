"""Action progress: the state of every action at a date, and the one roll-up rule.

Roll-up (domain brief §5): the progress of a solution, défi or objective is the weighted mean of its
actions' progress; weight 1 unless set, weights normalised; actions never measured (no % known) and
abandoned actions are left out. With nothing left, the progress is unknown (None), not 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb
import pandas as pd

from labo_dash import db

ABANDONED = "abandonnee"
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
        SELECT a.id, a.title, a.solution_id, s.challenge_id, a.weight, a.due_date,
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
