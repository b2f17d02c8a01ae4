"""The roll-up rule and the state of actions at a date."""

import datetime as dt

import pandas as pd
import pytest

from labo_dash import db, progress


def test_rollup_weighted_mean_leaves_out_unmeasured_and_abandoned():
    actions = [(50, None, "en_cours"), (100, 3, "terminee"), (None, 5, "a_lancer"), (10, 10, "abandonnee")]
    assert progress.rollup(actions) == pytest.approx((50 * 1 + 100 * 3) / 4 / 100)


def test_rollup_single_and_none():
    assert progress.rollup([(40, 2, "en_cours")]) == pytest.approx(0.4)
    assert progress.rollup([]) is None
    assert progress.rollup([(None, None, "a_lancer")]) is None


def test_status_mismatch():
    assert progress.status_mismatch("terminee", 90)
    assert not progress.status_mismatch("terminee", 100)
    assert progress.status_mismatch("a_lancer", 10)
    assert not progress.status_mismatch("en_cours", 10)


def test_action_states_replays_history(fresh_db):
    con = db.open_database(fresh_db)
    with db.transaction(con) as cur:
        cur.execute("INSERT INTO challenges (seminar_id, title) VALUES (1, 'Défi')")
        cur.execute("INSERT INTO solutions (seminar_id, challenge_id, title) VALUES (1, 1, 'Solution')")
        cur.execute(
            "INSERT INTO actions (solution_id, title, due_date) VALUES (1, 'Action', DATE '2026-06-30')"
        )
        cur.execute(
            "INSERT INTO progress_updates (action_id, reported_on, status, progress) VALUES "
            "(1, DATE '2026-04-20', 'en_cours', 20), (1, DATE '2026-05-20', 'en_cours', 60), "
            "(1, DATE '2026-07-20', 'terminee', 100)"
        )
    before = progress.action_states(con, dt.date(2026, 4, 1)).iloc[0]
    assert before["status"] == "a_lancer" and pd.isna(before["progress"])  # never measured
    may = progress.action_states(con, dt.date(2026, 5, 31)).iloc[0]
    assert may["progress"] == 60 and not may["overdue"]
    june_end = progress.action_states(con, dt.date(2026, 7, 1)).iloc[0]
    assert june_end["overdue"]
    done = progress.action_states(con, dt.date(2026, 8, 1)).iloc[0]
    assert done["status"] == "terminee" and not done["overdue"]
    con.close()
