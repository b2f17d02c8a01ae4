"""Participants' badges: an A4 PDF, eight badges a page, each with its personal code and a QR code.

The QR code opens ``BASE_URL/vote?code=CODE``; the base URL comes from the ``LABO_BASE_URL`` environment
variable (default ``http://localhost:8501``): set it to the address phones reach on the venue network.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

import segno
from fpdf import FPDF

from labo_dash import config
from labo_dash.french import participant_kind
from labo_dash.reporting import pdf_fonts

DEFAULT_BASE_URL = "http://localhost:8501"
COLUMNS, ROWS = 2, 4
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 10.0
BADGE_W = (PAGE_W - 2 * MARGIN) / COLUMNS
BADGE_H = (PAGE_H - 2 * MARGIN) / ROWS
QR_SIZE = 38.0


def base_url() -> str:
    """Return the public base URL of the app (``LABO_BASE_URL``), without a trailing slash."""
    return config.current().base_url or DEFAULT_BASE_URL


def vote_link(code: str | None = None, base: str | None = None) -> str:
    """Return the ballot link: ``BASE_URL/vote?code=CODE`` (``BASE_URL/vote`` without a code)."""
    root = (base or base_url()).rstrip("/")
    return f"{root}/vote" + (f"?code={quote(code)}" if code else "")


def join_link(base: str | None = None) -> str:
    """Return the link the projection shows to join from a phone: the light ballot (code or walk-in)."""
    return f"{(base or base_url()).rstrip('/')}/bulletin"


def qr_png(data: str, scale: int = 8) -> bytes:
    """Return a PNG QR code of ``data`` (error correction M, quiet zone included)."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def qr_svg(data: str, scale: int = 10, dark: str = "#000", light: str = "#fff") -> str:
    """Return an SVG QR code of ``data`` (for the projection: sharp at any size)."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(
        buffer, kind="svg", scale=scale, border=2, dark=dark, light=light, xmldecl=False, svgns=True
    )
    return buffer.getvalue().decode("utf-8")


class _Sheet(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.font_set = pdf_fonts.set_up(self, "Badge")  # names in any script, emoji; « □ » if undrawable
        self.family = self.font_set.family

    def text_of(self, value: str) -> str:
        return self.font_set.text(value)


def badges_pdf(
    participants: Iterable[Mapping[str, Any]], seminar_title: str, base: str | None = None
) -> bytes:
    """Return the A4 PDF of badges (name, structure, kind, code, QR code) with cutting guides.

    ``participants`` are mappings with ``name``, ``structure``, ``kind`` and ``code``; those without a
    code are skipped. The document has one page per eight badges (at least one page).
    """
    pdf = _Sheet()
    pdf.set_title(f"Badges · {seminar_title}")
    pdf.set_creator("Labo de l'ESS · tableau de bord du séminaire")
    people = [p for p in participants if p.get("code")]
    for index, person in enumerate(people):
        slot = index % (COLUMNS * ROWS)
        if slot == 0:
            pdf.add_page()
            _guides(pdf)
        x = MARGIN + (slot % COLUMNS) * BADGE_W
        y = MARGIN + (slot // COLUMNS) * BADGE_H
        _badge(pdf, x, y, person, seminar_title, base)
    if not people:
        pdf.add_page()
        pdf.set_font(pdf.family, "", 14)
        pdf.set_xy(MARGIN, MARGIN)
        pdf.multi_cell(PAGE_W - 2 * MARGIN, 8, pdf.text_of("Aucun·e participant·e avec un code personnel."))
    return bytes(pdf.output())


def _guides(pdf: _Sheet) -> None:
    """Draw light dashed cutting lines between badges."""
    pdf.set_draw_color(180, 180, 180)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=1.5, gap=1.5)
    for column in range(COLUMNS + 1):
        x = MARGIN + column * BADGE_W
        pdf.line(x, MARGIN, x, PAGE_H - MARGIN)
    for row in range(ROWS + 1):
        y = MARGIN + row * BADGE_H
        pdf.line(MARGIN, y, PAGE_W - MARGIN, y)
    pdf.set_dash_pattern()


def _badge(pdf: _Sheet, x: float, y: float, person: Mapping[str, Any], title: str, base: str | None) -> None:
    """Draw one badge with its top-left corner at (x, y)."""
    pad = 5.0
    text_w = BADGE_W - QR_SIZE - 3 * pad
    link = vote_link(person["code"], base)
    pdf.set_text_color(0, 114, 178)
    pdf.set_font(pdf.family, "", 7)
    pdf.set_xy(x + pad, y + pad)
    pdf.multi_cell(BADGE_W - 2 * pad, 3.2, pdf.text_of(title), max_line_height=3.2, align="L")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(pdf.family, "B", 14)
    pdf.set_xy(x + pad, y + 16)
    pdf.multi_cell(text_w, 6, pdf.text_of(str(person["name"])), max_line_height=6, align="L")
    pdf.set_font(pdf.family, "", 9)
    pdf.set_x(x + pad)
    lines = (str(person.get("structure") or ""), participant_kind(person.get("kind")))
    details = "\n".join(line for line in lines if line)
    pdf.multi_cell(text_w, 4.2, pdf.text_of(details), max_line_height=4.2, align="L")
    qr_x, qr_y = x + BADGE_W - QR_SIZE - pad, y + 14
    pdf.image(io.BytesIO(qr_png(link)), x=qr_x, y=qr_y, w=QR_SIZE, h=QR_SIZE, link=link)
    pdf.set_font(pdf.family, "", 7.5)
    pdf.set_xy(x + pad, y + BADGE_H - 22)
    pdf.cell(text_w, 4, pdf.text_of("Votre code personnel pour voter :"))
    pdf.set_font("Courier", "B", 20)
    pdf.set_xy(x + pad, y + BADGE_H - 17.5)
    code = str(person["code"])
    pdf.cell(text_w, 9, f"{code[:4]} {code[4:]}", link=link)
    pdf.set_font(pdf.family, "", 7)
    pdf.set_xy(qr_x - 2, qr_y + QR_SIZE + 0.5)
    pdf.cell(QR_SIZE + 4, 4, pdf.text_of("Scannez pour voter"), align="C")
