"""The charts' shared look: the Altair theme « labo_francais » (Vega's French locale), the fixed colours of
the objectives and statuses, objective labels, titles, notes and the rows a chart draws.

One fixed, colour-blind-safe colour per objective everywhere in the app (Okabe-Ito palette).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, cast

import altair as alt
import pandas as pd

from labo_dash import french
from labo_dash.french import STATUSES
from labo_dash.seminar import Objective

OBJECTIVE_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00"]
STATUS_COLORS = {
    "À lancer": "#9E9E9E",
    "En cours": "#0072B2",
    "En pause": "#E69F00",
    "Terminée": "#009E73",
    "Abandonnée": "#5F5F5F",
}
UNASSIGNED = "Objectif non renseigné"  # the label of a défi or action without objective
UNASSIGNED_COLOR = "#BBBBBB"
FRENCH_LOCALE = cast("alt.theme.LocaleKwds", french.VEGA_LOCALE)  # a nested dict literal of that shape

ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)


@alt.theme.register("labo_francais", enable=True)
def french_theme() -> alt.theme.ThemeConfig:
    """Every chart's numbers and dates in French (« 20 % », « 1 234,5 », « nov. 2026 »): Vega's locale,
    set once for all charts (Altair applies the enabled theme to each chart it writes out)."""
    return {"config": {"locale": FRENCH_LOCALE}}


def objective_scale(labels: list[str]) -> alt.Scale:
    """Return the colour scale mapping objective labels (in objective order) to their fixed colours."""
    return alt.Scale(domain=labels, range=OBJECTIVE_COLORS[: len(labels)])


def status_scale() -> alt.Scale:
    """Return the colour scale of the statuses' French names, in the statuses' order."""
    statuses = list(STATUSES.values())
    return alt.Scale(domain=statuses, range=[STATUS_COLORS[s] for s in statuses])


def objective_color(number: float) -> str:
    """Return the fixed colour of objective ``number`` (1 = the first colour; the palette repeats)."""
    return OBJECTIVE_COLORS[(int(number) - 1) % len(OBJECTIVE_COLORS)]


def objective_label(number: float | None, short_label: str | None) -> str:
    """Return the label of an objective in every chart and legend: ``3 · Financement``."""
    if number is None or pd.isna(number):
        return UNASSIGNED
    return f"{int(number)} · {short_label}"


def objective_labels(objectives: Sequence[Objective]) -> list[str]:
    """Return the labels of the seminar's objectives (rows of seminar.objectives), in order."""
    return [objective_label(o.number, o.short_label) for o in objectives]


def objective_encoding(labels: list[str], used: pd.Series, legend: alt.Legend | None) -> alt.Color:
    """Colour by objective label, the fixed colours first, grey for a défi without objective weights."""
    domain, colors = list(labels), OBJECTIVE_COLORS[: len(labels)]
    if (used == UNASSIGNED).any():
        domain, colors = [*domain, UNASSIGNED], [*colors, UNASSIGNED_COLOR]
    return alt.Color("objectif:N", scale=alt.Scale(domain=domain, range=colors), legend=legend)


def measured_percent(value: float | None) -> str:
    """Return ``72,5 %``, or ``non mesuré`` for a missing value (None or NaN)."""
    return french.progress(value, fraction=True)


def chart_title(title: str, subtitle: str | list[str] | None = None) -> dict[str, Any]:
    """Return a top-level title (for an exported chart: on screen, the page shows the heading)."""
    params = {"text": title, "anchor": "start", "fontSize": 20}
    if subtitle:
        params.update(subtitle=subtitle, subtitleFontSize=14, subtitleColor="#444444")
    return params


def titled(spec: dict[str, Any], title: str, subtitle: str | None = None) -> dict[str, Any]:
    """Return the chart ``spec`` with a top-level title; the note of :func:`noted` (rows left out) stays,
    as the last line of the subtitle."""
    note = spec.get("title")
    lines = [subtitle] if subtitle else []
    if isinstance(note, dict) and note.get("orient") == "bottom":
        lines.append(note["text"])
    return spec | {"title": chart_title(title, lines or None)}


def finish(chart: ChartT) -> ChartT:
    """Configure a top-level chart: projector-size fonts (French formats: the theme, french_theme)."""
    return (
        chart.configure_legend(labelFontSize=14, titleFontSize=14, symbolSize=200, labelLimit=260)
        .configure_axis(labelFontSize=13, titleFontSize=13)
        .configure_view(stroke=None)
    )


MAX_CHART_ROWS = 30  # bars (défis, actions, items) drawn in one chart; the note under it gives the total


def first_rows(
    data: pd.DataFrame, key: str, noun: str, *, feminine: bool = False, limit: int = MAX_CHART_ROWS
) -> tuple[pd.DataFrame, str | None]:
    """Keep the rows of the first ``limit`` values of ``key`` (in the rows' order: rank, table order).

    Returns the kept rows and the French note that says what the chart leaves out, e.g. « Seuls les 30
    premiers défis sur 1 000 sont dessinés. » (``noun`` plural: « défis »; None when nothing is left out).
    A chart of thousands of bars is unreadable, and Altair refuses data of more than 5 000 rows.
    """
    keys = list(dict.fromkeys(data[key]))
    if len(keys) <= limit:
        return data, None
    kept = data[data[key].isin(set(keys[:limit]))]
    if feminine:
        note = f"Seules les {limit} premières {noun} sur {french.number(len(keys))} sont dessinées."
    else:
        note = f"Seuls les {limit} premiers {noun} sur {french.number(len(keys))} sont dessinés."
    return kept, note


def noted(chart: ChartT, note: str | None) -> ChartT:
    """Return ``chart`` with ``note`` written under it (a chart that leaves data out says so)."""
    if not note:
        return chart
    return chart.properties(title=alt.TitleParams(note, orient="bottom", anchor="start", fontSize=13,
                                                  fontWeight="normal", color="#333333"))



def tooltips(*fields: tuple[str, str]) -> list[alt.Tooltip]:
    """Return the tooltip lines of ``(column, French title)`` pairs, each column's text as it is."""
    return [alt.Tooltip(f"{column}:N", title=title) for column, title in fields]


def layered(*charts: alt.Chart | alt.LayerChart) -> alt.LayerChart:
    """Return ``charts`` drawn one over the other in one panel (``alt.layer`` without its facet case)."""
    return alt.LayerChart(layer=list(charts))
