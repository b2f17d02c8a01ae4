"""Badges: A4 PDF pages, each badge's link to ``BASE_URL/vote?code=CODE``, the configurable base URL."""

from __future__ import annotations

import io
import re
import zlib

from fpdf import FPDF
from pypdf import PdfReader

from labo_dash import db, participants
from labo_dash.reporting import badges, pdf_fonts
from labo_dash.reporting.pdf_fonts import MISSING

PEOPLE = [
    {"name": f"Personne {i}", "structure": "Coopérative Oxalis", "kind": "ptce", "code": f"ABCD{i:04d}"}
    for i in range(11)
]


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def texts(pdf: bytes) -> bytes:
    """Return the PDF's uncompressed content streams (fpdf2 deflates them)."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S)
    out = []
    for stream in streams:
        try:
            out.append(zlib.decompress(stream))
        except zlib.error:
            out.append(stream)
    return b"\n".join(out)


def test_base_url_from_environment(monkeypatch):
    monkeypatch.delenv("LABO_BASE_URL", raising=False)
    assert badges.vote_link("ABCD2345") == "http://localhost:8501/vote?code=ABCD2345"
    monkeypatch.setenv("LABO_BASE_URL", "https://vote.labo-ess.org/")
    assert badges.vote_link("ABCD2345") == "https://vote.labo-ess.org/vote?code=ABCD2345"
    assert badges.vote_link() == "https://vote.labo-ess.org/vote"


def test_pdf_is_a4_with_eight_badges_a_page_and_a_link_each(monkeypatch):
    monkeypatch.setenv("LABO_BASE_URL", "https://vote.exemple.org")
    pdf = badges.badges_pdf(PEOPLE, "Accompagner pour coopérer")
    assert pdf.startswith(b"%PDF-") and page_count(pdf) == 2
    assert re.search(rb"/MediaBox \[0 0 595\.28 841\.89\]", pdf)  # A4 in points
    links = set(re.findall(rb"/URI \((https://vote\.exemple\.org/vote\?code=[A-Z0-9]+)\)", pdf))
    assert links == {f"https://vote.exemple.org/vote?code={p['code']}".encode() for p in PEOPLE}
    assert len(re.findall(rb"/I\d+ Do", texts(pdf))) == 11  # one QR image drawn per badge


def test_qr_code_encodes_the_link():
    png = badges.qr_png(badges.vote_link("ABCD2345", "http://x"))
    assert png.startswith(b"\x89PNG")
    svg = badges.qr_svg("http://x/vote")
    assert svg.lstrip().startswith("<svg") and "path" in svg


def test_demo_participants_fill_ten_pages(con):
    people = participants.list_participants(con).to_dict("records")
    pdf = badges.badges_pdf(people, "Séminaire")
    assert page_count(pdf) == 10 and len(people) == 80
    assert db.query(con, "SELECT count(*) AS n FROM participants WHERE code IS NULL")[0]["n"] == 0


def test_empty_list_still_gives_a_page():
    assert page_count(badges.badges_pdf([], "Séminaire")) == 1


def test_names_in_any_script_are_drawn_or_visibly_replaced():
    # The same font set-up as the monthly report (labo_dash.reporting.pdf_fonts): emoji, Arabic in reading
    # order, and « □ » for what no font has, never a silent gap.
    person = {"name": "Samira 🌱 سميرة", "structure": "Coopérative 협력", "kind": "ptce", "code": "ABCD2345"}
    pdf = badges.badges_pdf([person], "Séminaire")
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Samira 🌱 سميرة" in text
    assert f"Coopérative {MISSING * 2}" in text


def test_font_text_keeps_what_is_drawable_and_marks_the_rest():
    fonts = pdf_fonts.set_up(FPDF())
    assert fonts.unicode, "DejaVu Sans manquant : lancez « make test » (apt-get install fonts-dejavu-core)."
    assert fonts.text("Équipe « 1er » – 12\u00a0500\u00a0€ ✓") == "Équipe « 1er » – 12\u00a0500\u00a0€ ✓"
    assert fonts.text("❤️ 👩‍🌾 تعاون") == "❤️ 👩‍🌾 تعاون"  # variation selector and joiner kept for shaping
    assert fonts.text("漢字") == MISSING * 2
    assert fonts.text(None) == "" and fonts.text(float("nan")) == ""


def test_without_dejavu_the_pdf_falls_back_on_a_core_font(monkeypatch):
    monkeypatch.setattr(pdf_fonts, "FONT_DIRS", [])
    fonts = pdf_fonts.set_up(FPDF())
    assert fonts.family == "Helvetica" and not fonts.unicode
    assert fonts.text("Coût – 12\u202f500 € 🚀") == "Coût - 12 500 EUR ?"
    pdf = badges.badges_pdf(PEOPLE[:1], "Séminaire – 2026")
    assert "Personne 0" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
