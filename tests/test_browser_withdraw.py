"""Browser: the demo's withdrawn point is struck through on the action card with who withdrew it and why;
a second point is withdrawn from the card's form and joins it, struck through, after the rerun."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from playwright.sync_api import expect

from labo_dash import actions, db, demo, french
from tests.conftest import Server, screenshot, wait_ready

pytestmark = pytest.mark.browser

ACTION = 3  # demo.WRONG_POINT's action


@pytest.fixture
def server(demo_template, tmp_path):
    path = tmp_path / "labo.duckdb"
    shutil.copy(demo_template, path)
    running = Server(path)
    yield running
    running.stop()


def test_withdrawn_points_on_the_action_card(server, page, demo_template):
    con = db.open_database(demo_template, migrate=False)
    try:
        in_force = actions.history(con, ACTION).query("not withdrawn")
    finally:
        con.close()
    before_latest = int(in_force["progress"].iloc[-2])  # the state once the latest point is withdrawn
    page.set_default_timeout(90_000)
    page.goto(f"{server.url}/actions?action={ACTION}")
    wait_ready(page)
    main = page.locator("[data-testid='stMain']")
    struck = main.locator("del", has_text=f"{demo.WRONG_POINT[1]} %")
    expect(struck).to_have_count(1)
    expect(struck).to_be_visible()
    expect(main.get_by_text(f"par {demo.COORDINATOR} : {demo.WITHDRAWAL_REASON}")).to_be_visible()

    main.locator("[data-testid='stExpander'] summary", has_text="Retirer ou corriger un point").click()
    reason = main.get_by_label("Raison du retrait")
    expect(reason).to_be_visible()
    main.get_by_role("button", name="Retirer le point").click()  # no reason: refused, in French
    expect(main.get_by_text("Raison : obligatoire (pourquoi ce point est-il faux ?).")).to_be_visible()
    reason.fill("Point saisi deux fois")
    main.get_by_role("button", name="Retirer le point").click()
    expect(main.get_by_text("retiré.", exact=False).first).to_be_visible()
    today = french.date(dt.date.today())
    expect(main.get_by_text(f"retiré le {today} par Démo locale : Point saisi deux fois")).to_be_visible()
    # The update form starts again from the action's new state (the point before the withdrawn one).
    expect(main.get_by_label("Avancement (%)", exact=True)).to_have_value(str(before_latest))
    heads = main.locator("del").filter(has_text=re.compile(r"\d{4} · .+ · (\d+ %|non mesuré)$"))
    expect(heads).to_have_count(2)  # the demo's withdrawn point and this one
    shot = screenshot(page, "withdrawn-points-on-the-action-card")
    assert shot.stat().st_size > 0
