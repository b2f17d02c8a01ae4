"""The monthly report as an A4 PDF (fpdf2): key figures, what changed, charts as images, decisions, actions.

Fonts come from :mod:`labo_dash.reporting.pdf_fonts` (DejaVu Sans, colour emoji, text shaping for
right-to-left scripts, « □ » for a character no font has). Table headers never break inside a word: a
header too wide for its column is set smaller.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace
from PIL import Image

from labo_dash import french, review, signature
from labo_dash.progress import ROLLUP_EXPLANATION
from labo_dash.reporting import pdf_fonts
from labo_dash.reporting.monthly import MonthlyReport, chart_png, report_charts

BLUE, GREY, RED = (0, 114, 178), (90, 90, 90), (190, 60, 0)
TABLE_SIZE, TABLE_PADDING = 8.0, 1.0  # table text size (pt) and cell padding (mm)


class _Document(FPDF):
    """An A4 page with the report's running header and numbered footer."""

    def __init__(self, report: MonthlyReport) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report = report
        self.font_set = pdf_fonts.set_up(self)
        self.family = self.font_set.family
        self.set_margins(15, 18, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(f"{report.title} · {report.seminar.title}")
        self.set_author(report.seminar.organiser)
        self.set_creator("Tableau de bord du séminaire")

    def text_of(self, value: object) -> str:
        return self.font_set.text(value)

    def font(self, size: float, bold: bool = False, color: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*color)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.font(8, color=GREY)
        self.cell(0, 5, self.text_of(f"{self.report.seminar.title} · {self.report.title}"),
                  new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.font(8, color=GREY)
        made = f"Édité le {french.datetime(self.report.generated_at)} · {self.report.seminar.organiser}"
        self.cell(0, 5, self.text_of(made), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} / {{nb}}", align="R")

    def heading(self, text: str) -> None:
        if self.get_y() > self.h - 50:
            self.add_page()
        self.ln(3)
        self.font(13, bold=True, color=BLUE)
        self.cell(0, 8, self.text_of(text), new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str, size: float = 9.5, color: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.font(size, color=color)
        self.multi_cell(0, size * 0.5, self.text_of(text), new_x="LMARGIN", new_y="NEXT")


def _figures(pdf: _Document, report: MonthlyReport) -> None:
    f = report.figures
    share = f" ({french.percent(f.secured_share, 0)})" if f.secured_share is not None else ""
    boxes = [
        ("Actions suivies", french.number(f.total),
         f"{f.running} en cours · {f.to_start} à lancer"),
        ("Terminées", french.number(f.done), french.plural(f.abandoned, "abandonnée", "abandonnées")),
        ("En retard", french.number(f.late), f"dont {f.newly_late} depuis la revue précédente"),
        ("Avancement global", french.percent(f.progress, 0) if f.progress is not None else "–",
         "moyenne pondérée des actions"),
        ("Budget prévu", french.amount(f.planned), "hors actions abandonnées"),
        ("Financements acquis", french.amount(f.secured), f"du budget prévu{share}"),
    ]
    width, top = (pdf.w - pdf.l_margin - pdf.r_margin - 10) / 3, pdf.get_y()
    for i, (label, value, note) in enumerate(boxes):
        x, y = pdf.l_margin + (i % 3) * (width + 5), top + (i // 3) * 24
        pdf.set_fill_color(238, 244, 250)
        pdf.rect(x, y, width, 21, style="F")
        pdf.set_xy(x + 3, y + 2)
        pdf.font(8.5, color=GREY)
        pdf.cell(width - 6, 4, pdf.text_of(label))
        pdf.set_xy(x + 3, y + 7)
        pdf.font(15, bold=True, color=RED if label == "En retard" and f.late else BLUE)
        pdf.cell(width - 6, 7, pdf.text_of(value))
        pdf.set_xy(x + 3, y + 15)
        pdf.font(7.5, color=GREY)
        pdf.cell(width - 6, 4, pdf.text_of(note))
    pdf.set_xy(pdf.l_margin, top + 50)


def _changes(pdf: _Document, report: MonthlyReport) -> None:
    comparison = report.comparison
    pdf.heading(f"Ce qui a changé depuis la revue {french.of_month(comparison.previous)}")
    for code in ("nouvelle", "progresse", "terminee", "abandonnee", "point_mort"):
        label, meaning = review.CATEGORIES[code]
        part = comparison.category(code)
        pdf.font(10, bold=True)
        pdf.cell(0, 6, pdf.text_of(f"{label} : {len(part)}"), new_x="LMARGIN", new_y="NEXT")
        pdf.paragraph(meaning, size=8, color=GREY)
        for _, row in part.head(12).iterrows():
            state = f"{french.status(row['status'])}, {french.progress(row['progress'])}"
            pdf.paragraph(f"   • {row['title']} ({state})", size=9)
        if len(part) > 12:
            others = french.plural(len(part) - 12, "autre", "autres")
            pdf.paragraph(f"   … et {others} : voir le tableau des actions.", size=8.5)
    late = comparison.late()
    pdf.font(10, bold=True, color=RED if len(late) else (0, 0, 0))
    pdf.cell(0, 6, pdf.text_of(f"En retard sur leur échéance : {len(late)}"), new_x="LMARGIN", new_y="NEXT")
    for _, row in late.iterrows():
        pdf.paragraph(f"   • {row['title']} (échéance : {french.date(_day(row['due_date']))})", size=9)


def _day(value: Any) -> dt.date | None:
    """Return a cell's date, or None when blank."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _charts(pdf: _Document, report: MonthlyReport) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for name, chart in report_charts(report).items():
        png = chart_png(chart, width=900 if name != "signature" else 1000)
        with Image.open(io.BytesIO(png)) as picture:
            height = width * picture.height / picture.width
        room = pdf.page_break_trigger - pdf.t_margin - 10
        if height > room:
            width, height = width * room / height, room
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        pdf.image(io.BytesIO(png), x=pdf.l_margin, y=pdf.get_y(), w=width, h=height)
        pdf.set_y(pdf.get_y() + height + 2)
        if name == "objectives":
            pdf.paragraph(ROLLUP_EXPLANATION, size=8, color=GREY)
        if name == "signature" and report.support_round:  # every view of support names its round
            pdf.paragraph(signature.support_source(report.support_round), size=8, color=GREY)
        pdf.ln(3)
        width = pdf.w - pdf.l_margin - pdf.r_margin


def _decisions(pdf: _Document, report: MonthlyReport) -> None:
    pdf.heading(f"Relevé de décisions du comité de pilotage · {french.month(report.month)}")
    if report.meeting and report.meeting.notes:
        pdf.paragraph(report.meeting.notes)
    if report.decisions.empty:
        pdf.paragraph("Aucune décision enregistrée pour ce mois.", color=GREY)
        return
    _table(pdf, ["Décision", "Action concernée", "Responsable", "Échéance"], [35, 30, 20, 15], [
        [d["text"], d["action"], d["owner"], french.date(_day(d["due_date"])) if _day(d["due_date"]) else ""]
        for _, d in report.decisions.iterrows()
    ])


def _actions(pdf: _Document, report: MonthlyReport) -> None:
    pdf.heading(f"Les actions au {french.date(report.as_of)}")
    rows = []
    for _, a in report.actions.sort_values(["challenge", "id"]).iterrows():
        due = _day(a["due_date"])
        late = " (en retard)" if a["overdue"] else ""
        rows.append([a["title"], a["challenge"], a["pilot"], french.status(a["status"]),
                     french.progress(a["progress"]), (french.date(due) if due else "–") + late])
    headers = ["Action", "Défi", "Pilote", "Statut", "Avancement", "Échéance"]
    _table(pdf, headers, [28, 23, 18, 10, 12, 13], rows)


def header_size(pdf: FPDF, family: str, text: str, width: float, size: float = TABLE_SIZE) -> float:
    """Return the font size (pt, at most ``size``) at which every word of a bold header fits ``width`` mm.

    Headers then wrap at spaces only, never inside a word (« Avancemen/t »).
    """
    room = width - 2 * TABLE_PADDING - 2 * pdf.c_margin
    pdf.set_font(family, "B", size)
    longest = max((pdf.get_string_width(word) for word in text.split()), default=0.0)
    return size if longest <= room else math.floor(size * room / longest * 10) / 10


def _table(pdf: _Document, headers: list[str], widths: list[int], rows: list[list[object]]) -> None:
    heading = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=BLUE)
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    sizes = [header_size(pdf, pdf.family, pdf.text_of(h), usable * w / sum(widths)) for h, w in
             zip(headers, widths, strict=True)]
    pdf.font(TABLE_SIZE)
    with pdf.table(col_widths=widths, headings_style=heading, line_height=4.2, padding=TABLE_PADDING,
                   cell_fill_color=(244, 247, 250), cell_fill_mode="ROWS", text_align="LEFT") as table:
        row = table.row()
        for text, size in zip(headers, sizes, strict=True):
            row.cell(pdf.text_of(text), style=FontFace(size_pt=size) if size < TABLE_SIZE else None)
        for values in rows:
            table.row([pdf.text_of(v) for v in values])


def report_pdf(report: MonthlyReport) -> bytes:
    """Return the monthly report as PDF bytes."""
    pdf = _Document(report)
    pdf.add_page()
    pdf.font(10, color=GREY)
    pdf.cell(0, 6, pdf.text_of(f"{report.seminar.organiser} · étude-action soutenue par "
                               f"{report.seminar.funder}"), new_x="LMARGIN", new_y="NEXT")
    pdf.font(18, bold=True, color=BLUE)
    pdf.multi_cell(0, 8, pdf.text_of(f"« {report.seminar.title} »"), new_x="LMARGIN", new_y="NEXT")
    pdf.font(14, bold=True)
    pdf.cell(0, 9, pdf.text_of(report.title), new_x="LMARGIN", new_y="NEXT")
    pdf.paragraph(
        f"Situation au {french.date(report.as_of)}, comparée à la fin "
        f"{french.of_month(report.comparison.previous)} (revue précédente du comité de pilotage).",
        color=GREY,
    )
    pdf.ln(3)
    _figures(pdf, report)
    _changes(pdf, report)
    pdf.ln(4)
    _charts(pdf, report)
    _decisions(pdf, report)
    _actions(pdf, report)
    return bytes(pdf.output())
