"""The views of the signature section (used by labo_dash.ui.signature.section): per-défi bars, per-objective
panels, the weights heatmap and the actions' Gantt, each with its figures table and downloads.

Data and chart specs are cached per database file and versions of what they read (SIGNATURE_TOPICS,
labo_dash.ui.cache) and per filter, so a rerun recomputes nothing unless the data, the month or the filter
changed.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from labo_dash import charts, db, french, seminar, signature
from labo_dash.db import Topic
from labo_dash.ui.cache import by_version
from labo_dash.ui.chart_export import downloads, figures_table, spec
from labo_dash.ui.signature import filters as picks
from labo_dash.ui.signature import tables

_VIEWS: dict[str, Callable[..., pd.DataFrame]] = {
    "bars": signature.support_by_challenge,
    "trend": signature.support_over_time,
    "weights": signature.challenge_weights,
    "timeline": signature.action_timeline,
}
BARS_TITLE = "Soutien aux défis, réparti par objectif"


# What the signature reads: support (votes), progress (follow-up), défis and weights, objectives and zone.
SIGNATURE_TOPICS = (Topic.VOTES, Topic.FOLLOW_UP, Topic.DIAGNOSIS, Topic.SETTINGS)


@by_version(*SIGNATURE_TOPICS, max_entries=256)
def _view(con: db.Connection, name: str, *args: Any) -> pd.DataFrame:
    """Return a view's data (cached until a write of one of SIGNATURE_TOPICS)."""
    return _VIEWS[name](con, *args)


class Section:
    """What every view of one section shares: the connection, objectives and filter key."""

    def __init__(self, con: db.Connection, key: str, seminar_id: int) -> None:
        self.con, self.key, self.seminar_id = con, key, seminar_id
        self.objectives = seminar.objectives(con, seminar_id)
        self.labels = tuple(charts.objective_labels(self.objectives))

    def view(self, name: str, *args: Any) -> pd.DataFrame:
        """Return the data of a view (cached)."""
        return _view(self.con, name, *args)

    def spec(self, build: Any, name: str, *args: Any) -> dict:
        """Return the spec of ``build()`` (cached per data version, filter, ``name`` and ``args``)."""
        chosen = picks.current(self.key)
        return spec(self.con, build, name, self.labels, chosen["challenge"], chosen["objective"], *args)


def color_legend(items: list[tuple[str, str]]) -> None:
    """Show a legend of (label, colour) that wraps with the page width (a chart legend does not)."""
    spans = "".join(
        f"<span style='white-space:nowrap;margin-right:1.4em'><span style='color:{color};font-size:1.4em'>■"
        f"</span> {html.escape(label)}</span> "
        for label, color in items
    )
    st.markdown(f"<div style='line-height:2.1'>{spans}</div>", unsafe_allow_html=True)


def explain(when: dt.date, show_progress: bool) -> str:
    text = "Longueur de la barre : part des votes du tour, répartie entre les objectifs du défi"
    if show_progress:
        text += f" ; partie foncée : soutien réalisé (avancement des actions au {french.date(when)})"
    return text + "."


def bars(
    section: Section,
    df: pd.DataFrame,
    round_id: int,
    when: dt.date,
    show_progress: bool,
    interactive: bool,
    top: int | None = None,
) -> None:
    """Show the per-défi bars, the objectives' legend above them (it wraps on a phone).

    ``top``: the rank ``df`` was cut at (None = every défi), part of the chart's cache key.
    """
    chosen = picks.current(section.key)
    st.caption(explain(when, show_progress))
    items = list(zip(section.labels, charts.OBJECTIVE_COLORS, strict=False))
    color_legend(
        items
        + ([(charts.UNASSIGNED, charts.UNASSIGNED_COLOR)] if df["objective_number"].isna().any() else [])
    )
    chart = section.spec(
        lambda: charts.support_by_challenge_chart(
            df,
            section.objectives,
            show_progress=show_progress,
            highlight_challenge=chosen["challenge"],
            highlight_objective=chosen["objective"],
            legend=False,
        ),
        "bars",
        round_id,
        when,
        show_progress,
        top,
    )
    if interactive:
        picks.clickable(chart, section.key, "bars", "defi", BARS_TITLE)
    else:
        st.vega_lite_chart(chart, width="stretch")


def bars_details(
    section: Section, df: pd.DataFrame, month: dt.date, when: dt.date, show_progress: bool
) -> None:
    figures_table("soutien aux défis", tables.bars(df, show_progress))
    downloads(
        lambda: charts.support_by_challenge_chart(df, section.objectives, show_progress=show_progress),
        f"soutien-defis-{month:%Y-%m}",
        f"{section.key}-bars",
        BARS_TITLE,
        explain(when, show_progress),
    )


def trend(
    section: Section, df: pd.DataFrame, months: list[dt.date], month: dt.date, interactive: bool
) -> None:
    """Show one small chart per objective, three per row (stacked on a phone)."""
    chosen = picks.current(section.key)["objective"]
    y_max = float(df["support"].max()) * 1.1 if len(df) else 0.01
    columns = [column for _ in range(0, len(section.objectives), 3) for column in st.columns(3)]
    for column, objective in zip(columns, section.objectives, strict=False):
        number = objective.number
        emphasis = 1.0 if chosen in (None, number) else 2 * charts.DIMMED
        part = df[df["objective_number"] == number]
        chart = section.spec(
            lambda part=part, objective=objective, emphasis=emphasis: charts.finish(
                charts.objective_trend_chart(
                    part, objective, months, month, y_max=y_max, emphasis=emphasis, selectable=interactive
                )
            ),
            "trend",
            number,
            tuple(months),
            month,
            interactive,
        )
        with column:
            if interactive:
                picks.clickable(
                    chart,
                    section.key,
                    f"trend{number}",
                    "objectif",
                    f"Objectif {number} : soutien exprimé et réalisé",
                )
            else:
                st.vega_lite_chart(chart, width="stretch")


def trend_details(
    section: Section, df: pd.DataFrame, months: list[dt.date], month: dt.date, when: dt.date
) -> None:
    figures_table("soutien par objectif et par mois", tables.trend(df, month))
    downloads(
        lambda: charts.support_over_time_chart(df, section.objectives, months, month),
        f"soutien-objectifs-{month:%Y-%m}",
        f"{section.key}-trend",
        "Soutien exprimé et soutien réalisé, objectif par objectif",
        f"Pointillés : soutien exprimé ; surface : soutien réalisé (au {french.date(when)})",
        width=None,
    )


def weights(section: Section, df: pd.DataFrame, round_id: int) -> None:
    chosen = picks.current(section.key)
    explain = (
        "Chaque défi répartit son soutien entre les objectifs selon ces poids (défis rangés par soutien)"
    )
    st.caption(explain + ".")
    chart = section.spec(
        lambda: charts.weights_heatmap(
            df,
            section.objectives,
            highlight_challenge=chosen["challenge"],
            highlight_objective=chosen["objective"],
        ),
        "weights",
        round_id,
    )
    picks.clickable(chart, section.key, "weights", "cellule", "Poids des objectifs dans chaque défi")
    figures_table("poids des objectifs", tables.weights(df))
    downloads(
        lambda: charts.weights_heatmap(df, section.objectives),
        "poids-objectifs-defis",
        f"{section.key}-weights",
        "Poids des objectifs dans chaque défi",
        explain,
        width=800,
    )


def _by_objective(
    section: Section, df: pd.DataFrame
) -> tuple[list[int | None], list[str], list[pd.DataFrame]]:
    """Split the Gantt's rows (``df``) by objective: the numbers of the objectives that have actions (then
    None, « no objective », when some action's défi weighs none), each tab's label (« 1 · Financer (4, 1 en
    retard) ») and rows."""
    groups: list[seminar.Objective | None] = [
        o for o in section.objectives if (df["objective_number"] == o.number).any()
    ]
    if df["objective_number"].isna().any():
        groups.append(None)
    labels, parts = [], []
    for o in groups:
        part = df[df["objective_number"].isna() if o is None else df["objective_number"] == o.number]
        late = int(part["overdue"].sum())
        label = charts.UNASSIGNED if o is None else charts.objective_label(o.number, o.short_label)
        labels.append(
            f"{label} ({len(part)}"
            + (f", {late} en retard)" if late else ")")
        )
        parts.append(part)
    return [None if o is None else o.number for o in groups], labels, parts


def timeline(section: Section, df: pd.DataFrame, when: dt.date, month: dt.date) -> None:
    """Show the Gantt of the actions, one tab per objective (the filtered objective's tab open)."""
    chosen = picks.current(section.key)
    if chosen["challenge"] is not None:
        df = df[df["challenge_id"] == chosen["challenge"]]
    if df.empty:
        st.info(
            "Ce défi n'a pas encore d'action de suivi."
            if chosen["challenge"] is not None
            else "Aucune action de suivi pour l'instant : elles naîtront des solutions de l'après-midi.",
            icon="📋",
        )
        return
    st.caption(
        f"Statut au {french.date(when)} ; bordure rouge : action en retard sur son échéance. Une action "
        "apparaît sous chaque objectif de son défi ; la ligne pointillée marque la date affichée."
    )
    color_legend([(label, charts.STATUS_COLORS[label]) for label in french.STATUSES.values()])
    groups, labels, parts = _by_objective(section, df)
    opened = next(
        (label for number, label in zip(groups, labels, strict=True) if number == chosen["objective"]), None
    )
    domain = charts.timeline_domain(df, when)
    tabs = st.tabs(  # only the open tab builds its chart; a new filter opens its objective's tab
        labels,
        default=opened,
        key=f"{section.key}-timeline-{chosen['challenge']}-{chosen['objective']}",
        on_change="rerun",
    )
    for tab, number, part in zip(tabs, groups, parts, strict=True):
        if not tab.open:
            continue
        tab.vega_lite_chart(
            section.spec(
                lambda part=part: charts.finish(
                    charts.action_timeline_part(
                        part, None, titled=False, domain=domain, as_of=when, legend=False
                    )
                ),
                "timeline",
                when,
                number,
            ),
            width="stretch",
        )
    figures_table("actions par objectif", tables.timeline(df))
    downloads(
        lambda: charts.action_timeline_chart(df, section.objectives, as_of=when),
        f"calendrier-actions-{month:%Y-%m}",
        f"{section.key}-timeline",
        "Calendrier des actions par objectif",
        f"Statut au {french.date(when)} ; bordure rouge : en retard",
        width=None,
    )
