"""Streamlit sections of the signature view: month control and replay, views that filter one another on
a click, the figures as a table under each chart, PNG and SVG downloads (vl-convert, offline).

Pages call :func:`render_signature` (every view, with the month control) or
:func:`render_support_by_challenge` (the per-défi bars alone, e.g. live on the projection). View data is
cached per database file and data version, so reruns do not recompute it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
from typing import Any

import altair as alt
import duckdb
import pandas as pd
import streamlit as st
import vl_convert

from labo_dash import charts, french, seminar, signature
from labo_dash.progress import ROLLUP_EXPLANATION
from labo_dash.ui import signature_tables as tables
from labo_dash.ui.common import today as current_day

REPLAY_PAUSE = 0.7  # seconds between two months when the history is replayed
EXPORT_WIDTH = 1000
_VIEWS = {
    "bars": signature.support_by_challenge,
    "trend": signature.support_over_time,
    "weights": signature.challenge_weights,
    "timeline": signature.action_timeline,
}
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


@functools.lru_cache(maxsize=64)
def _image(spec: str, fmt: str) -> bytes:
    """Render a chart spec (JSON) to PNG or SVG offline with vl-convert."""
    if fmt == "png":
        return vl_convert.vegalite_to_png(spec, scale=2)
    return vl_convert.vegalite_to_svg(spec).encode("utf-8")


def downloads(
    chart: alt.TopLevelMixin,
    name: str,
    key: str,
    title: str,
    subtitle: str | None = None,
    width: int | None = EXPORT_WIDTH,
) -> None:
    """Offer ``chart``, titled, as PNG and SVG files (rendered only when a button is clicked)."""
    spec = chart.to_dict()
    spec["title"] = charts.chart_title(title, subtitle)
    if width and "width" not in spec:
        spec["width"] = width
    text = json.dumps(spec, ensure_ascii=False)
    left, right = st.columns(2)
    left.download_button(
        "Télécharger en PNG",
        data=functools.partial(_image, text, "png"),
        file_name=f"{name}.png",
        mime="image/png",
        on_click="ignore",
        key=f"{key}-png",
        icon=":material/image:",
        width="stretch",
    )
    right.download_button(
        "Télécharger en SVG",
        data=functools.partial(_image, text, "svg"),
        file_name=f"{name}.svg",
        mime="image/svg+xml",
        on_click="ignore",
        key=f"{key}-svg",
        icon=":material/draw:",
        width="stretch",
    )


def _table(title: str, frame: pd.DataFrame, key: str) -> None:
    with st.expander(f"Les chiffres : {title}"):
        st.dataframe(frame, hide_index=True, width="stretch", key=f"{key}-table")


# --- Filters: a click on a défi, an objective or a cell filters the other views ------------------------


def _filter(key: str) -> dict[str, int | None]:
    return st.session_state.setdefault(f"{key}-filter", {"challenge": None, "objective": None})


def _widget(key: str, view: str) -> str:
    """Key of a clickable chart; it changes with the filter, so that the chart restarts unselected."""
    current = _filter(key)
    return f"{key}-{view}-{current['challenge']}-{current['objective']}"


def _on_pick(key: str, widget: str, param: str) -> None:
    """Turn a click into the section's filter (a second click on the same item removes it)."""
    current = dict(_filter(key))
    points = st.session_state[widget]["selection"].get(param) or [{}]
    point = points[0]
    if param == "defi":
        value = point.get("challenge_id")
        current["challenge"] = None if value == current["challenge"] else value
    elif param == "objectif":
        value = point.get("objective_number")
        current["objective"] = None if value == current["objective"] else value
    else:
        picked = {"challenge": point.get("challenge_id"), "objective": point.get("objective_number")}
        current = {"challenge": None, "objective": None} if picked == current else picked
    st.session_state[f"{key}-filter"] = current


def _clear(key: str) -> None:
    st.session_state[f"{key}-filter"] = {"challenge": None, "objective": None}


def _filter_notice(key: str, bars: pd.DataFrame, objectives: list[dict]) -> None:
    current = _filter(key)
    if current["challenge"] is None and current["objective"] is None:
        st.caption(
            "Cliquez sur un défi, sur un objectif ou sur une case des poids pour filtrer les autres vues."
        )
        return
    parts = []
    if current["challenge"] is not None:
        titles = bars.loc[bars["challenge_id"] == current["challenge"], "challenge"]
        parts.append(f"défi « {titles.iloc[0] if len(titles) else current['challenge']} »")
    if current["objective"] is not None:
        found = [o for o in objectives if o["number"] == current["objective"]]
        parts.append(
            f"objectif {charts.objective_label(current['objective'], found[0]['short_label'])}"
            if found
            else f"objectif {current['objective']}"
        )
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.info(
        "Filtre : " + " et ".join(parts) + ". Cliquez de nouveau sur l'élément pour le retirer.", icon="🔎"
    )
    right.button("Tout afficher", key=f"{key}-clear", on_click=_clear, args=(key,), width="stretch")


# --- The views ----------------------------------------------------------------------------------------


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


def _explain(when: dt.date, show_progress: bool) -> str:
    text = "Longueur de la barre : part des votes du tour, répartie entre les objectifs du défi"
    if show_progress:
        text += f" ; partie foncée : soutien réalisé (avancement des actions au {french.date(when)})"
    return text + "."


def _bars(
    df: pd.DataFrame, key: str, objectives: list[dict], when: dt.date, show_progress: bool, interactive: bool
) -> alt.TopLevelMixin:
    current = _filter(key)
    st.caption(_explain(when, show_progress))
    chart = charts.support_by_challenge_chart(
        df,
        objectives,
        show_progress=show_progress,
        highlight_challenge=current["challenge"],
        highlight_objective=current["objective"],
    )
    if interactive:
        widget = _widget(key, "bars")
        st.altair_chart(
            chart,
            width="stretch",
            key=widget,
            selection_mode="defi",
            on_select=functools.partial(_on_pick, key, widget, "defi"),
            alt="Soutien aux défis, réparti par objectif",
        )
    else:
        st.altair_chart(chart, width="stretch")
    return chart


def render_support_by_challenge(
    con: duckdb.DuckDBPyConnection,
    *,
    key: str,
    round_id: int | None = None,
    month: dt.date | None = None,
    show_progress: bool = True,
    details: bool = True,
    heading: str | None = "Soutien aux défis, réparti par objectif",
    seminar_id: int = seminar.DEFAULT_SEMINAR,
) -> pd.DataFrame | None:
    """Show the per-défi bars: support split by objective, and progress at ``month`` if ``show_progress``.

    ``round_id`` defaults to the support round (signature.support_round); ``month`` to the current one;
    ``details`` adds the table and the downloads. Returns the figures shown (None without votes).
    """
    today = current_day()
    if heading:
        st.subheader(heading, help=SUPPORT_HELP)
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
    chart = _bars(df, key, seminar.objectives(con, seminar_id), when, show_progress, interactive=True)
    if details:
        _table("soutien aux défis", tables.bars(df, show_progress), f"{key}-bars")
        downloads(
            chart,
            f"soutien-defis-{month:%Y-%m}",
            f"{key}-bars",
            "Soutien aux défis, réparti par objectif",
            _explain(when, show_progress),
        )
    return df


def _trend(
    df: pd.DataFrame,
    key: str,
    objectives: list[dict],
    months: list[dt.date],
    month: dt.date,
    interactive: bool,
) -> alt.TopLevelMixin:
    current = _filter(key)
    y_max = float(df["support"].max()) * 1.1 if len(df) else 0.01
    per_row = 3
    columns = [c for start in range(0, len(objectives), per_row) for c in st.columns(per_row)]
    for column, objective in zip(columns, objectives, strict=False):
        number = objective["number"]
        emphasis = 1.0 if current["objective"] in (None, number) else charts.DIMMED * 2
        part = df[df["objective_number"] == number]
        chart = charts.finish(
            charts.objective_trend_chart(
                part, objective, months, month, y_max=y_max, emphasis=emphasis, selectable=interactive
            )
        )
        with column:
            if interactive:
                widget = _widget(key, f"trend{number}")
                st.altair_chart(
                    chart,
                    width="stretch",
                    key=widget,
                    selection_mode="objectif",
                    on_select=functools.partial(_on_pick, key, widget, "objectif"),
                    alt=f"Soutien exprimé et réalisé, objectif {number}",
                )
            else:
                st.altair_chart(chart, width="stretch")
    return charts.support_over_time_chart(df, objectives, months, month)


def render_signature(
    con: duckdb.DuckDBPyConnection,
    *,
    key: str,
    month: dt.date | None = None,
    heading: str | None = "Signature : le soutien aux défis et sa réalisation",
    seminar_id: int = seminar.DEFAULT_SEMINAR,
) -> None:
    """Show every view of the signature with a month control (default ``month``, else the latest).

    Per défi (bars), per objective over the months (areas), défi × objective weights (heatmap) and the
    actions by objective (Gantt). A click on a défi, an objective or a cell filters the other views.
    """
    today = current_day()
    if heading:
        st.header(heading, help=SUPPORT_HELP)
    found = signature.support_round(con, seminar_id)
    if found is None:
        st.info(NO_ROUND, icon="🗳️")
        return
    version = signature.data_version(con)
    objectives = seminar.objectives(con, seminar_id)
    months = signature.months(con, today, seminar_id)
    chosen, replay = month_control(months, key, month)
    when = signature.as_of(chosen, today)
    bars = _view(con, version, "bars", found["id"], when)
    if bars.empty or not bars["score"].sum():
        st.info(NO_VOTE, icon="🗳️")
        return
    st.caption(f"Soutien tiré du tour « {found['title']} ».")
    _filter_notice(key, bars, objectives)
    current = _filter(key)
    dates = tuple(signature.as_of(m, today) for m in months)
    trend = _view(con, version, "trend", found["id"], dates, current["challenge"], seminar_id)
    trend["month"] = pd.to_datetime(trend["month"]).dt.date

    st.subheader("Soutien aux défis, réparti par objectif")
    bars_slot, trend_slot = st.empty(), st.empty()
    if replay:
        for frame in months[: months.index(chosen)]:
            with bars_slot.container():
                data = _view(con, version, "bars", found["id"], signature.as_of(frame, today))
                _bars(data, key, objectives, signature.as_of(frame, today), True, interactive=False)
            with trend_slot.container():
                st.subheader(f"Par objectif, mois après mois · {french.month(frame)}")
                _trend(trend, key, objectives, months, frame, interactive=False)
            time.sleep(REPLAY_PAUSE)
    with bars_slot.container():
        chart = _bars(bars, key, objectives, when, True, interactive=True)
        _table("soutien aux défis", tables.bars(bars, True), f"{key}-bars")
        downloads(
            chart,
            f"soutien-defis-{chosen:%Y-%m}",
            f"{key}-bars",
            "Soutien aux défis, réparti par objectif",
            _explain(when, True),
        )
    with trend_slot.container():
        st.subheader("Par objectif, mois après mois")
        st.caption(
            "Pointillés : soutien exprimé par la salle ; surface : soutien réalisé. L'écart entre les "
            "deux montre où le suivi est en retard sur ce que la salle a demandé."
        )
        chart = _trend(trend, key, objectives, months, chosen, interactive=True)
        _table("soutien par objectif et par mois", tables.trend(trend, chosen), f"{key}-trend")
        downloads(
            chart,
            f"soutien-objectifs-{chosen:%Y-%m}",
            f"{key}-trend",
            "Soutien exprimé et soutien réalisé, objectif par objectif",
            f"Pointillés : soutien exprimé ; surface : soutien réalisé (au {french.month(chosen)})",
            width=None,
        )

    weights = _view(con, version, "weights", found["id"], seminar_id)
    st.subheader("Poids des objectifs dans chaque défi")
    st.caption(
        "Chaque défi répartit son soutien entre les objectifs selon ces poids (défis rangés par soutien)."
    )
    chart = charts.weights_heatmap(
        weights,
        objectives,
        highlight_challenge=current["challenge"],
        highlight_objective=current["objective"],
    )
    widget = _widget(key, "weights")
    st.altair_chart(
        chart,
        width="stretch",
        key=widget,
        selection_mode="cellule",
        on_select=functools.partial(_on_pick, key, widget, "cellule"),
        alt="Poids des objectifs dans chaque défi",
    )
    _table("poids des objectifs", tables.weights(weights), f"{key}-weights")
    downloads(
        chart,
        "poids-objectifs-defis",
        f"{key}-weights",
        "Poids des objectifs dans chaque défi",
        "Chaque défi répartit son soutien entre les objectifs selon ces poids",
        width=800,
    )

    timeline = _view(con, version, "timeline", when, seminar_id)
    _render_timeline(timeline, key, objectives, when, chosen)


def _render_timeline(
    df: pd.DataFrame, key: str, objectives: list[dict], when: dt.date, month: dt.date
) -> None:
    current = _filter(key)
    st.subheader("Calendrier des actions par objectif")
    if current["challenge"] is not None:
        df = df[df["challenge_id"] == current["challenge"]]
    if df.empty:
        st.info(
            "Ce défi n'a pas encore d'action de suivi."
            if current["challenge"] is not None
            else "Aucune action de suivi pour l'instant : elles naîtront des solutions de l'après-midi.",
            icon="📋",
        )
        return
    st.caption(
        f"Statut au {french.date(when)} ; bordure rouge : action en retard sur son échéance. Une action "
        "apparaît sous chaque objectif de son défi ; la ligne pointillée marque la date affichée."
    )
    domain = charts.timeline_domain(df, when)
    present = [o for o in objectives if (df["objective_number"] == o["number"]).any()]
    labels = []
    for o in present:
        part = df[df["objective_number"] == o["number"]]
        late = int(part["overdue"].sum())
        labels.append(
            charts.objective_label(o["number"], o["short_label"])
            + f" ({len(part)}"
            + (f", {late} en retard)" if late else ")")
        )
    chosen = next(
        (label for o, label in zip(present, labels, strict=True) if o["number"] == current["objective"]), None
    )
    for tab, o in zip(st.tabs(labels, default=chosen), present, strict=True):
        with tab:
            part = df[df["objective_number"] == o["number"]]
            chart = charts.action_timeline_part(part, None, domain=domain, as_of=when)
            st.altair_chart(charts.finish(chart), width="stretch")
    _table("actions par objectif", tables.timeline(df), f"{key}-timeline")
    chart = charts.action_timeline_chart(df, objectives, as_of=when)
    downloads(
        chart,
        f"calendrier-actions-{month:%Y-%m}",
        f"{key}-timeline",
        "Calendrier des actions par objectif",
        f"Statut au {french.date(when)} ; bordure rouge : en retard",
        width=None,
    )
