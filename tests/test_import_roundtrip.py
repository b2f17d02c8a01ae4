"""Round trips through the spreadsheet conventions people actually use (hypothesis).

For every importer (findings, défis with their weights, participants, the actions workbook with its
progress points), values written into a file the way Excel writes them -- CSV with any separator,
encoding and ``sep=`` line, or .xlsx with percent-formatted cells, euro formats, real dates and serial
dates, text typed with a decimal comma or non-breaking spaces, a hidden decoy sheet -- import back as
exactly the same values. A value that cannot be read exactly is refused in French and writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import shutil
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from labo_dash import (
    access,
    backup,
    db,
    diagnosis,
    participants,
    seminar,
)
from labo_dash.errors import ImportRejected
from labo_dash.french import FINDING_KINDS, PARTICIPANT_KINDS, STATUSES
from labo_dash.imports import actions as actions_import
from labo_dash.imports import diagnosis as diagnosis_import
from labo_dash.imports.spreadsheet import csv_text, text_cells, xlsx_text
from labo_dash.reporting import monthly
from labo_dash.reporting.workbook import report_xlsx
from tests.conftest import seminar_today

ACTOR = access.Actor(access.ORGANISER, "Aller-retour")
TODAY = seminar_today()
EXAMPLES = settings(max_examples=30, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SPACES = ["\u00a0", "\u202f", " "]  # non-breaking, narrow non-breaking and plain spaces
MARKER = itertools.count(1)  # keeps generated names unique in the module's database: « 12x … » (the x ends
# the number, so that « 1 » + « 2… » never compares equal to « 12 » + « … » once spaces are ignored)


@dataclass(frozen=True)
class Cell:
    """A cell: what .xlsx stores (value, number format) and what Excel shows (and writes in a CSV)."""

    value: Any
    number_format: str | None = None
    shown: str | None = None

    def text(self) -> str:
        return self.shown if self.shown is not None else ("" if self.value is None else str(self.value))


@dataclass(frozen=True)
class Layout:
    """How a file is written: .xlsx (maybe behind a hidden decoy sheet) or CSV with its conventions."""

    file_format: str
    separator: str = ";"
    sep_line: bool = False
    encoding: str = "utf-8-sig"
    decoy: bool = False


layouts = st.one_of(
    st.builds(Layout, st.just("xlsx"), decoy=st.booleans()),
    st.builds(Layout, st.just("csv"), st.sampled_from([";", ",", "\t"]), st.booleans(),
              st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])),
    st.builds(Layout, st.just("csv"), st.just("|"), st.just(True), st.sampled_from(["utf-8-sig", "cp1252"])),
)
# Text as people type it: accents, punctuation, separators, quotes, apostrophes, formula starts, spaces of
# every kind (no control characters, which .xlsx cannot hold; a line break inside a cell is fine).
texts = st.text(
    st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs"))
    | st.sampled_from([";", ",", "|", "\t", "'", '"', "=", "-", "+", "@", "%", "€", "\n", *SPACES]),
    min_size=1, max_size=30,
).filter(lambda text: text.strip())


def write(headers: list[str], rows: list[list[Any]], layout: Layout, sheet: str) -> bytes:
    """Return ``rows`` (str or Cell values) as the file ``layout`` describes, as Excel would write it."""
    if layout.file_format == "xlsx":
        book = openpyxl.Workbook()
        if layout.decoy:  # an old list, hidden, first: it must never be read
            book.active.title = "Ancienne version"
            book.active.append(headers)
            book.active.append(["Ne pas importer"] * len(headers))
            book.active.sheet_state = "hidden"
            target = book.create_sheet(sheet)
            book.active = 1
        else:
            target = book.active
            target.title = sheet
        target.append(headers)
        for row in rows:
            target.append([c.value if isinstance(c, Cell) else xlsx_text(c) for c in row])
            for column, c in enumerate(row, start=1):
                if isinstance(c, Cell) and c.number_format:
                    target.cell(target.max_row, column).number_format = c.number_format
        text_cells(target)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=layout.separator, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([c.text() if isinstance(c, Cell) else csv_text(c) for c in row] for row in rows)
    text = (f"sep={layout.separator}\r\n" if layout.sep_line else "") + out.getvalue()
    try:
        return text.encode(layout.encoding)
    except UnicodeEncodeError:  # Windows-1252 cannot hold every character: Excel would save UTF-8
        return text.encode("utf-8-sig")


def stored(text: str) -> str | None:
    return text.strip() or None


def counts(con, *tables: str) -> dict[str, int]:
    """Return the row count of each table, audit log included."""
    cur = con.cursor()
    return {t: cur.table(t).aggregate("count(*)").fetchall()[0][0] for t in (*tables, "audit_log")}


@pytest.fixture(scope="module")
def base(tmp_path_factory, demo_template):
    """A private demo database for the module; the backup before each import is tested elsewhere."""
    path = tmp_path_factory.mktemp("aller-retour") / "labo.duckdb"
    shutil.copy(demo_template, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(backup, "before_import", lambda con: None)
        con = db.open_database(path)
        yield con
        con.close()


# --- numbers as Excel stores or people type them ------------------------------------------------------

def french(number: Decimal) -> str:
    """« 40,5 », the way French Excel shows and writes a decimal."""
    return f"{number:f}".replace(".", ",")


def grouped(number: Decimal, space: str) -> str:
    """« 45 000,5 » with the given thousands space."""
    whole, _, fraction = f"{number:f}".partition(".")
    groups = f"{int(whole):,}".replace(",", space)
    return groups + ("," + fraction if fraction else "")


@st.composite
def percent_cells(draw, value: Decimal) -> Cell:
    """A cell showing ``value`` % (0..100): a percent-formatted number, a plain number or typed text."""
    space = draw(st.sampled_from(["", *SPACES]))
    typed = french(value) + draw(st.sampled_from(["", f"{space}%"]))
    return draw(st.sampled_from([
        Cell(float(value / 100), "0.0%", f"{french(value)}{space}%"),  # stored 0.405, shown « 40,5 % »
        Cell(float(value) if value % 1 else int(value), "General", french(value)),
        Cell(typed),
        Cell(f"{value:f}"),  # English style « 40.5 »
    ]))


@st.composite
def euro_cells(draw, value: Decimal) -> Cell:
    """A cell showing ``value`` €: a number formatted « 0,00 € », or typed « 45 000,50 € »."""
    space = draw(st.sampled_from(SPACES))
    typed = grouped(value, space) + draw(st.sampled_from(["", f"{space}€", "€"]))
    return draw(st.sampled_from([
        Cell(float(value), '#,##0.00 "€"', typed),
        Cell(typed),
    ]))


@st.composite
def date_cells(draw, day: dt.date) -> Cell:
    """A cell showing a date: a real date, a serial number with a date format, or typed JJ/MM/AAAA."""
    shown = day.strftime("%d/%m/%Y")
    return draw(st.sampled_from([
        Cell(dt.datetime.combine(day, dt.time()), "DD/MM/YYYY", shown),
        Cell((day - dt.date(1899, 12, 30)).days, "DD/MM/YYYY", shown),
        Cell(shown),
    ]))


# --- findings ----------------------------------------------------------------------------------------

FINDING_HEADERS = ["atelier", "type", "texte", "objectifs", "groupe", "type de participant"]
findings = st.lists(st.tuples(
    st.integers(1, 3), st.sampled_from(list(FINDING_KINDS)), texts, st.sets(st.integers(1, 5), min_size=1),
    st.just("") | texts, st.sampled_from(["", *PARTICIPANT_KINDS]), st.booleans(),
), min_size=1, max_size=4)


@pytest.mark.slow  # a property sweep of ~3 s (every layout, up to four findings per file)
@EXAMPLES
@given(rows=findings, layout=layouts)
@example(rows=[(1, "frein", "0\n", {1}, "", "", False), (1, "frein", "0", {1}, "", "", True)],
         layout=Layout("csv", "|", True))  # a line break inside a cell, behind a sep= line
def test_findings_come_back_as_written(base, rows, layout):
    con = base
    written, expected = [], []
    titles = {w.number: w.title for w in seminar.workshops(con, session=diagnosis.SESSION)}
    for workshop, kind, text, objectives, group, who, by_title in rows:
        text = f"{next(MARKER)}x {text}"
        numbers = sorted(objectives)
        number = Cell(workshop, "0") if layout.file_format == "xlsx" else str(workshop)
        written.append([titles[workshop] if by_title else number,
                        FINDING_KINDS[kind].upper(), text, ", ".join(map(str, numbers)), group,
                        PARTICIPANT_KINDS.get(who, "")])
        expected.append((workshop, kind, stored(text), numbers, stored(group), who or None))
    data = write(FINDING_HEADERS, written, layout, diagnosis_import.FINDINGS_SHEET)
    preview = diagnosis_import.parse_findings(con, data, f"constats.{layout.file_format}")
    lines, line = [], 2  # Excel's rows; in a CSV, a line break inside a cell also counts (as in an editor)
    for row in written:
        lines.append(line)
        breaks = sum(c.count("\n") for c in row if isinstance(c, str))
        line += 1 + (breaks if layout.file_format == "csv" else 0)
    assert [r["line"] for r in preview.rows] == lines
    if layout.file_format == "xlsx":
        assert preview.source.startswith("feuille « Constats »")
    ids = diagnosis_import.import_findings(con, ACTOR, data, f"constats.{layout.file_format}")
    back = db.query(con, """
        SELECT f.id, w.number AS workshop, f.kind, f.text, f.group_label, f.participant_kind,
               list(o.number ORDER BY o.number) AS objectives
        FROM findings f JOIN workshops w ON w.id = f.workshop_id
        JOIN finding_objectives fo ON fo.finding_id = f.id JOIN objectives o ON o.id = fo.objective_id
        WHERE f.id IN (SELECT unnest(?)) GROUP BY ALL ORDER BY f.id""", [ids])
    assert [(r["workshop"], r["kind"], r["text"], r["objectives"], r["group_label"], r["participant_kind"])
            for r in back] == expected


# --- défis with their weights ---------------------------------------------------------------------------

@st.composite
def weights(draw) -> list[Decimal]:
    """Five weights in % with at most one decimal, summing to exactly 100 (some of them 0)."""
    cuts = sorted(draw(st.lists(st.integers(0, 1000), min_size=4, max_size=4)))
    tenths = [b - a for a, b in zip([0, *cuts], [*cuts, 1000], strict=True)]
    return [Decimal(t) / 10 for t in tenths]


@st.composite
def challenges_rows(draw) -> list[tuple[str, str, list[Decimal], list[Cell]]]:
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        values = draw(weights())
        cells = [Cell(None) if w == 0 and draw(st.booleans()) else draw(percent_cells(w)) for w in values]
        rows.append((draw(texts), draw(st.just("") | texts), values, cells))
    return rows


CHALLENGE_HEADERS = ["titre", "description", *(f"objectif {n} (%)" for n in range(1, 6))]


@EXAMPLES
@given(rows=challenges_rows(), layout=layouts)
def test_challenge_weights_come_back_as_written(base, rows, layout):
    con = base
    written = [[f"{next(MARKER)}x {title}", description, *cells] for title, description, _, cells in rows]
    data = write(CHALLENGE_HEADERS, written, layout, diagnosis_import.CHALLENGES_SHEET)
    ids = diagnosis_import.import_challenges(con, ACTOR, data, f"defis.{layout.file_format}")
    objective = {r["number"]: r["id"] for r in db.query(con, "SELECT id, number FROM objectives")}
    for challenge_id, row, (_, description, values, _) in zip(ids, written, rows, strict=True):
        saved = db.query(con, "SELECT title, description FROM challenges WHERE id = ?", [challenge_id])[0]
        assert (saved["title"], saved["description"]) == (stored(row[0]), stored(description))
        back = db.query(con, "SELECT objective_id, weight FROM challenge_objectives WHERE challenge_id = ?",
                        [challenge_id])
        assert {r["objective_id"]: Decimal(repr(round(r["weight"] * 100, 6))) for r in back} == {
            objective[n]: w for n, w in enumerate(values, start=1) if w}


unreadable_percents = st.sampled_from([
    "1.234,5", "12,5,3", "40 %%", "beaucoup", "1e2", "−40", "40 €", "-5", "100,5", "50 % 50", "nan", "∞",
])


@EXAMPLES
@given(bad=unreadable_percents, column=st.integers(0, 4), layout=layouts)
def test_an_unreadable_weight_is_refused_and_writes_nothing(base, bad, column, layout):
    con = base
    cells = [Cell("20")] * 5
    cells[column] = Cell(bad)
    data = write(CHALLENGE_HEADERS, [[f"{next(MARKER)} défi", "", *cells]], layout, "Défis")
    before = counts(con, "challenges", "challenge_objectives")
    with pytest.raises(ImportRejected) as refused:
        diagnosis_import.import_challenges(con, ACTOR, data, f"defis.{layout.file_format}")
    assert counts(con, "challenges", "challenge_objectives") == before
    [(line, reason)] = refused.value.rows
    assert line == 2 and f"« {bad}" in reason and f"objectif {column + 1}" in reason


# --- participants ---------------------------------------------------------------------------------------

PEOPLE_HEADERS = ["nom", "structure", "type de participant", "territoire", "email"]
people = st.lists(st.tuples(
    texts, st.just("") | texts, st.sampled_from(list(PARTICIPANT_KINDS)), st.booleans(), st.just("") | texts,
    st.just("") | st.from_regex(r"[a-z0-9.]{1,8}@[a-z]{1,8}\.(fr|org)", fullmatch=True),
), min_size=1, max_size=4)


@EXAMPLES
@given(rows=people, layout=layouts)
def test_participants_come_back_as_written(base, rows, layout):
    con = base
    written = [[f"{next(MARKER)}x {name}", structure, PARTICIPANT_KINDS[kind] if label else kind.upper(),
                territory, email] for name, structure, kind, label, territory, email in rows]
    data = write(PEOPLE_HEADERS, written, layout, participants.IMPORT_SHEET)
    created = participants.import_participants(con, ACTOR, data, f"inscrits.{layout.file_format}")
    back = db.query(con, "SELECT name, structure, kind, territory, email FROM participants "
                         "WHERE id IN (SELECT unnest(?)) ORDER BY id", [[p.id for p in created]])
    assert back == [{"name": stored(w[0]), "structure": stored(structure), "kind": kind,
                     "territory": stored(territory), "email": email or None}
                    for w, (_, structure, kind, _, territory, email) in zip(written, rows, strict=True)]


@EXAMPLES
@given(kind=texts.filter(lambda t: participants.kind_code(t) is None), layout=layouts)
def test_an_unknown_participant_type_is_refused_and_registers_nobody(base, kind, layout):
    con = base
    data = write(PEOPLE_HEADERS, [[f"{next(MARKER)} Nom", "", kind, "", ""]], layout, "Participants")
    before = counts(con, "participants")
    with pytest.raises(ImportRejected) as refused:
        participants.import_participants(con, ACTOR, data, f"inscrits.{layout.file_format}")
    assert counts(con, "participants") == before and [n for n, _ in refused.value.rows] == [2]


# --- the actions workbook and its progress points -------------------------------------------------------

@pytest.fixture(scope="module")
def open_ids(base) -> list[int]:
    """Actions in progress, last updated before today."""
    return [r["id"] for r in db.query(base, """
        SELECT a.id FROM actions a JOIN (
            SELECT action_id, status, reported_on FROM progress_updates
            QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY reported_on DESC, id DESC) = 1
        ) u ON u.action_id = a.id WHERE u.status = 'en_cours' AND u.reported_on < ? ORDER BY a.id""",
        [TODAY])]


def export_book(con) -> openpyxl.Workbook:
    report = monthly.build_report(con, TODAY.replace(day=1), TODAY)
    return openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))


def book_bytes(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def put(sheet, row: int, header: str, cell: Cell | str) -> None:
    target = sheet.cell(row, next(c.column for c in sheet[1] if c.value == header))
    if isinstance(cell, str):
        cell = Cell(cell)
    target.value, target.number_format = cell.value, cell.number_format or "General"


amounts = st.decimals(min_value=0, max_value=10_000_000, places=2)
days = st.dates(dt.date(2025, 1, 1), dt.date(2030, 12, 31))
progress_states = st.one_of(st.tuples(st.just("en_cours"), st.integers(1, 99)),
                            st.tuples(st.just("terminee"), st.just(100)))


@settings(max_examples=10, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), title=texts, planned=amounts, share=st.integers(0, 100), start=days,
       length=st.integers(0, 900), state=progress_states, point=st.integers(1, 100), comment=texts,
       pick=st.integers(0, 10))
@pytest.mark.slow
def test_the_actions_workbook_comes_back_as_edited(base, open_ids, data, title, planned, share, start, length,
                                                  state, point, comment, pick):
    con = base
    action, other = open_ids[pick % len(open_ids)], open_ids[(pick + 1) % len(open_ids)]
    secured = (planned * share / 100).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    due = start + dt.timedelta(days=length)
    status, progress = state
    book = export_book(con)
    sheet = book["Actions"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == action)
    put(sheet, row, "Action", xlsx_text(title))
    put(sheet, row, "Budget prévu (€)", data.draw(euro_cells(planned)))
    put(sheet, row, "Financement acquis (€)", data.draw(euro_cells(secured)))
    put(sheet, row, "Début", data.draw(date_cells(start)))
    put(sheet, row, "Échéance", data.draw(date_cells(due)))
    put(sheet, row, "Statut", STATUSES[status])
    put(sheet, row, "Avancement (%)", data.draw(percent_cells(Decimal(progress))))
    points = book["Points d'avancement"]
    points.append([None, other])
    put(points, points.max_row, "Date", data.draw(date_cells(TODAY)))
    put(points, points.max_row, "Statut", "En cours" if point < 100 else "Terminée")
    put(points, points.max_row, "Avancement (%)", data.draw(percent_cells(Decimal(point))))
    put(points, points.max_row, "Commentaire", xlsx_text(comment))
    text_cells(sheet)
    text_cells(points)
    content = book_bytes(book)

    actions_import.apply_import(con, ACTOR, content, "situation.xlsx", TODAY)
    saved = db.query(con, "SELECT title, budget_planned, budget_secured, start_date, due_date FROM actions "
                          "WHERE id = ?", [action])[0]
    assert saved == {"title": stored(title), "budget_planned": planned, "budget_secured": secured,
                     "start_date": start, "due_date": due}
    latest = {r["action_id"]: r for r in db.query(con, """
        SELECT action_id, status, progress, comment, reported_on FROM progress_updates
        WHERE action_id IN (?, ?)
        QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY reported_on DESC, id DESC) = 1""",
        [action, other])}
    assert (latest[action]["status"], latest[action]["progress"]) == (status, progress)
    assert (latest[other]["progress"], latest[other]["comment"], latest[other]["reported_on"]) == (
        point, stored(comment), TODAY)


unreadable_numbers = st.sampled_from([
    ("Avancement (%)", "50,5 %"), ("Avancement (%)", "150"), ("Avancement (%)", "1.234,5"),
    ("Avancement (%)", "moitié"), ("Budget prévu (€)", "12,345 €"), ("Budget prévu (€)", "1.234,5 €"),
    ("Budget prévu (€)", "-5 €"), ("Budget prévu (€)", "45 000 %"), ("Poids", "1,2,3"), ("Poids", "2 €"),
])


@pytest.fixture(scope="module")
def exported(base):
    """Return a function opening the current workbook, exported once (refused imports change nothing)."""
    content = book_bytes(export_book(base))
    return lambda: openpyxl.load_workbook(io.BytesIO(content))


@pytest.mark.slow  # a property sweep: 10 workbooks written, read back and refused
@settings(max_examples=10, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(bad=unreadable_numbers, pick=st.integers(0, 10))
def test_an_unreadable_number_in_the_workbook_is_refused_and_writes_nothing(base, open_ids, exported, bad,
                                                                             pick):
    con = base
    header, text = bad
    action = open_ids[pick % len(open_ids)]
    book = exported()
    sheet = book["Actions"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == action)
    put(sheet, row, header, text)
    before = counts(con, "actions", "progress_updates")
    snapshot = db.query(con, "SELECT * FROM actions WHERE id = ?", [action])
    with pytest.raises(ImportRejected) as refused:
        actions_import.apply_import(con, ACTOR, book_bytes(book), "situation.xlsx", TODAY)
    assert counts(con, "actions", "progress_updates") == before
    assert db.query(con, "SELECT * FROM actions WHERE id = ?", [action]) == snapshot
    [(line, reason)] = refused.value.rows
    assert line == row and f"« {text} »" in reason and header.split(" (")[0] in reason
