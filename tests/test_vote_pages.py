"""AppTest flows for /vote, /resultats and /admin on private copies of the demo database."""

from __future__ import annotations

import datetime as dt
import html

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from labo_dash import challenges, clock, db, rounds, settings, voting
from labo_dash.access import ORGANISER, Actor
from labo_dash.rounds import RoundRules
from tests.apptest import open_page

ORGANISER_ACTOR = Actor(ORGANISER, "Hélène")


def prepare(path, **rules) -> int | None:
    """Open a round with ``rules`` (none when empty) in the database file; return its id."""
    con = db.open_database(path)
    try:
        if not rules:
            return None
        target = rules.get("target", "challenges")
        items = [c.id for c in rounds.candidate_items(con, target)]
        round_id = rounds.create_round(con, ORGANISER_ACTOR, RoundRules(title="Tour de test", **rules), items)
        rounds.set_status(con, ORGANISER_ACTOR, round_id, "open")
        return round_id
    finally:
        con.close()


def read(path, sql: str, params=()) -> list[dict]:
    con = db.open_database(path)
    try:
        return db.query(con, sql, list(params))
    finally:
        con.close()


def first_code(path) -> str:
    return read(path, "SELECT code FROM participants ORDER BY id LIMIT 1")[0]["code"]


def test_vote_without_code_asks_for_it_and_refuses_a_wrong_one(app_db):
    at = open_page("pages/vote.py")
    assert at.text_input(key="vote_code_typed")
    at.text_input(key="vote_code_typed").input("ZZZZ-ZZZZ")
    at.button[0].click()
    at.run()
    assert "Code inconnu" in at.error[0].value
    assert at.query_params["code"] == "ZZZZZZZZ"  # spaces, dashes and case are cleaned


def test_vote_with_valid_code_and_no_open_round(app_db):
    at = open_page("pages/vote.py", {"code": first_code(app_db)})
    shown = [i.value.replace("\\", "") for i in at.info]  # markdown escapes aside
    assert any("est clos : merci de votre participation" in text for text in shown)  # the demo's rounds
    assert any(m.value.startswith("Bonjour") for m in at.markdown)


@pytest.mark.slow
def test_a_timed_ballot_gives_way_to_the_close_message_when_the_countdown_ends(app_db):
    """The full /vote page kept an editable ballot after the countdown ended until reloaded: its next run
    (the countdown fragment reruns the page once the round is no longer open) shows the close instead."""
    start = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
    with clock.frozen(start):
        round_id = prepare(app_db, dots_per_voter=2)
        con = db.open_database(app_db)
        rounds.start_countdown(con, ORGANISER_ACTOR, round_id, dt.timedelta(minutes=2))
        con.close()
    with clock.frozen(start + dt.timedelta(seconds=30)):
        at = open_page("pages/vote.py", {"code": first_code(app_db)})
        assert len(at.checkbox) == 10 and any(b.label == "Enregistrer mon vote" for b in at.button)
        assert any(w.value == "Il reste 1 min 30 s pour voter." for w in at.warning)
    with clock.frozen(start + dt.timedelta(minutes=2, seconds=1)):
        at.run()
    assert not at.exception
    assert not at.checkbox and not any(b.label == "Enregistrer mon vote" for b in at.button)
    assert any("« Tour de test » est clos" in i.value.replace("\\", "") for i in at.info)
    assert read(app_db, "SELECT status FROM rounds WHERE id = ?", [round_id])[0]["status"] == "closed"


def test_dot_ballot_is_refused_then_saved_and_kept(app_db):
    round_id = prepare(app_db, dots_per_voter=2)
    code = first_code(app_db)
    at = open_page("pages/vote.py", {"code": code})
    boxes = at.checkbox
    assert len(boxes) == 10
    for box in boxes[:3]:
        box.check()
    at.button[0].click()
    at.run()
    assert "3 gommettes alors que vous en avez 2" in at.error[0].value
    assert [box.value for box in at.checkbox[:3]] == [True, True, True]  # what was chosen stays
    assert not read(app_db, "SELECT id FROM ballots WHERE round_id = ?", [round_id])
    at.checkbox[2].uncheck()
    at.button[0].click()
    at.run()
    assert "vous avez placé vos 2 gommettes" in at.success[0].value
    at.button[0].click()  # the same ballot again
    at.run()
    assert "rien n'a changé" in at.info[-1].value
    assert len(read(app_db, "SELECT id FROM ballots WHERE round_id = ?", [round_id])) == 1


def test_majority_judgment_ballot_with_contribute(app_db):
    round_id = prepare(app_db, target="solutions", method="majority_judgment")
    at = open_page("pages/vote.py", {"code": first_code(app_db)})
    grades = at.pills
    assert len(grades) == 15 and all(p.value == 5 for p in grades)  # "Pas d'avis" is explicit by default
    grades[0].set_value(0)
    grades[1].set_value(2)
    at.checkbox[0].check()
    at.button[0].click()
    at.run()
    assert at.success, [e.value for e in at.error]
    entries = read(
        app_db, "SELECT e.item_id, e.value, e.contribute FROM ballot_entries e JOIN ballots b ON b.id = "
        "e.ballot_id WHERE b.round_id = ? ORDER BY e.item_id", [round_id],
    )
    assert len(entries) == 15 and sorted(e["value"] for e in entries)[:2] == [0, 2]
    assert sum(e["contribute"] for e in entries) == 1


def test_walk_in_self_registration_puts_the_code_in_the_link(app_db):
    con = db.open_database(app_db)
    settings.set_setting(con, ORGANISER_ACTOR, "self_registration", True)
    con.close()
    at = open_page("pages/vote.py")
    at.text_input(key="vote_signup_name").input("Jeanne Martin")
    at.text_input(key="vote_signup_structure").input("Tiers-lieu La Grange")
    at.button[1].click()
    at.run()
    assert "type de participant" in " ".join(e.value for e in at.error)
    assert at.text_input(key="vote_signup_name").value == "Jeanne Martin"  # what was typed stays
    at.selectbox(key="vote_signup_kind").select("autre")
    at.button[1].click()
    at.run()
    row = read(app_db, "SELECT code FROM participants WHERE name = 'Jeanne Martin' AND self_registered")
    assert row and row[0]["code"] in at.success[0].value.replace(" ", "").replace("*", "")
    assert at.query_params["code"] == row[0]["code"]


def html_texts(at: AppTest) -> str:
    """Return the text of every st.html block of the page (the projection writes its figures in HTML)."""
    return " ".join(h.proto.body for h in at.get("html"))


def test_projection_of_a_closed_round_shows_vote_clos_instead_of_the_qr_code(app_db):
    at = open_page("pages/resultats.py")
    assert "Positionnement de clôture" in at.title[0].value
    texts = html_texts(at)
    assert "60 votant·e·s sur 80 inscrit·e·s" in texts
    assert "data-testid='projo-closed'>Vote clos<" in texts
    assert "/bulletin" not in texts and "Scannez pour voter" not in texts and "projo-qr'" not in texts
    at = open_page("pages/resultats.py", {"tour": "1"})
    assert "plénière de 12h" in at.title[0].value


def test_projection_before_the_first_ballot_shows_what_is_voted_on(app_db):
    prepare(app_db, dots_per_voter=4, max_per_item=2)
    sql = ("SELECT c.title FROM round_items i JOIN challenges c ON c.id = i.item_id WHERE i.round_id = 3 "
           "ORDER BY i.position")
    titles = [r["title"] for r in read(app_db, sql)]
    at = open_page("pages/resultats.py")
    assert "Tour de test" in at.title[0].value
    texts = html_texts(at)
    assert "0 votant·e sur 80 inscrit·e·s" in texts and "En attente" not in texts
    assert "4 gommettes, au plus 2 par défi" in texts
    assert "Scannez pour voter" in texts and "data-testid='projo-qr'" in texts
    assert "src='data:image/png;base64," in texts  # the QR code
    assert "/bulletin" in texts  # the QR code's light ballot, its address written under it
    agenda = texts[texts.index("<ol class='projo-items"):]
    places = [agenda.index(f"<span class='what'>{html.escape(t)}</span>") for t in titles]
    assert places == sorted(places)  # numbered in the round's order
    assert len(titles) == 10 and agenda.count("<li>") == 10
    assert html.escape("Passer de financements par projets") in agenda  # the défi's description


def test_projection_before_the_first_ballot_of_a_majority_judgment_round_lists_the_grades(app_db):
    prepare(app_db, target="solutions", method="majority_judgment", grade_scale=7)
    texts = html_texts(open_page("pages/resultats.py"))
    assert "Une mention pour chaque solution" in texts
    grades = ["Excellent", "Très bien", "Bien", "Assez bien", "Passable", "Insuffisant", "À rejeter",
              "Pas d&#x27;avis"]
    assert "<ul class='projo-grades'>" + "".join(f"<li>{g}</li>" for g in grades) + "</ul>" in texts
    assert html.escape("Défi : Financer durablement l'animation des coopérations") in texts  # solution's défi


def test_projection_agenda_shows_typed_markup_as_text(app_db):
    hostile = "<img src=x onerror=alert(1)>**gras**"
    con = db.open_database(app_db)
    challenge = challenges.create_challenge(
        con, ORGANISER_ACTOR, title=f"{hostile} défi", description=hostile, workshop_id=1, weights={1: 100},
        finding_ids=[],
    )
    rounds.set_status(con, ORGANISER_ACTOR,
                      rounds.create_round(con, ORGANISER_ACTOR, RoundRules("Tour"), [challenge, 1]), "open")
    con.close()
    texts = html_texts(open_page("pages/resultats.py"))
    assert f"<span class='what'>{html.escape(hostile)} défi</span>" in texts and "<img src=x" not in texts


def test_projection_shows_the_chart_from_the_first_ballot_on(app_db):
    round_id = prepare(app_db, method="dots")
    con = db.open_database(app_db)
    first = rounds.round_items(con, round_id)[0]
    voting.submit_ballot(con, ORGANISER_ACTOR, round_id, first_code(app_db), {first.id: (1, False)})
    con.close()
    at = open_page("pages/resultats.py")
    texts = html_texts(at)
    assert "1 votant·e sur 80 inscrit·e·s" in texts and "<ol class='projo-items'>" not in texts
    assert "/bulletin" in texts  # still open: people keep joining
    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas()
              for chart in at.get("vega_lite_chart") for d in chart.proto.datasets]
    totals = next(frame for frame in frames if "item" in frame.columns)
    assert totals.loc[totals["value"] == 1, "item"].tolist() == [f"1. {first.title}"]


def test_projection_hides_results_until_the_organisers_reveal_them(app_db):
    round_id = prepare(app_db, results_visibility="hidden")
    con = db.open_database(app_db)
    items = [i.id for i in rounds.round_items(con, round_id)]
    voting.submit_ballot(con, ORGANISER_ACTOR, round_id, first_code(app_db), {items[0]: (1, False)})
    rounds.set_status(con, ORGANISER_ACTOR, round_id, "closed")
    con.close()
    at = open_page("pages/resultats.py", {"tour": str(round_id)})
    texts = html_texts(at)
    assert "résultats sont masqués" in texts and "1 votant·e sur 80 inscrit·e·s" in texts
    next(b for b in at.button if b.label == "Révéler les résultats").click()
    at.run()
    assert "résultats sont masqués" not in " ".join(h.proto.body for h in at.get("html"))
    assert read(app_db, "SELECT revealed FROM rounds WHERE id = ?", [round_id])[0]["revealed"]


def test_admin_creates_and_opens_a_round(app_db):
    at = open_page("pages/admin.py", {"onglet": "Tours de vote"})
    submit = next(b for b in at.button if b.label == "Créer le tour")
    submit.click()
    at.run()
    assert any("Donnez un titre" in e.value for e in at.error)
    title = next(t for t in at.text_input if t.key.endswith("-title") and t.key.startswith("rules-new"))
    title.input("Tour du matin")
    next(b for b in at.button if b.label == "Créer le tour").click()
    at.run()
    assert any("Tour du matin" in s.value for s in at.success)
    created = read(app_db, "SELECT id, status FROM rounds WHERE title = 'Tour du matin'")
    assert created and created[0]["status"] == "draft"
    next(b for b in at.button if b.label == "Ouvrir le vote").click()
    at.run()
    assert read(app_db, "SELECT status FROM rounds WHERE title = 'Tour du matin'")[0]["status"] == "open"


def test_admin_results_show_tie_breaks_and_split(app_db):
    at = open_page("pages/admin.py", {"onglet": "Résultats"})
    labels = [m.label for m in at.metric]
    assert "Participation" in labels
    assert any("60 votant·e·s sur 80 inscrit·e·s" in m.value for m in at.markdown)
    assert any("p (au-dessus)" in str(df.value.columns.tolist()) for df in at.dataframe)
    sentences = [line for m in at.markdown for line in m.value.split("\n\n") if "mention majoritaire" in line]
    assert len(sentences) >= 10


def test_admin_selects_challenges_for_the_afternoon(app_db):
    at = open_page("pages/admin.py", {"onglet": "Défis retenus"})
    boxes = at.checkbox
    assert len(boxes) == 10
    for box in boxes:
        box.uncheck()
    boxes[0].check()
    boxes[1].check()
    next(b for b in at.button if b.label == "Enregistrer la sélection").click()
    at.run()
    assert len(read(app_db, "SELECT id FROM challenges WHERE selected")) == 2


def test_admin_registers_a_participant_and_keeps_input_on_error(app_db):
    at = open_page("pages/admin.py")
    at.text_input(key="register_structure").input("Coopérative Oxalis")
    next(b for b in at.button if b.label == "Inscrire").click()
    at.run()
    assert at.text_input(key="register_structure").value == "Coopérative Oxalis"
    assert any("Indiquez le nom" in e.value for e in at.error)
    at.text_input(key="register_name").input("Awa Diallo")
    at.selectbox(key="register_kind").select("accompagnateur")
    next(b for b in at.button if b.label == "Inscrire").click()
    at.run()
    assert any("Awa Diallo" in s.value and "Code personnel" in s.value for s in at.success)


def tied_round(path) -> list[str]:
    """Open a majority-judgment round where the first three défis get identical merit profiles.

    Return the titles in the round's order: three tied first (« 1. 1. 1. »), a fourth, then six défis
    nobody graded (all « Pas d'avis », tied again at rank 5).
    """
    round_id = prepare(path, method="majority_judgment")
    con = db.open_database(path)
    try:
        items = rounds.round_items(con, round_id)
        codes = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT 3")]
        for code, grade in zip(codes, [0, 1, 0], strict=True):
            choices = {i.id: (grade, False) for i in items[:3]} | {items[3].id: (2, False)}
            voting.submit_ballot(con, ORGANISER_ACTOR, round_id, code, choices)
        return [i.title for i in items]
    finally:
        con.close()


def test_projection_shows_tied_majority_judgment_items_as_a_tie(app_db):
    titles = tied_round(app_db)
    at = open_page("pages/resultats.py")
    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas()
              for chart in at.get("vega_lite_chart") for d in chart.proto.datasets]
    profiles = [frame for frame in frames if "grade" in frame.columns]  # the merit profiles' bars
    # The laptop's chart (first) draws what fits without splitting a tie; the phone's (last) draws all.
    laptop = [label.split(" ", 1)[0] for label in dict.fromkeys(profiles[0]["item"])]
    assert laptop[:4] == ["1.", "1.", "1.", "4."]
    labels = list(dict.fromkeys(profiles[-1]["item"]))
    expected = ["1.", "1.", "1.", "4.", "5.", "5.", "5.", "5.", "5.", "5."]
    assert [label.split(" ", 1)[0] for label in labels] == expected
    for label, title in zip(labels, titles, strict=True):  # long titles are shortened with « … »
        assert title.startswith(label.split(" ", 1)[1].removesuffix("…"))


def test_admin_results_and_selection_show_the_tie(app_db):
    titles = tied_round(app_db)
    at = open_page("pages/admin.py", {"onglet": "Résultats"})
    ranking = next(df.value for df in at.dataframe if "Rang" in df.value.columns)
    assert ranking["Rang"].tolist() == ["1er ex æquo"] * 3 + ["4e"] + ["5e ex æquo"] * 6
    assert ranking["Élément"].tolist()[:4] == titles[:4]
    con = db.open_database(app_db)  # the 3-voter round ranks the défis once organisers make it the reference
    tied = rounds.open_round(con).id
    rounds.set_reference_round(con, ORGANISER_ACTOR, tied)
    con.close()
    at = open_page("pages/admin.py", {"onglet": "Défis retenus"})
    labels = [box.label for box in at.checkbox]
    shown = ["1er ex æquo · Excellent"] * 3 + ["4e · Bien"]
    assert labels[:4] == [f"{title} — {rank}" for title, rank in zip(titles[:4], shown, strict=True)]
    assert not any("ᵉ" in label for label in labels)


def test_selection_ranks_by_the_round_with_the_most_voters(app_db):
    """A later 3-voter test round (not the reference) does not take over the ranking of « Défis retenus »."""
    tied_round(app_db)
    con = db.open_database(app_db)
    rounds.set_status(con, ORGANISER_ACTOR, rounds.open_round(con).id, "closed")
    on_challenges = [r for r in rounds.list_rounds(con) if r.target == "challenges"]
    plenary = max(on_challenges, key=lambda r: r.voters)
    con.close()
    at = open_page("pages/admin.py", {"onglet": "Défis retenus"})
    ranked_by = next(c.value for c in at.caption if c.value.startswith("Classement du tour"))
    assert f"({plenary.voters} votant·e·s" in ranked_by and "Tour de test" not in ranked_by


def test_admin_results_of_two_solutions_with_the_same_title(app_db):
    """Two solutions of two défis may share a title: the split by participant type raised « duplicate »."""
    from tests.actions_data import add_solution

    con = db.open_database(app_db)
    challenges = [c.id for c in rounds.candidate_items(con, "challenges")][:2]
    same = [add_solution(con, c, "Un fonds territorial") for c in challenges]
    round_id = rounds.create_round(con, ORGANISER_ACTOR, RoundRules("Solutions", target="solutions"), same)
    rounds.set_status(con, ORGANISER_ACTOR, round_id, "open")
    code = db.query(con, "SELECT code FROM participants ORDER BY id LIMIT 1")[0]["code"]
    voting.submit_ballot(con, ORGANISER_ACTOR, round_id, code, {same[0]: (1, False)})
    con.close()
    at = open_page("pages/admin.py", {"onglet": "Résultats"})
    assert at.selectbox(key="results-round").value == round_id
    assert any(df.value.index.tolist() == ["Un fonds territorial"] * 2 for df in at.dataframe)


def test_projection_of_an_unknown_or_archived_round_says_so(app_db):
    """``?tour=`` of an archived round showed another round without a word."""
    con = db.open_database(app_db)
    archived = rounds.create_round(con, ORGANISER_ACTOR, RoundRules("Répétition"),
                                   [c.id for c in rounds.candidate_items(con, "challenges")][:2])
    rounds.set_archived(con, ORGANISER_ACTOR, archived, True)
    con.close()
    at = open_page("pages/resultats.py", {"tour": str(archived)})
    assert any(f"Le tour n° {archived} n'existe pas ou est archivé" in w.value for w in at.warning)


@pytest.mark.duckdb_only
def test_a_phone_page_says_in_french_when_the_database_cannot_be_opened(fresh_db, monkeypatch):
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from labo_dash.phone.ballot import routes
    from tests.conftest import hold_database

    monkeypatch.setenv("LABO_DB", str(fresh_db))
    db.close()
    with hold_database(fresh_db) as pid, TestClient(Starlette(routes=routes())) as client:
        page = client.get("/bulletin", params={"code": "ABCD2345"})
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert f"déjà ouverte par un autre programme (PID {pid})" in page.text
    assert "Réessayez dans un instant" in page.text
