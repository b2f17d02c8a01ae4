"""The signature view's figures against an independent Python computation on a small hand-made dataset."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from labo_dash import clock, corrections, db, progress, signature, voting
from labo_dash import rounds as rounds_module
from labo_dash.access import ORGANISER, Actor
from labo_dash.ui import signature as signature_ui
from labo_dash.ui.signature import tables
from tests.withdrawal_data import OCTOBER_END, RIGHT
from tests.withdrawal_data import STEERING_ACTOR as WITHDRAWAL_ACTOR
from tests.withdrawal_data import build as build_withdrawal

D = dt.date
ORGANISER_ACTOR = Actor(ORGANISER, "Hélène")
SEMINAR_DAY = D(2026, 3, 24)
# Défis: (id, title, {objective number: entered weight}, deleted). C's weights do not sum to 1; E has none.
CHALLENGES = [
    (1, "A", {1: 0.5, 3: 0.5}, False),
    (2, "B", {2: 1.0}, False),
    (3, "C", {4: 0.2, 5: 0.6}, False),
    (4, "D (supprimé)", {1: 1.0}, True),
    (5, "E (sans poids)", {}, False),
]
# Dot ballots in insertion order (participant, {défi: dots}); participant 1 changed their ballot.
DOT_BALLOTS = [
    (1, {1: 1, 2: 1, 3: 1}),
    (2, {1: 1, 3: 1}),
    (3, {2: 1, 4: 1}),
    (1, {1: 1, 2: 1, 5: 1}),
    (4, {1: 1}),
]
# Majority judgment (5 grades, 0 = best); a missing grade is "pas d'avis", the lowest.
MJ_BALLOTS = [(1, {1: 0, 2: 4}), (2, {1: 2}), (3, {1: 4, 2: 1})]
# Solutions (id, défi, deleted) and actions (id, solution, weight, start, due).
SOLUTIONS = [(1, 1, False), (2, 2, False), (3, 1, True)]
ACTIONS = [
    (1, 1, 2.0, D(2026, 4, 1), D(2026, 9, 30)),
    (2, 1, None, None, D(2026, 5, 31)),
    (3, 2, None, D(2026, 4, 15), None),
    (4, 3, None, D(2026, 4, 1), D(2026, 12, 31)),
    (5, 1, None, D(2026, 4, 1), D(2026, 12, 31)),
    (6, 1, None, D(2026, 6, 1), D(2026, 4, 30)),
]
# Updates in insertion order (action, date, status, %): same-day updates, an unmeasured latest, an abandon.
UPDATES = [
    (1, D(2026, 4, 10), "en_cours", 20),
    (2, D(2026, 4, 20), "en_cours", 10),
    (4, D(2026, 4, 5), "en_cours", 90),
    (5, D(2026, 4, 5), "en_cours", 30),
    (1, D(2026, 5, 15), "en_cours", 50),
    (1, D(2026, 5, 15), "en_cours", 60),
    (5, D(2026, 5, 2), "abandonnee", 30),
    (3, D(2026, 5, 31), "en_cours", 40),
    (2, D(2026, 6, 1), "terminee", 100),
    (3, D(2026, 6, 10), "en_cours", None),
]
DATES = [D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 31), D(2026, 6, 30)]


def build(con) -> dict[str, int]:
    """Write the hand-made dataset; return the ids of its rounds."""
    with db.transaction(con) as cur:
        cur.execute("UPDATE seminars SET held_on = ? WHERE id = 1", [SEMINAR_DAY])
        cur.execute(
            "INSERT INTO participants (id, seminar_id, name, kind) SELECT i, 1, 'P' || i, 'autre' "
            "FROM range(1, 6) t(i)"
        )
        for cid, title, weights, deleted in CHALLENGES:
            cur.execute(
                "INSERT INTO challenges (id, seminar_id, title, deleted_at) VALUES (?, 1, ?, ?)",
                [cid, title, dt.datetime(2026, 3, 25) if deleted else None],
            )
            for number, weight in weights.items():
                cur.execute("INSERT INTO challenge_objectives VALUES (?, ?, ?)", [cid, number, weight])
        rounds = {}
        for name, method, status, visibility, closed in [
            ("old", "dots", "closed", "live", dt.datetime(2026, 3, 24, 11)),
            ("dots", "dots", "closed", "live", dt.datetime(2026, 3, 24, 12)),
            ("mj", "majority_judgment", "closed", "hidden", None),
            ("hidden", "dots", "open", "hidden", None),
        ]:
            rounds[name] = cur.execute(
                "INSERT INTO rounds (seminar_id, title, target, method, status, results_visibility, "
                "closed_at) VALUES (1, ?, 'challenges', ?, ?, ?, ?) RETURNING id",
                [name, method, status, visibility, closed],
            ).fetchone()[0]
            cur.execute("INSERT INTO round_items SELECT ?, i, i FROM range(1, 6) t(i)", [rounds[name]])
        for name, ballots in [("dots", DOT_BALLOTS), ("mj", MJ_BALLOTS), ("old", [(1, {5: 3})])]:
            for participant, entries in ballots:
                (bid,) = cur.execute(
                    "INSERT INTO ballots (round_id, participant_id, fingerprint) VALUES (?, ?, 'x') "
                    "RETURNING id",
                    [rounds[name], participant],
                ).fetchone()
                for item, value in entries.items():
                    cur.execute("INSERT INTO ballot_entries VALUES (?, ?, ?, false)", [bid, item, value])
        for sid, cid, deleted in SOLUTIONS:
            cur.execute(
                "INSERT INTO solutions (id, seminar_id, challenge_id, title, deleted_at) "
                "VALUES (?, 1, ?, ?, ?)",
                [sid, cid, f"S{sid}", dt.datetime(2026, 4, 1) if deleted else None],
            )
        for aid, sid, weight, start, due in ACTIONS:
            cur.execute(
                "INSERT INTO actions (id, solution_id, title, weight, start_date, due_date, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, TIMESTAMP '2026-04-02 10:00')",
                [aid, sid, f"Action {aid}", weight, start, due],
            )
        for aid, day, status, pct in UPDATES:
            cur.execute(
                "INSERT INTO progress_updates (action_id, reported_on, status, progress) VALUES (?, ?, ?, ?)",
                [aid, day, status, pct],
            )
    return rounds


@pytest.fixture
def data(fresh_db):
    con = db.open_database(fresh_db)
    rounds = build(con)
    yield con, rounds
    con.close()


# --- The independent computation ---------------------------------------------------------------------

LIVE = {cid for cid, _, _, deleted in CHALLENGES if not deleted}


def expected_support(ballots, method: str = "dots", scale: int = 5) -> dict[int, float]:
    current = {}
    for participant, entries in ballots:  # the latest ballot of each participant counts
        current[participant] = entries
    if method == "dots":
        raw = {c: sum(e.get(c, 0) for e in current.values()) for c in LIVE}
    else:  # grade g -> (scale - 1 - g) / (scale - 1); no grade = lowest = 0; mean over the ballots
        raw = {
            c: sum((scale - 1 - e[c]) / (scale - 1) for e in current.values() if c in e) / len(current)
            for c in LIVE
        }
    total = sum(raw.values())
    return {c: v / total for c, v in raw.items()}


def expected_weights() -> dict[int, dict[int, float]]:
    return {
        cid: {o: w / sum(weights.values()) for o, w in weights.items()}
        for cid, _, weights, deleted in CHALLENGES
        if not deleted and weights
    }


def expected_progress(challenge: int, when: dt.date) -> float | None:
    live_solutions = {sid for sid, cid, deleted in SOLUTIONS if cid == challenge and not deleted}
    total = weighted = 0.0
    for aid, sid, weight, _, _ in ACTIONS:
        if sid not in live_solutions:
            continue
        known = [
            (day, i, status, pct)
            for i, (a, day, status, pct) in enumerate(UPDATES)
            if a == aid and day <= when
        ]
        if not known:
            continue
        _, _, status, pct = max(known)
        if pct is None or status == "abandonnee":
            continue
        total += weight or 1.0
        weighted += (weight or 1.0) * pct
    return weighted / total / 100 if total else None


# --- The tests ---------------------------------------------------------------------------------------


def test_support_round_is_the_closed_public_round_with_the_most_voters(data):
    con, rounds = data
    with db.transaction(con) as cur:  # the 1-voter round now closed after the 4-voter one: not the latest
        cur.execute("UPDATE rounds SET closed_at = TIMESTAMP '2026-03-24 13:00' WHERE id = ?",
                    [rounds["old"]])
    found = signature.support_round(con)
    assert (found.id, found.voters, found.chosen) == (rounds["dots"], 4, False)
    assert found.candidates == 2
    assert signature.should_choose_reference(found)  # two rounds could give support: choose one
    with db.transaction(con) as cur:  # without closed rounds, an open live round gives support
        cur.execute("UPDATE rounds SET status = 'open' WHERE id IN (?, ?)", [rounds["old"], rounds["dots"]])
        cur.execute("UPDATE rounds SET closed_at = NULL")
    assert signature.support_round(con).id == rounds["dots"]
    with db.transaction(con) as cur:  # a round whose results are hidden (not revealed) never does
        cur.execute("UPDATE rounds SET status = 'draft' WHERE id IN (?, ?)", [rounds["old"], rounds["dots"]])
    assert signature.support_round(con) is None


def test_a_tie_on_voters_goes_to_the_latest_closed_round(data):
    con, rounds = data
    with db.transaction(con) as cur:  # "old" (closed at 11:00) gets 4 voters too, like "dots" (12:00)
        for participant in (2, 3, 4):
            (bid,) = cur.execute(
                "INSERT INTO ballots (round_id, participant_id, fingerprint) VALUES (?, ?, 'x') RETURNING id",
                [rounds["old"], participant],
            ).fetchone()
            cur.execute("INSERT INTO ballot_entries VALUES (?, 1, 1, false)", [bid])
    assert signature.support_round(con).id == rounds["dots"]
    with db.transaction(con) as cur:
        cur.execute("UPDATE rounds SET closed_at = TIMESTAMP '2026-03-24 12:30' WHERE id = ?",
                    [rounds["old"]])
    assert signature.support_round(con).id == rounds["old"]


def test_a_lone_round_needs_no_explicit_choice(data):
    con, rounds = data
    rounds_module.set_rehearsal(con, ORGANISER_ACTOR, rounds["old"], True)
    found = signature.support_round(con)
    assert found.id == rounds["dots"] and found.candidates == 1
    assert not signature.should_choose_reference(found)
    rounds_module.set_rehearsal(con, ORGANISER_ACTOR, rounds["old"], False)
    rounds_module.set_reference_round(con, ORGANISER_ACTOR, rounds["dots"])
    assert not signature.should_choose_reference(signature.support_round(con))  # chosen explicitly
    assert not signature.should_choose_reference(None)


def test_rehearsal_and_archived_rounds_never_give_support(data):
    con, rounds = data
    rounds_module.set_rehearsal(con, ORGANISER_ACTOR, rounds["dots"], True)
    assert signature.support_round(con).id == rounds["old"]
    rounds_module.set_archived(con, ORGANISER_ACTOR, rounds["old"], True)
    assert signature.support_round(con) is None  # the others' results are hidden, not revealed


def test_a_round_without_ballots_never_replaces_a_round_with_votes(data):
    con, rounds = data
    with db.transaction(con) as cur:  # closed after the others, but nobody voted
        empty = cur.execute(
            "INSERT INTO rounds (seminar_id, title, target, method, status, closed_at) "
            "VALUES (1, 'vide', 'challenges', 'dots', 'closed', TIMESTAMP '2026-03-24 16:00') RETURNING id"
        ).fetchone()[0]
        cur.execute("INSERT INTO round_items SELECT ?, i, i FROM range(1, 6) t(i)", [empty])
    assert signature.support_round(con).id == rounds["dots"]


def test_the_organisers_reference_round_gives_support_and_is_named(data):
    con, rounds = data
    found = signature.support_round(con)
    assert signature.support_source(found) == (
        "Soutien tiré du tour « dots » (4 votant·e·s), choisi automatiquement : le tour sur les défis "
        "qui a réuni le plus de votant·e·s."
    )
    rounds_module.set_reference_round(con, ORGANISER_ACTOR, rounds["old"])
    found = signature.support_round(con)
    assert found.id == rounds["old"] and found.voters == 1
    assert signature.support_source(found) == (
        "Soutien tiré du tour « old » (1 votant·e), tour de référence choisi par les organisateur·ice·s."
    )
    rounds_module.set_reference_round(con, ORGANISER_ACTOR, rounds["mj"])
    assert signature.support_round(con) is None  # hidden until revealed: no other round instead
    rounds_module.set_visibility(con, ORGANISER_ACTOR, rounds["mj"], "hidden", revealed=True)
    assert signature.support_round(con).id == rounds["mj"]


def test_support_shares_split_by_normalised_weights(data):
    con, rounds = data
    df = signature.support_by_challenge(con, rounds["dots"], D(2026, 6, 30))
    support = expected_support(DOT_BALLOTS)
    assert support == {1: 3 / 7, 2: 2 / 7, 3: 1 / 7, 5: 1 / 7}  # the hand count, as a sanity check
    per_challenge = df.groupby("challenge_id")["support"].first()
    assert set(per_challenge.index) == LIVE
    for cid, share in support.items():
        assert per_challenge[cid] == pytest.approx(share)
    weights = expected_weights()
    for row in df.itertuples():
        if row.challenge_id in weights:
            assert row.weight == pytest.approx(weights[row.challenge_id][row.objective_number])
            assert row.support_objective == pytest.approx(support[row.challenge_id] * row.weight)
        else:  # no weights: one segment, objective unknown, carrying the whole support
            assert pd.isna(row.objective_number) and row.support_objective == pytest.approx(
                support[row.challenge_id]
            )
    assert df["support_objective"].sum() == pytest.approx(1.0)
    c = df[df["challenge_id"] == 3].sort_values("objective_number")
    assert list(c["segment_start"]) == pytest.approx([0, support[3] * 0.25])
    assert df.drop_duplicates("challenge_id")["rank"].tolist() == [1, 2, 3, 3]


def test_majority_judgment_support_is_the_normalised_mean_grade_score(data):
    con, rounds = data
    df = signature.support_by_challenge(con, rounds["mj"], D(2026, 6, 30))
    support = expected_support(MJ_BALLOTS, "majority_judgment")
    assert support[1] == pytest.approx(2 / 3) and support[2] == pytest.approx(1 / 3)
    per_challenge = df.groupby("challenge_id")["support"].first()
    for cid, share in support.items():
        assert per_challenge[cid] == pytest.approx(share)
    assert df.groupby("challenge_id")["score"].first()[1] == pytest.approx(0.5)  # mean grade score of A
    assert set(df["method"]) == {"majority_judgment"}
    # the rank is the round's majority-judgment ranking (results.ranking), ties shown as ties
    ranked = df.drop_duplicates("challenge_id")
    assert ranked["challenge_id"].tolist() == [1, 2, 3, 5] and ranked["rank"].tolist() == [1, 2, 3, 3]
    assert tables.bars(df)["Rang"].tolist() == ["1er", "2e", "3e ex æquo", "3e ex æquo"]


@pytest.mark.parametrize("when", DATES)
def test_progress_matches_the_rollup_of_action_states(data, when):
    con, rounds = data
    df = signature.support_by_challenge(con, rounds["dots"], when).drop_duplicates("challenge_id")
    states = progress.action_states(con, when)
    live_solutions = [sid for sid, _, deleted in SOLUTIONS if not deleted]
    states = states[states["solution_id"].isin(live_solutions)]
    for row in df.itertuples():
        mine = states[states["challenge_id"] == row.challenge_id]
        rolled = progress.rollup(zip(mine["progress"], mine["weight"], mine["status"], strict=True))
        by_hand = expected_progress(row.challenge_id, when)
        if rolled is None:
            assert pd.isna(row.progress) and by_hand is None
        else:
            assert row.progress == pytest.approx(rolled) and row.progress == pytest.approx(by_hand)


def test_progress_by_hand_values(data):
    con, rounds = data
    at = {
        when: signature.support_by_challenge(con, rounds["dots"], when)
        .groupby("challenge_id")["progress"]
        .first()
        for when in DATES
    }
    assert at[D(2026, 4, 30)][1] == pytest.approx(
        0.20
    )  # (2×20 + 10 + 30) / 4; the deleted solution is left out
    assert at[D(2026, 5, 31)][1] == pytest.approx(
        130 / 3 / 100
    )  # same-day updates: the later one; abandon left out
    assert at[D(2026, 6, 30)][1] == pytest.approx(220 / 3 / 100)
    assert at[D(2026, 5, 31)][2] == pytest.approx(0.4) and pd.isna(at[D(2026, 6, 30)][2])  # latest unmeasured
    assert pd.isna(at[D(2026, 3, 31)][1])


def test_support_realised_per_objective_over_months(data):
    con, rounds = data
    support, weights = expected_support(DOT_BALLOTS), expected_weights()
    df = signature.support_over_time(con, rounds["dots"], DATES)
    assert len(df) == len(DATES) * 5
    for row in df.itertuples():
        when = row.as_of.date()
        assert row.month.date() == D(when.year, when.month, 1)
        served = {
            c: support[c] * w[row.objective_number] for c, w in weights.items() if row.objective_number in w
        }
        assert row.support == pytest.approx(sum(served.values()))
        assert row.realised == pytest.approx(
            sum(s * (expected_progress(c, when) or 0) for c, s in served.items())
        )
    only_b = signature.support_over_time(con, rounds["dots"], DATES, challenge_id=2)
    assert only_b.groupby("objective_number")["support"].first().to_dict() == pytest.approx(
        {1: 0, 2: support[2], 3: 0, 4: 0, 5: 0}
    )


def test_challenge_weights_grid(data):
    con, rounds = data
    df = signature.challenge_weights(con, rounds["dots"])
    assert len(df) == len(LIVE) * 5
    assert list(dict.fromkeys(df["challenge_id"])) == [1, 2, 3, 5]  # by support, then id
    grid = df.set_index(["challenge_id", "objective_number"])
    assert grid.loc[(3, 5), "weight"] == pytest.approx(0.75) and grid.loc[(3, 5), "entered_weight"] == 0.6
    assert grid.loc[(5, 1), "weight"] == 0 and grid.loc[(1, 2), "weight"] == 0


def test_action_timeline_by_objective_with_status_and_overdue(data):
    con, _ = data
    df = signature.action_timeline(con, D(2026, 6, 30))
    # A's actions (1, 2, 5, 6) under objectives 1 and 3, B's action 3 under 2; the deleted solution left out
    assert sorted(zip(df["objective_number"], df["action_id"], strict=True)) == sorted(
        [(o, a) for o in (1, 3) for a in (1, 2, 5, 6)] + [(2, 3)]
    )
    row = df[df["action_id"] == 2].iloc[0]
    assert row["start"].date() == D(2026, 4, 20) and row["status"] == "terminee" and not row["overdue"]
    assert df[df["action_id"] == 6]["overdue"].all()  # due in April, never started
    assert not df[df["action_id"] == 5]["overdue"].any()  # abandoned
    assert (
        df[df["action_id"] == 1]["status"].iloc[0] == "en_cours"
        and df[df["action_id"] == 1]["progress"].iloc[0] == 60
    )


def test_months_and_month_ends(data):
    con, _ = data
    assert signature.months(con, D(2026, 7, 3)) == [D(2026, m, 1) for m in range(3, 8)]
    assert signature.months(con, D(2027, 1, 10))[-2:] == [D(2026, 12, 1), D(2027, 1, 1)]
    assert signature.as_of(D(2026, 2, 1), D(2026, 7, 3)) == D(2026, 2, 28)
    assert signature.as_of(D(2026, 7, 1), D(2026, 7, 3)) == D(2026, 7, 3)


def test_the_views_cache_key_changes_with_the_weights_and_the_progress(data):
    from labo_dash.ui.signature.views import SIGNATURE_TOPICS

    con, _ = data
    before = db.versions(con, *SIGNATURE_TOPICS)
    assert db.versions(con, *SIGNATURE_TOPICS) == before
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
        cur.execute(
            "UPDATE challenge_objectives SET weight = 0.4 WHERE challenge_id = 3 AND objective_id = 4"
        )
    changed = db.versions(con, *SIGNATURE_TOPICS)
    assert changed != before
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        cur.execute(
            "INSERT INTO progress_updates (action_id, reported_on, status, progress) "
            "VALUES (3, DATE '2026-07-01', 'en_cours', 70)"
        )
    assert db.versions(con, *SIGNATURE_TOPICS) != changed


def test_a_round_on_solutions_gives_no_support_to_défis(data):
    con, rounds = data
    with db.transaction(con) as cur:
        cur.execute("UPDATE rounds SET target = 'solutions' WHERE id = ?", [rounds["dots"]])
    assert signature.support_by_challenge(con, rounds["dots"], D(2026, 6, 30)).empty
    assert signature.support_round(con).id == rounds["old"]


def test_empty_seminar_has_no_support_round(fresh_db):
    con = db.open_database(fresh_db)
    assert signature.support_round(con) is None
    assert signature.support_by_challenge(con, None, D(2026, 6, 30)).empty
    assert (signature.support_over_time(con, None, [D(2026, 6, 30)])["support"] == 0).all()
    con.close()


# --- The home page (AppTest): the month control changes the figures -----------------------------------


SIGNATURE_TAB = "Signature, mois après mois"


def test_home_page_month_control_replays_the_history(demo_db, monkeypatch):
    monkeypatch.setenv("LABO_DB", str(demo_db))
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.query_params["rubrique"] = SIGNATURE_TAB
    at.run()
    assert not at.exception
    slider = at.select_slider(key="accueil-month")
    today = clock.today(db.connect(demo_db))  # the seminar's local date
    assert slider.value == D(today.year, today.month, 1)  # the current month by default
    assert slider.options[0] == "mars 2026"  # from the seminar's month
    captions = " ".join(c.value for c in at.caption)
    assert "Longueur de la barre" in captions
    assert "Soutien tiré du tour « Positionnement sur les défis \\(plénière de 12h\\) » \\(" in captions
    assert [t.label for t in at.tabs][-4:] == list(signature_ui.VIEWS)
    slider.set_value(D(2026, 5, 1))
    next(b for b in at.button if b.label == "Afficher ce mois").click()
    at.run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "avancement des actions au 31 mai 2026" in captions
    assert "Les chiffres : soutien aux défis" in [e.label for e in at.expander]
    at.query_params["vue"] = "Calendrier des actions par objectif"  # the month stays when the view changes
    at.run()
    assert not at.exception
    assert at.select_slider(key="accueil-month").value == D(2026, 5, 1)
    assert "Les chiffres : actions par objectif" in [e.label for e in at.expander]
    assert "Les chiffres : soutien aux défis" not in [e.label for e in at.expander]  # only the open view runs


def test_home_page_before_any_vote_says_what_comes(fresh_db, monkeypatch):
    monkeypatch.setenv("LABO_DB", str(fresh_db))
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.run()
    assert not at.exception
    assert any("ne donne encore de soutien" in i.value and "masqués puis révélés après la clôture" in i.value
               for i in at.info)
    con = db.open_database(fresh_db)
    with db.transaction(con) as cur:  # an open round without ballots yet
        cur.execute("INSERT INTO challenges (id, seminar_id, title) VALUES (1, 1, 'Défi')")
        cur.execute(
            "INSERT INTO rounds (id, seminar_id, title, target, method, status) "
            "VALUES (1, 1, 'Tour', 'challenges', 'dots', 'open')"
        )
        cur.execute("INSERT INTO round_items VALUES (1, 1, 1)")
    con.close()
    at.run()
    assert not at.exception
    assert any("Aucun vote n'a encore été exprimé" in i.value for i in at.info)


def test_signature_ignores_a_withdrawn_point(tmp_path):
    """support(Fonds) = 3/4 dots; its progress (20 + 60) / 2 = 40 %, not 75 %: realised = 0.75 × 0.5 × 0.4."""
    data = build_withdrawal(tmp_path, withdraw=False)
    con = data.con
    version = db.versions(con, db.Topic.FOLLOW_UP)
    corrections.withdraw_update(con, WITHDRAWAL_ACTOR, data.wrong, "Mauvaise action", today=OCTOBER_END)
    assert db.versions(con, db.Topic.FOLLOW_UP) > version  # the cached views are read again
    round_id = signature.support_round(con).id
    bars = signature.support_by_challenge(con, round_id, OCTOBER_END)
    fund = bars[bars["challenge_id"] == data.fund].set_index("objective_number")
    assert fund["support"].tolist() == pytest.approx([0.75, 0.75])
    assert fund["progress"].tolist() == pytest.approx([0.40, 0.40])
    assert fund.loc[1, "realised"] == pytest.approx(0.75 * 0.5 * 0.40)
    assert fund.loc[1, "progress"] == pytest.approx(
        progress.rollup_groups(progress.action_states(con, OCTOBER_END),
                               pd.DataFrame({"g": [1, 1], "action_id": [data.study, data.round_table]}),
                               "g")["progress"].iloc[0])
    over = signature.support_over_time(con, round_id, [dt.date(2026, 10, 21), OCTOBER_END])
    first = over[over["objective_number"] == 1]
    assert first["realised"].tolist() == pytest.approx([0.15, 0.15])
    timeline = signature.action_timeline(con, OCTOBER_END).drop_duplicates("action_id").set_index("action_id")
    assert timeline.loc[data.study, "progress"] == RIGHT
    con.close()


def test_a_small_test_round_closed_after_the_plenary_never_takes_over_support(fresh_db):
    """The tester's example: a 68-voter plenary closed at 11:00, a 3-voter test round (not marked as a
    rehearsal) closed at 11:30: the plenary gives support, and organisers are invited to choose."""
    con = db.open_database(fresh_db)
    with db.transaction(con) as cur:
        cur.execute("INSERT INTO challenges (id, seminar_id, title) VALUES (1, 1, 'Un'), (2, 1, 'Deux')")
        cur.execute("INSERT INTO participants (seminar_id, name, kind, code) "
                    "SELECT 1, 'P' || i, 'autre', 'CODE' || lpad(i::VARCHAR, 4, '0') FROM range(1, 69) t(i)")
    codes = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id")]
    plenary, test = (rounds_module.create_round(con, ORGANISER_ACTOR,
                                                rounds_module.RoundRules(title, method="approval"), [1, 2])
                     for title in ("Plénière", "Test"))
    for round_id, voters, closes in ((plenary, codes, "2026-11-26T10:00:00Z"),
                                     (test, codes[:3], "2026-11-26T10:30:00Z")):
        rounds_module.set_status(con, ORGANISER_ACTOR, round_id, "open")
        for code in voters:
            voting.submit_ballot(con, ORGANISER_ACTOR, round_id, code, {1: (1, False)})
        with clock.frozen(closes):  # 11:00 and 11:30 in Paris
            rounds_module.set_status(con, ORGANISER_ACTOR, round_id, "closed")
    found = signature.support_round(con)
    assert (found.id, found.voters, found.chosen) == (plenary, 68, False)
    assert signature.support_source(found) == (
        "Soutien tiré du tour « Plénière » (68 votant·e·s), choisi automatiquement : le tour sur les défis "
        "qui a réuni le plus de votant·e·s."
    )
    assert signature.should_choose_reference(found)
    latest = db.query(con, "SELECT id FROM rounds ORDER BY closed_at DESC LIMIT 1")[0]["id"]
    assert latest == test  # the test round is the latest closed: the old rule took it
    # Demoting the plenary would move support to the test round: the same rule says so, to confirm first.
    assert signature.support_round(con, without=plenary).id == test
    assert signature.support_move_warning(con, plenary) == (
        "Ce tour donne aujourd'hui le soutien aux défis (choix automatique). "
        "Le soutien passera au tour « Test » (3 votant·e·s)."
    )
    assert signature.support_move_warning(con, test) is None  # it gives no support: nothing moves
    rounds_module.set_rehearsal(con, ORGANISER_ACTOR, test, True)
    assert signature.support_move_warning(con, plenary).endswith(
        "Plus aucun tour ne donnera le soutien aux défis.")
    assert signature.support_round(con).id == plenary  # asking moved nothing
    con.close()
