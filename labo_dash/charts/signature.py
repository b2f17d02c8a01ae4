"""The signature view's charts (data from labo_dash.signature): the support of each défi split by objective,
each objective's support over the months, and the défi × objective weights."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from labo_dash import french
from labo_dash.charts.theme import (
    FRENCH_LOCALE,
    builder,
    finish,
    first_rows,
    layered,
    measured_percent,
    noted,
    objective_color,
    objective_encoding,
    objective_label,
    objective_labels,
    tooltips,
)
from labo_dash.seminar import Objective

PALE = 0.35  # opacity of the support still to realise (the dark part of a bar is the support realised)
DIMMED = 0.15  # opacity of what a filter leaves in the background


def _challenge_rows(
    df: pd.DataFrame, highlight_challenge: int | None, highlight_objective: int | None
) -> tuple[pd.DataFrame, str | None]:
    """Return the first MAX_CHART_ROWS défis' rows of ``df`` (one row per défi and objective) with the
    objective's label (``objectif``) and the opacity a filter gives each row (``emphasis``: 1, or DIMMED
    outside the défi or objective it keeps), and the note on the défis left out (see first_rows)."""
    df, note = first_rows(df, "challenge_id", "défis")
    data = df.copy()
    data["objectif"] = [objective_label(n, s) for n, s in zip(data["objective_number"], data["objective"],
                                                              strict=True)]
    data["emphasis"] = 1.0
    if highlight_challenge is not None:
        data.loc[data["challenge_id"] != highlight_challenge, "emphasis"] = DIMMED
    if highlight_objective is not None:
        data.loc[data["objective_number"] != highlight_objective, "emphasis"] = DIMMED
    return data, note


def _challenge_axis(data: pd.DataFrame) -> alt.Y:
    """One row per défi, in the rows' order, no axis (each défi's title is written above its row)."""
    order = list(dict.fromkeys(data["challenge_id"]))
    return alt.Y("challenge_id:N", sort=order, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))


def _support_texts(data: pd.DataFrame, show_progress: bool) -> None:
    """Add the French texts of the support bars (tooltips, the défi's title, the figures at the bar's end)."""
    data["t_support"] = data["support"].map(french.percent)
    data["t_weight"] = data["weight"].map(french.percent)
    data["t_split"] = data["support_objective"].map(french.percent)
    data["t_progress"] = data["progress"].map(measured_percent)
    data["t_realised"] = data["realised"].map(french.percent)
    data["t_actions"] = [
        f"{french.plural(m, 'mesurée', 'mesurées')} sur {n}"
        for m, n in zip(data["measured"], data["actions"], strict=True)
    ]
    data["t_title"] = [
        f"{french.rank(int(r), short=True)} {t}" for r, t in zip(data["rank"], data["challenge"], strict=True)
    ]
    if show_progress:
        data["t_end"] = data["t_support"] + [
            " · aucune action" if not n
            else f" · {french.UNMEASURED}" if pd.isna(p)
            else f" · réalisé à {french.percent(p)}"
            for n, p in zip(data["actions"], data["progress"], strict=True)
        ]
    else:
        data["t_end"] = data["t_support"]


def _support_tooltip(show_progress: bool) -> list[alt.Tooltip]:
    """The tooltip of a support bar's segment (with the progress of the défi when it is shown)."""
    tooltip = tooltips(
        ("challenge", "Défi"), ("t_support", "Soutien du défi (part des votes)"), ("objectif", "Objectif"),
        ("t_weight", "Poids de l'objectif dans le défi"), ("t_split", "Soutien porté par l'objectif"),
    )
    if show_progress:
        tooltip += tooltips(
            ("t_progress", "Avancement du défi"), ("t_realised", "Soutien réalisé"), ("t_actions", "Actions"),
        )
    return tooltip


def _challenge_heads(data: pd.DataFrame, y: alt.Y) -> list[alt.Chart]:
    """Each défi's rank and title above its bar, its figures at the right edge."""
    heads = data.drop_duplicates("challenge_id")
    return [
        alt.Chart(heads).mark_text(align="left", baseline="middle", yOffset=-11, fontSize=15,
                                   fontWeight="bold", limit=alt.ExprRef("width")).encode(
            y=y, x=alt.value(0), text="t_title:N", opacity=alt.Opacity("emphasis:Q", scale=None),
            tooltip=tooltips(("challenge", "Défi")),
        ),
        alt.Chart(heads).mark_text(align="right", baseline="middle", yOffset=9, fontSize=14).encode(
            y=y, x=alt.value("width"), text="t_end:N",
            opacity=alt.Opacity("emphasis:Q", scale=None),
        ),
    ]


@builder
def support_by_challenge_chart(
    df: pd.DataFrame,
    objectives: Sequence[Objective],
    *,
    show_progress: bool = True,
    highlight_challenge: int | None = None,
    highlight_objective: int | None = None,
    legend: bool = True,
) -> alt.LayerChart:
    """One horizontal bar per défi: its support, split by objective; the dark part is the support realised.

    ``df`` comes from signature.support_by_challenge; each défi's title is written above its bar and its
    figures at the right edge, so that the chart reads at any width. A click on a bar selects the défi
    (param ``defi``). ``legend=False`` leaves the objectives' legend to the page. Only the first
    ``MAX_CHART_ROWS`` défis (in ``df``'s order) are drawn; a note under the chart says so.
    """
    data, note = _challenge_rows(df, highlight_challenge, highlight_objective)
    data["segment_end"] = data["segment_start"] + data["support_objective"]
    data["realised_end"] = data["segment_start"] + data["realised"]
    data["pale"] = data["emphasis"] * (PALE if show_progress else 1.0)
    _support_texts(data, show_progress)
    top = max(float(data["support"].max()) if len(data) else 0.0, 0.01)
    tooltip = _support_tooltip(show_progress)
    y = _challenge_axis(data)
    room = "max(width - 190, width * 0.5)" if show_progress else "max(width - 80, width * 0.7)"
    x_scale = alt.Scale(domain=[0, top], nice=False, range=[0, {"expr": room}])
    base = alt.Chart(data).encode(y=y)
    color = objective_encoding(
        objective_labels(objectives), data["objectif"],
        alt.Legend(title=None, orient="top", direction="horizontal", columns=3) if legend else None,
    )
    pick = alt.selection_point(name="defi", fields=["challenge_id"], on="click")
    layers = []
    if show_progress:
        layers.append(
            base.mark_bar(height=22, yOffset=9).encode(
                x=alt.X("segment_start:Q", scale=x_scale), x2="realised_end:Q", color=color,
                opacity=alt.Opacity("emphasis:Q", scale=None), tooltip=tooltip,
            )
        )
    layers.append(
        base.mark_bar(height=22, yOffset=9, stroke="white", strokeWidth=1).encode(
            x=alt.X(
                "segment_start:Q", scale=x_scale,
                axis=alt.Axis(format=".0%", title="Part des votes du tour", tickCount=6, grid=True),
            ),
            x2="segment_end:Q", color=color, opacity=alt.Opacity("pale:Q", scale=None), tooltip=tooltip,
        ).add_params(pick)
    )
    layers += _challenge_heads(data, y)
    return finish(noted(layered(*layers).properties(height=alt.Step(50)), note))


def month_labels(months: list[dt.date]) -> list[str]:
    """Short French month labels for an axis: ``mars 2026``, ``avr.``, … ``janv. 2027``."""
    short = FRENCH_LOCALE["time"]["shortMonths"]
    return [
        f"{short[m.month - 1]} {m.year}" if i == 0 or m.month == 1 else short[m.month - 1]
        for i, m in enumerate(months)
    ]


def _trend_frame(df: pd.DataFrame, objective: Objective, label_of: dict[dt.date, str]) -> pd.DataFrame:
    """Return the rows of one objective's trend with their axis label (``mois``) and French texts."""
    data = df.copy()
    data["mois"] = data["month"].map(label_of)
    data["t_month"] = data["month"].map(french.month)
    data["t_support"] = data["support"].map(french.percent)
    data["t_realised"] = data["realised"].map(french.percent)
    data["t_rate"] = [
        measured_percent(r / s if s else None) for r, s in zip(data["realised"], data["support"], strict=True)
    ]
    data["objective_number"] = objective.number
    return data


def _trend_title(objective: Objective, now: pd.DataFrame, emphasis: float) -> alt.TitleParams:
    """The objective's label in its colour (grey when dimmed), the support realised at the chosen month."""
    subtitle = (
        f"réalisé {now['t_realised'].iloc[0]} sur {now['t_support'].iloc[0]}" if len(now) else alt.Undefined
    )
    color = objective_color(objective.number)
    return alt.TitleParams(
        objective_label(objective.number, objective.short_label), subtitle=subtitle, anchor="start",
        fontSize=15, subtitleFontSize=13, color=color if emphasis == 1.0 else "#999999",
    )


@builder
def objective_trend_chart(
    df: pd.DataFrame,
    objective: Objective,
    months: list[dt.date],
    month: dt.date,
    *,
    y_max: float,
    emphasis: float = 1.0,
    width: int | None = None,
    selectable: bool = True,
) -> alt.LayerChart:
    """One objective over the months: the support the room gave it (dashed) and the support realised (area).

    ``df`` holds that objective's rows of signature.support_over_time (column ``month``: first day of the
    month); the area stops at ``month``. A click selects the objective (param ``objectif``).
    """
    axis_labels = month_labels(months)
    label_of = dict(zip(months, axis_labels, strict=True))
    color = objective_color(objective.number)
    data = _trend_frame(df, objective, label_of)
    past = data[data["month"] <= month].drop(columns=["month", "as_of"])
    now = data[data["month"] == month]
    data = data.drop(columns=["month", "as_of"])
    x = alt.X("mois:O", sort=axis_labels, scale=alt.Scale(domain=axis_labels),
              axis=alt.Axis(title=None, labelAngle=0, labelOverlap=True, labelFontSize=12))
    y = alt.Y("value:Q", scale=alt.Scale(domain=[0, max(y_max, 0.01)]),
              axis=alt.Axis(format=".0%", title=None, tickCount=4, labelFontSize=12))
    tooltip = tooltips(("t_month", "Mois"), ("t_support", "Soutien exprimé"),
                       ("t_realised", "Soutien réalisé"), ("t_rate", "Part réalisée"))
    realised = alt.Chart(past).transform_calculate(value="datum.realised").encode(x=x, y=y, tooltip=tooltip)
    points = realised.mark_point(color=color, filled=True, size=50, opacity=emphasis)
    if selectable:
        points = points.add_params(
            alt.selection_point(name="objectif", fields=["objective_number"], on="click", nearest=True)
        )
    layers = [
        realised.mark_area(color=color, opacity=0.75 * emphasis, line={"color": color}),
        alt.Chart(data).transform_calculate(value="datum.support").mark_line(
            color=color, strokeDash=[6, 4], strokeWidth=2.5, opacity=emphasis
        ).encode(x=x, y=y, tooltip=tooltip),
        points,
        alt.Chart(pd.DataFrame({"mois": [label_of[month]]})).mark_rule(color="#333333", strokeDash=[2, 2])
        .encode(x=x),
    ]
    chart = layered(*layers).properties(title=_trend_title(objective, now, emphasis),
                                          height=250 if width is None else 170)
    return chart.properties(width=width) if width else chart


@builder
def support_over_time_chart(
    df: pd.DataFrame, objectives: Sequence[Objective], months: list[dt.date], month: dt.date
) -> alt.ConcatChart:
    """The five objective panels side by side (the exported figure; the app shows the panels in columns)."""
    y_max = float(df["support"].max()) * 1.1 if len(df) else 0.01
    panels = [
        objective_trend_chart(df[df["objective_number"] == o.number], o, months, month, y_max=y_max,
                              width=190, selectable=False)
        for o in objectives
    ]
    return finish(alt.concat(*panels, columns=len(panels)))


def _weights_axis(labels: list[str]) -> alt.X:
    """One column per objective; its label on two lines, or slanted when the chart is narrow."""
    return alt.X("objectif:N", sort=labels, title=None,
                 axis=alt.Axis(labelOverlap=False, labelFontSize=12, labelPadding=6, ticks=False,
                               labelAngle=alt.ExprRef("width < 520 ? -40 : 0"),
                               labelAlign=alt.ExprRef("width < 520 ? 'right' : 'center'"),
                               labelExpr="width < 520 ? datum.label "
                                         ": split(replace(datum.label, ' · ', ' '), ' ')"))


@builder
def weights_heatmap(
    df: pd.DataFrame,
    objectives: Sequence[Objective],
    *,
    highlight_challenge: int | None = None,
    highlight_objective: int | None = None,
) -> alt.LayerChart:
    """Défi × objective grid: each cell in its objective's colour, as opaque as the weight (from 0 to 1).

    ``df`` comes from signature.challenge_weights; each défi's title is written above its row (readable at
    any width). A click on a cell selects it (param ``cellule``). Only the first ``MAX_CHART_ROWS`` défis
    are drawn; a note under the chart says so.
    """
    labels = objective_labels(objectives)
    data, note = _challenge_rows(df, highlight_challenge, highlight_objective)
    data["shade"] = data["weight"] * data["emphasis"]
    data["t_weight"] = data["weight"].map(french.percent)
    data["t_cell"] = data["weight"].map(lambda w: french.percent(w, 0) if w > 0 else "")
    data["t_support"] = data["support"].map(lambda s: "hors du tour" if pd.isna(s) else french.percent(s))
    data["t_entered"] = data["entered_weight"].map(lambda w: french.number(w, 2))
    y = _challenge_axis(data)
    tooltip = tooltips(("challenge", "Défi"), ("objectif", "Objectif"), ("t_weight", "Poids (normalisé)"),
                       ("t_entered", "Poids saisi"), ("t_support", "Soutien du défi"))
    base = alt.Chart(data).encode(x=_weights_axis(labels), y=y, tooltip=tooltip)
    pick = alt.selection_point(name="cellule", fields=["challenge_id", "objective_number"], on="click")
    cell: dict[str, Any] = {"height": 26, "yOffset": 9, "stroke": "white", "strokeWidth": 2}
    layers = [
        base.mark_rect(color="#F2F2F2", **cell),
        base.mark_rect(**cell).encode(
            color=objective_encoding(labels, data["objectif"], None),
            opacity=alt.Opacity("shade:Q", scale=alt.Scale(domain=[0, 1], range=[0, 1]), legend=None),
        ).add_params(pick),
        base.mark_text(fontSize=14, fontWeight="bold", yOffset=9).encode(
            text="t_cell:N",
            color=alt.condition("datum.shade > 0.45", alt.value("white"), alt.value("#222222")),
        ),
        alt.Chart(data.drop_duplicates("challenge_id")).mark_text(
            align="left", baseline="middle", yOffset=-13, fontSize=14, limit=alt.ExprRef("width"),
        ).encode(
            y=y, x=alt.value(0), text="challenge:N", opacity=alt.Opacity("emphasis:Q", scale=None),
            tooltip=tooltips(("challenge", "Défi"), ("t_support", "Soutien du défi")),
        ),
    ]
    return finish(noted(layered(*layers).properties(height=alt.Step(54)), note))
