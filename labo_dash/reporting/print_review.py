"""The monthly review as a standalone, print-ready HTML document (A4, French) the steering group can send.

Open it in a browser and print it (or « Enregistrer au format PDF »): colours, page breaks and tables are
set for paper. The page is the template ``templates/print_review.html`` (autoescaped: every user text is
escaped) with its stylesheet ``static/print_review.css`` included inline, so the file stands alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from labo_dash import charts, french, progress, review, templating

_TEMPLATES = templating.environment("labo_dash.reporting")
# The categories listed one after the other, then the late actions (a flag across categories).
SECTIONS = ("nouvelle", "progresse", "point_mort", "terminee", "abandonnee")


def _text(value: Any) -> str:
    """Return a value as text, blanks as an en dash."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return str(value)


def _bar(fraction: float | None, color: str) -> dict[str, Any]:
    """Return a rolled-up fraction as the template's CSS bar: width (%), colour and French label."""
    width = 0 if fraction is None or pd.isna(fraction) else round(float(fraction) * 100)
    return {"width": width, "color": color, "label": french.progress(fraction, fraction=True)}


def _value(progress_value: Any) -> str:
    """Return an action's progress (%) in French, or « non mesuré » (:func:`labo_dash.french.progress`)."""
    return french.progress(progress_value)


def _due(value: Any) -> str:
    """Return a due date in French, or an en dash."""
    return "–" if pd.isna(value) else french.date(pd.Timestamp(value).date())


def _action_rows(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Return a category's actions as the template shows them (evolution since the previous review)."""
    result = []
    for row in rows.itertuples():
        status = french.status(row.status)
        if isinstance(row.status_before, str) and row.status_before != row.status:
            status = f"{french.status(row.status_before)} → {status}"
        evolution = _value(row.progress)
        if row.existed_before and _value(row.progress_before) != evolution:
            evolution = f"{_value(row.progress_before)} → {evolution}"
        result.append({
            "id": row.id, "title": _text(row.title), "challenge": _text(row.challenge),
            "pilot": _text(row.pilot),
            "status": status, "evolution": evolution, "due": _due(row.due_date), "late": bool(row.overdue),
            "comment": _text(row.comment),
        })
    return result


def _sections(comparison: review.Comparison) -> list[dict[str, Any]]:
    """Return the sections listing actions: one per category of SECTIONS, then the late ones."""
    sections = [
        {"title": label, "note": f"Actions {meaning}.", "rows": _action_rows(comparison.category(code))}
        for code, (label, meaning) in ((c, review.CATEGORIES[c]) for c in SECTIONS)
    ]
    sections.append({"title": "En retard", "note": "Échéance dépassée, action ni terminée ni abandonnée.",
                     "rows": _action_rows(comparison.late())})
    return sections


def _figures(comparison: review.Comparison) -> list[tuple[str, int]]:
    """Return the key figures: the number of actions of each category, the late ones fourth."""
    counts = comparison.actions["category"].value_counts()
    figures = [
        (label, int(counts.get(code, 0)))
        for code, (label, _) in review.CATEGORIES.items()
        if code not in ("a_venir", "close")
    ]
    figures.insert(3, ("En retard", len(comparison.late())))
    return figures


def _progress_rows(data: review.MonthlyReview) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the objectives' and the défis' roll-ups (label, bar, « m sur n ») in the template's shape."""
    colors = charts.OBJECTIVE_COLORS
    objectives = [
        {"label": f"{int(r.number)} · {_text(r.title)}", "counted": f"{r.measured} sur {r.actions}",
         "bar": _bar(r.progress, colors[(int(r.number) - 1) % len(colors)])}
        for r in data.objectives.itertuples()
    ]
    challenges = [
        {"label": _text(r.title), "bar": _bar(r.progress, charts.CHALLENGE_BAR_COLOR),
         "counted": f"{r.measured} sur {r.actions}"}
        for r in data.challenges.itertuples()
    ]
    return objectives, challenges


def render(data: review.MonthlyReview, generated_on: dt.date) -> str:
    """Return the review of ``data.month`` as a complete HTML document."""
    comparison, meeting = data.comparison, data.meeting
    objectives, challenges = _progress_rows(data)
    decisions = [
        {"text": _text(d.text), "action": _text(d.action), "owner": _text(d.owner), "due": _due(d.due_date)}
        for d in data.decisions.itertuples()
    ]
    return _TEMPLATES.get_template("print_review.html").render(
        css=templating.static("labo_dash.reporting", "print_review.css"),
        month=french.of_month(comparison.month),
        seminar=data.seminar,
        held=f"Réunion du {french.date(meeting.held_on)}. " if meeting and meeting.held_on else "",
        as_of=french.date(comparison.as_of),
        previous=french.of_month(comparison.previous),
        figures=_figures(comparison),
        objectives=objectives,
        challenges=challenges,
        rollup=progress.ROLLUP_EXPLANATION,
        sections=_sections(comparison),
        decisions=decisions,
        notes=meeting.notes if meeting else None,
        generated_on=french.date(generated_on),
    )
