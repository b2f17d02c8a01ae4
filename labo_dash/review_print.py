"""The monthly review as a standalone, print-ready HTML document (A4, French) the steering group can send.

Open it in a browser and print it (or « Enregistrer au format PDF »): colours, page breaks and tables are
set for paper. Every user text is escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

import pandas as pd

from labo_dash import charts, french, progress, review

_CSS = """
@page { size: A4; margin: 16mm 14mm; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #1a1a1a; max-width: 190mm;
       margin: 0 auto; line-height: 1.35; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 2px solid #0072B2; padding-bottom: 1mm;
     break-after: avoid; }
.meta { color: #444; margin: 0 0 1mm; }
.figures { display: flex; flex-wrap: wrap; gap: 2mm; margin: 4mm 0; }
.figure { border: 1px solid #ccc; border-radius: 2mm; padding: 2mm 3mm; min-width: 24mm; }
.figure b { display: block; font-size: 15pt; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; break-inside: auto; font-size: 9pt; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 1.5mm; border-bottom: 1px solid #ddd;
         overflow-wrap: break-word; }
td.bar-cell, td.short { white-space: nowrap; }
th { background: #f2f4f7; font-weight: bold; }
tr { break-inside: avoid; }
.bar { background: #eee; height: 3.5mm; width: 32mm; display: inline-block; vertical-align: middle; }
.bar span { display: block; height: 100%; }
.note { color: #555; font-size: 9pt; }
.late { color: #B00020; font-weight: bold; }
"""


def _e(value: Any) -> str:
    """Escape any value for HTML, blanks as an en dash."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return escape(str(value))


def _bar(fraction: float | None, color: str) -> str:
    """Return a CSS bar of a rolled-up fraction with its French label."""
    label = french.progress(fraction, fraction=True)
    width = 0 if fraction is None or pd.isna(fraction) else round(float(fraction) * 100)
    return f'<span class="bar"><span style="width:{width}%;background:{color}"></span></span> {label}'


def _value(progress_value: Any) -> str:
    return (
        french.progress(progress_value)
    )


def _actions_table(rows: pd.DataFrame) -> str:
    """Return the table of a category's actions (evolution since the previous review)."""
    if rows.empty:
        return '<p class="note">Aucune.</p>'
    lines = [
        "<table><tr><th>N°</th><th>Action (défi)</th><th>Pilote</th><th>Statut</th>"
        "<th>Avancement</th><th>Échéance</th><th>Dernier commentaire</th></tr>"
    ]
    for row in rows.itertuples():
        status = french.status(row.status)
        if isinstance(row.status_before, str) and row.status_before != row.status:
            status = f"{french.status(row.status_before)} → {status}"
        evolution = _value(row.progress)
        if row.existed_before and _value(row.progress_before) != evolution:
            evolution = f"{_value(row.progress_before)} → {evolution}"
        due = french.date(row.due_date.date()) if not pd.isna(row.due_date) else "–"
        due_cell = f'<span class="late">{due} (en retard)</span>' if row.overdue else due
        lines.append(
            f"<tr><td class='short'>{row.id}</td><td><b>{_e(row.title)}</b><br>"
            f"<span class='note'>{_e(row.challenge)}</span></td><td>{_e(row.pilot)}</td>"
            f"<td>{_e(status)}</td><td class='short'>{_e(evolution)}</td><td>{due_cell}</td>"
            f"<td>{_e(row.comment)}</td></tr>"
        )
    return "\n".join([*lines, "</table>"])


def render(
    seminar: dict[str, Any],
    comparison: review.Comparison,
    by_objective: pd.DataFrame,
    by_challenge: pd.DataFrame,
    decisions: pd.DataFrame,
    meeting: dict[str, Any] | None,
    generated_on: dt.date,
) -> str:
    """Return the review of ``comparison.month`` as a complete HTML document."""
    month = french.month(comparison.month)
    counts = comparison.actions["category"].value_counts()
    figures = [
        (label, int(counts.get(code, 0)))
        for code, (label, _) in review.CATEGORIES.items()
        if code not in ("a_venir", "close")
    ]
    figures.insert(3, ("En retard", len(comparison.late())))
    held = f"Réunion du {french.date(meeting['held_on'])}. " if meeting and meeting.get("held_on") else ""
    parts = [
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>",
        f"<title>Comité de pilotage · revue de {escape(month)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Comité de pilotage · revue de {escape(month)}</h1>",
        f"<p class='meta'>{_e(seminar['title'])} · {_e(seminar['organiser'])}</p>",
        f"<p class='meta'>{held}Situation au {french.date(comparison.as_of)}, comparée à la fin de "
        f"{french.month(comparison.previous)} (revue précédente).</p>",
        "<div class='figures'>"
        + "".join(f"<div class='figure'><b>{n}</b>{escape(label)}</div>" for label, n in figures)
        + "</div>",
        "<h2>Avancement par objectif</h2><table><tr><th>Objectif</th><th>Avancement agrégé</th>"
        "<th>Actions comptées</th></tr>",
    ]
    for row in by_objective.itertuples():
        color = charts.OBJECTIVE_COLORS[(int(row.number) - 1) % len(charts.OBJECTIVE_COLORS)]
        parts.append(
            f"<tr><td>{int(row.number)} · {_e(row.title)}</td>"
            f"<td class='bar-cell'>{_bar(row.progress, color)}</td>"
            f"<td>{row.measured} sur {row.actions}</td></tr>"
        )
    parts.append(
        "</table><h2>Avancement par défi</h2><table><tr><th>Défi</th><th>Avancement agrégé</th>"
        "<th>Actions comptées</th></tr>"
    )
    for row in by_challenge.itertuples():
        parts.append(
            f"<tr><td>{_e(row.title)}</td>"
            f"<td class='bar-cell'>{_bar(row.progress, charts.CHALLENGE_BAR_COLOR)}</td>"
            f"<td>{row.measured} sur {row.actions}</td></tr>"
        )
    parts.append(f"</table><p class='note'>{escape(progress.ROLLUP_EXPLANATION)}</p>")
    for code in ("nouvelle", "progresse", "point_mort", "terminee", "abandonnee"):
        label, meaning = review.CATEGORIES[code]
        parts.append(f"<h2>{escape(label)}</h2><p class='note'>Actions {escape(meaning)}.</p>")
        parts.append(_actions_table(comparison.category(code)))
    parts.append("<h2>En retard</h2><p class='note'>Échéance dépassée, action ni terminée ni abandonnée.</p>")
    parts.append(_actions_table(comparison.late()))
    parts.append("<h2>Relevé de décisions</h2>")
    if decisions.empty:
        parts.append("<p class='note'>Aucune décision enregistrée pour ce mois.</p>")
    else:
        parts.append(
            "<table><tr><th>Décision</th><th>Action concernée</th><th>Responsable</th><th>Échéance</th></tr>"
        )
        for row in decisions.itertuples():
            due = french.date(row.due_date.date()) if not pd.isna(row.due_date) else "–"
            parts.append(
                f"<tr><td>{_e(row.text)}</td><td>{_e(row.action)}</td><td>{_e(row.owner)}</td>"
                f"<td>{due}</td></tr>"
            )
        parts.append("</table>")
    if meeting and meeting.get("notes"):
        parts.append(f"<h2>Notes de séance</h2><p>{_e(meeting['notes'])}</p>")
    parts.append(f"<p class='note'>Document généré le {french.date(generated_on)}.</p></body></html>")
    return "\n".join(parts)
