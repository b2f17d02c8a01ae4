"""Participants' posts: the domain rules, the light page /contribuer, the moderation view of /diagnostic."""

from __future__ import annotations

import json
import re
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from labo_dash import contributions, db, diagnosis, french, solutions
from labo_dash import settings as app_settings
from labo_dash.access import ANONYMOUS, ORGANISER, PARTICIPANT, PARTNER, Actor
from labo_dash.errors import NotFound, PermissionDenied, ValidationError

ORGANISER_ACTOR = Actor(ORGANISER, "Hélène")
PHONE = Actor(PARTICIPANT, "Awa (participant·e n° 1)")


def first_person(con) -> dict:
    return db.query(con, "SELECT id, code, kind FROM participants ORDER BY id LIMIT 1")[0]


def count(con, table: str) -> int:
    return db.query(con, f"SELECT count(*) AS n FROM {table}")[0]["n"]


def post(con, code: str, **fields) -> int:
    values = {"workshop_id": 2, "kind": "frein", "text": "Les appels à projets durent un an",
              "objective_ids": [3]} | fields
    return contributions.post_finding(con, PHONE, code, **values)


# --- posting --------------------------------------------------------------------------------------------

def test_a_post_waits_for_moderation_off_the_wall(con):
    person = first_person(con)
    wall = len(diagnosis.list_findings(con))
    post_id = post(con, person["code"].lower(), text="  Les appels à projets durent un an \n")
    row = contributions.get_contribution(con, post_id)
    assert row.status == "pending" and row.participant_id == person["id"]
    assert row.text == "Les appels à projets durent un an"  # cleaned as the scribes' form does
    assert row.objective_ids == [3] and row.workshop_id == 2 and row.finding_id is None
    assert len(diagnosis.list_findings(con)) == wall
    assert contributions.status_counts(con, 1) == {"pending": 1, "accepted": 0, "rejected": 0}


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"text": "   "}, "text", "Le texte est vide"),
    ({"text": "x" * 501}, "text", "Le texte fait 501 caractères ; 500 au plus."),
    ({"objective_ids": []}, "objectives", "au moins un des cinq objectifs"),
    ({"objective_ids": [99]}, "objectives", "Objectif inconnu"),
    ({"workshop_id": 4}, "workshop", "atelier du matin"),  # an afternoon workshop
    ({"kind": "solution"}, "kind", "frein, levier ou constat"),
])
def test_a_finding_post_is_refused_by_the_scribes_rules_and_writes_nothing(con, fields, field, message):
    before = count(con, "contributions")
    with pytest.raises(ValidationError) as refused:
        post(con, first_person(con)["code"], **fields)
    assert str(refused.value) == contributions.REFUSED
    assert message in refused.value.fields[field]
    assert count(con, "contributions") == before


def test_a_post_needs_a_known_code_and_a_participant_or_organiser(con):
    with pytest.raises(NotFound, match="Code inconnu"):
        post(con, "ZZZZZZZZ")
    for role in (ANONYMOUS, PARTNER):
        with pytest.raises(PermissionDenied):
            contributions.post_finding(con, Actor(role, "x"), first_person(con)["code"], workshop_id=1,
                                       kind="frein", text="t", objective_ids=[1])
    assert count(con, "contributions") == 0


def test_the_same_post_sent_twice_while_pending_is_kept_once(con):
    code = first_person(con)["code"]
    assert post(con, code) == post(con, code)
    assert count(con, "contributions") == 1
    assert post(con, code, kind="levier") != post(con, code)  # another kind is another post


def test_a_solution_post_is_for_a_retained_defi_within_the_solutions_limits(con):
    code = first_person(con)["code"]
    retained = [c.id for c in contributions.retained_challenges(con, 1)]
    assert retained == [1, 2, 3, 4, 5, 6]  # the demo's selection
    with pytest.raises(ValidationError) as refused:
        contributions.post_solution(con, PHONE, code, challenge_id=8, title="x" * 201)
    assert refused.value.fields["challenge_id"] == contributions.NOT_SELECTED
    assert "L'intitulé fait 201 caractères ; 200 au plus." in refused.value.fields["title"]
    post_id = contributions.post_solution(con, PHONE, code, challenge_id=2, title=" Un annuaire partagé ",
                                          description="  ")
    row = contributions.get_contribution(con, post_id)
    assert (row.kind, row.text, row.description, row.challenge_id) == (
        "solution", "Un annuaire partagé", None, 2)


# --- moderation -----------------------------------------------------------------------------------------

def audit_rows(con, entity: str, entity_id: int) -> list[dict]:
    return db.query(con, "SELECT operation, actor, before, after FROM audit_log "
                    "WHERE entity = ? AND entity_id = ? ORDER BY id", [entity, entity_id])


def test_accepting_creates_the_finding_with_the_authors_kind_and_moves_the_wall(con):
    person = first_person(con)
    post_id = post(con, person["code"])
    version = db.versions(con, db.Topic.DIAGNOSIS)
    finding_id = contributions.accept_contribution(con, ORGANISER_ACTOR, post_id)
    finding = diagnosis.get_finding(con, finding_id)
    assert (finding.workshop_id, finding.kind, finding.text, finding.objective_ids) == (
        2, "frein", "Les appels à projets durent un an", [3])
    assert finding.participant_kind == person["kind"]
    assert db.versions(con, db.Topic.DIAGNOSIS) > version  # the wall's cache key
    assert finding_id in [f.id for f in diagnosis.list_findings(con)]
    row = contributions.get_contribution(con, post_id)
    assert (row.status, row.finding_id, row.moderated_by) == ("accepted", finding_id, "Hélène")
    assert row.moderated_at is not None
    assert [a["operation"] for a in audit_rows(con, "finding", finding_id)] == ["create"]
    assert [a["operation"] for a in audit_rows(con, "contribution", post_id)] == ["accept"]
    with pytest.raises(ValidationError, match="déjà été modérée"):
        contributions.accept_contribution(con, ORGANISER_ACTOR, post_id)
    assert len([f for f in diagnosis.list_findings(con) if f.text == finding.text]) == 1


def test_an_acceptance_is_one_transaction(con, monkeypatch):
    post_id = post(con, first_person(con)["code"])
    findings = count(con, "findings")
    original = db.audit

    def failing(cur, actor, entity, *args, **kwargs):
        if entity == "contribution":
            raise RuntimeError("disk full")
        return original(cur, actor, entity, *args, **kwargs)

    monkeypatch.setattr(db, "audit", failing)
    with pytest.raises(RuntimeError):
        contributions.accept_contribution(con, ORGANISER_ACTOR, post_id)
    assert count(con, "findings") == findings
    assert contributions.get_contribution(con, post_id).status == "pending"


def test_an_edit_is_checked_audited_and_kept_for_the_acceptance(con):
    post_id = post(con, first_person(con)["code"])
    with pytest.raises(ValidationError) as refused:
        contributions.update_contribution(con, ORGANISER_ACTOR, post_id, {"text": "", "objective_ids": []})
    assert set(refused.value.fields) == {"text", "objectives"}
    assert contributions.get_contribution(con, post_id).text == "Les appels à projets durent un an"
    edits = {"kind": "constat", "objective_ids": [3, 5]}
    contributions.update_contribution(con, ORGANISER_ACTOR, post_id, edits)
    row = contributions.get_contribution(con, post_id)
    assert (row.status, row.kind, row.objective_ids) == ("pending", "constat", [3, 5])
    [edit] = audit_rows(con, "contribution", post_id)
    assert json.loads(edit["before"])["kind"] == "frein" and json.loads(edit["after"])["kind"] == "constat"
    finding_id = contributions.accept_contribution(con, ORGANISER_ACTOR, post_id, {"text": "Appels courts"})
    finding = diagnosis.get_finding(con, finding_id)
    assert (finding.kind, finding.text, finding.objective_ids) == ("constat", "Appels courts", [3, 5])


def test_a_rejected_post_is_kept_and_audited(con):
    post_id = post(con, first_person(con)["code"])
    findings = count(con, "findings")
    contributions.reject_contribution(con, ORGANISER_ACTOR, post_id)
    row = contributions.get_contribution(con, post_id)
    assert (row.status, row.moderated_by, row.finding_id) == ("rejected", "Hélène", None)
    assert [a["operation"] for a in audit_rows(con, "contribution", post_id)] == ["reject"]
    assert count(con, "findings") == findings
    assert contributions.list_contributions(con, 1, "rejected")[0].id == post_id
    with pytest.raises(ValidationError, match="non retenue"):
        contributions.accept_contribution(con, ORGANISER_ACTOR, post_id)


def test_accepting_a_solution_creates_it_for_its_defi(con):
    post_id = contributions.post_solution(con, PHONE, first_person(con)["code"], challenge_id=2,
                                          title="Un annuaire partagé", description="Par territoire")
    before = len(solutions.list_solutions(con))
    solution_id = contributions.accept_contribution(con, ORGANISER_ACTOR, post_id)
    created = solutions.get_solution(con, solution_id)
    assert (created.challenge_id, created.title, created.description) == (
        2, "Un annuaire partagé", "Par territoire")
    assert len(solutions.list_solutions(con)) == before + 1
    assert contributions.get_contribution(con, post_id).solution_id == solution_id


def test_accepting_with_a_merge_keeps_both_findings_as_sources(con):
    target = diagnosis.list_findings(con, workshop_id=2)[0]
    post_id = post(con, first_person(con)["code"], text="Trop court", objective_ids=[4])
    merged_id = contributions.accept_contribution(con, ORGANISER_ACTOR, post_id, merge_into=target.id)
    merged = diagnosis.get_finding(con, merged_id)
    assert merged.text == target.text  # the longest text
    assert set(merged.objective_ids) >= {4} and merged.workshop_id == 2
    accepted = contributions.get_contribution(con, post_id).finding_id
    assert sorted(s.id for s in diagnosis.sources(con, merged_id)) == sorted([target.id, accepted])


def test_moderation_is_for_organisers(con):
    post_id = post(con, first_person(con)["code"])
    for call in (contributions.accept_contribution, contributions.reject_contribution):
        with pytest.raises(PermissionDenied):
            call(con, PHONE, post_id)
    assert contributions.get_contribution(con, post_id).status == "pending"


# --- the light page /contribuer -------------------------------------------------------------------------

@pytest.fixture
def phone(demo_db, monkeypatch):
    """The light routes (as serve.py mounts them) on a private demo copy; yields (client, code, path)."""
    from starlette.applications import Starlette

    from labo_dash.phone.ballot import routes

    monkeypatch.setenv("LABO_DB", str(demo_db))
    con = db.open_database(demo_db)
    code = first_person(con)["code"]
    app_settings.set_setting(con, ORGANISER_ACTOR, "self_registration", True)
    con.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's test client would rather have httpx2 than httpx
        from starlette.testclient import TestClient

        client = TestClient(Starlette(routes=routes()))
    with client:
        yield client, code
    db.close(demo_db)


def queued() -> list[dict]:
    return contributions.list_contributions(db.connect(), 1)


def test_the_light_page_posts_a_finding_then_thanks_and_lists_it(phone):
    client, code = phone
    page = client.get("/contribuer", params={"code": code})
    assert page.status_code == 200
    assert "Envoyer ma proposition" in page.text and "Envoyer ma solution" in page.text
    assert "1 · Acculturation" in page.text and french.spaces("Atelier 2 : financement") in page.text
    form = {"code": code, "post": "finding", "workshop": "1", "kind": "levier", "text": "Un agenda commun",
            "objective": ["2", "5"]}
    answer = client.post("/contribuer", data=form, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"contribuer?code={code}&ok=1"
    [row] = queued()
    assert (row.kind, row.workshop_id, row.text, row.objective_ids) == (
        "levier", 1, "Un agenda commun", [2, 5])
    thanks = client.get(f"/{answer.headers['location']}")
    assert french.spaces("Merci ! Votre proposition est envoyée") in thanks.text
    assert "en attente de relecture" in thanks.text
    assert "value='1' checked" in thanks.text  # the workshop is kept for the next post, the kind is not:
    assert "name='kind' value='levier' checked" not in thanks.text and "name='kind'" in thanks.text
    assert not re.search(r"name='kind' value='\w+' checked", thanks.text)  # no kind chosen by default


def test_a_post_without_a_kind_is_refused_in_french_and_keeps_the_text(phone):
    client, code = phone
    assert not re.search(r"name='kind' value='\w+' checked",
                         client.get("/contribuer", params={"code": code}).text)  # nothing pre-selected
    form = {"code": code, "post": "finding", "workshop": "2", "text": "Des financements trop courts",
            "objective": "3"}
    answer = client.post("/contribuer", data=form, follow_redirects=False)
    assert answer.status_code == 422 and not queued()
    assert french.spaces("Choisissez le type : frein, levier ou constat.") in answer.text
    assert "Des financements trop courts" in answer.text and "value='2' checked" in answer.text


@pytest.mark.parametrize("page", ["/contribuer", "/bulletin", "/inscription"])
def test_a_text_over_a_megabyte_is_refused_in_french(phone, page):
    """Starlette answered a field over 1 MB with an English « Field exceeded maximum size of 1024KB. »."""
    client, code = phone
    form = {"code": code, "post": "finding", "workshop": "1", "kind": "levier", "objective": "2",
            "text": "x" * 1_100_000, "name": "y" * 1_100_000, "round": "1"}
    answer = client.post(page, data=form, follow_redirects=False)
    assert answer.status_code == 413
    assert french.spaces("Texte bien trop long (ou formulaire illisible) : rien n&#x27;a été enregistré.") \
        in answer.text
    assert "exceeded" not in answer.text
    assert not queued()


def test_a_refused_post_shows_the_form_again_with_what_was_typed_escaped(phone):
    client, code = phone
    typed = "<script>alert('x')</script> Les élu·e·s & les financeurs"
    form = {"code": code, "post": "finding", "workshop": "3", "kind": "constat", "text": typed}
    answer = client.post("/contribuer", data=form, follow_redirects=False)
    assert answer.status_code == 422 and not queued()
    assert "Choisissez au moins un des cinq objectifs." in answer.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Les élu·e·s &amp; les financeurs" in answer.text
    assert "<script>alert" not in answer.text
    assert "value='3' checked" in answer.text and "value='constat' checked" in answer.text
    answer = client.post("/contribuer", data={"code": code, "post": "solution", "challenge": "9",
                                              "title": "Former les élu·e·s"}, follow_redirects=False)
    assert answer.status_code == 422 and contributions.NOT_SELECTED.replace("'", "&#x27;") in answer.text
    assert "value='Former les élu·e·s'" in answer.text and not queued()


def test_the_light_page_checks_the_code_and_the_origin(phone):
    client, code = phone
    form = {"code": code, "post": "finding", "workshop": "1", "kind": "frein", "text": "t", "objective": "1"}
    foreign = client.post("/contribuer", data=form, headers={"Origin": "https://pirate.example"})
    assert foreign.status_code == 403
    unknown = client.post("/contribuer", data={**form, "code": "ZZZZZZZZ"}, follow_redirects=False)
    assert unknown.status_code == 404 and "Code inconnu" in unknown.text
    assert client.post("/contribuer", data={**form, "objective": "abc"}).status_code == 422
    assert not queued()
    assert "Votre code personnel" in client.get("/contribuer").text


def test_a_walk_in_registers_from_the_light_page_and_lands_on_it(phone):
    client, _ = phone
    page = client.get("/contribuer")
    assert "name='suite' value='contribuer'" in page.text
    walk_in = {"name": "Jeanne Martin", "kind": "autre", "suite": "contribuer"}
    answer = client.post("/inscription", data=walk_in, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("contribuer?code=")
    assert "Votre code personnel" in client.get(f"/{answer.headers['location']}").text
    walk_in = {"name": "Jean Dupont", "kind": "autre"}
    ballot = client.post("/inscription", data=walk_in, follow_redirects=False)
    assert ballot.headers["location"].startswith("bulletin?code=")  # the ballot's own sign-up is unchanged


HOSTILE = ["'); DROP TABLE findings; --", "<script>alert('x')</script>",
           "<img src=x onerror=alert(1)>**gras**", "=cmd|' /C calc'!A0", "\x00nul", "\u202egauche",
           "  espaces  ", "", "x" * 501, "%_\\ ? $1 :name"]


@pytest.mark.slow  # a property sweep: 40 posts through the light ballot's HTTP app
@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=st.sampled_from(HOSTILE) | st.text(max_size=600),
       workshop=st.sampled_from(["1", "3", "4", "x", ""]),
       kind=st.sampled_from(["frein", "constat", "solution", "<b>", ""]),
       objectives=st.lists(st.sampled_from(["1", "5", "6", "-1", "a", "99999999999"]), max_size=3))
def test_any_post_is_queued_verbatim_or_refused_without_a_server_error(phone, text, workshop, kind,
                                                                        objectives):
    client, code = phone
    before = db.query(db.connect(), "SELECT count(*) AS n FROM contributions")[0]["n"]
    form = {"code": code, "post": "finding", "workshop": workshop, "kind": kind, "text": text,
            "objective": objectives}
    answer = client.post("/contribuer", data=form, follow_redirects=False)
    assert answer.status_code in (303, 422), answer.text[:300]
    if answer.status_code == 303:
        assert text.strip() in [row.text for row in queued()]  # stored as typed (blanks around aside)
    else:
        assert db.query(db.connect(), "SELECT count(*) AS n FROM contributions")[0]["n"] == before
        assert "Traceback" not in answer.text
        assert "<script>alert" not in answer.text and "<img" not in answer.text


def test_the_ballot_links_to_the_posts_page(phone):
    client, code = phone
    assert f"contribuer?code={code}" in client.get("/bulletin", params={"code": code}).text


# --- the moderation view (AppTest) ----------------------------------------------------------------------

@pytest.fixture
def moderation(demo_db, monkeypatch):
    monkeypatch.setenv("LABO_DB", str(demo_db))
    con = db.connect()
    code = first_person(con)["code"]
    first = post(con, code, text="Les appels à projets durent un an")
    second = contributions.post_solution(con, PHONE, code, challenge_id=1, title="Un fonds mutualisé")
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params["vue"] = "propositions"
    at.switch_page("pages/diagnostic.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    yield at, first, second
    db.close(demo_db)


def button(at, form: str, label: str):
    return next(b for b in at.button if b.label == label and b.proto.form_id == form)


def test_organisers_edit_and_accept_a_post_that_then_shows_on_the_wall(moderation):
    at, first, second = moderation
    assert [m.value for m in at.metric][:3] == ["2", "0", "0"]
    assert at.text_area(key=f"prop_{first}_text").value == "Les appels à projets durent un an"
    at.text_area(key=f"prop_{first}_text").input("")
    button(at, f"prop_{first}", "Accepter").click().run()
    assert any("Le texte est vide" in e.value for e in at.error)
    assert at.text_area(key=f"prop_{first}_text").value == ""  # what was typed stays
    assert contributions.get_contribution(db.connect(), first).status == "pending"
    at.text_area(key=f"prop_{first}_text").input("Des appels à projets trop courts")
    button(at, f"prop_{first}", "Accepter").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("est acceptée : le constat n°" in s.value.replace("\\", "") for s in at.success)
    finding_id = contributions.get_contribution(db.connect(), first).finding_id
    assert diagnosis.get_finding(db.connect(), finding_id).text == "Des appels à projets trop courts"
    assert [m.value for m in at.metric][:3] == ["1", "1", "0"]
    button(at, f"prop_{second}", "Rejeter").click().run()
    assert contributions.get_contribution(db.connect(), second).status == "rejected"
    assert any("Aucune proposition en attente" in i.value for i in at.info)
    at.segmented_control(key="diagnostic_view").set_value("mur").run()
    assert any("Des appels à projets trop courts" in m.value for m in at.markdown)


def test_organisers_accept_a_solution_for_another_retained_defi(moderation):
    at, _, second = moderation
    assert at.selectbox(key=f"prop_{second}_challenge").value == 1
    at.selectbox(key=f"prop_{second}_challenge").set_value(3)
    at.text_input(key=f"prop_{second}_text").input("Un fonds mutualisé entre financeurs")
    button(at, f"prop_{second}", "Accepter").click().run()
    assert not at.exception, [e.value for e in at.exception]
    solution_id = contributions.get_contribution(db.connect(), second).solution_id
    created = solutions.get_solution(db.connect(), solution_id)
    assert (created.challenge_id, created.title) == (3, "Un fonds mutualisé entre financeurs")
    assert any("la solution n°" in s.value.replace("\\", "") for s in at.success)


def test_a_proposal_is_a_finding_of_one_kind_or_a_solution_with_a_labelled_status():
    assert set(contributions.ContributionKind) == set(contributions.KINDS)
    assert set(contributions.ContributionStatus) == set(contributions.STATUSES)
