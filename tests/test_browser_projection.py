"""Browser: the projection (/resultats) on a phone (390×844), a laptop (1280×720) and a projector (1920×1080).

Issue 13: at 390 px the results showed only cut labels (no bars, no legend); at 1280×720 the legend was
clipped and long labels cut; before the first ballot the room only read « En attente des premiers votes ».
"""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from labo_dash import db, french, results, rounds
from labo_dash.access import SYSTEM
from labo_dash.rounds import RoundRules
from tests.conftest import Server, screenshot, wait_ready

pytestmark = pytest.mark.browser
SIZES = [(390, 844), (1280, 720), (1920, 1080)]
WAIT = 30_000  # ms: a shared 2-core machine under load can take seconds to rerun a page
DOTS, MAJORITY = 1, 2  # the demo's closed rounds: dots on défis (live), majority judgment on solutions


@pytest.fixture(scope="module")
def projection(demo_template, tmp_path_factory):
    """One server on a demo copy: both demo rounds closed with public results, a new round open, no ballot.

    Yield the server, the open round's id and, per round, the labels its chart must show (« 1. Titre »).
    """
    path = tmp_path_factory.mktemp("projection") / "labo.duckdb"
    shutil.copy(demo_template, path)
    con = db.open_database(path)
    rounds.set_visibility(con, SYSTEM, MAJORITY, "hidden", revealed=True)
    items = [i["id"] for i in rounds.candidate_items(con, "challenges")]
    waiting = rounds.create_round(con, SYSTEM, RoundRules("Positionnement de l'après-midi"), items)
    rounds.set_status(con, SYSTEM, waiting, "open")
    labels = {}
    for round_id in (DOTS, MAJORITY):
        table = results.round_results(con, round_id)
        labels[round_id] = [f"{french.rank(r, short=True)} {t}"
                            for r, t in zip(table["rank"], table["title"], strict=True)]
    titles = [i["title"] for i in rounds.round_items(con, waiting)]
    con.close()
    server = Server(path)
    yield server, waiting, labels, titles
    server.stop()


def open_projection(browser, server: Server, size: tuple[int, int], round_id: int):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR",
                                  is_mobile=width < 500, has_touch=width < 500)
    tab = context.new_page()
    tab.set_default_timeout(WAIT)
    tab.goto(f"{server.url}/resultats?tour={round_id}")
    wait_ready(tab)
    return tab


def inside(box: dict, frame: dict, slack: float = 1.0) -> bool:
    """Whether the bounding box ``box`` lies within ``frame`` (both as Playwright gives them, in px)."""
    return (box["x"] >= frame["x"] - slack and box["y"] >= frame["y"] - slack
            and box["x"] + box["width"] <= frame["x"] + frame["width"] + slack
            and box["y"] + box["height"] <= frame["y"] + frame["height"] + slack)


def check_legend(tab, chart, expected: list[str], width: int) -> None:
    """Every legend entry is there, drawn inside its chart and inside the viewport's width."""
    entries = chart.locator(".role-legend-label text")
    expect(entries).to_have_count(len(expected))
    assert entries.all_text_contents() == expected
    frame = chart.bounding_box()
    for entry in entries.all():
        entry.scroll_into_view_if_needed()
        box, frame = entry.bounding_box(), chart.bounding_box()
        assert box["width"] > 0 and inside(box, frame), (entry.text_content(), box, frame)
        assert box["x"] + box["width"] <= width


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("round_id", [DOTS, MAJORITY], ids=["gommettes", "jugement-majoritaire"])
def test_results_are_readable_on_a_phone_a_laptop_and_a_projector(projection, browser, size, round_id):
    server, _, labels, _ = projection
    tab = open_projection(browser, server, size, round_id)
    width = size[0]
    charts = tab.locator("[data-testid='stVegaLiteChart'] svg")
    result = charts.filter(has=tab.locator("g[aria-label^='Y-axis']"))
    expect(result).to_have_count(1)
    axis = result.locator("g[aria-label^='Y-axis'] .role-axis-label text")
    expect(axis).to_have_count(len(labels[round_id]))
    frame = result.bounding_box()
    assert frame["x"] >= 0 and frame["x"] + frame["width"] <= width  # the chart fits the screen's width
    for text, expected in zip(axis.all(), labels[round_id], strict=True):
        lines = text.locator("tspan").all_text_contents() or [text.text_content()]
        assert " ".join(lines) == expected  # wrapped, never cut: every word of the title is there
        assert all(line.strip() and not line.endswith("…") for line in lines)
        assert inside(text.bounding_box(), frame)
    bars = result.locator(".mark-rect.role-mark path")
    assert bars.count() >= len(labels[round_id])
    widths = [bars.nth(i).bounding_box()["width"] for i in range(bars.count())]
    assert max(widths) > width * 0.15  # the bars are visible (not squeezed out by the labels)
    if round_id == MAJORITY:
        check_legend(tab, result, ["Excellent", "Très bien", "Bien", "Passable", "Insuffisant", "Pas d'avis"],
                     width)
    strip = charts.filter(has=tab.locator(".role-legend"), has_not=tab.locator("g[aria-label^='Y-axis']"))
    check_legend(tab, strip, ["1 · Acculturation", "2 · Animation territoriale", "3 · Financement",
                              "4 · Compétences", "5 · Écosystèmes"], width)
    assert strip.locator(".mark-rect.role-mark path").count() == 5
    expect(tab.get_by_test_id("projo-closed")).to_have_text("Vote clos")  # the QR code gave way
    expect(tab.get_by_text("Scannez pour voter")).to_have_count(0)
    tab.evaluate("document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    screenshot(tab, f"projection-{'gommettes' if round_id == DOTS else 'jugement-majoritaire'}-{width}")
    tab.context.close()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_before_the_first_ballot_the_room_sees_what_is_voted_on(projection, browser, size):
    server, waiting, _, titles = projection
    tab = open_projection(browser, server, size, waiting)
    width = size[0]
    agenda = tab.get_by_test_id("projo-agenda")
    expect(agenda).to_contain_text("3 gommettes, au plus 1 par défi")
    items = agenda.locator("ol.projo-items > li .what")
    expect(items).to_have_count(len(titles))
    assert items.all_text_contents() == titles
    expect(tab.get_by_test_id("projo-turnout")).to_contain_text("0 votant·e sur 80 inscrit·e·s")
    expect(tab.get_by_text("En attente des premiers votes")).to_have_count(0)
    qr = tab.get_by_test_id("projo-qr")
    qr.scroll_into_view_if_needed()
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= min(300, width - 40) and box["x"] + box["width"] <= width  # to scan across a room
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(tab.get_by_text("Scannez pour voter")).to_be_visible()
    expect(tab.locator(".projo-link")).to_contain_text("/bulletin")
    tab.evaluate("document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    screenshot(tab, f"projection-avant-le-premier-vote-{width}")
    tab.context.close()
