"""Deterministic French demo data: the seminar day of 24 March 2026 and eight months of follow-up.

:func:`build_demo` fills a freshly migrated database (seminar 1 of migration 0002) with participants,
the morning diagnosis (findings, défis), a dot-voting round on the défis, the afternoon solutions, a
majority-judgment round on them, follow-up actions with monthly progress updates from April to November
2026 and the monthly steering reviews. Everything comes from ``random.Random(seed)`` and fixed dates, so
the same seed always writes the same rows.

The texts and tables of the story are data files (``data/``, read by :mod:`.seeds`); ``day`` writes the
seminar day, ``follow_up`` the eight months after it. The names tests and the CLI use are re-exported here.
"""

from __future__ import annotations

import random

from labo_dash import db
from labo_dash.demo.base import CODE_ALPHABET, COORDINATOR, DAY, SEMINAR_CREATED, SEMINAR_ID, VENUE
from labo_dash.demo.day import (
    write_closing_round,
    write_diagnosis,
    write_morning_round,
    write_participants,
    write_presence,
    write_solutions,
)
from labo_dash.demo.follow_up import (
    WITHDRAWAL_REASON,
    WRONG_POINT,
    write_actions,
    write_barometer,
    write_progress,
    write_reviews,
    write_withdrawal,
)
from labo_dash.demo.seeds import BAROMETER_RESPONDENTS
from labo_dash.errors import LaboError

__all__ = [
    "BAROMETER_RESPONDENTS",
    "CODE_ALPHABET",
    "COORDINATOR",
    "DAY",
    "WITHDRAWAL_REASON",
    "WRONG_POINT",
    "build_demo",
]


def build_demo(con: db.Connection, seed: int = 42) -> dict[str, int]:
    """Write the whole demo into an empty, migrated database in one transaction; return rows per table."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    with db.transaction(con, *db.Topic) as cur:
        if cur.execute("SELECT 1 FROM participants UNION ALL SELECT 1 FROM findings LIMIT 1").fetchone():
            raise LaboError(
                "La base contient déjà des participant·e·s ou des constats : les données de démonstration "
                "ne peuvent être chargées que dans une base vide."
            )
        cur.execute(
            "UPDATE seminars SET held_on = ?, venue = ?, created_at = ? WHERE id = ?",
            [DAY, VENUE, SEMINAR_CREATED, SEMINAR_ID],
        )
        people = write_participants(cur, rng, counts)
        challenge_ids = write_diagnosis(cur, rng, counts)
        morning_voters = write_morning_round(cur, rng, counts, people, challenge_ids)
        solution_ids = write_solutions(cur, rng, counts, challenge_ids)
        write_closing_round(cur, rng, counts, people, morning_voters, solution_ids)
        write_presence(cur)
        action_ids = write_actions(cur, counts, solution_ids)
        write_progress(cur, rng, counts, action_ids)
        write_withdrawal(cur, counts, action_ids)
        write_reviews(cur, counts, action_ids)
        write_barometer(cur, rng, counts)
    return counts
