"""Browser: the projection (/resultats) on a phone (390×844), a laptop (1280×720) and a projector (1920×1080).

Issue 13: at 390 px the results showed only cut labels (no bars, no legend); at 1280×720 the legend was
clipped and long labels cut; before the first ballot the room only read « En attente des premiers votes ».
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from playwright.sync_api import expect

from labo_dash import challenges, db, french, results, rounds, seminar, solutions, voting
from labo_dash.access import SYSTEM
from labo_dash.rounds import RoundRules
from tests.conftest import SCREENSHOTS, Server, screenshot, wait_ready

pytestmark = pytest.mark.browser
SIZES = [(390, 844), (1280, 720), (1920, 1080)]
WAIT = 30_000  # ms: a shared 2-core machine under load can take seconds to rerun a page
DOTS, MAJORITY = 1, 2  # the demo's closed rounds: dots on défis (live), majority judgment on solutions
WIDE = [(1280, 720), (1920, 1080)]  # projected screens: the page must fit without scrolling
# How far the page reaches past the viewport (px): Streamlit scrolls inside its main container.
OVERFLOW = ("() => Math.max(document.documentElement.scrollHeight, "
            "document.querySelector('[data-testid=stMain]').scrollHeight) - innerHeight")


@pytest.fixture(scope="module")
def projection(demo_copy, start_module_server):
    """One server on a demo copy: both demo rounds closed with public results, a new round open, no ballot.

    Yield the server, the open round's id and, per round, the labels its chart must show (« 1. Titre »).
    """
    path = demo_copy()
    con = db.open_database(path)
    rounds.set_visibility(con, SYSTEM, MAJORITY, "hidden", revealed=True)
    items = [i.id for i in rounds.candidate_items(con, "challenges")]
    waiting = rounds.create_round(con, SYSTEM, RoundRules("Positionnement de l'après-midi"), items)
    rounds.set_status(con, SYSTEM, waiting, "open")
    labels = {}
    for round_id in (DOTS, MAJORITY):
        table = results.round_results(con, round_id)
        labels[round_id] = [f"{french.rank(r, short=True)} {t}"
                            for r, t in zip(table["rank"], table["title"], strict=True)]
    titles = [i.title for i in rounds.round_items(con, waiting)]
    con.close()
    return start_module_server(path), waiting, labels, titles


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
    charts = tab.locator("[data-testid='stVegaLiteChart'] svg:visible")  # one ranking per kind of screen
    result = charts.filter(has=tab.locator("g[aria-label^='Axe vertical']"))
    expect(result).to_have_count(1)
    axis = result.locator("g[aria-label^='Axe vertical'] .role-axis-label text")
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
    strip = charts.filter(has=tab.locator(".role-legend"),
                          has_not=tab.locator("g[aria-label^='Axe vertical']"))
    check_legend(tab, strip, ["1 · Acculturation", "2 · Animation territoriale", "3 · Financement",
                              "4 · Compétences", "5 · Écosystèmes"], width)
    assert strip.locator(".mark-rect.role-mark path").count() == 5
    expect(tab.get_by_test_id("projo-closed")).to_have_text("Vote clos")  # the QR code gave way
    expect(tab.get_by_text("Scannez pour voter")).to_have_count(0)
    tab.evaluate("document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    if size in WIDE:
        assert tab.evaluate(OVERFLOW) <= 2  # a projected page is not scrolled
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
    if size in WIDE:
        assert tab.evaluate(OVERFLOW) <= 2
    screenshot(tab, f"projection-avant-le-premier-vote-{width}")
    tab.context.close()


LONG = "Mutualiser les fonctions support des structures de l'accompagnement sur tout le territoire rural"


@pytest.fixture(scope="module")
def crowded(demo_copy, start_module_server):
    """A demo copy with 15 défis and 15 solutions, and a round in each state the room may see.

    Yield the server and the round ids by state: « agenda » (15 défis, not yet open), « agenda-mj »
    (15 solutions), « masqué » (closed, results hidden), « gommettes » and « jugement » (closed, public
    ranking, with ties), « en-cours » (open for 30 min, live results, 40 ballots), and a code of a
    participant who has not voted.
    """
    path = demo_copy()
    con = db.open_database(path)
    objectives = [o.id for o in seminar.objectives(con)]
    added = 0
    while len(rounds.candidate_items(con, "challenges")) < 15:
        added += 1
        challenges.create_challenge(
            con, SYSTEM, title=f"Défi ajouté {added} : " + " ".join(LONG.split()[: 5 + added % 9]),
            description="Une description.", workshop_id=None,
            weights={objectives[added % 5]: 60, objectives[(added + 1) % 5]: 40},
        )
    defis = [i.id for i in rounds.candidate_items(con, "challenges")]
    while len(rounds.candidate_items(con, "solutions")) < 15:
        solutions.add_solution(con, SYSTEM, defis[0], f"Solution ajoutée {added} : {LONG}")
        added += 1
    sols = [i.id for i in rounds.candidate_items(con, "solutions")][:15]
    codes = [r[0] for r in con.execute("SELECT code FROM participants ORDER BY id").fetchall()]
    pick = random.Random(13)

    def make(title, target, method, items, ballots, visibility="live", close=True):
        round_id = rounds.create_round(con, SYSTEM, RoundRules(title, target=target, method=method,
                                                               results_visibility=visibility), items)
        if ballots:
            rounds.set_status(con, SYSTEM, round_id, "open")
            for code in codes[:ballots]:
                choices = ({i: (1, False) for i in pick.sample(items, 3)} if method == "dots"
                           else {i: (pick.randrange(0, 6), False) for i in items})
                voting.submit_ballot(con, SYSTEM, round_id, code, choices)
            if close:
                rounds.set_status(con, SYSTEM, round_id, "closed")
        return round_id

    ids = {
        "agenda": make("Quinze défis avant le vote", "challenges", "dots", defis, 0),
        "agenda-mj": make("Quinze solutions avant le vote", "solutions", "majority_judgment", sols, 0),
        "masqué": make("Quinze défis, résultats masqués", "challenges", "dots", defis, 30, "hidden"),
        "gommettes": make("Quinze défis, gommettes", "challenges", "dots", defis, 60),
        "jugement": make("Quinze solutions, jugement", "solutions", "majority_judgment", sols, 50),
    }
    ids["en-cours"] = make("Quinze défis en direct", "challenges", "dots", defis, 40, close=False)
    rounds.start_countdown(con, SYSTEM, ids["en-cours"], dt.timedelta(minutes=30))
    rankings = {state: results.round_results(con, ids[state])
                for state in ("gommettes", "jugement", "en-cours")}
    con.close()
    return start_module_server(path), ids, rankings, codes[-1]


STATES = ["agenda", "agenda-mj", "en-cours", "masqué", "gommettes", "jugement"]


@pytest.mark.parametrize("size", WIDE, ids=[f"{w}x{h}" for w, h in WIDE])
@pytest.mark.parametrize("state", STATES)
def test_fifteen_items_fit_a_projected_screen_in_every_state(crowded, browser, size, state):
    # Issue 13: at 1280×720 with 15 défis, « Scannez pour voter », the address or the end of the ranking
    # fell below the fold of a page nobody scrolls.
    server, ids, rankings, _ = crowded
    tab = open_projection(browser, server, size, ids[state])
    if state.startswith("agenda"):
        expect(tab.get_by_test_id("projo-agenda").locator("ol.projo-items > li")).to_have_count(15)
    if state in ("agenda", "agenda-mj", "en-cours"):
        for part in (tab.get_by_test_id("projo-qr"), tab.get_by_text("Scannez pour voter"),
                     tab.locator(".projo-link")):
            expect(part).to_be_in_viewport(ratio=1)
    if state == "en-cours":
        expect(tab.get_by_test_id("projo-countdown")).to_contain_text("pour voter")
    if state == "masqué":
        expect(tab.get_by_test_id("projo-closed")).to_be_in_viewport(ratio=1)
    if state in rankings:
        check_ranking_fits(tab, rankings[state])
    if state == "gommettes":  # the dots have ties: they stay ties (the same number), as everywhere
        ranks = rankings[state]["rank"].tolist()
        assert len(set(ranks)) < len(ranks)
    tab.screenshot(path=str(SCREENSHOTS / f"projection-15-{state}-{size[0]}.png"))  # what the room sees
    assert tab.evaluate(OVERFLOW) <= 2  # the whole page is on the screen: nothing to scroll
    tab.context.close()


def check_ranking_fits(tab, table) -> None:
    """The ranking drawn is whole and on screen, ties keep their shared rank, and any item left out is
    counted under the chart (« … et N autres »), never silently dropped, never splitting a tie."""
    chart = tab.locator("[data-testid='stVegaLiteChart'] svg:visible").filter(
        has=tab.locator("g[aria-label^='Axe vertical']"))
    expect(chart).to_have_count(1)
    expect(chart).to_be_in_viewport(ratio=1)
    axis = chart.locator("g[aria-label^='Axe vertical'] .role-axis-label text")
    drawn = [" ".join(t.locator("tspan").all_text_contents() or [t.text_content()]) for t in axis.all()]
    expected = [f"{french.rank(r, short=True)} {t}"
                for r, t in zip(table["rank"], table["title"], strict=True)]
    assert drawn == expected[: len(drawn)] and drawn  # the first items, in ranking order, whole
    ranks = table["rank"].tolist()
    note = chart.locator("text", has_text="… et ")
    if len(drawn) < len(expected):
        others = len(expected) - len(drawn)
        expect(note).to_have_text(f"… et {others} autre{'s' if others > 1 else ''}, à partir du rang "
                                  f"{ranks[len(drawn)]}")
        assert ranks[len(drawn)] != ranks[len(drawn) - 1]  # a tie is shown whole or not at all
    else:
        expect(note).to_have_count(0)
    sizes = [float(t.get_attribute("font-size").removesuffix("px")) for t in axis.all()]
    assert min(sizes) >= 14  # readable from the back of the room


def test_the_phone_keeps_the_countdown_in_view_while_the_ballot_scrolls(crowded, browser):
    server, _, _, code = crowded
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True,
                                  has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(WAIT)
    phone.goto(f"{server.url}/bulletin?code={code}")
    countdown = phone.locator("#countdown")
    expect(countdown).to_contain_text("pour voter.")
    first = phone.locator("#ballot .card").first
    assert countdown.bounding_box()["y"] + countdown.bounding_box()["height"] <= first.bounding_box()["y"]
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(phone.locator("#ballot .card").last).to_be_in_viewport()
    expect(countdown).to_be_in_viewport(ratio=1)
    box = countdown.bounding_box()
    assert 0 <= box["y"] <= 1 and box["height"] < 120  # stuck at the top, one or two lines
    assert countdown.evaluate("e => getComputedStyle(e).position") == "sticky"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # the viewport only: screenshot() would unroll the page
    phone.screenshot(path=str(SCREENSHOTS / "vote-telephone-compte-a-rebours-colle.png"))
    context.close()


@pytest.fixture(scope="module")
def long_timed(demo_copy, start_module_server):
    """A demo copy with an open round on a long title, timed, closing when everyone present has voted."""
    path = demo_copy()
    con = db.open_database(path)
    items = [i.id for i in rounds.candidate_items(con, "challenges")]
    title = "Positionnement de l'après-midi sur les défis retenus par les ateliers du matin"
    round_id = rounds.create_round(con, SYSTEM, RoundRules(title), items)
    rounds.start_countdown(con, SYSTEM, round_id, dt.timedelta(minutes=30), close_when_all_voted=True)
    con.close()
    return start_module_server(path), round_id


def test_the_state_line_wraps_on_a_phone_and_nothing_overlaps(long_timed, browser):
    # Issue 13: at 390×844 « ⏱️ Il reste 2 min 53 s pour voter · 78 votes sur 80 présent·e·s » stayed on one
    # line (right edge 565 px) and the long title's second line hid under the « Vote ouvert » row.
    server, round_id = long_timed
    tab = open_projection(browser, server, (390, 844), round_id)
    line = tab.locator(".projo-headline")
    expect(tab.get_by_test_id("projo-countdown")).to_contain_text("présent·e")
    tab.screenshot(path=str(SCREENSHOTS / "projection-390-ligne-d-etat-longue.png"))
    # The three boxes are read in one step: the projection redraws every 2 s, and an element read between
    # two redraws may be gone for an instant.
    parts = [".projo-headline", ".projo-headline .projo-state", "[data-testid='projo-countdown']"]
    boxes = tab.wait_for_function(
        """parts => { const els = parts.map(p => document.querySelector(p));
                      return els.every(e => e) && els.map(e => { const r = e.getBoundingClientRect();
                                                                return {x: r.x, right: r.right}; }); }""",
        arg=parts).json_value()
    for part, box in zip(parts, boxes, strict=True):
        assert box["x"] >= 0 and box["right"] <= 390, part  # no element wider than the screen
    assert line.evaluate("e => e.scrollWidth <= e.clientWidth")  # nothing runs off to the right
    title_box, line_box = tab.wait_for_function(
        """() => { const els = [document.querySelector("h1"), document.querySelector(".projo-headline")];
                   return els.every(e => e) && els.map(e => { const r = e.getBoundingClientRect();
                                                             return {y: r.y, height: r.height}; }); }""",
    ).json_value()
    assert title_box["height"] > 60  # the long title takes two lines or more
    assert title_box["y"] + title_box["height"] <= line_box["y"] + 1, (title_box, line_box)  # below it
    tab.context.close()
