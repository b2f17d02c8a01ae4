"""The monthly report: its figures against the database, the PDF (pages, text) and the workbook (sheets,
headers, values), both made by the command line as the monthly scheduled job does."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from PIL import Image
from pypdf import PdfReader

from labo_dash import clock, db, french
from labo_dash.errors import ValidationError
from labo_dash.reporting import monthly
from labo_dash.reporting.pdf import TABLE_SIZE, _Document, _table, header_size, report_pdf
from labo_dash.reporting.pdf_fonts import MISSING
from labo_dash.reporting.workbook import ACTION_COLUMNS, UPDATE_COLUMNS, report_xlsx
from tests.conftest import ROOT, SCREENSHOTS
from tests.withdrawal_data import OCTOBER, RIGHT
from tests.withdrawal_data import TODAY as WITHDRAWAL_TODAY
from tests.withdrawal_data import build as build_withdrawal

MONTH = "2026-10"
TODAY = clock.now().astimezone(ZoneInfo("Europe/Paris")).date()  # the seminar's date (default zone)


def run_report(db_path, month: str, fmt: str, out) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "labo_dash", "report", "--db", str(db_path), "--month", month, "--format", fmt,
         "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT,
    )


@pytest.fixture(scope="module")
def report_pdf_file(tmp_path_factory, demo_template) -> Path:
    """The October PDF of the demo, made by the command line as the monthly job makes it."""
    out = tmp_path_factory.mktemp("reports") / "sous-dossier" / "rapport.pdf"
    result = run_report(demo_template, MONTH, "pdf", out)
    assert result.returncode == 0, result.stderr
    assert "octobre 2026" in result.stdout and out.exists()
    return out


@pytest.fixture(scope="module")
def workbook_file(tmp_path_factory, demo_template) -> Path:
    """The October workbook of the demo (no PDF: the workbook's test stays out of the slow ones)."""
    con = db.open_database(demo_template, migrate=False)
    try:
        workbook = report_xlsx(monthly.build_report(con, dt.date(2026, 10, 1), TODAY))
    finally:
        con.close()
    path = tmp_path_factory.mktemp("reports") / "rapport.xlsx"
    path.write_bytes(workbook)
    return path


@pytest.fixture(scope="module")
def expected(demo_template):
    """Figures computed here from the database, independently of the report code."""
    con = db.open_database(demo_template, migrate=False)
    try:
        end = dt.date(2026, 10, 31)
        rows = db.query(con, """
            SELECT a.id, a.title, a.due_date, a.budget_planned, a.budget_secured, a.created_at,
                   (SELECT u.status FROM progress_updates u WHERE u.action_id = a.id AND u.reported_on <= ?
                    AND u.id NOT IN (SELECT update_id FROM progress_withdrawals)
                    ORDER BY u.reported_on DESC, u.id DESC LIMIT 1) AS status
            FROM actions a ORDER BY a.id""", [end])
        updates = db.query(con, "SELECT count(*) AS n FROM progress_updates WHERE reported_on <= ? "
                           "AND id NOT IN (SELECT update_id FROM progress_withdrawals)", [end])
        seminar = db.query(con, "SELECT title FROM seminars WHERE id = 1")[0]["title"]
    finally:
        con.close()
    rows = [r for r in rows if r["created_at"].date() <= end or r["status"]]
    live = [r for r in rows if (r["status"] or "a_lancer") != "abandonnee"]
    return {
        "actions": rows,
        "done": sum(r["status"] == "terminee" for r in rows),
        "late": sum(r["due_date"] is not None and r["due_date"] < end
                    and (r["status"] or "a_lancer") not in ("terminee", "abandonnee") for r in rows),
        "planned": sum(float(r["budget_planned"] or 0) for r in live),
        "secured": sum(float(r["budget_secured"] or 0) for r in live),
        "updates": updates[0]["n"],
        "seminar": seminar,
    }


def test_parse_month():
    today = dt.date(2026, 11, 26)
    assert monthly.parse_month("2026-03", today) == dt.date(2026, 3, 1)
    assert monthly.parse_month(" 2026-11 ", today) == dt.date(2026, 11, 1)
    for wrong in ("2026-13", "11/2026", "2026-1", "", "novembre"):
        with pytest.raises(ValidationError, match="AAAA-MM"):
            monthly.parse_month(wrong, today)
    with pytest.raises(ValidationError, match="pas encore commencé"):
        monthly.parse_month("2026-12", today)


def test_of_month_elides_before_a_vowel():
    assert french.of_month(dt.date(2026, 10, 1)) == "d'octobre 2026"
    assert french.of_month(dt.date(2026, 8, 1)) == "d'août 2026"
    assert french.of_month(dt.date(2026, 11, 1)) == "de novembre 2026"


def test_key_figures_match_the_database(con, expected):
    report = monthly.build_report(con, dt.date(2026, 10, 1), TODAY)
    f = report.figures
    assert report.as_of == dt.date(2026, 10, 31)
    assert f.total == len(expected["actions"])
    assert (f.done, f.late) == (expected["done"], expected["late"])
    assert f.planned == pytest.approx(expected["planned"]) and f.planned > 0
    assert f.secured == pytest.approx(expected["secured"])
    assert f.secured_share == pytest.approx(expected["secured"] / expected["planned"])
    assert len(report.updates) == expected["updates"]
    assert set(monthly.report_charts(report)) == {"objectives", "challenges", "history", "signature"}


@pytest.mark.slow
def test_pdf_pages_and_text(report_pdf_file, expected):
    reader = PdfReader(report_pdf_file)
    assert len(reader.pages) >= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Rapport mensuel · octobre 2026" in flat
    assert expected["seminar"].split()[0] in flat and "Accompagner pour coopérer" in flat
    assert "Situation au 31 octobre 2026" in flat
    assert "revue de septembre 2026" in flat
    assert french.amount(expected["planned"]).replace("\u00a0", " ") in flat.replace("\u00a0", " ")
    assert "Relevé de décisions" in flat and "Les actions au 31 octobre 2026" in flat
    assert f"Page 1 / {len(reader.pages)}" in flat
    for action in expected["actions"][:5]:
        assert " ".join(action["title"].split()[:3]) in flat, action["title"]
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 3, "charts are embedded as images"
    assert reader.metadata.title.startswith("Rapport mensuel · octobre 2026")


def test_workbook_sheets_headers_and_values(workbook_file, expected, demo_template):
    book = openpyxl.load_workbook(workbook_file)
    assert book.sheetnames == ["Synthèse", "Objectifs", "Défis", "Actions", "Points d'avancement",
                               "Décisions", "À propos"]
    actions = book["Actions"]
    assert [c.value for c in actions[1]] == list(ACTION_COLUMNS)
    assert [c.value for c in book["Points d'avancement"][1]] == list(UPDATE_COLUMNS)
    assert actions.freeze_panes == "B2" and actions.auto_filter.ref
    header = {c.value: i for i, c in enumerate(actions[1])}
    con = db.open_database(demo_template, migrate=False)
    try:
        by_id = {r["id"]: r for r in db.query(con, "SELECT * FROM actions")}
    finally:
        con.close()
    rows = list(actions.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(expected["actions"])
    for row in rows:
        action = by_id[row[header["N°"]]]
        assert row[header["Action"]] == action["title"]
        assert row[header["Échéance"]] == (dt.datetime.combine(action["due_date"], dt.time())
                                           if action["due_date"] else None)
        assert row[header["Budget prévu (€)"]] == (float(action["budget_planned"])
                                                   if action["budget_planned"] is not None else None)
        assert row[header["Statut"]] in french.STATUSES.values()
    due = actions.cell(2, header["Échéance"] + 1)
    assert due.is_date and due.number_format == "DD/MM/YYYY"
    assert actions.cell(2, header["Budget prévu (€)"] + 1).number_format == '#,##0.00 "€"'  # 45 000,00 €
    assert book["Points d'avancement"].max_row - 1 == expected["updates"]
    summary = {row[0]: row[1] for row in book["Synthèse"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Terminées"] == expected["done"] and summary["En retard"] == expected["late"]
    assert summary["Situation au"] == dt.datetime(2026, 10, 31)
    assert book["Objectifs"].max_row == 6 and book["Objectifs"]["C2"].number_format == "0%"


@pytest.mark.slow
def test_report_command_refuses_a_bad_month_in_french(demo_template, tmp_path):
    result = run_report(demo_template, "octobre", "pdf", tmp_path / "x.pdf")
    assert result.returncode == 1 and "AAAA-MM" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def withdrawal_report(tmp_path) -> tuple:
    """« Étude »: 20 %, then a wrong 90 % withdrawn (tests/withdrawal_data.py): the data and the report."""
    data = build_withdrawal(tmp_path)
    try:
        return data, monthly.build_report(data.con, OCTOBER, WITHDRAWAL_TODAY)
    finally:
        data.con.close()


def test_report_ignores_a_withdrawn_point(tmp_path):
    """« Étude »: 20 %, then a wrong 90 % withdrawn: the model and the workbook both say 20 %."""
    data, report = withdrawal_report(tmp_path)
    study = report.actions.set_index("id").loc[data.study]
    assert (study["progress"], study["category"]) == (RIGHT, "point_mort")
    assert report.figures.progress == pytest.approx((20 + 60 + 50) / 3 / 100)
    assert data.wrong not in set(report.updates["id"]) and len(report.updates) == 3
    assert report.challenges.set_index("challenge_id").loc[data.fund, "progress"] == pytest.approx(0.40)
    assert report.objectives.set_index("number").loc[1, "progress"] == pytest.approx(0.40)

    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    header = {c.value: i for i, c in enumerate(book["Actions"][1])}
    rows = {r[header["N°"]]: r for r in book["Actions"].iter_rows(min_row=2, values_only=True)}
    assert rows[data.study][header["Avancement (%)"]] == RIGHT
    points = [r for r in book["Points d'avancement"].iter_rows(min_row=2, values_only=True)]
    assert len(points) == 3 and data.wrong not in {r[0] for r in points}
    assert 90 not in {r[list(UPDATE_COLUMNS).index("Avancement (%)")] for r in points}


@pytest.mark.slow  # renders the PDF (charts drawn by vl-convert): seconds alone
def test_report_pdf_ignores_a_withdrawn_point(tmp_path):
    """The same report's PDF says 20 % too."""
    _, report = withdrawal_report(tmp_path)
    pages = PdfReader(io.BytesIO(report_pdf(report))).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split()).replace("\u00a0", " ")
    assert "Étude" in text and "90 %" not in text
    assert "Avancement global 43 %" in text  # (20 + 60 + 50) / 3, not (90 + 60 + 50) / 3 = 67 %


# --- Every character drawn (issue 12, fault 8) ------------------------------------------------------------

UNICODE_TITLE = "Fonds 🚀 coopératif – تعاون إقليمي"
NO_GLYPH_TITLE = "Coopération 협력"  # Hangul: in none of the PDF's fonts


def flat_text(pdf_bytes_or_path) -> str:
    source = io.BytesIO(pdf_bytes_or_path) if isinstance(pdf_bytes_or_path, bytes) else pdf_bytes_or_path
    return " ".join("\n".join(page.extract_text() for page in PdfReader(source).pages).split())


@pytest.fixture(scope="module")
def unicode_pdf(tmp_path_factory, demo_template) -> Path:
    """The October report of the demo where two actions listed on page 1 have non-Latin titles."""
    folder = tmp_path_factory.mktemp("unicode")
    path = folder / "labo.duckdb"
    shutil.copy(demo_template, path)
    con = db.open_database(path)
    try:
        con.execute("UPDATE actions SET title = ? WHERE id = 2", [UNICODE_TITLE])  # "progresse" in October
        con.execute("UPDATE actions SET title = ? WHERE id = 3", [NO_GLYPH_TITLE])
        report = monthly.build_report(con, dt.date(2026, 10, 1), TODAY)
    finally:
        con.close()
    out = folder / "rapport.pdf"
    out.write_bytes(report_pdf(report))
    return out


@pytest.mark.slow
def test_pdf_draws_emoji_and_arabic_in_logical_order(unicode_pdf):
    flat = flat_text(unicode_pdf)
    assert UNICODE_TITLE in flat  # emoji kept, Arabic words in reading order (it read « Fonds  coopératif »)
    first_page = " ".join(PdfReader(unicode_pdf).pages[0].extract_text().split())  # the « progressed » list
    assert "Fonds 🚀 coopératif –" in first_page and "تعاون إقليمي" in first_page


@pytest.mark.slow
def test_pdf_replaces_a_character_no_font_has_by_a_visible_square(unicode_pdf):
    flat = flat_text(unicode_pdf)
    assert f"Coopération {MISSING * 2}" in flat and "협" not in flat


@pytest.mark.slow  # renders the PDF, then its page 1 with pdftoppm
def test_pdf_first_page_renders(unicode_pdf):
    """Render page 1 (poppler's pdftoppm) for a look: artifacts/screenshots/rapport-unicode-page-1.png."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm manquant : lancez « make test », qui installe poppler-utils.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "rapport-unicode-page-1"
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(unicode_pdf),
                    str(target)], check=True)
    with Image.open(target.with_suffix(".png")) as page:
        colours = [rgb for _, rgb in page.convert("RGB").getcolors(1 << 24) if len(set(rgb)) > 1]
    assert len(colours) > 50  # the blue text and boxes, and the rocket in colour


@pytest.mark.slow  # renders the PDF of the demo's report
def test_table_headers_never_break_inside_a_word(unicode_pdf, demo_template):
    con = db.open_database(demo_template, migrate=False)
    try:
        report = monthly.build_report(con, dt.date(2026, 10, 1), TODAY)
    finally:
        con.close()
    pdf = _Document(report)
    pdf.add_page()
    headers = ["Action", "Avancement", "Échéance prévue", "Responsable"]
    _table(pdf, headers, [40, 6, 6, 6], [["Une action", "40 %", "1er mars 2027", "Hélène"]])
    text = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text()
    words = set(text.split())
    assert {"Avancement", "Échéance", "prévue", "Responsable"} <= words  # each header word on one line
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    assert header_size(pdf, pdf.family, "Avancement", usable * 6 / 58) < TABLE_SIZE  # set smaller to fit
    assert header_size(pdf, pdf.family, "Action", usable * 40 / 58) == TABLE_SIZE
    assert {"Avancement", "Échéance", "Pilote"} <= set(flat_text(unicode_pdf).split())  # the real report


def test_report_signature_shows_ties_as_ties(demo_template):
    # The demo's support round (dots) has a tie for 5th place: both défis read « 5. », the next « 7. ».
    con = db.open_database(demo_template, migrate=False)
    try:
        report = monthly.build_report(con, dt.date(2026, 10, 1), TODAY)
    finally:
        con.close()
    spec = monthly.report_charts(report)["signature"].to_dict()
    titles = list(dict.fromkeys(row["t_title"] for rows in spec["datasets"].values() for row in rows
                                if "t_title" in row))
    expected = ["1.", "2.", "3.", "4.", "5.", "5.", "7.", "8.", "9.", "10."]
    assert [title.split(" ", 1)[0] for title in titles] == expected
