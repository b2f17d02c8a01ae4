"""Browser: markdown and HTML typed into names and texts are shown literally, never rendered.

A participant, a finding, a défi, a solution, an action, a progress comment, a decision and the notes of
a review are all named ``<img src=x onerror=alert(1)>**gras**``; every page that shows them must show
that text as typed: no image element, no alert, no bold "gras".
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from labo_dash import (
    access,
    action_creation,
    challenges,
    clock,
    db,
    diagnosis,
    participants,
    review,
    rounds,
    solutions,
    updates,
)
from tests.conftest import screenshot, wait_ready

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)>**gras**"
ACTOR = access.Actor(access.ORGANISER, HOSTILE)
TODAY = clock.now().astimezone(ZoneInfo("Europe/Paris")).date()  # the seminar's date (default zone)


def seed(con) -> dict[str, object]:
    """Write the hostile text into every kind of name the pages show; return the ids and the code."""
    person = participants.register_participant(
        con, ACTOR, {"name": f"{HOSTILE} participante", "structure": HOSTILE, "kind": "PTCE"})
    finding = diagnosis.add_finding(con, ACTOR, workshop_id=1, kind="frein", text=f"{HOSTILE} constat",
                                    objective_ids=[1, 2], group_label=HOSTILE)
    challenge = challenges.create_challenge(con, ACTOR, title=f"{HOSTILE} défi", description=HOSTILE,
                                            workshop_id=1, weights={1: 60, 2: 40}, finding_ids=[finding])
    rounds.select_challenges(con, ACTOR, [1, 2, challenge])
    round_id = rounds.create_round(con, ACTOR, rounds.RoundRules(f"{HOSTILE} tour"), [challenge, 1, 2])
    rounds.set_status(con, ACTOR, round_id, "open")
    solution = solutions.add_solution(con, ACTOR, challenge, f"{HOSTILE} solution", HOSTILE)
    (action,) = action_creation.create_actions(
        con, ACTOR, solution, [f"{HOSTILE} action"], {"pilot_person": HOSTILE, "next_step": HOSTILE},
        status="en_cours", progress_value=10, reported_on=TODAY - dt.timedelta(days=1), reported_by=HOSTILE,
        today=TODAY)
    updates.record_update(con, ACTOR, action, reported_on=TODAY, status="en_cours", progress_value=20,
                          comment=f"{HOSTILE} commentaire", reported_by=HOSTILE, today=TODAY)
    month = TODAY.replace(day=1)
    review.add_decision(con, ACTOR, month, f"{HOSTILE} décision", action, HOSTILE)
    review.save_review(con, ACTOR, month, TODAY, f"{HOSTILE} notes")
    return {"code": person.code, "action": action}


@pytest.fixture(scope="module")
def server(demo_copy, start_module_server):
    """One server for the module, on a demo copy holding the hostile texts."""
    path = demo_copy()
    with db.open_database(path) as con:
        ids = seed(con)
    return start_module_server(path), ids


# page address -> the hostile texts it must show literally (hidden tabs included)
PAGES = {
    "": [],
    "diagnostic?vue=mur": ["constat"],
    "diagnostic?vue=defis": ["constat", "défi"],
    "vote?code={code}&complet=1": ["participante", "défi", "tour"],
    "resultats": [],
    "actions?action={action}": ["action", "solution", "défi", "commentaire"],
    "suivi?onglet=Relev%C3%A9+de+d%C3%A9cisions": ["décision", "notes"],  # the decisions' tab
    "partenaires?onglet=Relev%C3%A9+de+d%C3%A9cisions": ["notes"],
    "admin": [],
}


@pytest.mark.parametrize("address", PAGES, ids=lambda a: a.split("?")[0] or "accueil")
def test_user_markup_is_shown_as_typed(server, page, address):
    running, ids = server
    page.set_default_timeout(120_000)  # the report pages take long on a busy test machine
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    page.goto(f"{running.url}/{address.format(**ids)}")
    wait_ready(page)
    slug = re.sub(r"[\W_]+", "-", re.sub(r"=?\{\w+\}", "", address)).strip("-")
    screenshot(page, f"hostile-{slug or 'accueil'}")
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("img[src='x']").count() == 0, "user HTML became an image element"
    assert page.locator("script:text('alert')").count() == 0
    assert alerts == []
    text = page.locator("[data-testid='stMain']").text_content()
    for suffix in PAGES[address]:
        assert f"{HOSTILE} {suffix}" in text, f"« {suffix} » is not shown as typed on /{address}"
    bold = page.locator("[data-testid='stMain'] strong", has_text="gras")
    assert [b for b in bold.all_text_contents() if b.strip() == "gras"] == [], "user markdown was rendered"


def test_light_phone_ballot_shows_user_markup_as_typed(server, browser):
    running, ids = server
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    phone = context.new_page()
    alerts = []
    phone.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    phone.goto(f"{running.url}/vote?code={ids['code']}")
    phone.get_by_role("button", name="Enregistrer mon vote").wait_for()
    screenshot(phone, "hostile-bulletin-leger")
    text = phone.locator("main").text_content()
    for suffix in ("participante", "défi", "tour"):
        assert f"{HOSTILE} {suffix}" in text
    assert phone.locator("img[src='x']").count() == 0 and alerts == []
    assert [b for b in phone.locator("main b, main strong").all_text_contents() if b.strip() == "gras"] == []
    context.close()
