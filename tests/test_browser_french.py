"""Browser: not a word of Streamlit's English on any page, for any role, on a desktop and on a phone.

Every page each role may open is visited at 1920 and 390 px wide, every tab and view opened (nested ones
too, the diagnostic's « Import » with its file uploader) and every multiselect unrolled; the visible
text, the placeholders, the titles and every screen-reader label (aria-label) are searched for the
English strings of the installed Streamlit frontend, extracted from its JavaScript bundle (so an upgrade
that adds or renames a string is caught), and for those its French dictionary translates
(labo_dash/ui/streamlit_fr.json). The page says ``lang="fr"``. Inside charts, every screen-reader label
and role (aria-label, aria-roledescription) must be free of Vega's English too (« Y-axis titled … »,
« rect mark container »). Charts and tables are hovered, and each button of their toolbar: its label and
tooltip must be French (« Rechercher », « Plein écran »), and the table's CSV download (commas, which a
French Excel does not split) must stay hidden (labo_dash/ui/french.css). A table's column menu (« Sort
ascending », « Pin column »...) is opened and read.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from pathlib import Path

import pytest
import streamlit
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from labo_dash import auth, db, settings
from labo_dash.access import ORGANISER, Actor
from labo_dash.ui.french_page import dictionary
from tests.conftest import SCREENSHOTS, Server, screenshot, wait_ready

pytestmark = pytest.mark.browser

BUNDLE = Path(streamlit.__file__).parent / "static" / "static" / "js"
PASSCODES = {"organisateur": "organisation-2026", "pilotage": "pilotage-2026",
             "partenaire": "partenaire-2026"}
ROLES = ["organisateur", "pilotage", "partenaire", "anonyme"]
PROJECTION = "Résultats en direct"
WIDTHS = [1920, 390]
# Words of the bundle that are French words too, or names, as the app writes them.
FRENCH_TOO = {"Distance", "Euro", "Maximum", "Minimum", "Page"}


# Where a literal of the bundle is cut into sentences: markdown bold marks, and after a sentence's end.
SENTENCES = re.compile(r"\*\*|(?<=[.!?:])\s+")
# What precedes a label in the bundle: `label:`, `"aria-label":`, `children:[`...
LABEL_KEY = re.compile(
    r"""(?:label|placeholder|title|children|content|tooltip|message|text)["']?\s*:\s*\[?$"""
)


def _literal_pieces(source: str) -> list[tuple[str, bool]]:
    """Return the literal text of every JavaScript template literal in ``source`` (split at ``${...}``),
    each with whether it is an interface label (the value of a ``label:``, ``title:``, ``children:``...).

    Streamlit's minified bundle writes its interface strings as template literals (`Select all`,
    `${size} per file`); nested literals inside ``${...}`` are followed, quoted strings and comments
    skipped.
    """
    special = re.compile(r"[`'\"{}]|/[/*]")
    pieces: list[tuple[str, bool]] = []
    closers: list[int] = []  # brace depth at which each open ${ closes
    depth = i = 0
    while (match := special.search(source, i)) is not None:
        char, at = match.group(), match.start()
        if char == "`" or (char == "}" and closers and closers[-1] == depth):
            if char == "}":
                closers.pop()
            k = start = at + 1
            while k < len(source) and source[k] != "`" and not source.startswith("${", k):
                k += 2 if source[k] == "\\" else 1
            pieces.append((source[start:k], bool(LABEL_KEY.search(source, max(0, at - 30), at))))
            if source.startswith("${", k):
                closers.append(depth)
                k += 1
            i = k + 1
        elif char in "'\"":
            k = at + 1
            while k < len(source) and source[k] not in (char, "\n"):
                k += 2 if source[k] == "\\" else 1
            i = k + 1
        elif char in ("//", "/*"):
            end = source.find("\n" if char == "//" else "*/", at + 2)
            i = len(source) if end < 0 else end + 2
        else:
            depth += 1 if char == "{" else -1
            i = at + 1
    return pieces


@functools.cache
def streamlit_strings() -> frozenset[str]:
    """Return the English interface strings of the installed Streamlit frontend (a few thousand).

    A string is kept when it reads as words: letters, spaces, apostrophes, hyphens, slashes, at most 8
    words with one of 3 letters or more. A single word must be an interface label (`Upload`, `Search`),
    capitalised, and not a French word too (FRENCH_TOO). A literal is read sentence by sentence (see
    SENTENCES): « **Error**: Date set outside allowed range. Please select a date on or before ${r}. » gives
    « Error », « Date set outside allowed range » and « Please select a date on or before ».
    """
    wordy = re.compile(r"[A-Za-z][A-Za-z'’ /-]*[A-Za-z]")
    found: set[str] = set()
    for path in sorted(BUNDLE.glob("*.js")):
        for literal, label in _literal_pieces(path.read_text(encoding="utf-8", errors="replace")):
            for piece in SENTENCES.split(literal):
                piece = piece.strip(" .:•…,!?()+")
                if len(piece) > 80 or not wordy.fullmatch(piece) or len(piece.split()) > 8 \
                        or not re.search(r"[A-Za-z]{3}", piece):
                    continue
                if " " not in piece and not (label and piece[0].isupper()
                                             and not re.search(r"[a-z][A-Z]|[-/]", piece)):
                    continue
                found.add(piece)
    return frozenset(found - FRENCH_TOO)


def translated_strings() -> frozenset[str]:
    """Return the English strings that the French dictionary translates, those starting with a capital
    (« Sort ascending »; for « Help for {} », « Help for »; for « [aria-valuetext] Empty », « Empty »): the
    bundle's extraction misses a few."""
    fixed = {part.strip() for english in dictionary()
             for part in re.split(r"\{#?\}", re.sub(r"^\[[a-z-]+\] ", "", english))}
    return frozenset(part for part in fixed if part[:1].isupper())


@functools.cache
def english_pattern() -> re.Pattern[str]:
    """Return one regex finding any of :func:`streamlit_strings` and :func:`translated_strings` as whole
    words, longest first."""
    phrases = sorted(streamlit_strings() | translated_strings(), key=len, reverse=True)
    return re.compile(r"(?<![\w'’-])(?:" + "|".join(map(re.escape, phrases)) + r")(?![\w'’-])")


def test_the_bundle_yields_streamlit_s_own_strings():
    strings = streamlit_strings()
    assert len(strings) > 1000
    for known in ["Upload", "per file", "Press Enter to", "Select", "Search", "Show data",
                  "Download as PNG", "Copy Vega-Lite spec", "Show/hide columns", "Fullscreen", "Clear all",
                  "Date set outside allowed range", "Please select a date on or before"]:
        assert known in strings, known
    assert english_pattern().search("Appuyez sur Entrée. Select 5 matches").group() == "Select"
    assert english_pattern().search("200MB per file • CSV").group() == "per file"
    assert english_pattern().search("Page 2 · Minimum 3 · Calendrier des actions · Module") is None
    for known in ["Sort ascending", "Pin column", "Help for", "Link to heading", "Autosize"]:
        assert english_pattern().search(f"{known} Échéance").group() == known, known
    french = [value.replace("{}", "Échéance") for value in dictionary().values()]
    assert not [value for value in french if english_pattern().search(value)]


# The visible text, the shown placeholders and titles, and every screen-reader label and role (shown or
# not), those Vega writes inside a chart's SVG included.
PAGE_TEXTS = """() => {
  const shown = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)
    && getComputedStyle(e).visibility !== 'hidden';
  const texts = [document.body.innerText];
  for (const e of document.querySelectorAll('[placeholder], [title]')) {
    if (shown(e)) texts.push(e.getAttribute('placeholder') || '', e.getAttribute('title') || '');
  }
  for (const e of document.querySelectorAll('[aria-label], [aria-roledescription], [aria-valuetext]')) {
    texts.push(e.getAttribute('aria-label') || '', e.getAttribute('aria-roledescription') || '',
               e.getAttribute('aria-valuetext') || '');
  }
  return texts.join('\\n');
}"""

# Vega's own English, which its screen-reader text is made of (« Y-axis titled 'Défi' for a discrete scale
# with 6 values », « Title text '…' », the roles « axis », « legend », « rect mark container », « bar »,
# the default description « Vega visualization »): not in Streamlit's strings as single words.
# The months a date field's month part reads to screen readers (« 11 – November »), in the browser's English.
ENGLISH_MONTHS = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|"
                            r"November|December)\b")
VEGA_ENGLISH = re.compile(r"(?i)\b(?:[XY]-axis|axis|legend|title|subtitle|titled|mark|container|scale|"
                          r"visualization|values|bar|rect|symbol|rule|group)\b")


def english_in(tab) -> list[str]:
    """Return the lines of the page (visible text, placeholders, titles, aria-labels, roles and value
    texts) holding Streamlit English or an English month, and the screen-reader lines of its charts holding
    Vega's English."""
    text = tab.evaluate(PAGE_TEXTS)
    found = {line.strip() for line in text.splitlines()
             if english_pattern().search(line) or ENGLISH_MONTHS.search(line)}
    return sorted(found | {line for line in tab.evaluate(CHART_ARIA) if VEGA_ENGLISH.search(line)})


# The screen-reader labels and roles inside charts (the chart's own element, its SVG), one per line.
CHART_ARIA = """() => [...document.querySelectorAll(
    "[data-testid='stVegaLiteChart'] :is([role='graphics-document'], svg, svg *)")]
  .flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('aria-roledescription')])
  .filter(Boolean).flatMap(text => text.split('\\n'))"""


def test_vega_s_english_is_recognised():
    for english in ["Y-axis titled 'Défi' for a discrete scale with 6 values: a, b", "rect mark container",
                    "axis", "legend", "Title text 'Résultats'", "bar", "Vega visualization"]:
        assert VEGA_ENGLISH.search(english), english
    for french in ["Axe vertical : Défi", "ensemble de rectangles", "axe", "légende", "Titre : Résultats",
                   "barre", "Graphique", "Défi : Financer l'animation ; Part des votes : 20 %"]:
        assert not VEGA_ENGLISH.search(french), french


@pytest.fixture(scope="module")
def server(demo_copy, start_module_server):
    """One server for the module, on a private copy of the demo, with the three role passcodes and the
    public projection on (so that anonymous visitors see /resultats too)."""
    path = demo_copy()
    with db.open_database(path) as con:
        settings.set_setting(con, Actor(ORGANISER, "Test"), "public_projection", True)
    env = {auth.PASSCODE_VARIABLES[role]: auth.hash_passcode(code) for role, code in PASSCODES.items()}
    return start_module_server(path, env)


def sign_in(tab, server: Server, role: str) -> None:
    """Open a new session signed in with ``role`` (« anonyme »: not signed in), on its landing page."""
    tab.goto(server.url if role == "anonyme" else f"{server.url}/connexion")
    wait_ready(tab)
    if role == "anonyme":
        return
    tab.get_by_label("Votre nom", exact=True).fill(f"Test {role}")
    tab.get_by_label("Code d'accès", exact=True).fill(PASSCODES[role])
    tab.get_by_role("button", name="Se connecter").click()
    wait_ready(tab)


def slug(text: str) -> str:
    """« Résultats en direct » -> ``resultats-en-direct`` (screenshot names)."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]+", "-", plain).strip("-")


def menu_links(tab) -> list[str]:
    """Return the menu's page titles (without their icons)."""
    links = tab.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    return [text.strip().split("\n")[-1] for text in links]


def open_page(tab, server: Server, role: str, link: str, width: int) -> None:
    """Sign in, follow a menu link (a typed address would start a new, signed-out session), then narrow
    the window to ``width``. A fresh sign-in for each page: a session lives as long as its connection."""
    tab.set_viewport_size({"width": 1920, "height": 1000})
    sign_in(tab, server, role)
    tab.locator("[data-testid='stSidebarNav'] a", has_text=link).first.click()
    wait_ready(tab)
    tab.set_viewport_size({"width": width, "height": 1000})
    wait_ready(tab)


def unroll_multiselects(tab) -> list[str]:
    """Open each visible multiselect's list, return its English lines, close it."""
    found: list[str] = []
    boxes = tab.locator("[data-testid='stMain'] [data-testid='stMultiSelect'] input")
    for i in range(boxes.count()):
        box = boxes.nth(i)
        if not box.is_visible() or not box.is_enabled():
            continue
        box.click()
        # A list whose every option is chosen opens nothing (or a note): its text is read all the same.
        with contextlib.suppress(PlaywrightTimeout):
            tab.locator("[role='listbox']").first.wait_for(state="visible", timeout=5_000)
        found += english_in(tab)
        tab.keyboard.press("Escape")
    return found


TOOLBAR_BUTTONS = ("[data-testid='stElementToolbar']:visible "
                   "[data-testid='stBaseButton-elementToolbar']:visible")
# The toolbar buttons hidden by labo_dash/ui/french.css: a table's CSV download (commas), a chart's raw data
# and Vega-Lite specification.
HIDDEN_BUTTONS = ("button:is([aria-label='Télécharger en CSV'], [aria-label='Download as CSV'], "
                  "[aria-label^='Afficher les données'], [aria-label^='Show data'], "
                  "[aria-label^='Copier la spécification'], [aria-label^='Copy Vega-Lite']):visible")


def hover_toolbars(tab) -> list[str]:
    """Hover every chart and table, then each button of its toolbar (its tooltip shows): return the
    English lines this shows, and a line for each button shown that should be hidden."""
    found: list[str] = []
    items = tab.locator("[data-testid='stMain'] :is([data-testid='stVegaLiteChart'], "
                        "[data-testid='stDataFrame'])")
    for i in range(items.count()):
        item = items.nth(i)
        if not item.is_visible():
            continue
        item.hover(force=True)
        buttons = tab.locator(TOOLBAR_BUTTONS)
        for k in range(buttons.count()):
            buttons.nth(k).hover(force=True)
            found += english_in(tab)
        found += [f"shown: {label}" for label in tab.locator(HIDDEN_BUTTONS).evaluate_all(
            "buttons => buttons.map(b => b.getAttribute('aria-label'))")]
    return found


# What switches a page's view: tabs, and the segmented controls that act as tabs.
VIEW_SWITCHES = (
    "[data-testid='stMain'] :is([role='tab'], [role='radiogroup']:is([aria-label='Vue'], "
    "[aria-label='Que voulez-vous importer ?'], [aria-label='Sur quoi vote-t-on ?']) [role='radio'])"
)


def survey(tab, where: str, seen_tabs: set[str]) -> dict[str, list[str]]:
    """Check the current view, then open each tab (or view) not yet opened and check it, nested ones too."""
    report = {where: english_in(tab) + unroll_multiselects(tab) + hover_toolbars(tab)}
    for _ in range(60):  # opening a tab may show new (nested) tabs: look again after each
        # A view's name without its icon (a segmented control's icon is a line of its own).
        names = [n.strip().split("\n")[-1] for n in tab.locator(VIEW_SWITCHES).all_inner_texts()]
        todo = [n for n in names if f"{where} › {n}" not in seen_tabs]
        if not todo:
            break
        name = todo[0]
        seen_tabs.add(f"{where} › {name}")
        tab.locator(VIEW_SWITCHES, has_text=name).first.click()
        wait_ready(tab)
        report[f"{where} › {name}"] = english_in(tab) + unroll_multiselects(tab) + hover_toolbars(tab)
    return report


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_tab_is_free_of_streamlit_english(server, page, role, width):
    page.set_default_timeout(120_000)
    sign_in(page, server, role)
    assert page.evaluate("document.documentElement.lang") == "fr"
    # The projection hides the menu: it comes last.
    links = sorted(menu_links(page), key=lambda link: link == PROJECTION)
    if role == "anonyme":
        assert PROJECTION in links, "the public projection is on"
    assert links, "the menu lists the role's pages"
    report: dict[str, list[str]] = {}
    seen: set[str] = set()
    for link in links:
        open_page(page, server, role, link, width)
        report.update(survey(page, link, seen))
        screenshot(page, f"francais-{role}-{width}-{slug(link)}")
    english = {where: lines for where, lines in report.items() if lines}
    assert not english, f"Streamlit English on screen ({role}, {width} px): {english}"
    assert len(report) >= len(links)


@pytest.mark.parametrize("width", WIDTHS)
def test_tables_and_charts_keep_their_toolbar_in_french(server, page, width):
    """The toolbars were hidden for their English tooltips: a table's search and fullscreen, a chart's PNG
    download and fullscreen are back, with French labels and tooltips; the CSV download (commas) is not."""
    page.set_default_timeout(120_000)
    open_page(page, server, "organisateur", "Accueil", width)
    chart = page.locator("[data-testid='stMain'] [data-testid='stVegaLiteChart']").first
    chart.scroll_into_view_if_needed()
    chart.hover()
    toolbar = page.locator("[data-testid='stElementToolbar']:visible")
    expect(toolbar.get_by_role("button", name="Télécharger en PNG")).to_be_visible()
    expect(toolbar.get_by_role("button", name="Plein écran")).to_be_visible()
    expect(toolbar.get_by_role("button", name="Afficher les données")).to_be_hidden()
    open_page(page, server, "organisateur", "Actions de suivi", width)
    grid = page.locator("[data-testid='stMain'] [data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    grid.hover()
    search = page.locator("[data-testid='stElementToolbar']:visible").get_by_role("button", name="Rechercher")
    expect(search).to_be_visible()
    expect(page.get_by_role("button", name="Télécharger en CSV")).to_be_hidden()
    search.hover()
    expect(page.get_by_test_id("stTooltipContent")).to_have_text("Rechercher")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"francais-barre-d-outils-{width}.png")
    assert not english_in(page)
    # The table's search bar (« Type to search », « Next Result », « 3 of 12 results »), in French.
    search.click()
    expect(grid.get_by_text("Tapez pour rechercher")).to_be_visible()
    page.keyboard.type("fonds")
    expect(grid.get_by_text(re.compile(r"^\d+ résultats?$"))).to_be_visible()
    page.keyboard.press("Enter")
    expect(grid.get_by_text(re.compile(r"^\d+ sur \d+ résultats?$"))).to_be_visible()
    screenshot_name = f"francais-recherche-tableau-{width}.png"
    page.screenshot(path=SCREENSHOTS / screenshot_name)
    assert not english_in(page)


# The action table's first column, « N° », is Streamlit's « small » width: its header's menu button (shown
# on hover, drawn on the grid's canvas) sits at its right end.
FIRST_COLUMN_PX = 75

MENU_TEXTS = """() => {
  const menu = document.querySelector("[data-testid='stDataFrameColumnMenu']");
  const labels = [...menu.querySelectorAll('[aria-label], [title]')]
    .flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('title')]).filter(Boolean);
  return [menu.innerText, ...labels].join('\\n');
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_table_column_menu_is_french(server, page, width):
    page.set_default_timeout(120_000)
    open_page(page, server, "organisateur", "Actions de suivi", width)
    grid = page.locator("[data-testid='stMain'] [data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.move(box["x"] + FIRST_COLUMN_PX / 2, box["y"] + 18)
    page.mouse.click(box["x"] + FIRST_COLUMN_PX - 10, box["y"] + 18)
    menu = page.get_by_test_id("stDataFrameColumnMenu")
    expect(menu).to_be_visible()
    expect(menu).to_contain_text("Trier par ordre croissant")
    text = page.evaluate(MENU_TEXTS)
    assert "N°" in text, "the menu of the « N° » column"
    # Its number formats, a submenu.
    menu.get_by_role("menuitem", name="Format").hover()
    formats = page.get_by_test_id("stDataFrameColumnFormattingMenu")
    expect(formats).to_contain_text("Automatique")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # the window as it is: a full-page shot moves the menu
    page.screenshot(path=SCREENSHOTS / f"francais-menu-de-colonne-{width}.png")
    lines = [*text.splitlines(), *formats.inner_text().splitlines()]
    assert not [line for line in lines if english_pattern().search(line)], lines
    # The column's kind is the title of the menu's first icon: « N° » holds numbers.
    expect(menu.locator("[title='nombre']")).to_have_count(1)


def test_a_phone_sees_every_tab_of_the_review(server, page):
    """At 390 px the review's tab bars (five tabs, then seven lists) wrap: no tab off screen."""
    page.set_default_timeout(120_000)
    open_page(page, server, "organisateur", "Comité de pilotage", 390)
    tabs = page.locator("[data-testid='stMain'] [role='tab']")
    expect(tabs.filter(has_text="Signature")).to_be_visible()
    boxes = [tabs.nth(i).bounding_box() for i in range(tabs.count())]
    assert len(boxes) >= 12, "the five tabs and the seven lists of « Ce qui a changé »"
    off_screen = [box for box in boxes if box["x"] < 0 or box["x"] + box["width"] > 390]
    assert not off_screen
    tabs.filter(has_text="Signature").click()
    wait_ready(page)
    expect(tabs.filter(has_text="Signature")).to_have_attribute("aria-selected", "true")
    screenshot(page, "francais-onglets-390-suivi")


# The content written after each button of a file uploader (labo_dash/ui/french.css).
AFTER_BUTTONS = """uploader => [...uploader.querySelectorAll('button')].map(
    b => getComputedStyle(b, '::after').content)"""


@pytest.mark.parametrize("width", WIDTHS)
def test_a_chosen_file_and_a_typed_date_are_french(server, page, width, tmp_path):
    """Once a file is chosen, the uploader shows its size the French way (« 28,9 Ko »), its remove and « + »
    buttons have French labels and no « Choisir un fichier » of their own (only the button that opens the
    file dialog has one); a file of the wrong type is refused in French. A typed date's month reads
    « 11 – novembre » to screen readers, an empty part « Vide »."""
    page.set_default_timeout(120_000)
    open_page(page, server, "organisateur", "Actions de suivi", width)
    expander = page.locator("[data-testid='stExpander']").filter(has_text="Mettre à jour depuis Excel")
    expander.get_by_text("Mettre à jour depuis Excel").click()
    uploader = expander.get_by_test_id("stFileUploader")
    choose = uploader.get_by_role("button", name="Choisir un fichier", exact=True)
    expect(choose).to_be_visible()
    assert uploader.evaluate(AFTER_BUTTONS) == ['"Choisir un fichier"']
    chosen = tmp_path / "situation.xlsx"
    chosen.write_bytes(b"x" * 28_874)  # refused by the import (no workbook): the uploader is what is read
    uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(chosen))
    wait_ready(page)
    chip = uploader.get_by_test_id("stFileChip")
    size = chip.get_by_text(re.compile(r"^\d+(,\d)? (o|Ko|Mo)$"))
    expect(size).to_have_text(re.compile(r"^28,[89] Ko$"))  # 1 000 or 1 024 bytes to a Ko, by platform
    expect(chip).to_have_attribute("aria-label", f"situation.xlsx, {size.inner_text()}")
    expect(uploader.get_by_role("button", name="Retirer situation.xlsx")).to_be_visible()
    expect(uploader.get_by_role("button", name="Choisir un autre fichier")).to_be_visible()
    assert uploader.evaluate(AFTER_BUTTONS) == ["none", "none"]
    screenshot(page, f"francais-fichier-choisi-{width}")
    assert not english_in(page)
    wrong = tmp_path / "notes.pdf"
    wrong.write_bytes(b"%PDF-1.4\n")
    uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(wrong))
    expect(uploader).to_contain_text("Les fichiers application/pdf ne sont pas acceptés.")
    screenshot(page, f"francais-fichier-refuse-{width}")
    assert not english_in(page)
    # A date field of the action table's filters: its day typed, then its month and year.
    day = page.locator("[data-testid='stMain'] [role='spinbutton'][data-type='day']").first
    month = page.locator("[data-testid='stMain'] [role='spinbutton'][data-type='month']").first
    expect(month).to_have_attribute("aria-valuetext", "Vide")
    day.click()
    page.keyboard.type("15112026")
    expect(month).to_have_attribute("aria-valuetext", "11 – novembre")
    assert not english_in(page)
