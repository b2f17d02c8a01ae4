"""The actions' timeline (data from labo_dash.signature.action_timeline): one Gantt per objective, each
action a bar from its start to its due date, coloured by its status at a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from labo_dash import french
from labo_dash.charts.theme import (
    UNASSIGNED,
    UNASSIGNED_COLOR,
    builder,
    finish,
    first_rows,
    layered,
    noted,
    objective_color,
    objective_label,
    status_scale,
    tooltips,
)
from labo_dash.seminar import Objective

OVERDUE_COLOR = "#B00020"


def _timeline_frame(df: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Return the actions' rows with their bar's ends (``start``, ``end``: the due date, else ``as_of``),
    their status in French and the texts of the tooltip and of the bar's end."""
    data = df.copy()
    data["start"] = pd.to_datetime(data["start"])
    data["end"] = pd.to_datetime(data["due_date"]).fillna(pd.Timestamp(as_of))
    data["statut"] = data["status"].map(french.status)
    data["t_start"] = data["start"].map(french.date)
    data["t_due"] = data["due_date"].map(lambda d: "sans échéance" if pd.isna(d) else french.date(d))
    data["t_progress"] = data["progress"].map(
        french.progress
    )
    data["t_weight"] = data["weight"].map(lambda w: "–" if pd.isna(w) else french.percent(w))
    data["t_end"] = [
        ("⚠ en retard · " if late else "") + ("" if pd.isna(p) else french.percent(p / 100))
        for late, p in zip(data["overdue"], data["progress"], strict=True)
    ]
    data["outline"] = data["overdue"].map(lambda late: 3 if late else 0)
    return data


def _timeline_layers(data: pd.DataFrame, x_scale: alt.Scale, as_of: dt.date, legend: bool) -> list[Any]:
    """The ``as_of`` rule, each action's title above its bar, the bar, and its figures at its end."""
    y = alt.Y("action_id:N", sort=list(dict.fromkeys(data["action_id"])), axis=None,
              scale=alt.Scale(paddingInner=0, paddingOuter=0))
    tooltip = tooltips(("action", "Action"), ("challenge", "Défi"),
                       ("t_weight", "Poids de l'objectif dans le défi"),
                       ("statut", f"Statut au {french.date(as_of)}"), ("t_progress", "Avancement"),
                       ("t_start", "Début"), ("t_due", "Échéance"))
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    status_legend = alt.Legend(title="Statut", orient="top", direction="horizontal", symbolStrokeWidth=0)
    return [
        alt.Chart(pd.DataFrame({"as_of": [pd.Timestamp(as_of).isoformat()]}))
        .mark_rule(color="#333333", strokeDash=[4, 3], strokeWidth=1.5)
        .encode(x=alt.X("as_of:T", scale=x_scale)),
        base.mark_text(align="left", baseline="middle", yOffset=-9, fontSize=13, limit=alt.ExprRef("width"))
        .encode(x=alt.value(0), text="action:N"),
        base.mark_bar(height=14, yOffset=8, cornerRadius=3, stroke=OVERDUE_COLOR).encode(
            x=alt.X("start:T", scale=x_scale, axis=alt.Axis(format="%b %Y", title=None, labelOverlap=True)),
            x2="end:T",
            color=alt.Color("statut:N", scale=status_scale(), legend=status_legend if legend else None),
            strokeWidth=alt.StrokeWidth("outline:Q", scale=None),
        ),
        base.mark_text(align="left", dx=5, yOffset=8, fontSize=12).encode(
            x=alt.X("end:T", scale=x_scale), text="t_end:N",
            color=alt.condition("datum.overdue", alt.value(OVERDUE_COLOR), alt.value("#333333")),
        ),
    ]


@builder
def action_timeline_part(
    df: pd.DataFrame,
    objective: Objective | None,
    *,
    titled: bool = True,
    domain: tuple[pd.Timestamp, pd.Timestamp],
    as_of: dt.date,
    legend: bool = True,
    width: int | None = None,
) -> alt.LayerChart:
    """Gantt of one objective's actions: a bar from start to due date coloured by status at ``as_of``.

    Each action's title is written above its bar (readable at any width). Overdue actions are outlined in
    red and marked « en retard »; a dashed rule marks ``as_of``. ``df`` holds that objective's rows of
    signature.action_timeline (``objective`` None: the actions whose défi weighs no objective); ``titled``
    False leaves the title out (a tab names the objective). ``domain`` is the (first, last) date shown.
    Only the first ``MAX_CHART_ROWS`` actions are drawn; the title (or a note under the chart) says so.
    """
    df, note = first_rows(df, "action_id", "actions", feminine=True)
    data = _timeline_frame(df, as_of)
    x_scale = alt.Scale(domain=[pd.Timestamp(d).isoformat() for d in domain])
    chart = layered(*_timeline_layers(data, x_scale, as_of, legend)).properties(height=alt.Step(42))
    if titled:
        label = UNASSIGNED if objective is None else objective_label(objective.number, objective.short_label)
        color = UNASSIGNED_COLOR if objective is None else objective_color(objective.number)
        title = alt.TitleParams(label, anchor="start", fontSize=15, color=color,
                                subtitle=note or alt.Undefined, subtitleFontSize=13, subtitleColor="#333333")
        chart = chart.properties(title=title)
    else:
        chart = noted(chart, note)
    return chart.properties(width=width) if width else chart


@builder
def action_timeline_chart(
    df: pd.DataFrame, objectives: Sequence[Objective], *, as_of: dt.date
) -> alt.VConcatChart:
    """The actions of every objective, one Gantt per objective stacked (the exported figure)."""
    domain = timeline_domain(df, as_of)
    groups: list[tuple[Objective | None, pd.DataFrame]] = [
        (o, df[df["objective_number"] == o.number]) for o in objectives
    ]
    groups.append((None, df[df["objective_number"].isna()]))
    parts = [
        action_timeline_part(part, o, domain=domain, as_of=as_of, legend=i == 0, width=760)
        for i, (o, part) in enumerate(g for g in groups if len(g[1]))
    ]
    return finish(alt.vconcat(*parts).resolve_scale(x="shared"))


def timeline_domain(df: pd.DataFrame, as_of: dt.date) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the dates a timeline spans: the first start to the last due date (or ``as_of``), by months."""
    dates = [pd.Timestamp(as_of)]
    dates += [pd.Timestamp(d) for d in pd.concat([df["start"], df["due_date"]]).dropna()]
    first, last = min(dates), max(dates)
    return first.to_period("M").to_timestamp(), (last.to_period("M") + 1).to_timestamp()
