"""A small hand-made follow-up dataset for the action, progress and review tests (no demo involved)."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from labo_dash import db
from labo_dash.access import ORGANISER, Actor
from labo_dash.progress import ActionStatus
from labo_dash.updates import ProgressUpdate, append_updates

ORGANISER_ACTOR = Actor(ORGANISER, "Test organisatrice")
TODAY = dt.date(2026, 11, 26)


def add_challenge(
    con: duckdb.DuckDBPyConnection, title: str, weights: dict[int, float], selected: bool = True
) -> int:
    """Insert a défi with weights over objective numbers; return its id."""
    with db.transaction(con) as cur:
        challenge_id = cur.execute(
            "INSERT INTO challenges (seminar_id, title, selected) VALUES (1, ?, ?) RETURNING id",
            [title, selected],
        ).fetchone()[0]
        cur.execute(
            "INSERT INTO challenge_objectives (challenge_id, objective_id, weight) "
            "SELECT ?, o.id, w.weight FROM objectives o "
            "JOIN (SELECT unnest(?::INTEGER[]) AS number, unnest(?::DOUBLE[]) AS weight) w "
            "ON w.number = o.number",
            [challenge_id, list(weights), list(weights.values())],
        )
    return challenge_id


def add_solution(con: duckdb.DuckDBPyConnection, challenge_id: int, title: str) -> int:
    """Insert a solution directly; return its id."""
    with db.transaction(con) as cur:
        return cur.execute(
            "INSERT INTO solutions (seminar_id, challenge_id, title) VALUES (1, ?, ?) RETURNING id",
            [challenge_id, title],
        ).fetchone()[0]


def add_action(
    con: duckdb.DuckDBPyConnection,
    solution_id: int,
    title: str,
    updates: list[tuple[str, str, int | None]] = (),
    created: str = "2026-04-01",
    **fields: Any,
) -> int:
    """Insert an action created on ``created`` with (date, status, %) updates; return its id."""
    with db.transaction(con) as cur:
        action_id = cur.execute(
            "INSERT INTO actions (solution_id, title, start_date, due_date, weight, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [solution_id, title, fields.get("start_date"), fields.get("due_date"), fields.get("weight"),
             dt.datetime.fromisoformat(created)],
        ).fetchone()[0]
        points = [
            ProgressUpdate(action_id=action_id, reported_on=dt.date.fromisoformat(day),
                           status=ActionStatus(status), progress=value, comment=None, evidence_url=None,
                           reported_by="test")
            for day, status, value in updates
        ]
        append_updates(cur, ORGANISER_ACTOR, points)
    return action_id


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Return the number of rows of one of the follow-up tables."""
    sql = {
        "actions": "SELECT count(*) FROM actions",
        "progress_updates": "SELECT count(*) FROM progress_updates",
        "audit_log": "SELECT count(*) FROM audit_log",
        "solutions": "SELECT count(*) FROM solutions",
        "decisions": "SELECT count(*) FROM decisions",
        "reviews": "SELECT count(*) FROM reviews",
    }[table]
    return con.execute(sql).fetchone()[0]


_TEMPLATE: list[Path] = []


def migrated_copy(folder: Path) -> Path:
    """Return a fresh copy of an empty migrated database (migrated once per test session: faster)."""
    if not _TEMPLATE:
        template = Path(tempfile.mkdtemp(prefix="labo-migrated-")) / "template.duckdb"
        db.open_database(template).close()
        _TEMPLATE.append(template)
    path = folder / "labo.duckdb"
    shutil.copy(_TEMPLATE[0], path)
    return path
