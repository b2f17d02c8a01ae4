"""Solutions, actions created from a solution, append-only progress updates, flags and bulk edits."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pandas as pd
import pytest

from labo_dash import action_creation, action_table, actions, clock, db, solutions, updates
from labo_dash import settings as app_settings
from labo_dash.access import PARTNER, STEERING, Actor
from labo_dash.errors import ImportRejected, NotFound, PermissionDenied, ValidationError
from labo_dash.imports import actions as actions_import
from labo_dash.reporting import monthly
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

STEERING_ACTOR = Actor(STEERING, "Membre du comité")


@pytest.fixture
def fresh_db(tmp_path):
    """An empty migrated database (copied from a template migrated once, rather than migrated each time)."""
    return migrated_copy(tmp_path)


@pytest.fixture
def small(fresh_db):
    """A database with one défi (objectives 3 and 5), one solution, and its connection."""
    con = db.open_database(fresh_db)
    challenge = add_challenge(con, "Financer l'animation", {3: 0.6, 5: 0.4})
    solution = add_solution(con, challenge, "Un fonds territorial")
    yield con, challenge, solution
    con.close()


def create(con, solution, titles, **kwargs):
    """Create actions with sensible defaults for the tests."""
    fields = {"pilot_structure": "Région", "pilot_person": "Sandrine", "budget_planned": 10000,
              "budget_secured": 5000, "start_date": dt.date(2026, 4, 1), "due_date": dt.date(2026, 9, 30)}
    fields |= kwargs.pop("fields", {})
    return action_creation.create_actions(con, kwargs.pop("actor", ORGANISER_ACTOR), solution, titles, fields,
                                  reported_on=kwargs.pop("reported_on", TODAY), reported_by="Hélène",
                                  today=TODAY, **kwargs)


# --- solutions ---------------------------------------------------------------------------------------


def test_add_solution_validates_and_audits(small):
    con, challenge, _ = small
    solution_id = solutions.add_solution(con, ORGANISER_ACTOR, challenge, "  Un comité des financeurs  ")
    assert solutions.get_solution(con, solution_id).title == "Un comité des financeurs"
    operations = con.execute("SELECT operation FROM audit_log WHERE entity = 'solution'").fetchall()
    assert operations == [("create",)]
    before = count(con, "solutions")
    with pytest.raises(ValidationError) as error:
        solutions.add_solution(con, ORGANISER_ACTOR, None, "   ")
    assert "intitulé" in error.value.fields["title"] and "défi" in error.value.fields["challenge_id"]
    with pytest.raises(ValidationError) as error:
        solutions.add_solution(con, ORGANISER_ACTOR, 999, "Sans défi")
    assert "challenge_id" in error.value.fields
    with pytest.raises(PermissionDenied):
        solutions.add_solution(con, STEERING_ACTOR, challenge, "Par le comité")
    assert count(con, "solutions") == before


def test_solution_with_actions_cannot_be_deleted(small):
    con, _, solution = small
    create(con, solution, ["Une action"])
    with pytest.raises(ValidationError, match="porte déjà 1 action"):
        solutions.delete_solution(con, ORGANISER_ACTOR, solution)
    solutions.update_solution(con, ORGANISER_ACTOR, solution, "Un fonds régional", "Trois ans d'animation")
    assert solutions.list_solutions(con)["title"].tolist() == ["Un fonds régional"]


def test_volunteers_come_from_each_participant_latest_ballot(small):
    con, _, solution = small
    other = add_solution(con, small[1], "Un dossier unique")
    with db.transaction(con) as cur:
        cur.execute("INSERT INTO participants (seminar_id, name, kind) VALUES (1, 'Awa', 'ptce'), "
                    "(1, 'Karim', 'financeur')")
        cur.execute("INSERT INTO rounds (seminar_id, title, target, method, status) "
                    "VALUES (1, 'Clôture', 'solutions', 'majority_judgment', 'closed')")
        cur.execute(
            "INSERT INTO ballots (round_id, participant_id, fingerprint, submitted_at) VALUES "
            "(1, 1, 'a', TIMESTAMP '2026-03-24 15:40'), (1, 1, 'b', TIMESTAMP '2026-03-24 15:50'), "
            "(1, 2, 'c', TIMESTAMP '2026-03-24 15:45')"
        )
        cur.execute(
            "INSERT INTO ballot_entries (ballot_id, item_id, value, contribute) VALUES "
            "(1, ?, 0, true), (1, ?, 1, false), (2, ?, 0, false), (2, ?, 0, true), (3, ?, 1, true)",
            [solution, other, solution, other, solution],
        )
    rows = solutions.volunteers(con)
    assert sorted(zip(rows["solution_id"], rows["name"], strict=True)) == sorted(
        [(solution, "Karim"), (other, "Awa")]
    )  # Awa changed her mind: her first ballot does not count


# --- creating actions -----------------------------------------------------------------------------------


def test_create_actions_from_a_solution_in_one_step(small):
    con, challenge, solution = small
    ids = create(con, solution, ["Étude de préfiguration", "Tour de table des fondations", "  "])
    assert len(ids) == 2
    action = actions.get_action(con, ids[1])
    assert action.title == "Tour de table des fondations" and action.pilot_person == "Sandrine"
    assert action.solution_id == solution and action.challenge_id == challenge
    assert [o.number for o in action.objectives] == [3, 5]
    assert action.status == "a_lancer" and action.progress is None  # never measured
    assert count(con, "progress_updates") == 0
    audits = con.execute(
        "SELECT entity_id, after FROM audit_log WHERE entity = 'action' ORDER BY id"
    ).fetchall()
    assert [a[0] for a in audits] == ids
    assert json.loads(audits[0][1])["challenge_id"] == challenge


def test_create_actions_with_a_first_status_records_an_update(small):
    con, _, solution = small
    (action_id,) = create(con, solution, ["Lancée"], status="en_cours", progress_value=20,
                          reported_on=dt.date(2026, 4, 15))
    timeline = updates.history(con, action_id)
    assert timeline[["status", "progress"]].values.tolist() == [["en_cours", 20]]
    assert timeline["reported_on"].iloc[0].date() == dt.date(2026, 4, 15)


@pytest.mark.parametrize(
    ("titles", "fields", "kwargs", "field"),
    [
        ([], {}, {}, "titles"),
        (["Même", "Même"], {}, {}, "titles"),
        (["x" * 201], {}, {}, "titles"),
        (["Dates"], {"due_date": dt.date(2026, 3, 1)}, {}, "due_date"),
        (["Budget"], {"budget_secured": 20000}, {}, "budget_secured"),
        (["Budget"], {"budget_planned": -5}, {}, "budget_planned"),
        (["Poids"], {"weight": 0}, {}, "weight"),
        (["Avancement"], {}, {"status": "en_cours", "progress_value": 140}, "progress"),
        (["Futur"], {}, {"status": "en_cours", "reported_on": dt.date(2027, 1, 1)}, "reported_on"),
    ],
)
def test_create_actions_refuses_bad_input_and_writes_nothing(small, titles, fields, kwargs, field):
    con, _, solution = small
    before = (count(con, "actions"), count(con, "progress_updates"), count(con, "audit_log"))
    with pytest.raises(ValidationError) as error:
        create(con, solution, titles, fields=fields, **kwargs)
    assert field in error.value.fields
    assert "Aucune action" in str(error.value)
    assert (count(con, "actions"), count(con, "progress_updates"), count(con, "audit_log")) == before


def test_partner_cannot_create_actions(small):
    con, _, solution = small
    with pytest.raises(PermissionDenied, match="Partenaire"):
        create(con, solution, ["Interdite"], actor=Actor(PARTNER, "Que Vol'Terre"))
    assert count(con, "actions") == 0


# --- progress updates --------------------------------------------------------------------------------


def test_updates_are_appended_never_overwritten(small):
    con, _, solution = small
    (action_id,) = create(con, solution, ["Étude"], status="en_cours", progress_value=20,
                          reported_on=dt.date(2026, 5, 20))
    first = con.execute("SELECT * FROM progress_updates").fetchall()
    updates.record_update(con, STEERING_ACTOR, action_id, reported_on=dt.date(2026, 6, 20), status="en_cours",
                          progress_value=50, comment="Entretiens", evidence_url="https://exemple.org/cr.pdf",
                          today=TODAY)
    updates.record_update(con, STEERING_ACTOR, action_id, reported_on=dt.date(2026, 7, 20), status="terminee",
                          progress_value="100 %", today=TODAY)
    rows = con.execute("SELECT * FROM progress_updates ORDER BY id").fetchall()
    assert rows[0] == first[0]
    assert [(r[3], r[4]) for r in rows] == [("en_cours", 20), ("en_cours", 50), ("terminee", 100)]
    assert rows[1][7] == "Membre du comité"  # reported by the actor when nobody is named
    current = actions.get_action(con, action_id)
    assert (current.status, current.progress) == ("terminee", 100)
    assert con.execute("SELECT count(*) FROM audit_log WHERE entity = 'progress_update'").fetchone()[0] == 3


def test_a_point_is_audited_as_stored_and_a_creation_names_its_author(small):
    """The audit of a new point holds its fields as stored (the status as its code, the date ISO), from
    creation and from the update form alike; a first point at creation without a name is the actor's."""
    con, _, solution = small
    (action_id,) = action_creation.create_actions(
        con, ORGANISER_ACTOR, solution, ["Étude"], {}, status="en_cours", progress_value="20 %",
        reported_on=dt.date(2026, 5, 20), reported_by="  ", today=TODAY)
    update_id = updates.record_update(
        con, STEERING_ACTOR, action_id, reported_on=dt.date(2026, 6, 20), status="en_pause",
        progress_value=" 35 ", comment="  Attente du financeur  ", reported_by=" Hélène ", today=TODAY)
    logged = db.query(con, "SELECT entity_id, after FROM audit_log WHERE entity = 'progress_update' "
                           "ORDER BY entity_id")
    assert logged[-1]["entity_id"] == update_id
    assert [json.loads(row["after"]) for row in logged] == [
        {"action_id": action_id, "reported_on": "2026-05-20", "status": "en_cours", "progress": 20,
         "comment": "Création de l'action", "evidence_url": None, "reported_by": ORGANISER_ACTOR.name},
        {"action_id": action_id, "reported_on": "2026-06-20", "status": "en_pause", "progress": 35,
         "comment": "Attente du financeur", "evidence_url": None, "reported_by": "Hélène"},
    ]


def test_old_points_whose_status_and_percent_disagree_are_flagged_not_fixed(small):
    con, _, solution = small
    action_id = add_action(con, solution, "Déclarée finie", [("2026-09-20", "terminee", 90)])
    table = actions.tracker(con, TODAY).set_index("id")
    assert table.loc[action_id, "mismatch"] == "Statut « Terminée » mais avancement de 90 % (attendu : 100 %)"
    assert actions.get_action(con, action_id).progress == 90


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"status": "fini"}, "status"),
        ({"progress_value": 55.5}, "progress"),
        ({"progress_value": "150"}, "progress"),
        ({"progress_value": "40,5 %"}, "progress"),
        ({"progress_value": "beaucoup"}, "progress"),
        ({"reported_on": dt.date(2026, 11, 27)}, "reported_on"),
        ({"reported_on": dt.date(2026, 5, 1)}, "reported_on"),  # before the latest update
        ({"evidence_url": "exemple.org/preuve"}, "evidence_url"),
        ({"status": "en_cours", "progress_value": 20}, "status"),  # nothing new
    ],
)
def test_bad_update_is_refused_in_french(small, kwargs, field):
    con, _, solution = small
    (action_id,) = create(con, solution, ["Étude"], status="en_cours", progress_value=20,
                          reported_on=dt.date(2026, 5, 20))
    values = {"reported_on": dt.date(2026, 6, 20), "status": "en_cours", "progress_value": 40} | kwargs
    with pytest.raises(ValidationError) as error:
        updates.record_update(con, ORGANISER_ACTOR, action_id, today=TODAY, **values)
    assert field in error.value.fields and "enregistré" in str(error.value)
    assert count(con, "progress_updates") == 1


def test_overdue_and_not_updated_since_last_review(small):
    con, _, solution = small
    late = add_action(con, solution, "En retard", [("2026-09-20", "en_cours", 40)], due_date="2026-10-31")
    done = add_action(con, solution, "Finie", [("2026-09-20", "terminee", 100)], due_date="2026-10-31")
    fresh = add_action(con, solution, "À jour", [("2026-09-20", "en_cours", 10),
                                                ("2026-11-10", "en_cours", 30)], due_date="2026-12-31")
    silent = add_action(con, solution, "Jamais renseignée", due_date="2027-03-31")
    table = actions.tracker(con, TODAY).set_index("id")
    assert table["overdue"].to_dict() == {late: True, done: False, fresh: False, silent: False}
    assert not table["stale"].any()  # no review yet: nothing to compare with
    with db.transaction(con) as cur:
        cur.execute("INSERT INTO reviews (seminar_id, month, held_on) VALUES (1, DATE '2026-10-01', "
                    "DATE '2026-10-25')")
    table = actions.tracker(con, TODAY).set_index("id")
    assert table.attrs["last_review"] == dt.date(2026, 10, 25)
    assert table["stale"].to_dict() == {late: True, done: False, fresh: False, silent: True}


@pytest.mark.parametrize(
    ("instant", "flagged", "since"),
    [
        # Four days after the review of 25 November: the pilots still have time, the alert compares with
        # the review of 26 October (3 actions silent since then), not 21 of 30 flagged.
        ("2026-11-29T10:00:00Z", 3, dt.date(2026, 10, 26)),
        ("2026-12-08T22:59:00Z", 3, dt.date(2026, 10, 26)),  # 23h59 in Paris: 13 days
        ("2026-12-08T23:00:00Z", 21, dt.date(2026, 11, 25)),  # 9 December in Paris: 14 days
    ],
)
def test_stale_waits_for_the_threshold_after_a_review_on_the_demo_dates(con, instant, flagged, since):
    with clock.frozen(instant):
        table = actions.tracker(con, clock.today(con))
    assert len(table) == 30 and int(table["stale"].sum()) == flagged
    assert table.attrs["last_review"] == since


def test_stale_threshold_is_a_setting(con):
    app_settings.set_setting(con, ORGANISER_ACTOR, app_settings.STALE_AFTER_DAYS, 0)
    with clock.frozen("2026-11-29T10:00:00Z"):
        table = actions.tracker(con, clock.today(con))
    assert int(table["stale"].sum()) == 21 and table.attrs["last_review"] == dt.date(2026, 11, 25)
    app_settings.set_setting(con, ORGANISER_ACTOR, app_settings.STALE_AFTER_DAYS, 60)
    with clock.frozen("2026-11-29T10:00:00Z"):
        assert actions.stale_since(con, clock.today(con)) == dt.date(2026, 9, 25)
    for refused in (-1, 91, 14.5, "14", True):
        with pytest.raises(ValidationError, match="nombre entier de 0 à 90"):
            app_settings.set_setting(con, ORGANISER_ACTOR, app_settings.STALE_AFTER_DAYS, refused)
    assert app_settings.get_setting(con, app_settings.STALE_AFTER_DAYS) == 60


# --- bulk edits ----------------------------------------------------------------------------------------


@pytest.fixture
def table(small):
    """Three actions in the tracker and the tracker table itself."""
    con, _, solution = small
    ids = create(con, solution, ["Étude", "Tour de table", "Appel à projets"], status="en_cours",
                 progress_value=10, reported_on=dt.date(2026, 5, 20))
    return con, ids, actions.tracker(con, TODAY)


def test_table_changes_returns_only_edited_cells(table):
    _, ids, original = table
    edited = original.copy()
    edited.loc[edited["id"] == ids[0], "progress"] = 35
    edited.loc[edited["id"] == ids[1], "due_date"] = pd.Timestamp("2026-12-31")
    edited.loc[edited["id"] == ids[2], "title"] = "Appel à projets "  # only a trailing space: unchanged
    assert action_table.table_changes(original, edited) == {
        ids[0]: {"progress": 35}, ids[1]: {"due_date": dt.date(2026, 12, 31)}
    }


def test_save_changes_records_updates_and_audit(table):
    con, ids, _ = table
    audits = count(con, "audit_log")
    summary = action_table.save_changes(
        con, STEERING_ACTOR,
        {ids[0]: {"progress": 35, "comment": "Entretiens faits"},
         ids[1]: {"status": "terminee", "progress": 100, "evidence_url": "https://exemple.org/bilan"},
         ids[2]: {"pilot_person": "Karim", "budget_planned": 12000.0}},
        reported_on=dt.date(2026, 11, 20), reported_by="", today=TODAY,
    )
    assert (summary.actions, summary.updates) == (1, 2)
    states = actions.tracker(con, TODAY).set_index("id")
    assert states.loc[ids[0], "progress"] == 35 and states.loc[ids[1], "status"] == "terminee"
    assert states.loc[ids[2], "pilot_person"] == "Karim" and states.loc[ids[2], "progress"] == 10
    assert updates.history(con, ids[0])["comment"].tolist()[-1] == "Entretiens faits"
    assert count(con, "audit_log") == audits + 3
    before, after = con.execute(
        "SELECT before, after FROM audit_log WHERE entity = 'action' AND operation = 'update'"
    ).fetchone()
    assert json.loads(before) == {"pilot_person": "Sandrine", "budget_planned": 10000.0}
    assert json.loads(after) == {"pilot_person": "Karim", "budget_planned": 12000.0}


def test_typed_progress_out_of_range_is_refused_with_row_and_column_and_writes_nothing(table):
    con, ids, _ = table
    snapshot = con.execute("SELECT * FROM actions ORDER BY id").fetchall()
    counts = (count(con, "progress_updates"), count(con, "audit_log"))
    for typed in (150.0, 45.5, -5):  # as the grid hands them over (floats): never clamped, never rounded
        with pytest.raises(ValidationError) as error:
            action_table.save_changes(con, ORGANISER_ACTOR, {ids[1]: {"progress": typed}},
                                      reported_on=TODAY, reported_by="Hélène", today=TODAY)
        shown = str(typed).replace(".0", "").replace(".", ",")
        assert error.value.fields == {str(ids[1]): (
            f"N° {ids[1]} « Tour de table » — Avancement : un nombre entier de 0 à 100 attendu, "
            f"« {shown} » lu (vide = non mesuré)."
        )}
        assert "rien n'a été enregistré" in str(error.value)
    assert con.execute("SELECT * FROM actions ORDER BY id").fetchall() == snapshot
    assert (count(con, "progress_updates"), count(con, "audit_log")) == counts
    assert actions.get_action(con, ids[1]).progress == 10


def test_typed_numbers_are_read_exactly_in_the_table(table):
    con, ids, _ = table
    action_table.save_changes(
        con, ORGANISER_ACTOR,
        {ids[0]: {"budget_planned": "12 500,10 €", "budget_secured": 0.1, "weight": "0,25"},
         ids[1]: {"progress": "40 %"}},
        reported_on=TODAY, reported_by="Hélène", today=TODAY,
    )
    row = con.execute("SELECT budget_planned, budget_secured, weight FROM actions WHERE id = ?",
                      [ids[0]]).fetchone()
    assert row == (Decimal("12500.10"), Decimal("0.10"), 0.25)
    assert actions.get_action(con, ids[1]).progress == 40
    with pytest.raises(ValidationError) as error:
        action_table.save_changes(con, ORGANISER_ACTOR, {ids[2]: {"budget_planned": 12500.555, "weight": 0}},
                                  reported_on=TODAY, reported_by="Hélène", today=TODAY)
    message = error.value.fields[str(ids[2])]
    assert message.startswith(
        f"N° {ids[2]} « Appel à projets » — Budget prévu : « 12500,555 » lu, un montant de 0 à "
        "100\u00a0000\u00a0000 € (centimes au plus) attendu."
    )
    assert "Poids : « 0 » lu, un nombre strictement positif" in message


# --- one consistency rule for status and %, on every write path ------------------------------------------

A_LANCER_10 = ("Statut « À lancer » mais avancement de 10 % (attendu : 0 %) : mettez 0 % (ou laissez "
               "l'avancement vide) ou choisissez En cours.")
TERMINEE_90 = ("Statut « Terminée » mais avancement de 90 % (attendu : 100 %) : mettez 100 % ou choisissez "
               "En cours.")


def test_status_and_percent_that_disagree_are_refused_at_creation(small):
    con, _, solution = small
    before = (count(con, "actions"), count(con, "progress_updates"), count(con, "audit_log"))
    with pytest.raises(ValidationError) as error:
        create(con, solution, ["Pas encore lancée"], status="a_lancer", progress_value="10 %")
    assert error.value.fields == {"progress": A_LANCER_10}
    with pytest.raises(ValidationError) as error:
        create(con, solution, ["Presque finie"], status="terminee", progress_value=90)
    assert error.value.fields == {"progress": TERMINEE_90}
    assert (count(con, "actions"), count(con, "progress_updates"), count(con, "audit_log")) == before
    (action_id,) = create(con, solution, ["Lancée à zéro"], status="a_lancer", progress_value="0")
    assert updates.history(con, action_id)[["status", "progress"]].values.tolist() == [["a_lancer", 0]]


def test_status_and_percent_that_disagree_are_refused_in_the_update_form(table):
    con, ids, _ = table
    before = (count(con, "progress_updates"), count(con, "audit_log"))
    with pytest.raises(ValidationError) as error:
        updates.record_update(con, ORGANISER_ACTOR, ids[0], reported_on=TODAY, status="terminee",
                              progress_value="90", today=TODAY)
    assert error.value.fields == {"progress": TERMINEE_90}
    assert (count(con, "progress_updates"), count(con, "audit_log")) == before


def test_status_and_percent_that_disagree_are_refused_in_the_table(table):
    con, ids, _ = table
    before = (count(con, "progress_updates"), count(con, "audit_log"))
    with pytest.raises(ValidationError) as error:
        action_table.save_changes(con, ORGANISER_ACTOR, {ids[0]: {"status": "a_lancer"}},
                                  reported_on=TODAY, reported_by="Hélène", today=TODAY)
    assert error.value.fields == {str(ids[0]): f"N° {ids[0]} « Étude » — {A_LANCER_10}"}
    assert (count(con, "progress_updates"), count(con, "audit_log")) == before
    assert actions.get_action(con, ids[0]).status == "en_cours"
    assert str(error.value).startswith("1 ligne refusée : rien n'a été enregistré. Corrigez-la puis "), \
        "the message agrees with one line"


def test_status_and_percent_that_disagree_are_refused_by_the_excel_import(table):
    con, ids, _ = table
    before = (count(con, "progress_updates"), count(con, "audit_log"))
    sheet = f"N°;Action;Statut;Avancement (%)\n{ids[0]};Étude;À lancer;10\n".encode()
    with pytest.raises(ImportRejected) as error:
        actions_import.apply_import(con, ORGANISER_ACTOR, sheet, "actions.csv", TODAY)
    assert error.value.rows == [(2, f"action n° {ids[0]} : {A_LANCER_10}")]
    points = (f"N°;N° action;Date;Statut;Avancement (%);Commentaire;Justificatif;Saisi par\n"
              f";{ids[1]};{TODAY:%d/%m/%Y};Terminée;90 %;;;\n").encode()
    with pytest.raises(ImportRejected) as error:
        actions_import.apply_import(con, ORGANISER_ACTOR, points, "points.csv", TODAY)
    assert error.value.rows == [(2, f"action n° {ids[1]} : {TERMINEE_90}")]
    assert (count(con, "progress_updates"), count(con, "audit_log")) == before


def test_one_bad_row_refuses_the_whole_save(table):
    con, ids, _ = table
    snapshot = con.execute("SELECT * FROM actions ORDER BY id").fetchall()
    counts = (count(con, "progress_updates"), count(con, "audit_log"))
    with pytest.raises(ValidationError) as error:
        action_table.save_changes(
            con, ORGANISER_ACTOR,
            {ids[0]: {"progress": 60},
             ids[1]: {"progress": 120, "due_date": dt.date(2026, 1, 1)},
             ids[2]: {"title": None}},
            reported_on=TODAY, reported_by="Hélène", today=TODAY,
        )
    assert "2 lignes refusées" in str(error.value) and "rien n'a été enregistré" in str(error.value)
    assert "Corrigez-les puis enregistrez" in str(error.value)
    assert set(error.value.fields) == {str(ids[1]), str(ids[2])}
    assert "Avancement" in error.value.fields[str(ids[1])] and "Échéance" in error.value.fields[str(ids[1])]
    assert "Intitulé" in error.value.fields[str(ids[2])]
    assert con.execute("SELECT * FROM actions ORDER BY id").fetchall() == snapshot
    assert (count(con, "progress_updates"), count(con, "audit_log")) == counts


def test_partner_cannot_save_table_edits(table):
    con, ids, _ = table
    with pytest.raises(PermissionDenied):
        action_table.save_changes(con, Actor(PARTNER, "Fondation"), {ids[0]: {"progress": 60}},
                                  reported_on=TODAY, reported_by=None, today=TODAY)
    assert actions.get_action(con, ids[0]).progress == 10


# --- A withdrawn point (labo_dash/corrections.py) ---------------------------------------------------------


@pytest.fixture
def withdrawn(tmp_path):
    """The dataset of tests/withdrawal_data.py: « Étude » at 20 %, then a wrong 90 %, withdrawn."""
    data = build_withdrawal(tmp_path)
    yield data
    data.con.close()


def test_current_state_is_the_latest_point_not_withdrawn(withdrawn):
    con, study = withdrawn.con, withdrawn.study
    action = actions.get_action(con, study)
    assert (action.status, action.progress, action.last_update) == (
        "en_cours", RIGHT, dt.date(2026, 9, 20))
    row = actions.tracker(con, TODAY).set_index("id").loc[study]
    assert (row["progress"], row["last_update"]) == (RIGHT, pd.Timestamp(2026, 9, 20))
    history = updates.history(con, study)
    assert history["progress"].tolist() == [RIGHT, 90]  # the timeline still shows it
    assert history["withdrawn"].tolist() == [False, True]
    assert (history["withdrawn_by"].iloc[1], history["withdrawal_reason"].iloc[1]) == (
        "Camille Pilote", "90 % saisi sur la mauvaise action")


def test_one_reader_reads_many_actions_as_it_reads_one(withdrawn):
    """actions.get_actions (the table's and the import's reader): each action's state in one read, the
    withdrawn 90 % left out, by id; an unknown id is absent; the latest trace is the withdrawal (UTC)."""
    con = withdrawn.con
    every = actions.get_actions(con)
    assert list(every) == [withdrawn.study, withdrawn.round_table, withdrawn.module]
    assert [(a.status, a.progress, a.last_update) for a in every.values()] == [
        ("en_cours", RIGHT, dt.date(2026, 9, 20)), ("en_cours", 60, dt.date(2026, 9, 20)),
        ("en_cours", 50, dt.date(2026, 10, 10))]
    assert [(o.number, o.weight) for o in every[withdrawn.study].objectives] == [(1, 0.5), (3, 0.5)]
    module = every[withdrawn.module]
    assert (module.challenge, module.solution) == ("Formation", "Module de formation")
    assert actions.get_actions(con, [withdrawn.module, 999_999]) == {withdrawn.module: module}
    assert actions.get_actions(con, []) == {}
    (withdrawal,) = con.execute("SELECT withdrawn_at FROM progress_withdrawals").fetchone()
    assert every[withdrawn.study].last_change == withdrawal


def test_an_action_of_a_deleted_solution_is_not_read(withdrawn):
    con = withdrawn.con
    with db.transaction(con) as cur:
        cur.execute("UPDATE solutions SET deleted_at = TIMESTAMP '2026-11-01 09:00' WHERE challenge_id = ?",
                    [withdrawn.training])
    assert list(actions.get_actions(con)) == [withdrawn.study, withdrawn.round_table]
    with pytest.raises(NotFound, match=f"L'action n° {withdrawn.module} n'existe pas"):
        actions.get_action(con, withdrawn.module)


def test_bulk_edit_dates_after_the_latest_point_in_force(withdrawn):
    con, study = withdrawn.con, withdrawn.study
    # 1 October: after the point in force (20 September), before the withdrawn one (20 October).
    saved = action_table.save_changes(con, STEERING_ACTOR, {study: {"progress": 25}},
                                      reported_on=dt.date(2026, 10, 1), reported_by=None, today=TODAY)
    assert saved.updates == 1
    assert actions.get_action(con, study).progress == 25
    unchanged = action_table.save_changes(con, STEERING_ACTOR, {withdrawn.round_table: {"progress": 60}},
                                          reported_on=TODAY, reported_by=None, today=TODAY)
    assert unchanged.updates == 0  # 60 % is already its state: nothing new
# --- a value that applies to each created action -----------------------------------------------------


def test_budget_of_actions_created_together_is_counted_once_per_action(con):
    """The creation form gives each action its amount; the partners' total grows by exactly the sum."""
    today = clock.today(con)  # the report reads actions created up to its day: the new ones are created now
    month = today.replace(day=1)
    planned_before = monthly.build_report(con, month, today).figures.planned
    titles = ["Cartographier les fonds", "Réunir les financeurs", ""]
    fields = {"budget_planned": "22 500 €", "budget_secured": "10 000,50"}
    assert action_creation.amounts_added(fields, titles) == {
        "budget_planned": Decimal("45000"), "budget_secured": Decimal("20001")}
    ids = action_creation.create_actions(con, ORGANISER_ACTOR, 1, titles, fields, reported_on=today,
                                 reported_by=None, today=today)
    assert [actions.get_action(con, i).budget_planned for i in ids] == [Decimal("22500.00")] * 2
    assert [actions.get_action(con, i).budget_secured for i in ids] == [Decimal("10000.50")] * 2
    figures = monthly.build_report(con, month, today).figures
    assert Decimal(repr(figures.planned)) - Decimal(repr(planned_before)) == Decimal("45000")
