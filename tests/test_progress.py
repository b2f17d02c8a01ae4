"""The roll-up rule and the state of actions at a date."""

import datetime as dt

import pandas as pd
import pytest

from labo_dash import db, french, progress
from tests.withdrawal_data import OCTOBER_END, RIGHT, TODAY
from tests.withdrawal_data import build as build_withdrawal


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


def test_rollup_normalises_weights():
    assert progress.rollup([(20, 2, "en_cours"), (60, 2, "en_cours")]) == pytest.approx(0.4)
    assert progress.rollup([(20, 0.5, "en_cours"), (60, 1.5, "en_cours")]) == pytest.approx(0.5)
    heavy = progress.rollup([(100, 50, "terminee"), (100, 70, "terminee")])
    assert heavy == pytest.approx(1.0)  # weights above 100 % never push progress above 100 %


def test_rollup_all_abandoned_or_unmeasured_is_unknown_not_zero():
    assert progress.rollup([(30, None, "abandonnee"), (None, 2, "en_cours")]) is None
    assert progress.rollup([(0, None, "a_lancer")]) == 0  # measured at 0 counts, as 0


def test_mismatch_message_is_french():
    assert progress.mismatch_message("terminee", 90) == (
        "Statut « Terminée » mais avancement de 90 % (attendu : 100 %)"
    )
    assert progress.mismatch_message("en_cours", 90) is None


def test_rollup_groups_counts_measured_and_shares_actions():
    states = pd.DataFrame(
        {"id": [1, 2, 3], "progress": [50, None, 20], "weight": [None, None, 3.0],
         "status": ["en_cours", "a_lancer", "abandonnee"]}
    )
    membership = pd.DataFrame({"group": ["a", "a", "b", "b", "c"], "action_id": [1, 2, 1, 3, None]})
    rows = progress.rollup_groups(states, membership, "group").set_index("group")
    assert rows.loc["a", "progress"] == pytest.approx(0.5) and rows.loc["a", "measured"] == 1
    assert rows.loc["b", "progress"] == pytest.approx(0.5) and rows.loc["b", "abandoned"] == 1
    assert pd.isna(rows.loc["c", "progress"]) and rows.loc["c", "actions"] == 0


def test_progress_by_objective_and_challenge_use_the_rule(fresh_db):
    from tests.actions_data import add_action, add_challenge, add_solution

    con = db.open_database(fresh_db)
    money = add_challenge(con, "Financer", {3: 0.7, 2: 0.3, 1: 0.0})
    skills = add_challenge(con, "Former", {4: 1.0})
    s1, s2 = add_solution(con, money, "Fonds"), add_solution(con, skills, "Formation")
    add_action(con, s1, "A", [("2026-05-10", "en_cours", 40)], weight=3)
    add_action(con, s1, "B", [("2026-05-10", "terminee", 100)])
    add_action(con, s1, "C", [("2026-05-10", "abandonnee", 10)])
    add_action(con, s2, "D", [("2026-09-10", "en_cours", 30)])
    add_action(con, s2, "E")  # never measured
    may = dt.date(2026, 5, 31)
    objectives = progress.progress_by_objective(con, may).set_index("number")
    expected = (40 * 3 + 100) / 4 / 100
    assert objectives.loc[3, "progress"] == pytest.approx(expected)
    assert objectives.loc[2, "progress"] == pytest.approx(expected)
    assert pd.isna(objectives.loc[1, "progress"]) and objectives.loc[1, "actions"] == 0  # weight 0
    assert pd.isna(objectives.loc[4, "progress"]) and objectives.loc[4, "actions"] == 2  # not measured yet
    challenges = progress.progress_by_challenge(con, dt.date(2026, 9, 30)).set_index("challenge_id")
    assert challenges.loc[money, "progress"] == pytest.approx(expected)
    assert challenges.loc[skills, "progress"] == pytest.approx(0.3)
    assert challenges.loc[skills, "measured"] == 1 and challenges.loc[skills, "actions"] == 2
    con.close()


def test_withdrawn_point_counts_in_no_state_and_no_rollup(tmp_path):
    """« Étude »: 20 %, then a wrong 90 % withdrawn: 20 % at every date, « Fonds » (20 + 60) / 2 = 40 %."""
    data = build_withdrawal(tmp_path)
    con = data.con
    states = progress.action_states(con, OCTOBER_END).set_index("id")
    assert (states.loc[data.study, "status"], states.loc[data.study, "progress"]) == ("en_cours", RIGHT)
    assert states.loc[data.study, "last_update"] == pd.Timestamp(2026, 9, 20)
    challenges = progress.progress_by_challenge(con, OCTOBER_END).set_index("challenge_id")
    assert challenges.loc[data.fund, "progress"] == pytest.approx(0.40)  # not (90 + 60) / 2 = 75 %
    assert challenges.loc[data.training, "progress"] == pytest.approx(0.50)
    objectives = progress.progress_by_objective(con, OCTOBER_END).set_index("number")
    assert objectives.loc[1, "progress"] == pytest.approx(0.40)
    assert objectives.loc[3, "progress"] == pytest.approx(0.40)
    assert objectives.loc[4, "progress"] == pytest.approx(0.50)
    # Also read at a date between the wrong point and its withdrawal: it was wrong from the start.
    between = dt.date(2026, 10, 21)
    over = progress.objective_progress_over(con, [between, TODAY]).set_index(["as_of", "number"])
    assert over.loc[(between, 1), "progress"] == pytest.approx(0.40)
    assert over.loc[(TODAY, 1), "progress"] == pytest.approx(0.40)
    con.close()


def test_the_action_statuses_are_the_labelled_codes_in_order():
    assert list(progress.ActionStatus) == list(french.STATUSES)
    assert progress.ActionStatus.DONE == "terminee"  # the stored value stays the same string
