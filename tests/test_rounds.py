"""Round lifecycle on real DuckDB files: rehearsal, duplicate, archive, delete, reference round, timer."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from labo_dash import (
    clock,
    db,
    demo,
    participants,
    rounds,
    signature,
    solutions,
    voting,
)
from labo_dash.access import ORGANISER, PARTICIPANT, PARTNER, STEERING, Actor
from labo_dash.errors import PermissionDenied, ValidationError
from labo_dash.reporting import monthly, open_data
from labo_dash.reporting.pdf import report_pdf
from labo_dash.rounds import RoundRules
from tests import test_roles
from tests.apptest import open_page

ORG = Actor(ORGANISER, "Hélène")
T0 = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)


def codes(con, n: int) -> list[str]:
    return [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT ?", [n])]


def items(con, target: str = "challenges") -> list[int]:
    return [r.id for r in rounds.candidate_items(con, target)]


def plenary(con) -> int:
    """The demo's closed dot-voting round on the défis (the 12h plenary)."""
    return db.query(con, "SELECT id FROM rounds WHERE target = 'challenges'")[0]["id"]


def voted_round(con, title: str, voters: int = 3, target: str = "challenges", contribute=False) -> int:
    """Create, open, fill with ``voters`` ballots and close a round; return its id."""
    ids = items(con, target)
    rules = RoundRules(title, target=target, method="approval")
    round_id = rounds.create_round(con, ORG, rules, ids)
    rounds.set_status(con, ORG, round_id, "open")
    for code in codes(con, voters):
        voting.submit_ballot(con, ORG, round_id, code, {ids[-1]: (1, contribute)})
    rounds.set_status(con, ORG, round_id, "closed")
    return round_id


def audit_ops(con, round_id: int) -> list[str]:
    return [r["operation"] for r in db.query(
        con, "SELECT operation FROM audit_log WHERE entity = 'rounds' AND entity_id = ? ORDER BY id",
        [round_id],
    )]


# --- Rules: every fault at once -------------------------------------------------------------------------


ALL_FAULTS = {
    "title": "Donnez un titre au tour de vote.",
    "dots_per_voter": "Le nombre de gommettes par personne doit être entre 1 et 20.",
    "items": "Choisissez au moins deux éléments sur lesquels voter.",
}


def test_every_fault_of_the_rules_is_reported_at_once_and_nothing_is_written(con):
    counts = "SELECT (SELECT count(*) FROM rounds) AS r, (SELECT count(*) FROM audit_log) AS a"
    rows_before = db.query(con, counts)
    with pytest.raises(ValidationError) as refused:
        rounds.create_round(con, ORG, RoundRules("  ", method="dots", dots_per_voter=25, max_per_item=0), [])
    assert refused.value.fields == {
        **ALL_FAULTS,
        "max_per_item": "Le plafond par élément doit être entre 1 et le nombre de gommettes par personne.",
    }
    assert str(refused.value) == rounds.REFUSED
    assert db.query(con, counts) == rows_before


def test_typed_counts_are_read_with_the_other_faults_at_once(con):
    typed = rounds.TypedRules(title="", target="challenges", method="dots", dots_per_voter="2,5",
                              max_per_item="", grade_scale=5, results_visibility="live")
    with pytest.raises(ValidationError) as refused:
        rounds.typed_rules(typed, [items(con)[0]])
    assert refused.value.fields == {
        "title": ALL_FAULTS["title"],
        "dots_per_voter": "Gommettes par personne : « 2,5 » lu, un nombre entier attendu.",
        "max_per_item": "Au plus par élément : obligatoire (un nombre entier).",
        "items": ALL_FAULTS["items"],
    }
    with pytest.raises(ValidationError) as refused:  # 25 is refused, never clamped to 20
        rounds.typed_rules(replace(typed, title="Tour", dots_per_voter="25", max_per_item="1"), items(con))
    assert refused.value.fields == {"dots_per_voter": ALL_FAULTS["dots_per_voter"]}
    good = rounds.typed_rules(replace(typed, title="Tour", dots_per_voter="4", max_per_item="2"), items(con))
    assert (good.dots_per_voter, good.max_per_item) == (4, 2)
    # Other methods keep the default counts when the dots fields are unreadable (they do not use them).
    majority = replace(typed, title="Tour", method="majority_judgment", dots_per_voter="x", max_per_item="")
    assert rounds.typed_rules(majority, items(con)) == RoundRules("Tour", method="majority_judgment")


# --- Rehearsal -----------------------------------------------------------------------------------------


def test_a_rehearsal_never_feeds_support_reports_exports_or_volunteers(con):
    # A test of the phones where the whole room (80) voted, after the 68-voter plenary: it has the most
    # voters, so it gives support until it is marked as a rehearsal.
    main = plenary(con)
    rehearsal = voted_round(con, "Test micro", voters=80)
    assert signature.support_round(con).id == rehearsal
    rounds.set_rehearsal(con, ORG, rehearsal, True)
    found = signature.support_round(con)
    assert found.id == main and found.title == "Positionnement sur les défis (plénière de 12h)"
    assert found.voters == 68 and not found.chosen
    report = monthly.build_report(con, dt.date(2026, 11, 1), dt.date(2026, 11, 26))
    assert report.support_round.id == main
    tables = open_data.open_data_tables(con)
    assert rehearsal not in tables["rounds"]["id"].to_pylist()
    assert rehearsal not in tables["round_items"]["round_id"].to_pylist()
    assert rehearsal not in tables["ballot_totals"]["round_id"].to_pylist()
    assert main in tables["ballot_totals"]["round_id"].to_pylist()
    before = solutions.volunteers(con)
    trial = voted_round(con, "Essai solutions", voters=2, target="solutions", contribute=True)
    rounds.set_rehearsal(con, ORG, trial, True)
    assert solutions.volunteers(con).equals(before)  # the test ballots' volunteers are not real ones
    assert audit_ops(con, rehearsal)[-1] == "rehearsal"


def test_unmarking_a_rehearsal_makes_it_count_again(con):
    rehearsal = voted_round(con, "Test micro", voters=80)
    rounds.set_rehearsal(con, ORG, rehearsal, True)
    rounds.set_rehearsal(con, ORG, rehearsal, False)
    assert signature.support_round(con).id == rehearsal
    assert rehearsal in open_data.open_data_tables(con)["rounds"]["id"].to_pylist()


# --- Duplicate -----------------------------------------------------------------------------------------


def test_duplicate_keeps_rules_and_items_under_a_new_title(con):
    ids = items(con)[:4]
    rules = RoundRules("Répétition", method="dots", dots_per_voter=2, max_per_item=2,
                       results_visibility="hidden")
    source = rounds.create_round(con, ORG, rules, list(reversed(ids)))
    rounds.set_rehearsal(con, ORG, source, True)
    copy = rounds.duplicate_round(con, ORG, source, "  Plénière de 12h ")
    got, original = rounds.get_round(con, copy), rounds.get_round(con, source)
    for key in ("target", "method", "dots_per_voter", "max_per_item", "grade_scale", "results_visibility"):
        assert getattr(got, key) == getattr(original, key)
    assert got.title == "Plénière de 12h" and got.status == "draft" and not got.rehearsal
    assert [i.id for i in rounds.round_items(con, copy)] == list(reversed(ids))
    created = db.query(con, "SELECT after FROM audit_log WHERE entity = 'rounds' AND entity_id = ?", [copy])
    assert json.loads(created[0]["after"])["duplicate_of"] == source
    with pytest.raises(ValidationError, match="Donnez un titre"):
        rounds.duplicate_round(con, ORG, source, " ")
    assert db.query(con, "SELECT count(*) AS n FROM rounds")[0]["n"] == 4  # the refused copy wrote nothing


# --- Archive and delete --------------------------------------------------------------------------------


def test_archived_round_is_hidden_everywhere_but_kept(con):
    old = voted_round(con, "Ancien tour", voters=80)
    assert signature.support_round(con).id == old
    rounds.set_archived(con, ORG, old, True, now=T0)
    assert old not in [r.id for r in rounds.list_rounds(con)]
    assert old in [r.id for r in rounds.list_rounds(con, include_archived=True)]
    assert rounds.projected_round(con).id != old
    assert signature.support_round(con).id == plenary(con)
    assert old not in open_data.open_data_tables(con)["rounds"]["id"].to_pylist()
    kept = rounds.get_round(con, old)  # still in the database, with its ballots
    assert kept.archived_at == dt.datetime(2026, 11, 26, 11, 0) and kept.voters == 80
    with pytest.raises(ValidationError, match="archivé"):
        rounds.set_status(con, ORG, old, "open")
    rounds.set_archived(con, ORG, old, False)
    assert old in [r.id for r in rounds.list_rounds(con)]
    assert audit_ops(con, old)[-2:] == ["archive", "unarchive"]


def test_an_open_round_is_closed_before_it_is_archived_or_deleted(con):
    round_id = rounds.create_round(con, ORG, RoundRules("Ouvert"), items(con))
    rounds.set_status(con, ORG, round_id, "open")
    with pytest.raises(ValidationError, match="clôturez-le avant de l'archiver"):
        rounds.set_archived(con, ORG, round_id, True)
    with pytest.raises(ValidationError, match="clôturez-le avant de le supprimer"):
        rounds.delete_round(con, ORG, round_id)
    assert rounds.get_round(con, round_id).archived_at is None


def test_delete_only_without_ballots(con):
    empty = rounds.create_round(con, ORG, RoundRules("Brouillon"), items(con))
    rounds.delete_round(con, ORG, empty)
    assert not db.query(con, "SELECT id FROM rounds WHERE id = ?", [empty])
    assert not db.query(con, "SELECT item_id FROM round_items WHERE round_id = ?", [empty])
    deleted = db.query(
        con, "SELECT before FROM audit_log WHERE entity = 'rounds' AND entity_id = ? "
        "AND operation = 'delete'", [empty],
    )
    assert json.loads(deleted[0]["before"])["title"] == "Brouillon"  # the audit log keeps it
    voted = voted_round(con, "Avec bulletins", voters=1)
    with pytest.raises(ValidationError, match=r"a reçu des bulletins.*Archivez-le"):
        rounds.delete_round(con, ORG, voted)
    assert rounds.get_round(con, voted).voters == 1


def test_a_round_reads_as_a_typed_record_and_its_audit_snapshot_keeps_the_stored_columns(con):
    """get_round gives enums and booleans, not raw strings; the delete's snapshot is the stored row only
    (no counts of voters or items), in plain JSON strings."""
    rules = RoundRules("Brouillon", method="approval", results_visibility="hidden")
    draft = rounds.create_round(con, ORG, rules, items(con)[:3])
    rnd = rounds.get_round(con, draft)
    assert (rnd.method, rnd.status, rnd.results_visibility) == (
        rounds.VotingMethod.APPROVAL, rounds.RoundStatus.DRAFT, rounds.Visibility.HIDDEN)
    assert rnd.revealed is False and rnd.rehearsal is False and (rnd.voters, rnd.items) == (0, 3)
    assert [i.position for i in rounds.round_items(con, draft)] == [1, 2, 3]
    rounds.delete_round(con, ORG, draft)
    [before] = db.query(con, "SELECT before FROM audit_log WHERE entity = 'rounds' AND entity_id = ? "
                             "AND operation = 'delete'", [draft])
    snapshot = json.loads(before["before"])
    assert snapshot["method"] == "approval" and snapshot["results_visibility"] == "hidden"
    assert "voters" not in snapshot and snapshot["items"] == items(con)[:3]


# --- Reference round -----------------------------------------------------------------------------------


def test_the_reference_round_is_chosen_explicitly(con):
    main = plenary(con)
    later = voted_round(con, "Tour de l'après-midi")  # 3 voters, closed after the 68-voter plenary
    found = signature.support_round(con)
    assert found.id == main and not found.chosen  # automatic: the most voters, not the latest
    assert signature.should_choose_reference(found)
    rounds.set_reference_round(con, ORG, later)  # the organisers' choice overrides the automatic one
    found = signature.support_round(con)
    assert found.id == later and found.chosen and not signature.should_choose_reference(found)
    assert [r.id for r in rounds.list_rounds(con) if r.reference] == [later]
    for refused, match in [
        (lambda: rounds.set_rehearsal(con, ORG, later, True), "tour de référence"),
        (lambda: rounds.set_archived(con, ORG, later, True), "tour de référence"),
    ]:
        with pytest.raises(ValidationError, match=match):
            refused()
    rounds.set_reference_round(con, ORG, None)
    assert signature.support_round(con).id == main
    log = db.query(con, "SELECT before, after FROM audit_log WHERE operation = 'reference_round' ORDER BY id")
    assert [json.loads(r["after"])["reference_round_id"] for r in log] == [later, None]


def test_a_reference_round_must_be_a_real_round_on_défis(con):
    solutions_round = db.query(con, "SELECT id FROM rounds WHERE target = 'solutions'")[0]["id"]
    with pytest.raises(ValidationError, match="tour sur les défis"):
        rounds.set_reference_round(con, ORG, solutions_round)
    rehearsal = voted_round(con, "Essai")
    rounds.set_rehearsal(con, ORG, rehearsal, True)
    with pytest.raises(ValidationError, match="tour d'essai"):
        rounds.set_reference_round(con, ORG, rehearsal)
    empty = rounds.create_round(con, ORG, RoundRules("Prévu"), items(con))
    rounds.set_reference_round(con, ORG, empty)
    with pytest.raises(ValidationError, match="tour de référence"):
        rounds.delete_round(con, ORG, empty)
    assert signature.support_round(con) is None  # chosen but without public results: no silent fallback


def test_only_organisers_run_the_lifecycle(con):
    main = plenary(con)
    for role in (PARTICIPANT, PARTNER):
        actor = Actor(role, "x")
        for call in (
            lambda a=actor: rounds.set_rehearsal(con, a, main, True),
            lambda a=actor: rounds.duplicate_round(con, a, main, "Copie"),
            lambda a=actor: rounds.set_archived(con, a, main, True),
            lambda a=actor: rounds.delete_round(con, a, main),
            lambda a=actor: rounds.set_reference_round(con, a, main),
            lambda a=actor: rounds.start_countdown(con, a, main, dt.timedelta(minutes=2)),
        ):
            with pytest.raises(PermissionDenied):
                call()
    assert not rounds.get_round(con, main).rehearsal


# --- Timed vote ----------------------------------------------------------------------------------------


def test_remaining_time_in_french():
    assert rounds.remaining_text(80) == "Il reste 1 min 20 s"
    assert rounds.remaining_text(120) == "Il reste 2 min"
    assert rounds.remaining_text(5) == "Il reste 5 s"
    assert rounds.remaining_text(0) == "Il reste 0 s"


def test_countdown_opens_the_round_and_it_closes_by_itself_at_the_end(con):
    round_id = rounds.create_round(con, ORG, RoundRules("Minuté"), items(con))
    ends = rounds.start_countdown(con, ORG, round_id, dt.timedelta(minutes=2), now=T0)
    assert ends == T0 + dt.timedelta(minutes=2)
    rnd = rounds.Round.from_row(db.query(con, "SELECT * FROM rounds WHERE id = ?", [round_id])[0])
    assert rnd.status == "open" and rnd.closes_at == dt.datetime(2026, 11, 26, 11, 2)
    assert rounds.remaining_seconds(rnd, T0 + dt.timedelta(seconds=40)) == 80
    assert rounds.remaining_seconds(rnd, T0 + dt.timedelta(seconds=119, microseconds=1)) == 1
    assert rounds.close_due_rounds(con, T0 + dt.timedelta(seconds=119)) == []
    assert rounds.close_due_rounds(con, T0 + dt.timedelta(seconds=125)) == [round_id]
    closed = db.query(con, "SELECT status, closed_at FROM rounds WHERE id = ?", [round_id])[0]
    assert closed == {"status": "closed", "closed_at": dt.datetime(2026, 11, 26, 11, 2)}  # at the end
    entry = db.query(con, "SELECT actor, after FROM audit_log WHERE entity_id = ? AND entity = 'rounds' "
                          "ORDER BY id DESC LIMIT 1", [round_id])[0]
    assert entry["actor"] == "clôture automatique" and json.loads(entry["after"])["reason"] == "countdown"


def test_a_round_past_its_end_reads_closed_on_the_next_read(con):
    round_id = rounds.create_round(con, ORG, RoundRules("Minuté"), items(con))
    past = clock.now() - dt.timedelta(minutes=5)
    rounds.start_countdown(con, ORG, round_id, dt.timedelta(minutes=2), now=past)
    assert rounds.open_round(con) is None  # every read closes what is due first
    assert rounds.get_round(con, round_id).status == "closed"
    assert "est clos" in rounds.waiting_message(con)


def test_countdown_duration_and_one_open_round(con):
    first = rounds.create_round(con, ORG, RoundRules("A"), items(con))
    for wrong in (dt.timedelta(seconds=4), dt.timedelta(hours=3, seconds=1)):
        with pytest.raises(ValidationError, match="entre 5 secondes et 3 heures"):
            rounds.start_countdown(con, ORG, first, wrong, now=T0)
    assert rounds.get_round(con, first).status == "draft"
    rounds.set_status(con, ORG, first, "open")
    second = rounds.create_round(con, ORG, RoundRules("B"), items(con))
    with pytest.raises(ValidationError, match="« A » est encore ouvert"):
        rounds.start_countdown(con, ORG, second, dt.timedelta(minutes=1), now=T0)


def test_a_plain_reopening_has_no_countdown(con):
    round_id = rounds.create_round(con, ORG, RoundRules("Minuté"), items(con))
    rounds.start_countdown(con, ORG, round_id, dt.timedelta(minutes=2), close_when_all_voted=True)
    rounds.set_status(con, ORG, round_id, "closed")
    rounds.set_status(con, ORG, round_id, "open")
    rnd = rounds.get_round(con, round_id)
    assert rnd.status == "open" and rnd.closes_at is None and not rnd.close_when_all_voted
    assert rounds.remaining_seconds(rnd) is None


def presence_seminar(fresh_db):
    """Two défis and four code holders: Ana, Bob and Chloé come, Dan (registered) does not."""
    con = db.open_database(fresh_db)
    with db.transaction(con) as cur:
        cur.execute("INSERT INTO challenges (id, seminar_id, title) VALUES (1, 1, 'Un'), (2, 1, 'Deux')")
        cur.execute("INSERT INTO participants (seminar_id, name, kind, code) VALUES "
                    "(1, 'Ana', 'autre', 'AAAA2222'), (1, 'Bob', 'autre', 'BBBB3333'), "
                    "(1, 'Chloé', 'autre', 'CCCC4444'), (1, 'Dan', 'autre', 'DDDD5555')")
    return con


def test_close_when_every_present_participant_has_voted(fresh_db):
    """Dan, registered with a code, did not come: he no longer holds the vote open; a present
    non-voter does."""
    con = presence_seminar(fresh_db)
    with clock.frozen(T0):
        round_id = rounds.create_round(con, ORG, RoundRules("Tout le monde"), [1, 2])
        rounds.start_countdown(con, ORG, round_id, dt.timedelta(minutes=10), close_when_all_voted=True)
    for code, minute in (("BBBB3333", 1), ("CCCC4444", 2)):  # Bob and Chloé open their page: present
        person = participants.participant_by_code(con, code)
        participants.check_in(con, person, T0 + dt.timedelta(minutes=minute))
    with clock.frozen(T0 + dt.timedelta(minutes=3)):
        voting.submit_ballot(con, ORG, round_id, "AAAA2222", {1: (1, False)})  # a ballot checks Ana in
        assert rounds.get_round(con, round_id).status == "open"  # Bob and Chloé, present, have not voted
        assert rounds.present_votes(con, round_id).sentence() == "1 vote sur 3 présent·e·s"
        voting.submit_ballot(con, ORG, round_id, "BBBB3333", {2: (1, False)})
        assert rounds.get_round(con, round_id).status == "open"  # Chloé is present and has not voted
    with clock.frozen(T0 + dt.timedelta(minutes=4)):
        voting.submit_ballot(con, ORG, round_id, "CCCC4444", {2: (1, False)})
        rnd = rounds.get_round(con, round_id)
    assert rnd.status == "closed" and rnd.closed_at == dt.datetime(2026, 11, 26, 11, 4)  # Dan absent
    assert rounds.present_votes(con, round_id, T0).sentence() == "3 votes sur 3 présent·e·s"
    reason = db.query(con, "SELECT after FROM audit_log WHERE actor = 'clôture automatique'")[0]["after"]
    assert json.loads(reason)["reason"] == "all_voted"
    con.close()


def test_nobody_present_never_closes_the_round_early(fresh_db):
    con = presence_seminar(fresh_db)
    with clock.frozen(T0):
        round_id = rounds.create_round(con, ORG, RoundRules("Personne"), [1, 2])
        rounds.start_countdown(con, ORG, round_id, dt.timedelta(minutes=10), close_when_all_voted=True)
    assert rounds.close_due_rounds(con, T0 + dt.timedelta(minutes=9)) == []  # at least one present needed
    assert rounds.present_votes(con, round_id).sentence() == "0 vote sur 0 présent·e"
    assert rounds.close_due_rounds(con, T0 + dt.timedelta(minutes=10)) == [round_id]  # the countdown ends it
    con.close()


def test_a_check_in_of_the_day_before_does_not_hold_the_close(fresh_db):
    """Dan checked in at yesterday's rehearsal and did not come back: the close does not wait for him;
    Bob, who opened his page today, is awaited."""
    con = presence_seminar(fresh_db)
    dan = participants.participant_by_code(con, "DDDD5555")
    participants.check_in(con, dan, T0 - dt.timedelta(days=1))  # the rehearsal, the day before
    with clock.frozen(T0):
        round_id = rounds.create_round(con, ORG, RoundRules("Le jour J"), [1, 2])
        rounds.start_countdown(con, ORG, round_id, dt.timedelta(minutes=10), close_when_all_voted=True)
        participants.check_in(con, participants.participant_by_code(con, "BBBB3333"))
        voting.submit_ballot(con, ORG, round_id, "AAAA2222", {1: (1, False)})
        assert rounds.present_votes(con, round_id).sentence() == "1 vote sur 2 présent·e·s"  # Ana and Bob
        assert rounds.get_round(con, round_id).status == "open"  # Bob has not voted
        voting.submit_ballot(con, ORG, round_id, "BBBB3333", {2: (1, False)})
        assert rounds.get_round(con, round_id).status == "closed"  # Dan's rehearsal check-in is ignored
    assert json.loads(db.query(con, "SELECT after FROM audit_log WHERE actor = 'clôture automatique'")[0]
                      ["after"])["reason"] == "all_voted"
    con.close()


def test_an_organiser_marking_someone_present_holds_the_close(fresh_db):
    con = presence_seminar(fresh_db)
    with clock.frozen(T0):
        round_id = rounds.create_round(con, ORG, RoundRules("Pointage"), [1, 2])
        rounds.start_countdown(con, ORG, round_id, dt.timedelta(minutes=10), close_when_all_voted=True)
        ids = {r["name"]: r["id"] for r in db.query(con, "SELECT id, name FROM participants")}
        participants.set_presence(con, ORG, [ids["Ana"], ids["Dan"]])  # Dan came after all, without phone
        voting.submit_ballot(con, ORG, round_id, "AAAA2222", {1: (1, False)})
        assert rounds.get_round(con, round_id).status == "open"  # Dan is present: his paper ballot awaited
        participants.set_presence(con, ORG, [ids["Ana"]])  # he left: organisers uncheck him
        assert rounds.get_round(con, round_id).status == "closed"
    con.close()


# --- Pages (AppTest) -----------------------------------------------------------------------------------


def test_a_timed_round_closing_by_itself_keeps_the_reveal_button_in_view(app_db):
    con = db.open_database(app_db)
    round_id = rounds.create_round(con, ORG, RoundRules("Minuté masqué", results_visibility="hidden"),
                                   items(con))
    rounds.start_countdown(con, ORG, round_id, dt.timedelta(minutes=2),
                           now=clock.now() - dt.timedelta(minutes=3))
    con.close()
    at = open_page("pages/admin.py", {"onglet": "Tours de vote"})
    box = next(e for e in at.expander if e.label.startswith("Minuté masqué"))
    assert "Clos" in box.label and box.proto.expanded
    reveal = next(b for b in box.button if b.label == "Révéler les résultats")
    assert not reveal.disabled
    reveal.click()
    at.run()
    assert not at.exception
    con = db.open_database(app_db)
    assert rounds.get_round(con, round_id).revealed
    con.close()


def test_admin_marks_a_rehearsal_archives_it_and_shows_it_behind_the_toggle(app_db):
    con = db.open_database(app_db)
    trial = voted_round(con, "Test micro", voters=80)  # more voters than the plenary: it gives support
    con.close()
    at = open_page("pages/admin.py", {"onglet": "Tours de vote"})
    assert any("Soutien tiré du tour « Test micro »" in w.value for w in at.warning)  # named, and
    assert any("choisissez explicitement le tour de référence" in w.value for w in at.warning)  # an invite
    box = next(e for e in at.expander if e.label.startswith("Test micro"))
    # It gives support (automatic choice): the button asks first, naming where support would go.
    assert "Ce tour donne aujourd'hui le soutien aux défis (choix automatique). Le soutien passera au tour " \
           "« Positionnement sur les défis (plénière de 12h) » (68 votant·e·s)." in [
               w.value.replace("\\", "") for w in box.warning]  # markdown escapes taken off
    assert not any(b.label == "Marquer comme tour d'essai" for b in box.button)  # a popover, not a click
    con = db.open_database(app_db)
    assert not rounds.get_round(con, trial).rehearsal
    con.close()
    next(b for b in box.button if b.label == "Confirmer : marquer comme tour d'essai").click()
    at.run()
    assert any("Soutien tiré du tour « Positionnement sur les défis" in i.value for i in at.info)
    assert not any("choisissez explicitement" in w.value for w in at.warning)  # one round left: no invite
    box = next(e for e in at.expander if e.label.startswith("Test micro"))
    assert "Tour d'essai" in box.label
    next(b for b in box.button if b.label == "Archiver").click()  # a rehearsal gives no support: no question
    at.run()
    assert not any(e.label.startswith("Test micro") for e in at.expander)
    at.toggle(key="rounds-show-archived").set_value(True)
    at.run()
    assert any(e.label.startswith("Test micro") and "Archivé" in e.label for e in at.expander)
    con = db.open_database(app_db)
    row = rounds.get_round(con, trial)
    assert row.rehearsal and row.archived_at is not None
    con.close()


def test_admin_disabled_lifecycle_buttons_say_why(app_db):
    """The reference round cannot become a rehearsal nor be archived, a round with ballots cannot be
    deleted: the buttons are disabled and their tooltip says why, instead of refusing after the click."""
    con = db.open_database(app_db)
    plenary = signature.support_round(con).id
    rounds.set_reference_round(con, ORG, plenary)
    title = rounds.get_round(con, plenary).title
    con.close()
    at = open_page("pages/admin.py", {"onglet": "Tours de vote"})
    box = next(e for e in at.expander if e.label.startswith(title))
    buttons = {b.label: b for b in box.button}
    for label in ("Marquer comme tour d'essai", "Archiver"):
        assert buttons[label].disabled and buttons[label].help == rounds.REFERENCE_FIRST
    assert buttons["Supprimer"].disabled
    assert buttons["Supprimer"].help.startswith("Ce tour a reçu des bulletins")


def test_admin_starts_a_countdown_and_the_projection_shows_the_time_left(app_db):
    at = open_page("pages/admin.py", {"onglet": "Tours de vote"})
    title = next(t for t in at.text_input if t.key.startswith("rules-new") and t.key.endswith("-title"))
    title.input("Plénière minutée")
    next(b for b in at.button if b.label == "Créer le tour").click()
    at.run()
    box = next(e for e in at.expander if e.label.startswith("Plénière minutée"))
    next(n for n in box.text_input if n.label == "Minutes").input("1")
    next(n for n in box.text_input if n.label == "Secondes").input("30")
    next(b for b in box.button if b.label == "Lancer le compte à rebours").click()
    at.run()
    assert any("Compte à rebours lancé" in s.value for s in at.success)
    assert any(w.value.startswith("Il reste 1 min") for w in at.warning)
    projection = open_page("pages/resultats.py")
    html = " ".join(h.proto.body for h in projection.get("html"))
    assert "Vote ouvert" in html and "Il reste 1 min" in html and "pour voter" in html


@pytest.mark.parametrize(("minutes", "seconds", "message"), [
    ("200", "0", "La durée du compte à rebours doit être comprise entre 5 secondes et 3 heures."),
    ("deux", "0", "Minutes : « deux » n'est pas un nombre"),
    ("1", "75", "Secondes : « 75 » lu, un nombre entier de 0 à 59 attendu."),
])
def test_a_wrong_countdown_is_refused_in_french_and_kept(app_db, minutes, seconds, message):
    """200 minutes showed an English range tooltip and a button that did nothing."""
    at = open_page("pages/admin.py", {"onglet": "Tours de vote"})
    title = next(t for t in at.text_input if t.key.startswith("rules-new") and t.key.endswith("-title"))
    title.input("Plénière minutée")
    next(b for b in at.button if b.label == "Créer le tour").click()
    at.run()
    box = next(e for e in at.expander if e.label.startswith("Plénière minutée"))
    next(n for n in box.text_input if n.label == "Minutes").input(minutes)
    next(n for n in box.text_input if n.label == "Secondes").input(seconds)
    next(b for b in box.button if b.label == "Lancer le compte à rebours").click()
    at.run()
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    box = next(e for e in at.expander if e.label.startswith("Plénière minutée"))
    assert next(n for n in box.text_input if n.label == "Minutes").value == minutes
    con = db.open_database(app_db)
    row = next(r for r in rounds.list_rounds(con) if r.title == "Plénière minutée")
    assert row.status == "draft" and row.closes_at is None
    con.close()


def test_the_full_vote_page_shows_the_time_left(app_db):
    con = db.open_database(app_db)
    round_id = rounds.create_round(con, ORG, RoundRules("Plénière minutée"), items(con))
    rounds.start_countdown(con, ORG, round_id, dt.timedelta(minutes=3))
    code = codes(con, 1)[0]
    con.close()
    at = open_page("pages/vote.py", {"code": code})
    assert any(re.fullmatch(r"Il reste [23] min( \d+ s)? pour voter\.", w.value) for w in at.warning)


@pytest.mark.slow  # renders the PDF report (charts drawn by vl-convert): seconds alone
def test_the_pdf_report_names_its_support_round_never_a_rehearsal(con):
    rehearsal = voted_round(con, "Test micro")
    rounds.set_rehearsal(con, ORG, rehearsal, True)
    report = monthly.build_report(con, dt.date(2026, 11, 1), dt.date(2026, 11, 26))
    pages = PdfReader(io.BytesIO(report_pdf(report))).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Soutien tiré du tour « Positionnement sur les défis (plénière de 12h) » (" in text
    assert "Test micro" not in text


def test_the_home_page_invites_organisers_to_choose_the_reference_round(app_db):
    con = db.open_database(app_db)
    voted_round(con, "Test micro")  # 3 voters, closed after the 68-voter plenary
    con.close()
    at = open_page("pages/accueil.py")
    invite = [w.value.replace("\\", "") for w in at.warning if "choisissez explicitement" in w.value]
    assert invite == ["Le soutien ci-dessous vient du tour « Positionnement sur les défis (plénière de "
                      "12h) », choisi automatiquement. 2 tours sur les défis peuvent donner le soutien : "
                      "choisissez explicitement le tour de référence (la plénière, en général)."]
    link = next(e.proto for e in at.get("page_link") if e.proto.label.startswith("Choisir le tour"))
    assert (link.page, link.query_string) == ("admin", "onglet=Tours+de+vote")
    con = db.open_database(app_db)
    rounds.set_reference_round(con, ORG, plenary(con))
    con.close()
    at = open_page("pages/accueil.py")
    assert not any("choisissez explicitement" in w.value for w in at.warning)  # chosen: no invitation


@pytest.fixture
def signed_in(demo_db, monkeypatch):
    """Passcodes configured (no demo mode: each session has a role), a private demo database."""
    from labo_dash import auth

    monkeypatch.setenv("LABO_DB", str(demo_db))
    for role, code in test_roles.PASSCODES.items():
        monkeypatch.setenv(auth.PASSCODE_VARIABLES[role], auth.hash_passcode(code))
    yield demo_db
    db.close(demo_db)


@pytest.mark.parametrize(("role", "invited"), [(ORGANISER, True), (PARTNER, False), (STEERING, False)])
def test_the_invitation_is_only_for_those_who_can_choose(signed_in, role, invited):
    con = db.open_database(signed_in)
    voted_round(con, "Test micro")
    con.close()
    at = test_roles.app(role)
    at.run()  # the home page
    assert not at.exception, [e.value for e in at.exception]
    assert any("Soutien tiré du tour « Positionnement" in c.value for c in at.caption)  # the page is shown
    assert any("choisissez explicitement" in w.value for w in at.warning) == invited
    assert any(e.proto.label.startswith("Choisir le tour") for e in at.get("page_link")) == invited


# The demo's seminar day, in the afternoon (Paris): its voters and walk-ins are checked in that day.
DEMO_AFTERNOON = dt.datetime.combine(demo.DAY, dt.time(15), tzinfo=dt.UTC)


def test_admin_marks_everyone_present_and_counts_them(app_db):
    con = db.open_database(app_db)
    before = participants.presence(con, now=DEMO_AFTERNOON)  # the demo checks in its voters and walk-ins
    assert participants.presence(con, now=DEMO_AFTERNOON + dt.timedelta(days=1)).present == 0  # next day
    con.close()
    assert 0 < before.present < before.registered == 80
    with clock.frozen(DEMO_AFTERNOON):
        at = open_page("pages/admin.py", {"onglet": "Participant·e·s et badges"})
        assert any(m.value == f"**{before.present} présent·e·s sur 80 inscrit·e·s**" for m in at.markdown)
        next(b for b in at.button if b.label == "Tout marquer présent").click()
        at.run()
        assert not at.exception
        assert any("80 présent·e·s sur 80 inscrit·e·s" in s.value for s in at.success)
        assert any(m.value == "**80 présent·e·s sur 80 inscrit·e·s**" for m in at.markdown)
        con = db.open_database(app_db)
        assert participants.presence(con) == participants.Presence(80, 80)
        assert db.query(con, "SELECT count(*) AS n FROM audit_log WHERE operation = 'presence'")[0]["n"] == 1
        con.close()


def test_admin_marks_everyone_absent_after_confirming_and_shows_arrival_dates(app_db):
    """The demo day's check-ins show with their date; « Tout marquer absent » asks first, then writes once."""
    con = db.open_database(app_db)
    before = participants.presence(con, now=DEMO_AFTERNOON).present
    con.close()
    with clock.frozen(DEMO_AFTERNOON):
        at = open_page("pages/admin.py", {"onglet": "Participant·e·s et badges"})
        arrivals = next(df for df in at.dataframe if "Arrivée" in df.value.columns).value["Arrivée"]
        assert any(str(a).startswith("24 mars 2026 à ") for a in arrivals)
        assert any(f"les {before} présent·e·s d'aujourd'hui ?" in m.value for m in at.markdown)  # asks first
        con = db.open_database(app_db)
        assert participants.presence(con).present == before  # nothing written yet
        con.close()
        next(b for b in at.button if b.label == "Oui, tout marquer absent").click()
        at.run()
        assert not at.exception
        assert any("0 présent·e sur 80 inscrit·e·s" in s.value for s in at.success)
    con = db.open_database(app_db)
    assert participants.presence(con, now=DEMO_AFTERNOON) == participants.Presence(0, 80)
    log = db.query(con, "SELECT after FROM audit_log WHERE operation = 'presence'")
    assert len(log) == 1 and len(json.loads(log[0]["after"])["left"]) == before
    con.close()


def test_the_admin_countdown_and_the_projection_state_present_votes(app_db):
    con = db.open_database(app_db)
    round_id = rounds.create_round(con, ORG, RoundRules("Plénière minutée"), items(con))
    rounds.start_countdown(con, ORG, round_id, dt.timedelta(minutes=5), close_when_all_voted=True)
    people = participants.list_participants(con)
    participants.set_presence(con, ORG, [int(i) for i in people["id"][:54]])
    for code in people["code"][:41]:
        voting.submit_ballot(con, ORG, round_id, code, {items(con)[0]: (1, False)})
    con.close()
    at = open_page("pages/admin.py", {"onglet": "Tours de vote"})
    assert any("ou dès que tout le monde a voté (41 votes sur 54 présent·e·s)" in w.value for w in at.warning)
    projection = open_page("pages/resultats.py")
    html = " ".join(h.proto.body for h in projection.get("html"))
    assert "pour voter · 41 votes sur 54 présent·e·s" in html
