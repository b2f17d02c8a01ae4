"""The seminar's reference data (objectives, workshops, programme) and its key figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from labo_dash import db
from labo_dash.errors import NotFound
from labo_dash.french import STATUSES
from labo_dash.progress import action_states

DEFAULT_SEMINAR = 1


def get_seminar(con: duckdb.DuckDBPyConnection, seminar_id: int = DEFAULT_SEMINAR) -> dict[str, Any]:
    """Return the seminar row, or raise NotFound."""
    rows = db.query(con, "SELECT * FROM seminars WHERE id = ?", [seminar_id])
    if not rows:
        raise NotFound("Aucun séminaire n'est enregistré dans cette base.")
    return rows[0]


def objectives(con: duckdb.DuckDBPyConnection, seminar_id: int = DEFAULT_SEMINAR) -> list[dict[str, Any]]:
    """Return the seminar's objectives, by number."""
    return db.query(
        con,
        "SELECT id, number, title, short_label FROM objectives WHERE seminar_id = ? ORDER BY number",
        [seminar_id],
    )


def workshops(
    con: duckdb.DuckDBPyConnection, seminar_id: int = DEFAULT_SEMINAR, session: str | None = None
) -> list[dict[str, Any]]:
    """Return the seminar's workshops (all, or those of one session), morning first."""
    return db.query(
        con,
        "SELECT id, session, number, title, question FROM workshops "
        "WHERE seminar_id = ? AND (? IS NULL OR session = ?) ORDER BY session DESC, number",
        [seminar_id, session, session],
    )


def programme(con: duckdb.DuckDBPyConnection, seminar_id: int = DEFAULT_SEMINAR) -> list[dict[str, Any]]:
    """Return the day's programme slots, in order."""
    return db.query(
        con,
        "SELECT position, starts_at, ends_at, title, details FROM programme_slots "
        "WHERE seminar_id = ? ORDER BY position",
        [seminar_id],
    )


def current_slot(
    slots: list[dict[str, Any]], held_on: dt.date | None, now: dt.datetime
) -> int | None:
    """Return the position of the slot running at ``now`` on the seminar's day, else None.

    The programme's hours are the seminar's local times: give ``now`` in that zone (``clock.local_now``).
    """
    if held_on is None or now.date() != held_on:
        return None
    for slot in slots:
        if slot["starts_at"] <= now.time() < slot["ends_at"]:
            return slot["position"]
    return None


def key_figures(
    con: duckdb.DuckDBPyConnection, today: dt.date, seminar_id: int = DEFAULT_SEMINAR
) -> dict[str, Any]:
    """Return the home page's figures: counts of participants, findings, défis, ballots and actions.

    Ballots and voters leave out rehearsal (« tour d'essai ») and archived rounds.
    """
    row = db.query(
        con,
        """
        SELECT
          (SELECT count(*) FROM participants WHERE seminar_id = ?) AS participants,
          (SELECT count(*) FROM findings
             WHERE seminar_id = ? AND deleted_at IS NULL AND merged_into IS NULL) AS findings,
          (SELECT count(*) FROM challenges WHERE seminar_id = ? AND deleted_at IS NULL) AS challenges,
          (SELECT count(*) FROM challenges
             WHERE seminar_id = ? AND deleted_at IS NULL AND selected) AS selected_challenges,
          (SELECT count(DISTINCT (b.round_id, b.participant_id)) FROM ballots b
             JOIN rounds r ON r.id = b.round_id
             WHERE r.seminar_id = ? AND NOT coalesce(r.rehearsal, false)
               AND r.archived_at IS NULL) AS ballots,
          (SELECT count(DISTINCT b.participant_id) FROM ballots b
             JOIN rounds r ON r.id = b.round_id
             WHERE r.seminar_id = ? AND NOT coalesce(r.rehearsal, false)
               AND r.archived_at IS NULL) AS voters,
          (SELECT count(*) FROM solutions WHERE seminar_id = ? AND deleted_at IS NULL) AS solutions
        """,
        [seminar_id] * 7,
    )[0]
    states = action_states(con, today)
    row["actions"] = len(states)
    counts = states["status"].value_counts().to_dict() if len(states) else {}
    row["actions_by_status"] = {code: int(counts[code]) for code in STATUSES if code in counts}
    row["actions_overdue"] = int(states["overdue"].sum()) if len(states) else 0
    return row
