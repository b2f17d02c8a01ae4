"""Streamlit sections of the signature view (domain brief §6): a month control that replays the history,
views that filter one another on a click, the figures as a table under each chart, PNG/SVG downloads.

Pages call :func:`render_signature` (every view) or :func:`render_support_by_challenge` (the per-défi
bars alone, e.g. live on the projection). View data is cached per database file and data version
(signature.data_version), so a rerun recomputes nothing unless the data changed.
"""

from __future__ import annotations

import datetime as dt
import html
import time
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from labo_dash import charts, french, seminar, signature
from labo_dash.progress import ROLLUP_EXPLANATION
from labo_dash.ui import signature_filter as picks
from labo_dash.ui import signature_tables as tables
from labo_dash.ui.chart_export import downloads, figures_table
from labo_dash.ui.common import md_escape
from labo_dash.ui.common import today as current_day

REPLAY_PAUSE = 0.7  # seconds between two months when the history is replayed
_VIEWS = {
    "bars": signature.support_by_challenge,
    "trend": signature.support_over_time,
    "weights": signature.challenge_weights,
    "timeline": signature.action_timeline,
}
BARS_TITLE = "Soutien aux défis, réparti par objectif"
SUPPORT_HELP = (
    "Soutien d'un défi = part des votes du tour qui sont allés à ce défi (gommettes ; pour un jugement "
    "majoritaire, note moyenne ramenée entre 0 et 1 puis normalisée). Il est réparti entre les objectifs "
    "selon les poids du défi. Soutien réalisé = soutien × avancement des actions du défi au mois choisi "
    "(un avancement inconnu compte pour 0). " + ROLLUP_EXPLANATION
)
NO_ROUND = (
    "Aucun tour de positionnement sur les défis n'a encore de résultats publics : le soutien aux défis "
    "apparaîtra ici dès l'ouverture du vote (page Administration)."
)
NO_VOTE = "Aucun vote n'a encore été exprimé dans ce tour : les barres apparaîtront avec les premiers votes."


@st.cache_data(max_entries=256, show_spinner=False)
def _view(_con: duckdb.DuckDBPyConnection, version: tuple, name: str, *args: Any) -> pd.DataFrame:
    """Return a view's data; ``version`` (database path + data fingerprint) keys the cache."""
    return _VIEWS[name](_con, *args)


def month_control(months: list[dt.date], key: str, default: dt.date | None = None) -> tuple[dt.date, bool]:
    """Show the month slider and the replay button in one form; return (month, replay requested)."""
    state = f"{key}-month"
    if st.session_state.get(state) not in months:
        st.session_state[state] = default if default in months else months[-1]
    with st.form(f"{key}-month-form", border=False):
        month = st.select_slider(
            "Mois affiché",
            options=months,
            format_func=french.month,
            key=state,
            help="Les vues montrent l'avancement connu à la fin de ce mois.",
        )
        left, right = st.columns(2)
        left.form_submit_button("Afficher ce mois", type="primary", width="stretch")
        replay = right.form_submit_button(
            "▶ Rejouer l'historique",
            width="stretch",
            help="Fait défiler les mois depuis le séminaire jusqu'au mois choisi.",
        )
    return month, replay


def color_legend(items: list[tuple[str, str]]) -> None:
    """Show a legend of (label, colour) that wraps with the page width (a chart legend does not)."""
    spans = "".join(
        f"<span style='white-space:nowrap;margin-right:1.4em'><span style='color:{color};font-size:1.4em'>■"
        f"</span> {html.escape(label)}</span> "
        for label, color in items
    )
    st.markdown(f"<div style='line-height:2.1'>{spans}</div>", unsafe_allow_html=True)


def _objective_legend(df: pd.DataFrame, objectives: list[dict]) -> None:
    items = list(zip(charts.objective_labels(objectives), charts.OBJECTIVE_COLORS, strict=False))
    if df["objective_number"].isna().any():
        items.append((charts.UNASSIGNED, charts.UNASSIGNED_COLOR))
    color_legend(items)


def _explain(when: dt.date, show_progress: bool) -> str:
    text = "Longueur de la barre : part des votes du tour, répartie entre les objectifs du défi"
    if show_progress:
        text += f" ; partie foncée : soutien réalisé (avancement des actions au {french.date(when)})"
    return text + "."


def _bars(
    df: pd.DataFrame, key: str, objectives: list[dict], when: dt.date, show_progress: bool, interactive: bool
) -> None:
    """Show the per-défi bars, the objectives' legend above them (it wraps on a phone)."""
    chosen = picks.current(key)
    st.caption(_explain(when, show_progress))
    _objective_legend(df, objectives)
    chart = charts.support_by_challenge_chart(
        df,
        objectives,
        show_progress=show_progress,
        highlight_challenge=chosen["challenge"],
        highlight_objective=chosen["objective"],
        legend=False,
    )
    if interactive:
        picks.clickable(chart, key, "bars", "defi", BARS_TITLE)
    else:
        st.altair_chart(chart, width="stretch")


def _bars_details(
    df: pd.DataFrame, key: str, objectives: list[dict], month: dt.date, when: dt.date, show_progress: bool
) -> None:
    figures_table("soutien aux défis", tables.bars(df, show_progress))
    chart = charts.support_by_challenge_chart(df, objectives, show_progress=show_progress)
    downloads(chart, f"soutien-defis-{month:%Y-%m}", f"{key}-bars", BARS_TITLE, _explain(when, show_progress))


def render_support_by_challenge(
    con: duckdb.DuckDBPyConnection,
    *,
    key: str,
    round_id: int | None = None,
    month: dt.date | None = None,
    show_progress: bool = True,
    details: bool = True,
    heading: str | None = BARS_TITLE,
    seminar_id: int = seminar.DEFAULT_SEMINAR,
) -> pd.DataFrame | None:
    """Show the per-défi bars: support split by objective, and the progress at ``month`` if ``show_progress``.

    ``round_id`` defaults to the support round (signature.support_round); ``month`` to the current month;
    ``details`` adds the table and the downloads. Returns the figures shown (None before any vote).
    """
    today = current_day()
    if heading:
        st.subheader(heading, help=SUPPORT_HELP, anchor=False)
    if round_id is None:
        found = signature.support_round(con, seminar_id)
        if found is None:
            st.info(NO_ROUND, icon="🗳️")
            return None
        round_id = found["id"]
    month = month or dt.date(today.year, today.month, 1)
    when = signature.as_of(month, today)
    df = _view(con, signature.data_version(con), "bars", round_id, when)
    if df.empty or not df["score"].sum():
        st.info(NO_VOTE, icon="🗳️")
        return None
    objectives = seminar.objectives(con, seminar_id)
    _bars(df, key, objectives, when, show_progress, interactive=True)
    if details:
        _bars_details(df, key, objectives, month, when, show_progress)
    return df


def _trend(
    df: pd.DataFrame,
    key: str,
    objectives: list[dict],
    months: list[dt.date],
    month: dt.date,
    interactive: bool,
) -> None:
    """Show one small chart per objective, three per row (stacked on a phone)."""
    chosen = picks.current(key)["objective"]
    y_max = float(df["support"].max()) * 1.1 if len(df) else 0.01
    columns = [column for _ in range(0, len(objectives), 3) for column in st.columns(3)]
    for column, objective in zip(columns, objectives, strict=False):
        number = objective["number"]
        chart = charts.finish(
            charts.objective_trend_chart(
                df[df["objective_number"] == number],
                objective,
                months,
                month,
                y_max=y_max,
                emphasis=1.0 if chosen in (None, number) else 2 * charts.DIMMED,
                selectable=interactive,
            )
        )
        with column:
            if interactive:
                picks.clickable(
                    chart,
                    key,
                    f"trend{number}",
                    "objectif",
                    f"Objectif {number} : soutien exprimé et réalisé",
                )
            else:
                st.altair_chart(chart, width="stretch")


def render_signature(
    con: duckdb.DuckDBPyConnection,
    *,
    key: str,
    month: dt.date | None = None,
    control: bool = True,
    heading: str | None = "Signature : le soutien aux défis et sa réalisation",
    seminar_id: int = seminar.DEFAULT_SEMINAR,
) -> None:
    """Show every view of the signature at ``month`` (default: the latest month).

    Per défi (bars), per objective over the months (areas), défi × objective weights (heatmap), actions by
    objective (Gantt). With ``control``, a month slider (starting at ``month``) and a replay button; without,
    ``month`` is imposed by the page (e.g. the month under review). A click on a défi, an objective or a
    weight cell filters the other views.
    """
    today = current_day()
    if heading:
        st.header(heading, help=SUPPORT_HELP, anchor=False)
    found = signature.support_round(con, seminar_id)
    if found is None:
        st.info(NO_ROUND, icon="🗳️")
        return
    version = signature.data_version(con)
    objectives = seminar.objectives(con, seminar_id)
    months = signature.months(con, today, seminar_id)
    if control:
        chosen, replay = month_control(months, key, month)
    else:
        chosen, replay = (month if month in months else months[-1]), False
    when = signature.as_of(chosen, today)
    bars = _view(con, version, "bars", found["id"], when)
    if bars.empty or not bars["score"].sum():
        st.info(NO_VOTE, icon="🗳️")
        return
    st.caption(f"Soutien tiré du tour « {md_escape(found['title'])} », avancement au {french.date(when)}.")
    picks.notice(key, bars, objectives)
    dates = tuple(signature.as_of(m, today) for m in months)
    trend = _view(con, version, "trend", found["id"], dates, picks.current(key)["challenge"], seminar_id)
    trend["month"] = pd.to_datetime(trend["month"]).dt.date

    st.subheader(BARS_TITLE, anchor=False)
    bars_slot = st.empty()
    st.subheader("Par objectif, mois après mois", anchor=False)
    st.caption(
        "Pointillés : soutien exprimé par la salle ; surface : soutien réalisé. L'écart entre les deux "
        "montre où le suivi est en retard sur ce que la salle a demandé."
    )
    trend_slot = st.empty()
    for frame in months[: months.index(chosen)] if replay else []:
        frame_when = signature.as_of(frame, today)
        with bars_slot.container():
            _bars(
                _view(con, version, "bars", found["id"], frame_when), key, objectives, frame_when, True, False
            )
        with trend_slot.container():
            _trend(trend, key, objectives, months, frame, interactive=False)
        time.sleep(REPLAY_PAUSE)
    with bars_slot.container():
        _bars(bars, key, objectives, when, True, True)
        _bars_details(bars, key, objectives, chosen, when, True)
    with trend_slot.container():
        _trend(trend, key, objectives, months, chosen, interactive=True)
        chart = charts.support_over_time_chart(trend, objectives, months, chosen)
        figures_table("soutien par objectif et par mois", tables.trend(trend, chosen))
        downloads(
            chart,
            f"soutien-objectifs-{chosen:%Y-%m}",
            f"{key}-trend",
            "Soutien exprimé et soutien réalisé, objectif par objectif",
            f"Pointillés : soutien exprimé ; surface : soutien réalisé (au {french.date(when)})",
            width=None,
        )
    _weights(_view(con, version, "weights", found["id"], seminar_id), key, objectives)
    _timeline(_view(con, version, "timeline", when, seminar_id), key, objectives, when, chosen)


def _weights(df: pd.DataFrame, key: str, objectives: list[dict]) -> None:
    chosen = picks.current(key)
    st.subheader("Poids des objectifs dans chaque défi", anchor=False)
    explain = (
        "Chaque défi répartit son soutien entre les objectifs selon ces poids (défis rangés par soutien)"
    )
    st.caption(explain + ".")
    chart = charts.weights_heatmap(
        df, objectives, highlight_challenge=chosen["challenge"], highlight_objective=chosen["objective"]
    )
    picks.clickable(chart, key, "weights", "cellule", "Poids des objectifs dans chaque défi")
    figures_table("poids des objectifs", tables.weights(df))
    downloads(
        chart,
        "poids-objectifs-defis",
        f"{key}-weights",
        "Poids des objectifs dans chaque défi",
        explain,
        width=800,
    )


def _timeline(df: pd.DataFrame, key: str, objectives: list[dict], when: dt.date, month: dt.date) -> None:
    """Show the Gantt of the actions, one tab per objective (the filtered objective's tab open)."""
    chosen = picks.current(key)
    st.subheader("Calendrier des actions par objectif", anchor=False)
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
    groups = [o for o in objectives if (df["objective_number"] == o["number"]).any()]
    if df["objective_number"].isna().any():
        groups.append({"number": None, "short_label": None})
    labels, parts = [], []
    for o in groups:
        part = df[
            df["objective_number"].isna() if o["number"] is None else df["objective_number"] == o["number"]
        ]
        late = int(part["overdue"].sum())
        labels.append(
            f"{charts.objective_label(o['number'], o['short_label'])} ({len(part)}"
            + (f", {late} en retard)" if late else ")")
        )
        parts.append(part)
    opened = next(
        (label for o, label in zip(groups, labels, strict=True) if o["number"] == chosen["objective"]), None
    )
    domain = charts.timeline_domain(df, when)
    for tab, part in zip(st.tabs(labels, default=opened), parts, strict=True):
        tab.altair_chart(
            charts.finish(charts.action_timeline_part(part, None, domain=domain, as_of=when, legend=False)),
            width="stretch",
        )
    figures_table("actions par objectif", tables.timeline(df))
    downloads(
        charts.action_timeline_chart(df, objectives, as_of=when),
        f"calendrier-actions-{month:%Y-%m}",
        f"{key}-timeline",
        "Calendrier des actions par objectif",
        f"Statut au {french.date(when)} ; bordure rouge : en retard",
        width=None,
    )
