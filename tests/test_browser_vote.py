"""Browser: phones vote (light ballot, Streamlit page) while the projection counts them; admin pages."""

from __future__ import annotations

import datetime as dt
import shutil
import urllib.error
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from labo_dash import db, rounds, settings, voting
from labo_dash.access import SYSTEM
from labo_dash.rounds import RoundRules
from tests.conftest import screenshot, wait_ready

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "fr-FR", "is_mobile": True, "has_touch": True}
PROJECTOR = {"viewport": {"width": 1366, "height": 768}, "locale": "fr-FR"}
WAIT = 30_000  # ms: a shared 2-core machine under load can take seconds to rerun a page


@pytest.fixture(scope="module")
def vote_server(demo_copy, start_module_server):
    """One server for the module, on a demo copy with an open dot-voting round (results live)."""
    path = demo_copy()
    with db.open_database(path) as con:
        items = rounds.candidate_items(con, "challenges")
        rules = RoundRules("Positionnement en direct")
        round_id = rounds.create_round(con, SYSTEM, rules, [i.id for i in items])
        rounds.set_status(con, SYSTEM, round_id, "open")
        settings.set_setting(con, SYSTEM, "self_registration", True)
        codes = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT 4")]
    return start_module_server(path), round_id, codes, [i.title for i in items]


def test_three_phones_vote_while_the_projection_counts_them(vote_server, browser):
    server, _, codes, titles = vote_server
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.set_default_timeout(30_000)
    projector.goto(f"{server.url}/resultats")
    wait_ready(projector)
    turnout = projector.locator(".projo-turnout")
    expect(turnout).to_contain_text("0 votant·e sur 80 inscrit·e·s", timeout=WAIT)
    for n, code in enumerate(codes[:3], start=1):
        context = browser.new_context(**PHONE)
        phone = context.new_page()
        phone.set_default_timeout(30_000)
        if n < 3:  # the badges' link: the light ballot
            phone.goto(f"{server.url}/vote?code={code}")
            phone.get_by_role("checkbox", name=titles[0]).check()
            phone.get_by_role("checkbox", name=titles[n]).check()
            expect(phone.locator("#left")).to_have_text("Gommettes restantes : 1", timeout=WAIT)
            phone.get_by_role("button", name="Enregistrer mon vote").click()
            expect(phone.get_by_text("Merci ! Votre vote est enregistré")).to_be_visible(timeout=WAIT)
            assert phone.get_by_role("checkbox", name=titles[n]).is_checked()  # the ballot shows what counts
        else:  # the full Streamlit page, as on a kiosk
            phone.goto(f"{server.url}/vote?code={code}&complet=1")
            wait_ready(phone)
            phone.locator("[data-testid='stCheckbox'] label").filter(has_text=titles[0]).click()
            phone.get_by_role("button", name="Enregistrer mon vote").click()
            wait_ready(phone)
            expect(phone.get_by_text("Merci ! Votre vote est enregistré")).to_be_visible(timeout=WAIT)
        screenshot(phone, f"vote-telephone-{n}")
        voters = f"{n} votant·e{'·s' if n > 1 else ''} sur 80 inscrit·e·s"
        expect(turnout).to_contain_text(voters, timeout=3_000)
        context.close()
    expect(projector.locator("[data-testid='stVegaLiteChart']").first).to_be_visible(timeout=WAIT)
    screenshot(projector, "projection-en-direct")
    projector.context.close()


def test_light_ballot_refuses_wrong_code_foreign_post_and_keeps_choices(vote_server, browser):
    server, round_id, codes, titles = vote_server
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.goto(f"{server.url}/vote?code=ZZZZ-ZZZZ")
    expect(phone.get_by_role("alert")).to_contain_text("Code inconnu", timeout=WAIT)
    phone.get_by_label("Votre code personnel").fill(codes[3].lower())
    phone.get_by_role("button", name="Accéder au vote").click()
    for title in titles[:4]:
        phone.get_by_role("checkbox", name=title).check()
    expect(phone.locator("#left")).to_have_text("Trop de gommettes : retirez-en 1", timeout=WAIT)
    phone.get_by_role("button", name="Enregistrer mon vote").click()
    expect(phone.get_by_role("alert")).to_contain_text("4 gommettes alors que vous en avez 3", timeout=WAIT)
    assert all(phone.get_by_role("checkbox", name=t).is_checked() for t in titles[:4])  # nothing lost
    screenshot(phone, "vote-leger-refus")
    context.close()
    data = urllib.parse.urlencode({"code": codes[3], "round": round_id, "v": "1"}).encode()
    forged = urllib.request.Request(f"{server.url}/bulletin", data=data, headers={"Origin": "https://pirate.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=30)
    assert refused.value.code == 403


def test_walk_in_registers_on_the_light_page_and_votes(vote_server, browser):
    server, _, _, titles = vote_server
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.goto(f"{server.url}/bulletin")  # the projection's QR code
    phone.get_by_label("Prénom et nom").fill("Jeanne Martin")
    phone.get_by_label("Structure").fill("Tiers-lieu La Grange")
    phone.get_by_role("button", name="M'inscrire et recevoir mon code").click()
    expect(phone.get_by_text("Choisissez un type de participant")).to_be_visible(timeout=WAIT)
    # what was typed stays
    expect(phone.get_by_label("Prénom et nom")).to_have_value("Jeanne Martin", timeout=WAIT)
    phone.get_by_label("Vous êtes").select_option("autre")
    phone.get_by_role("button", name="M'inscrire et recevoir mon code").click()
    expect(phone.get_by_text("Votre code personnel :")).to_be_visible(timeout=WAIT)
    assert "code=" in phone.url  # the code stays in the link
    phone.get_by_role("checkbox", name=titles[5]).check()
    phone.get_by_role("button", name="Enregistrer mon vote").click()
    expect(phone.get_by_text("Merci ! Votre vote est enregistré")).to_be_visible(timeout=WAIT)
    screenshot(phone, "vote-leger-inscription")
    context.close()


def test_projection_of_the_majority_judgment_round_and_admin_tabs(vote_server, browser):
    server, *_ = vote_server
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(f"{server.url}/resultats?tour=2")
    wait_ready(projector)
    heading = projector.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Positionnement de clôture", timeout=WAIT)
    expect(projector.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg")
           .first).to_be_visible(timeout=WAIT)
    assert projector.locator("[data-testid='stSidebar']").is_hidden()
    screenshot(projector, "projection-jugement-majoritaire")
    admin = projector.context.new_page()
    admin.set_viewport_size({"width": 1366, "height": 900})
    admin.goto(f"{server.url}/admin?onglet=R%C3%A9sultats")
    wait_ready(admin)
    expect(admin.get_by_text("Participation")).to_be_visible(timeout=WAIT)
    screenshot(admin, "admin-resultats")
    admin.goto(f"{server.url}/admin?onglet=Tours+de+vote")
    wait_ready(admin)
    expect(admin.get_by_role("button", name="Clore le vote")).to_be_visible(timeout=WAIT)
    screenshot(admin, "admin-tours")
    projector.context.close()


def test_projection_shows_three_tied_majority_judgment_defis_as_a_tie(demo_template, tmp_path, start_server,
                                                                         browser):
    # Issue 12, fault 6: three défis with identical merit profiles were projected « 1. 2. 3. ».
    path = tmp_path / "labo.duckdb"
    shutil.copy(demo_template, path)
    con = db.open_database(path)
    items = [i.id for i in rounds.candidate_items(con, "challenges")][:4]
    rules = RoundRules("Trois défis à égalité", method="majority_judgment")
    round_id = rounds.create_round(con, SYSTEM, rules, items)
    rounds.set_status(con, SYSTEM, round_id, "open")
    codes = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT 3")]
    for code, grade in zip(codes, [0, 1, 0], strict=True):
        choices = {item: (grade, False) for item in items[:3]} | {items[3]: (2, False)}
        voting.submit_ballot(con, SYSTEM, round_id, code, choices)
    con.close()
    server = start_server(path)
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(f"{server.url}/resultats")
    wait_ready(projector)
    turnout = projector.locator(".projo-turnout")
    expect(turnout).to_contain_text("3 votant·e·s sur 80 inscrit·e·s", timeout=WAIT)
    chart = projector.locator("[data-testid='stVegaLiteChart'] svg").first  # the merit profile, in SVG
    labels = chart.locator("g[aria-label^='Axe vertical'] .role-axis-label text")
    expect(labels).to_have_count(4, timeout=WAIT)
    ranks = [text.split(" ", 1)[0] for text in labels.all_text_contents()]
    screenshot(projector, "projection-egalite-jugement-majoritaire")
    assert ranks == ["1.", "1.", "1.", "4."]
    projector.context.close()


COUNTDOWN_SECONDS = 5


def test_a_timed_vote_counts_down_on_the_projection_and_a_phone_and_closes_by_itself(vote_server, browser):
    server, _, codes, _ = vote_server
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.set_default_timeout(30_000)
    projector.goto(f"{server.url}/resultats")
    wait_ready(projector)
    heading = projector.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Positionnement en direct", timeout=WAIT)
    admin = projector.context.new_page()
    admin.set_viewport_size({"width": 1366, "height": 900})
    admin.goto(f"{server.url}/admin?onglet=Tours+de+vote")
    wait_ready(admin)
    admin.get_by_label("Minutes").fill("0")
    admin.get_by_label("Secondes").fill(str(COUNTDOWN_SECONDS))
    phone = browser.new_context(**PHONE).new_page()
    admin.get_by_role("button", name="Lancer le compte à rebours").click()
    expect(admin.get_by_text("Compte à rebours lancé")).to_be_visible(timeout=WAIT)
    screenshot(admin, "admin-tour-minute")
    phone.goto(f"{server.url}/vote?code={codes[0]}")  # the light ballot, written by the server
    expect(phone.locator("#countdown")).to_contain_text("Il reste", timeout=3_000)
    expect(phone.locator("#countdown")).to_contain_text("s pour voter.")
    screenshot(phone, "vote-minute-telephone")
    countdown = projector.locator(".projo-countdown")
    expect(countdown).to_contain_text("Il reste", timeout=COUNTDOWN_SECONDS * 1000)
    screenshot(projector, "vote-minute-projection")
    # nobody touches anything: the round closes by itself at the end of the countdown
    expect(projector.locator(".projo-state")).to_have_text("Vote clos", timeout=WAIT)
    expect(countdown).to_have_count(0)
    expect(phone.get_by_text("est clos : merci de votre participation")).to_be_visible(timeout=WAIT)
    screenshot(phone, "vote-minute-telephone-clos")
    screenshot(projector, "vote-minute-projection-clos")
    admin.reload()
    wait_ready(admin)
    expect(admin.get_by_text("Soutien tiré du tour")).to_be_visible(timeout=WAIT)  # the support round, named
    screenshot(admin, "admin-tours-cycle-de-vie")
    phone.context.close()
    projector.context.close()



def test_the_full_vote_page_closes_its_ballot_when_the_countdown_ends(demo_template, tmp_path, start_server,
                                                                      browser):
    # Issue 13: the full /vote page kept an editable ballot after the countdown ended, until reloaded.
    path = tmp_path / "labo.duckdb"
    shutil.copy(demo_template, path)
    con = db.open_database(path)
    items = [i.id for i in rounds.candidate_items(con, "challenges")]
    round_id = rounds.create_round(con, SYSTEM, RoundRules("Vote minuté"), items)
    # The server holds the database file: the countdown starts before it, with room for its start-up.
    rounds.start_countdown(con, SYSTEM, round_id, dt.timedelta(seconds=40))
    code = db.query(con, "SELECT code FROM participants ORDER BY id LIMIT 1")[0]["code"]
    con.close()
    server = start_server(path)
    phone = browser.new_context(**PHONE).new_page()
    phone.set_default_timeout(WAIT)
    phone.goto(f"{server.url}/vote?code={code}&complet=1")
    wait_ready(phone)
    expect(phone.get_by_text("pour voter.")).to_be_visible()
    expect(phone.get_by_role("button", name="Enregistrer mon vote")).to_be_visible()
    # No reload: the countdown's fragment reruns the page once the round is closed.
    expect(phone.get_by_text("Le vote « Vote minuté » est clos")).to_be_visible(timeout=90_000)
    expect(phone.get_by_role("button", name="Enregistrer mon vote")).to_have_count(0)
    expect(phone.locator("[data-testid='stCheckbox']")).to_have_count(0)
    screenshot(phone, "vote-complet-clos-a-la-fin-du-compte-a-rebours")
    phone.context.close()
