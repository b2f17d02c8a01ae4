"""A small demo-like dataset with one wrong progress point, withdrawn (issue 12, fault 2).

Défi « Fonds » (objectives 1 and 3, weights 0.5 / 0.5) has two actions: « Étude » measured 20 % on
20 September, then a wrong 90 % on 20 October (withdrawn on 23 October), and « Tour de table » at 60 %.
Défi « Formation » (objective 4) has « Module » at 50 %. A closed dots round gives « Fonds » 3 dots of 4.

Right values at the end of October (the wrong point ignored):
- « Étude »: En cours, 20 %, last point 20 September;
- « Fonds » and objectives 1 and 3: (20 + 60) / 2 = 40 % (75 % if the wrong point counted);
- overall: (20 + 60 + 50) / 3 = 43,3 %;
- signature: support(Fonds) = 0.75, realised(Fonds, objective 1) = 0.75 × 0.5 × 0.40 = 0.15.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from labo_dash import corrections, db
from labo_dash.access import STEERING, Actor
from tests.actions_data import add_action, add_challenge, add_solution, migrated_copy

STEERING_ACTOR = Actor(STEERING, "Camille Pilote")
TODAY = dt.date(2026, 11, 26)
WITHDRAWN_ON = dt.date(2026, 10, 23)
OCTOBER, OCTOBER_END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
REASON = "90 % saisi sur la mauvaise action"
RIGHT, WRONG = 20, 90


@dataclass
class Scenario:
    """The open database and the ids of its défis, actions and the wrong point."""

    con: duckdb.DuckDBPyConnection
    path: Path
    fund: int
    training: int
    study: int
    round_table: int
    module: int
    wrong: int


def build(folder: Path, *, withdraw: bool = True) -> Scenario:
    """Write the dataset into a fresh database in ``folder``; withdraw the wrong point unless told not to."""
    path = migrated_copy(folder)
    con = db.open_database(path)
    with db.transaction(con) as cur:
        cur.execute("UPDATE seminars SET held_on = DATE '2026-03-24' WHERE id = 1")
    fund = add_challenge(con, "Fonds", {1: 0.5, 3: 0.5})
    training = add_challenge(con, "Formation", {4: 1.0})
    fund_solution = add_solution(con, fund, "Fonds territorial")
    training_solution = add_solution(con, training, "Module de formation")
    study = add_action(con, fund_solution, "Étude", [("2026-09-20", "en_cours", RIGHT),
                                                     ("2026-10-20", "en_cours", WRONG)])
    round_table = add_action(con, fund_solution, "Tour de table", [("2026-09-20", "en_cours", 60)])
    module = add_action(con, training_solution, "Module", [("2026-10-10", "en_cours", 50)])
    with db.transaction(con) as cur:
        cur.execute("INSERT INTO participants (id, seminar_id, name, kind) "
                    "SELECT i, 1, 'P' || i, 'autre' FROM range(1, 5) t(i)")
        (round_id,) = cur.execute(
            "INSERT INTO rounds (seminar_id, title, target, method, status, results_visibility, closed_at) "
            "VALUES (1, 'Défis', 'challenges', 'dots', 'closed', 'live', TIMESTAMP '2026-03-24 12:30') "
            "RETURNING id").fetchone()
        cur.execute("INSERT INTO round_items VALUES (?, ?, 1), (?, ?, 2)",
                    [round_id, fund, round_id, training])
        for participant, item in [(1, fund), (2, fund), (3, fund), (4, training)]:
            (ballot,) = cur.execute(
                "INSERT INTO ballots (round_id, participant_id, fingerprint) VALUES (?, ?, 'x') RETURNING id",
                [round_id, participant]).fetchone()
            cur.execute("INSERT INTO ballot_entries VALUES (?, ?, 1, false)", [ballot, item])
    (wrong,) = con.execute("SELECT id FROM progress_updates WHERE action_id = ? AND progress = ?",
                           [study, WRONG]).fetchone()
    if withdraw:
        corrections.withdraw_update(con, STEERING_ACTOR, wrong, REASON, today=WITHDRAWN_ON)
    return Scenario(con, path, fund, training, study, round_table, module, wrong)
