"""Browser: the demo's withdrawn point is struck through on the action card with who withdrew it and why;
a second point is withdrawn from the card's form and joins it, struck through, after the rerun."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from labo_dash import db, demo, french, updates
from tests.conftest import screenshot, seminar_today, wait_ready

pytestmark = pytest.mark.browser

ACTION = 3  # demo.WRONG_POINT's action
WAIT = 60_000  # ms: a rerun after a click is slow on a busy 2-core machine


def test_withdrawn_points_on_the_action_card(server, page, demo_template):
    con = db.open_database(demo_template, migrate=False)
    try:
        in_force = updates.history(con, ACTION).query("not withdrawn")
    finally:
        con.close()
    before_latest = int(in_force["progress"].iloc[-2])  # the state once the latest point is withdrawn
    page.set_default_timeout(90_000)
    page.goto(f"{server.url}/actions?action={ACTION}")
    wait_ready(page)
    main = page.locator("[data-testid='stMain']")
    struck = main.locator("del", has_text=f"{demo.WRONG_POINT[1]} %")
    expect(struck).to_have_count(1, timeout=WAIT)
    expect(struck).to_be_visible(timeout=WAIT)
    expect(main.get_by_text(f"par {demo.COORDINATOR} : {demo.WITHDRAWAL_REASON}")).to_be_visible(timeout=WAIT)

    main.locator("[data-testid='stExpander'] summary", has_text="Retirer ou corriger un point").click()
    reason = main.get_by_label("Raison du retrait")
    expect(reason).to_be_visible(timeout=WAIT)
    main.get_by_role("button", name="Retirer le point").click()  # no reason: refused, in French
    refusal = main.get_by_text("Raison : obligatoire (pourquoi ce point est-il faux ?).")
    expect(refusal).to_be_visible(timeout=WAIT)
    reason.fill("Point saisi deux fois")
    main.get_by_role("button", name="Retirer le point").click()
    expect(main.get_by_text(re.compile(r"^Point n° \d+ retiré\.$"))).to_be_visible(timeout=WAIT)
    wait_ready(page)
    today = french.date(seminar_today())
    withdrawn = main.get_by_text(f"retiré le {today} par Démo locale : Point saisi deux fois")
    expect(withdrawn).to_be_visible(timeout=WAIT)
    # The update form starts again from the action's new state (the point before the withdrawn one).
    progress = main.get_by_label("Avancement (%)", exact=True)
    expect(progress).to_have_value(str(before_latest), timeout=WAIT)
    heads = main.locator("del").filter(has_text=re.compile(r"\d{4} · .+ · (\d+\s%|non mesuré)$"))
    expect(heads).to_have_count(2, timeout=WAIT)  # the demo's withdrawn point and this one
    shot = screenshot(page, "withdrawn-points-on-the-action-card")
    assert shot.stat().st_size > 0


def test_a_typed_future_date_is_refused_in_french_and_kept(server, page):
    """The point's date typed as a user does, in the future: the domain refuses it in French (no bound in
    the widget, which would drop the date and store today's), the date stays as typed, nothing is stored."""
    future = seminar_today() + dt.timedelta(days=20)
    typed = f"{future:%d/%m/%Y}"
    page.set_default_timeout(90_000)
    page.goto(f"{server.url}/actions?action=6")
    wait_ready(page)
    main = page.locator("[data-testid='stMain']")
    field = main.get_by_test_id("stDateInput").filter(has_text="Date du point")
    day = field.get_by_role("spinbutton", name="jour, Date du point")
    expect(day).to_be_visible(timeout=WAIT)
    day.click()  # the field's segments (day, month, year) take the digits in turn
    page.keyboard.type(typed.replace("/", ""))
    date = field.locator("input[type='date']")  # the field's value
    expect(date).to_have_value(future.isoformat())
    main.get_by_label("Avancement (%)", exact=True).fill("73")
    main.get_by_label("Commentaire", exact=True).fill("Point daté par erreur dans le futur")
    main.get_by_role("button", name="Enregistrer le point").click()
    refusal = main.get_by_text(f"Date du point : {french.date(future)} est dans le futur.")
    expect(refusal).to_be_visible(timeout=WAIT)
    wait_ready(page)
    expect(date).to_have_value(future.isoformat())
    expect(main.get_by_label("Commentaire", exact=True)).to_have_value("Point daté par erreur dans le futur")
    expect(main.get_by_text(re.compile(r"^Point d'avancement du .* enregistré\.$"))).to_have_count(0)
    timeline = main.get_by_test_id("stMarkdownContainer").filter(has_text="Point daté par erreur")
    expect(timeline).to_have_count(0)  # only in the text area, where it was typed
    screenshot(page, "future-date-refused-and-kept")
