"""The monthly review: categories since the previous review, reading dates, reviews and decisions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil

import pandas as pd
import pytest

from labo_dash import action_creation, clock, db, review
from labo_dash.access import PARTNER, STEERING, Actor
from labo_dash.errors import PermissionDenied, ValidationError
from labo_dash.reporting import print_review
from tests.actions_data import (
    ORGANISER_ACTOR,
    TODAY,
    add_action,
    add_challenge,
    add_solution,
    count,
    migrated_copy,
)
from tests.withdrawal_data import RIGHT
from tests.withdrawal_data import build as build_withdrawal

STEERING_ACTOR = Actor(STEERING, "Comité")


@pytest.fixture(scope="module")
def history_template(tmp_path_factory):
    """A database of actions with a known history around the October → November comparison (built once)."""
    path = migrated_copy(tmp_path_factory.mktemp("history"))
    con = db.open_database(path)
    solution = add_solution(con, add_challenge(con, "Défi", {1: 1.0}), "Solution")
    ids = {
        "progressed": add_action(con, solution, "Progresse", [("2026-10-20", "en_cours", 30),
                                                              ("2026-11-20", "en_cours", 50)]),
        "started": add_action(con, solution, "Lancée", [("2026-10-20", "a_lancer", 0),
                                                        ("2026-11-20", "en_cours", 0)]),
        "stalled": add_action(con, solution, "Bloquée", [("2026-10-20", "en_cours", 40),
                                                         ("2026-11-20", "en_cours", 40)]),
        "receded": add_action(con, solution, "En recul", [("2026-10-20", "en_cours", 40),
                                                          ("2026-11-20", "en_cours", 30)]),
        "silent": add_action(con, solution, "Silencieuse", [("2026-09-20", "en_cours", 20)],
                             due_date="2026-11-15"),
        "done": add_action(con, solution, "Finie", [("2026-10-20", "en_cours", 80),
                                                    ("2026-11-20", "terminee", 100)]),
        "abandoned": add_action(con, solution, "Abandonnée", [("2026-11-05", "abandonnee", 10)]),
        "closed": add_action(con, solution, "Close avant", [("2026-06-20", "terminee", 100)]),
        "new": add_action(con, solution, "Nouvelle", [("2026-11-12", "en_cours", 5)], created="2026-11-10"),
        "new_idle": add_action(con, solution, "Nouvelle sans point", created="2026-11-10",
                               start_date="2026-11-02"),
        "planned": add_action(con, solution, "Prévue", start_date="2027-01-15"),
        "future": add_action(con, solution, "Créée plus tard", created="2026-12-15"),
    }
    con.close()
    return path, ids


@pytest.fixture
def history(history_template, tmp_path):
    """A private copy of the history database, open, and the ids of its actions by role."""
    template, ids = history_template
    path = tmp_path / "history.duckdb"
    shutil.copy(template, path)
    con = db.open_database(path)
    yield con, ids
    con.close()


def test_month_helpers():
    assert review.month_end(dt.date(2026, 2, 10)) == dt.date(2026, 2, 28)
    assert review.month_end(dt.date(2026, 12, 1)) == dt.date(2026, 12, 31)
    assert review.previous_month(dt.date(2026, 1, 15)) == dt.date(2025, 12, 1)
    assert review.reading_date(dt.date(2026, 11, 1), TODAY) == TODAY
    assert review.reading_date(dt.date(2026, 10, 1), TODAY) == dt.date(2026, 10, 31)


def test_compare_puts_each_action_in_one_category(history):
    con, ids = history
    result = review.compare(con, dt.date(2026, 11, 1), TODAY)
    assert (result.previous, result.baseline) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert result.as_of == TODAY
    category = dict(zip(result.actions["id"], result.actions["category"], strict=True))
    assert category == {
        ids["progressed"]: "progresse", ids["started"]: "progresse", ids["stalled"]: "point_mort",
        ids["receded"]: "point_mort", ids["silent"]: "point_mort", ids["done"]: "terminee",
        ids["abandoned"]: "abandonnee", ids["closed"]: "close", ids["new"]: "nouvelle",
        ids["new_idle"]: "nouvelle", ids["planned"]: "a_venir",
    }  # the action created in December does not exist yet
    late = result.late().set_index("id")
    assert list(late.index) == [ids["silent"]] and late.loc[ids["silent"], "newly_late"]
    updated = dict(zip(result.actions["id"], result.actions["updated"], strict=True))
    assert not updated[ids["silent"]] and updated[ids["stalled"]]


def test_compare_a_past_month_replays_the_history(history):
    con, ids = history
    result = review.compare(con, dt.date(2026, 10, 1), TODAY)
    assert result.as_of == dt.date(2026, 10, 31)
    rows = result.actions.set_index("id")
    assert rows.loc[ids["done"], "status"] == "en_cours" and rows.loc[ids["done"], "progress"] == 80
    assert ids["new"] not in rows.index and ids["abandoned"] in rows.index
    assert rows.loc[ids["silent"], "category"] == "point_mort"


def test_previous_review_is_the_latest_recorded_one(history):
    con, _ = history
    with db.transaction(con) as cur:
        cur.execute("INSERT INTO reviews (seminar_id, month, held_on) VALUES "
                    "(1, DATE '2026-06-01', DATE '2026-06-25'), (1, DATE '2026-09-01', NULL)")
    assert review.previous_review_month(con, dt.date(2026, 11, 1)) == dt.date(2026, 9, 1)
    assert review.previous_review_month(con, dt.date(2026, 9, 1)) == dt.date(2026, 6, 1)
    assert review.previous_review_month(con, dt.date(2026, 5, 1)) == dt.date(2026, 4, 1)
    assert review.compare(con, dt.date(2026, 11, 1), TODAY).baseline == dt.date(2026, 9, 30)
    assert review.last_review_date(con, TODAY) == dt.date(2026, 9, 30)
    assert review.last_review_date(con, dt.date(2026, 7, 1)) == dt.date(2026, 6, 25)
    assert review.review_months(con, TODAY)[0] == dt.date(2026, 4, 1)
    assert review.review_months(con, TODAY)[-1] == dt.date(2026, 11, 1)


def test_reviews_and_decisions_are_recorded_and_audited(history):
    con, ids = history
    november = dt.date(2026, 11, 1)
    first = review.add_decision(con, STEERING_ACTOR, november, "Relancer le pilote", ids["silent"], "Hélène",
                                dt.date(2026, 12, 5))
    review.add_decision(con, STEERING_ACTOR, november, "Préparer le bilan annuel")
    review_id = review.save_review(con, STEERING_ACTOR, november, dt.date(2026, 11, 25), "Bilan à huit mois")
    assert dataclasses.asdict(review.get_review(con, november)) == {
        "id": review_id, "month": november, "held_on": dt.date(2026, 11, 25), "notes": "Bilan à huit mois"
    }
    rows = review.decisions(con, november)
    assert rows["text"].tolist() == ["Relancer le pilote", "Préparer le bilan annuel"]
    assert rows["action"].tolist()[0] == "Silencieuse"
    review.delete_decision(con, ORGANISER_ACTOR, first)
    assert review.decisions(con, november)["text"].tolist() == ["Préparer le bilan annuel"]
    operations = con.execute("SELECT entity, operation FROM audit_log WHERE entity IN ('review', 'decision') "
                             "ORDER BY id").fetchall()
    assert operations == [("review", "create"), ("decision", "create"), ("decision", "create"),
                          ("review", "update"), ("decision", "delete")]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda con: review.add_decision(con, STEERING_ACTOR, dt.date(2026, 11, 1), "  "), "text"),
        (lambda con: review.add_decision(con, STEERING_ACTOR, dt.date(2026, 11, 1), "D", 999), "action_id"),
        (lambda con: review.save_review(con, STEERING_ACTOR, dt.date(2026, 11, 1), dt.date(2026, 10, 30), ""),
         "held_on"),
    ],
)
def test_bad_review_input_writes_nothing(history, call, field):
    con, _ = history
    with pytest.raises(ValidationError) as error:
        call(con)
    assert field in error.value.fields
    assert (count(con, "reviews"), count(con, "decisions")) == (0, 0)


def test_partner_cannot_record_decisions(history):
    con, _ = history
    with pytest.raises(PermissionDenied):
        review.add_decision(con, Actor(PARTNER, "Fondation"), dt.date(2026, 11, 1), "Décision")
    assert count(con, "decisions") == 0


def test_demo_november_review_is_visibly_full(con):
    result = review.compare(con, dt.date(2026, 11, 1), TODAY)
    counts = result.actions["category"].value_counts()
    for code in ("progresse", "point_mort", "close"):
        assert counts.get(code, 0) >= 2, code
    assert len(result.late()) >= 3
    months = review.review_months(con, TODAY)
    assert months[0] == dt.date(2026, 4, 1) and len(months) == 8
    september = review.compare(con, dt.date(2026, 9, 1), TODAY)
    assert {"terminee", "abandonnee"} <= set(september.actions["category"])
    assert len(review.decisions(con, dt.date(2026, 11, 1))) >= 2


def test_print_ready_review_escapes_a_challenge_title_and_a_pilot(history):
    con, ids = history
    con.execute("UPDATE challenges SET title = ?", ["<script>alert('défi')</script> Coopérer"])
    con.execute("UPDATE actions SET pilot_person = ? WHERE id = ?", ["<b>Zoé</b>", ids["progressed"]])
    html = print_review.render(review.monthly_review(con, dt.date(2026, 11, 1), TODAY), TODAY)
    assert "<script>" not in html and "<b>Zoé</b>" not in html
    assert "&lt;script&gt;alert(&#x27;défi&#x27;)&lt;/script&gt; Coopérer" in html  # table of défis, actions
    assert "&lt;b&gt;Zoé&lt;/b&gt;" in html


def test_print_ready_review_is_french_and_escapes_user_text(history):
    con, ids = history
    november = dt.date(2026, 11, 1)
    review.add_decision(con, STEERING_ACTOR, november, "<script>alert('x')</script> Relancer", ids["silent"])
    review.save_review(con, STEERING_ACTOR, november, dt.date(2026, 11, 25), "Séance & bilan")
    html = print_review.render(review.monthly_review(con, november, TODAY), TODAY)
    assert html.startswith("<!DOCTYPE html>") and "@page { size: A4" in html
    assert "Comité de pilotage · revue de novembre 2026" in html
    assert "Réunion du 25 novembre 2026. Situation au 26 novembre 2026" in html
    assert "comparée à la fin d&#x27;octobre 2026 (revue précédente)" in html  # elided, never « de octobre »
    october = print_review.render(review.monthly_review(con, dt.date(2026, 10, 1), TODAY), TODAY)
    assert "Comité de pilotage · revue d&#x27;octobre 2026" in october
    headings = ["Avancement par objectif", "Ont progressé", "Au point mort", "En retard"]
    headings.append("Relevé de décisions")
    for heading in headings:
        assert f"<h2>{heading}</h2>" in html
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Relancer" in html
    assert "Séance &amp; bilan" in html and "non mesuré" in html
    assert "Silencieuse" in html and "(en retard)" in html


def test_review_ignores_a_withdrawn_point(tmp_path):
    """« Étude » stays at 20 % in October (its 90 % withdrawn): stalled, not progressed, not updated."""
    data = build_withdrawal(tmp_path)
    result = review.compare(data.con, dt.date(2026, 10, 1), TODAY)
    rows = result.actions.set_index("id")
    study = rows.loc[data.study]
    assert (study["progress_before"], study["progress"]) == (RIGHT, RIGHT)
    assert study["category"] == "point_mort"  # with the wrong point: « progresse » (20 → 90 %)
    assert not study["updated"]
    assert study["last_update"] == pd.Timestamp(2026, 9, 20)
    history = review.objective_history(data.con, [dt.date(2026, 10, 1)], TODAY).set_index("number")
    assert history.loc[1, "progress"] == pytest.approx(0.40)
    data.con.close()
# --- the seminar's time zone decides the month (issue 12, fault 5) -------------------------------------


@pytest.mark.parametrize(
    ("instant", "month", "month_before"),
    [
        ("2026-09-30T22:30:00Z", dt.date(2026, 10, 1), dt.date(2026, 9, 1)),  # 0h30 on 1 October in Paris
        ("2026-03-31T22:30:00Z", dt.date(2026, 4, 1), dt.date(2026, 3, 1)),  # 0h30 on 1 April (CEST)
        ("2026-10-31T23:30:00Z", dt.date(2026, 11, 1), dt.date(2026, 10, 1)),  # 0h30 on 1 November (CET)
    ],
)
def test_an_action_created_after_local_midnight_is_new_in_the_local_month(tmp_path, instant, month,
                                                                           month_before):
    con = db.open_database(migrated_copy(tmp_path))
    try:
        solution = add_solution(con, add_challenge(con, "Défi", {1: 1.0}), "Solution")
        with clock.frozen(instant):
            today = clock.today(con)
            [action] = action_creation.create_actions(con, ORGANISER_ACTOR, solution,
                                                      ["Créée à minuit et demie"], {}, reported_on=today,
                                                      reported_by=None, today=today)
        assert today == month
        assert review.review_months(con, today) == [month]
        comparison = review.compare(con, month, today)
        assert comparison.actions.set_index("id").loc[action, "category"] == "nouvelle"
        assert action not in set(review.compare(con, month_before, today).actions["id"])
    finally:
        con.close()


def test_a_month_read_today_ends_at_the_local_date(history):
    con, _ = history
    with clock.frozen("2026-11-30T23:30:00Z"):  # 0h30 on 1 December in Paris: November is over
        today = clock.today(con)
    assert today == dt.date(2026, 12, 1)
    assert review.reading_date(dt.date(2026, 11, 1), today) == dt.date(2026, 11, 30)
    assert max(review.review_months(con, today)) == dt.date(2026, 12, 1)
