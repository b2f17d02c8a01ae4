"""Reminders for the next review: who is reminded of what, the mailto text, the CSV and the .ics file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import parse_qs, unquote, urlsplit

import icalendar
import pytest

from labo_dash import actions, clock, db, progress, reminders
from labo_dash.errors import ValidationError
from tests.actions_data import add_action, add_challenge, add_solution

TODAY = dt.date(2026, 11, 26)
LAST_REVIEW = dt.date(2026, 11, 20)
NEXT_REVIEW = dt.date(2026, 12, 18)
LATE = "en retard (échéance le 31 octobre 2026) ; pas de point depuis la revue du 20 novembre 2026"
SANDRINE = "Sandrine Lacombe (Région Occitanie)"
HELENE = "Hélène Marchand (Le Labo de l'ESS)"


@pytest.fixture
def follow(fresh_db):
    """Six actions around a review held on 20 November 2026; yields the connection and their ids."""
    con = db.open_database(fresh_db)
    challenge = add_challenge(con, "Financer l'animation", {3: 1.0})
    solution = add_solution(con, challenge, "Un fonds territorial")
    ids = {
        "late": add_action(con, solution, "Étude de préfiguration", [("2026-09-20", "en_cours", 40)],
                           due_date="2026-10-31"),
        "soon": add_action(con, solution, "Tour de table", [("2026-11-22", "en_cours", 50)],
                           due_date="2026-12-15"),
        "silent": add_action(con, solution, "Guide des modèles", [("2026-10-01", "en_cours", 10)],
                             due_date="2027-03-31"),
        "fresh": add_action(con, solution, "Cartographie", [("2026-11-24", "en_cours", 30)],
                            due_date="2027-03-31"),
        "done": add_action(con, solution, "Convention type", [("2026-11-01", "terminee", 100)],
                           due_date="2026-11-30"),
        "orphan": add_action(con, solution, "Note de plaidoyer", [("2026-11-25", "a_lancer", 0)],
                             due_date="2026-12-18"),
        "unmeasured": add_action(con, solution, "Wiki des financeurs", [("2026-09-01", "en_cours", None)],
                                 due_date="2027-06-30"),
    }
    pilots = {"late": SANDRINE, "soon": SANDRINE, "unmeasured": SANDRINE,
              "silent": HELENE, "fresh": HELENE, "done": HELENE}
    with db.transaction(con) as cur:
        for name, label in pilots.items():
            person, structure = label.removesuffix(")").split(" (")
            cur.execute("UPDATE actions SET pilot_person = ?, pilot_structure = ? WHERE id = ?",
                        [person, structure, ids[name]])
        cur.execute("INSERT INTO reviews (seminar_id, month, held_on) VALUES (1, DATE '2026-11-01', ?)",
                    [LAST_REVIEW])
    yield con, ids
    con.close()


def test_each_pilot_gets_the_actions_due_by_the_next_review_or_without_a_point(follow):
    con, ids = follow
    rows = reminders.reminders(con, TODAY, NEXT_REVIEW)
    assert reminders.pilots(rows) == [HELENE, SANDRINE, "Sans pilote"]
    assert list(zip(rows["pilot"], rows["id"], strict=True)) == [
        (HELENE, ids["silent"]), (SANDRINE, ids["late"]), (SANDRINE, ids["soon"]),
        (SANDRINE, ids["unmeasured"]), ("Sans pilote", ids["orphan"]),
    ]
    reasons = dict(zip(rows["id"], rows["reason"], strict=True))
    assert reasons == {
        ids["silent"]: "pas de point depuis la revue du 20 novembre 2026",
        ids["late"]: LATE,
        ids["soon"]: "échéance le 15 décembre 2026",
        ids["orphan"]: "échéance le 18 décembre 2026",  # due on the review day itself: still asked
        ids["unmeasured"]: "pas de point depuis la revue du 20 novembre 2026",
    }


def test_an_action_created_after_the_review_is_not_said_silent_since_it(follow):
    """An action created on 23 November, after the review of the 20th, was listed « pas de point depuis la
    revue du 20 novembre »: it did not exist then."""
    con, _ = follow
    solution = db.query(con, "SELECT min(id) AS id FROM solutions")[0]["id"]
    new = add_action(con, solution, "Action toute neuve", [], created="2026-11-23", due_date="2027-05-31")
    rows = reminders.reminders(con, TODAY, NEXT_REVIEW)
    assert new not in set(rows["id"])
    assert reminders.calendar_file_name("Aminata Koné (Coopaname)") == "echeances-aminata-kone-coopaname.ics"


def test_without_any_review_only_due_actions_are_reminded(follow):
    con, ids = follow
    with db.transaction(con) as cur:
        cur.execute("DELETE FROM reviews")
    rows = reminders.reminders(con, TODAY, NEXT_REVIEW)
    assert set(rows["id"]) == {ids["late"], ids["soon"], ids["orphan"]} and not rows["silent"].any()


def test_mailto_carries_the_french_subject_and_body_percent_encoded(follow):
    con, _ = follow
    rows = reminders.reminders(con, TODAY, NEXT_REVIEW)
    mine = rows[rows["pilot"] == SANDRINE]
    link = reminders.mailto(SANDRINE, mine, NEXT_REVIEW)
    assert link.startswith("mailto:?subject=") and " " not in link and "\n" not in link
    assert "%0D%0A" in link and "%C3%89tude" in link  # CRLF and UTF-8, as RFC 6068 asks
    fields = {k: v[0] for k, v in parse_qs(urlsplit(link).query, keep_blank_values=True).items()}
    assert unquote(link.split("subject=")[1].split("&")[0]) == fields["subject"]
    assert fields["subject"] == "Comité de pilotage du 18 décembre 2026 : vos actions à mettre à jour"
    body = fields["body"].split("\r\n")
    assert body[0] == "Bonjour Sandrine Lacombe,"
    assert "le 18 décembre 2026" in body[2] and "les 3 actions suivantes" in body[2]
    assert body[4] == ("- Étude de préfiguration (défi « Financer l'animation ») : en retard (échéance le "
                       "31 octobre 2026) ; pas de point depuis la revue du 20 novembre 2026. "
                       "Aujourd'hui : En cours, 40\u00a0%.")
    assert body[5].startswith("- Tour de table (défi « Financer l'animation ») : échéance le 15 décembre")
    assert body[5].endswith("Aujourd'hui : En cours, 50\u00a0%.")  # whole %, never « 50.0 % »
    assert body[6].endswith("Aujourd'hui : En cours, non mesuré.")
    single = reminders.body("Sans pilote", rows[rows["pilot"] == "Sans pilote"], NEXT_REVIEW)
    assert single.startswith("Bonjour,\r\n") and "sur l'action suivante :" in single


def test_csv_is_french_excel_with_one_line_per_pilot_and_action(follow):
    con, _ = follow
    data = reminders.to_csv(reminders.reminders(con, TODAY, NEXT_REVIEW))
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert lines[0] == reminders.CSV_HEADERS
    assert lines[2] == [SANDRINE, "Étude de préfiguration", "Financer l'animation", "31/10/2026", "En cours",
                        "40\u00a0%", "20/09/2026",
                        LATE]
    assert [line[0] for line in lines[1:]] == [HELENE, SANDRINE, SANDRINE, SANDRINE, "Sans pilote"]
    assert lines[3][5] == "50\u00a0%" and lines[4][5] == ""  # never measured: empty


def test_ics_reads_back_with_one_all_day_event_per_open_due_action(follow):
    con, ids = follow
    table = actions.tracker(con, TODAY)
    with clock.frozen("2026-11-26T09:00:00Z"):
        first = icalendar.Calendar.from_ical(reminders.calendar(table))
    with clock.frozen("2026-12-01T09:00:00Z"):
        again = icalendar.Calendar.from_ical(reminders.calendar(table))
    events = {str(e["uid"]): e for e in first.walk("VEVENT")}
    assert len(events) == 6  # the done action has no event
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == list(events)  # stable UIDs
    late = events[f"action-{ids['late']}@{reminders.UID_DOMAIN}"]
    assert late.decoded("dtstart") == dt.date(2026, 10, 31)  # a date: an all-day event
    assert late.decoded("dtend") == dt.date(2026, 11, 1)
    assert str(late["summary"]) == "Étude de préfiguration"
    assert str(late["description"]) == f"Défi : Financer l'animation\nPilote : {SANDRINE}"
    assert str(first["version"]) == "2.0" and first["prodid"]
    mine = icalendar.Calendar.from_ical(reminders.calendar(table, pilot=SANDRINE))
    summaries = sorted(str(e["summary"]) for e in mine.walk("VEVENT"))
    assert summaries == ["Tour de table", "Wiki des financeurs", "Étude de préfiguration"]


def test_demo_reminders_match_the_rule_four_days_after_the_review(con):
    with clock.frozen("2026-11-29T10:00:00Z"):
        today = clock.today(con)
        next_review = reminders.suggested_next_review(con, today)
        rows = reminders.reminders(con, today, next_review)
    assert next_review == dt.date(2026, 12, 25)  # same day as the review of 25 November, one month on
    table = actions.tracker(con, today).set_index("id")
    open_ = table[~table["status"].isin(progress.CLOSED)]
    expected = open_[(open_["due_date"] <= "2026-12-25")
                     | open_["last_update"].isna() | (open_["last_update"] <= "2026-11-25")]
    assert sorted(rows["id"]) == sorted(expected.index) and len(rows) > 0
    labels = [reminders.pilot_label(p, s) for p, s in zip(table["pilot_person"], table["pilot_structure"],
                                                          strict=True)]
    assert set(rows["pilot"]) <= set(labels)


def test_a_next_review_in_the_past_is_refused_in_french(follow):
    con, ids = follow
    with pytest.raises(ValidationError) as refused:
        reminders.reminders(con, TODAY, dt.date(2026, 11, 20))
    assert refused.value.fields == {"next_review": (
        "Date du prochain comité : 20 novembre 2026 est passé ; choisissez aujourd'hui (26 novembre 2026) "
        "ou une date à venir.")}
    assert str(refused.value) == ("Les relances n'ont pas été préparées : la date du prochain comité est "
                                  "passée.")
    assert ids["late"] in set(reminders.reminders(con, TODAY, TODAY)["id"])  # a review today is fine
