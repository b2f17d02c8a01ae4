"""The follow-up's charts (data from labo_dash.progress, review, actions): actions by status, rolled-up
progress bars and trend, one action's progress history."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from labo_dash import french
from labo_dash.charts.theme import builder, first_rows, layered, objective_scale, status_scale
from labo_dash.french import STATUSES
from labo_dash.seminar import Objective

CHALLENGE_BAR_COLOR = "#56606B"


@builder
def actions_by_status(counts: dict[str, int]) -> alt.Chart:
    """Horizontal bar chart of the number of actions per status, in the statuses' order."""
    labels = list(STATUSES.values())
    data = pd.DataFrame(
        {"Statut": labels, "Actions": [int(counts.get(code, 0)) for code in STATUSES]}
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("Statut:N", sort=labels, title=None, axis=alt.Axis(labelFontSize=14)),
            x=alt.X("Actions:Q", title="Nombre d'actions", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "Statut:N",
                scale=status_scale(),
                legend=None,
            ),
            tooltip=[alt.Tooltip("Statut:N"), alt.Tooltip("Actions:Q", format="d")],
        )
        .properties(height=220)
    )



def _progress_label(value: float | None) -> str:
    """Return ``72 %`` for a rolled-up fraction, ``non mesuré`` when unknown."""
    return french.progress(value, fraction=True, decimals=0)


@builder
def progress_bars_chart(
    data: pd.DataFrame, *, colors: list[str] | None = None, title: str, label_limit: int = 240
) -> alt.LayerChart:
    """Horizontal 0–100 % bars of rolled-up progress, one per row, labelled with the % or « non mesuré ».

    ``data`` has ``label`` (row order kept), ``progress`` (fraction or None), ``actions`` and ``measured``;
    ``colors`` gives one colour per row (the objectives' fixed colours), else one neutral colour. Only the
    first ``MAX_CHART_ROWS`` rows are drawn; the subtitle says so.
    """
    data, note = first_rows(data.assign(row=range(len(data))), "row", "lignes", feminine=True)
    frame = data[["label", "progress", "actions", "measured"]].copy()
    frame["value"] = frame["progress"].astype("float64").fillna(0.0)
    frame["text"] = frame["progress"].map(_progress_label)
    frame["counted"] = [
        f"{french.plural(m, 'mesurée', 'mesurées')} sur {n}"
        for m, n in zip(frame["measured"], frame["actions"], strict=True)
    ]
    frame = frame.drop(columns=["progress"])
    labels = frame["label"].tolist()
    color = (
        alt.Color("label:N", scale=alt.Scale(domain=labels, range=colors), legend=None)
        if colors else alt.value(CHALLENGE_BAR_COLOR)
    )
    y = alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=label_limit, labelFontSize=13))
    x = alt.X("value:Q", scale=alt.Scale(domain=[0, 1]), title="Avancement agrégé",
              axis=alt.Axis(format=".0%", tickCount=5, grid=True))
    tooltip = [alt.Tooltip("label:N", title="Élément"), alt.Tooltip("text:N", title="Avancement"),
               alt.Tooltip("counted:N", title="Actions comptées")]
    base = alt.Chart(frame).encode(y=y, tooltip=tooltip)
    track = base.mark_bar(color="#EEEEEE", height=20).encode(x=alt.X("one:Q", scale=alt.Scale(domain=[0, 1])))
    bars = base.mark_bar(height=20).encode(x=x, color=color)
    text = base.mark_text(align="left", dx=6, fontSize=13, fontWeight="bold").encode(x=x, text="text:N")
    chart = layered(track.transform_calculate(one="1"), bars, text)
    return (
        chart.properties(height=alt.Step(32), title=alt.TitleParams(title, anchor="start", fontSize=16,
                                                                    subtitle=note or alt.Undefined))
        .configure_view(stroke=None)
    )


@builder
def progress_trend_chart(history: pd.DataFrame, objectives: Sequence[Objective]) -> alt.Chart:
    """Rolled-up progress of each objective at the end of every month (lines in the objectives' colours).

    ``history`` comes from review.objective_history (``month``, ``number``, ``short_label``, ``progress``).
    """
    frame = history[["month", "number", "short_label", "progress"]].copy()
    months = sorted(frame["month"].unique())
    names = {m: french.month(m) for m in months}
    frame["mois"] = frame["month"].map(names)
    frame["objectif"] = [
        f"{int(n)} · {s}" for n, s in zip(frame["number"], frame["short_label"], strict=True)
    ]
    frame["value"] = frame["progress"].astype("float64")
    frame["text"] = frame["progress"].map(_progress_label)
    frame = frame.drop(columns=["month", "progress"])
    labels = [f"{o.number} · {o.short_label}" for o in objectives]
    order = [names[m] for m in months]
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True), strokeWidth=3)
        .encode(
            x=alt.X("mois:O", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelFontSize=12)),
            y=alt.Y("value:Q", scale=alt.Scale(domain=[0, 1]), title="Avancement agrégé",
                    axis=alt.Axis(format=".0%", tickCount=5)),
            color=alt.Color(
                "objectif:N",
                scale=objective_scale(labels),
                legend=alt.Legend(title=None, orient="bottom", columns=3, labelFontSize=13, labelLimit=260),
            ),
            tooltip=[alt.Tooltip("mois:N", title="Fin de"), alt.Tooltip("objectif:N", title="Objectif"),
                     alt.Tooltip("text:N", title="Avancement")],
        )
        .properties(height=300)
        .configure_view(stroke=None)
    )


@builder
def action_history_chart(history: pd.DataFrame) -> alt.LayerChart:
    """The % of one action over its progress updates: a step line, one point per update coloured by status.

    ``history`` comes from updates.history (``reported_on``, ``status``, ``progress``, ``comment``).
    """
    frame = history[["reported_on", "status", "progress", "comment"]].copy()
    dates = pd.to_datetime(frame["reported_on"]).dt.date.map(french.date)
    frame["date"] = [d if (dates[:i] != d).all() else f"{d} ({i + 1})" for i, d in enumerate(dates)]
    frame["statut"] = frame["status"].map(french.status)
    frame["value"] = frame["progress"].astype("float64") / 100
    frame["text"] = [
        french.progress(v) for v in frame["progress"]
    ]
    frame["comment"] = frame["comment"].fillna("")
    frame["position"] = range(len(frame))
    frame = frame.drop(columns=["reported_on", "progress", "status"])
    order = frame["date"].tolist()
    x = alt.X("date:O", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelFontSize=12))
    y = alt.Y("value:Q", scale=alt.Scale(domain=[0, 1]), title="Avancement",
              axis=alt.Axis(format=".0%", tickCount=5))
    tooltip = [alt.Tooltip("date:N", title="Point du"), alt.Tooltip("statut:N", title="Statut"),
               alt.Tooltip("text:N", title="Avancement"), alt.Tooltip("comment:N", title="Commentaire")]
    base = alt.Chart(frame).encode(x=x, y=y, tooltip=tooltip)
    line = base.mark_line(interpolate="step-after", color="#8A8A8A", strokeWidth=2)
    points = base.mark_point(filled=True, size=140, opacity=1).encode(
        color=alt.Color(
            "statut:N",
            scale=status_scale(),
            legend=alt.Legend(title=None, orient="bottom", labelFontSize=13, columns=3),
        )
    )
    return (
        layered(line, points).properties(height=240)
        .configure_view(stroke=None)
    )
