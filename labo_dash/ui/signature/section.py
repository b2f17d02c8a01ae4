"""Streamlit sections of the signature view (domain brief §6): a month control that replays the history,
views that filter one another on a click, the figures as a table under each chart, PNG/SVG downloads.

Pages call :func:`render_signature` (every view, one per tab: only the open one computes) or
:func:`render_support_by_challenge` (the per-défi bars alone, e.g. live on the projection or as the home
page's summary). View data and chart specs are cached per database file and
data versions (labo_dash.ui.cache.by_version), so a rerun recomputes nothing unless the data changed.
"""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import streamlit as st

from labo_dash import db, french, seminar, signature
from labo_dash.progress import ROLLUP_EXPLANATION
from labo_dash.ui.common import md_escape
from labo_dash.ui.common import today as current_day
from labo_dash.ui.signature import filters as picks
from labo_dash.ui.signature import views
from labo_dash.ui.signature.views import BARS_TITLE

REPLAY_PAUSE = 0.7  # seconds between two months when the history is replayed
SUPPORT_HELP = (
    "Soutien d'un défi = part des votes du tour qui sont allés à ce défi (gommettes ; pour un jugement "
    "majoritaire, note moyenne ramenée entre 0 et 1 puis normalisée). Il est réparti entre les objectifs "
    "selon les poids du défi. Soutien réalisé = soutien × avancement des actions du défi au mois choisi "
    "(un avancement inconnu compte pour 0). " + ROLLUP_EXPLANATION
)
NO_ROUND = (
    "Aucun tour de positionnement sur les défis ne donne encore de soutien : il faut un tour aux résultats "
    "publics (en direct dès l'ouverture, ou masqués puis révélés après la clôture). Les organisateur·ice·s "
    "choisissent le tour de référence dans l'administration ; les tours d'essai et les tours archivés ne "
    "comptent jamais."
)
NO_VOTE = "Aucun vote n'a encore été exprimé dans ce tour : les barres apparaîtront avec les premiers votes."


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


def render_support_by_challenge(
    con: db.Connection,
    *,
    key: str,
    round_id: int | None = None,
    month: dt.date | None = None,
    show_progress: bool = True,
    details: bool = True,
    heading: str | None = BARS_TITLE,
    top: int | None = None,
    seminar_id: int = seminar.DEFAULT_SEMINAR,
) -> pd.DataFrame | None:
    """Show the per-défi bars: support split by objective, and the progress at ``month`` if ``show_progress``.

    ``round_id`` defaults to the support round (signature.support_round); ``month`` to the current month;
    ``details`` adds the table and the downloads; ``top`` keeps the défis ranked ``top`` or better (ties
    kept, and the caption says how many défis are left out). Returns the figures of every défi of the
    round (None before any vote).
    """
    today = current_day(con)
    if heading:
        st.subheader(heading, help=SUPPORT_HELP, anchor=False)
    notes = []
    if round_id is None:
        found = signature.support_round(con, seminar_id)
        if found is None:
            st.info(NO_ROUND, icon="🗳️")
            return None
        round_id = found.id
        notes.append(md_escape(signature.support_source(found)))
    section = views.Section(con, key, seminar_id)
    month = month or dt.date(today.year, today.month, 1)
    when = signature.as_of(month, today)
    df = section.view("bars", round_id, when)
    shown = df if top is None or df.empty else df[df["rank"] <= top]
    if shown["challenge_id"].nunique() < df["challenge_id"].nunique():
        notes.append(
            f"Les {french.number(shown['challenge_id'].nunique())} défis les plus soutenus, sur "
            f"{french.number(df['challenge_id'].nunique())} (ex æquo compris)."
        )
    if notes:
        st.caption(" ".join(notes))
    if df.empty or not df["score"].sum():
        st.info(NO_VOTE, icon="🗳️")
        return None
    views.bars(section, shown, round_id, when, show_progress, interactive=True, top=top)
    if details:
        views.bars_details(section, shown, month, when, show_progress)
    return df


def render_signature(
    con: db.Connection,
    *,
    key: str,
    month: dt.date | None = None,
    control: bool = True,
    heading: str | None = "Signature : le soutien aux défis et sa réalisation",
    seminar_id: int = seminar.DEFAULT_SEMINAR,
) -> None:
    """Show the signature at ``month`` (default: the latest month), one view per tab (``?vue=``).

    Views (:data:`VIEWS`): per défi (bars), per objective over the months (areas), défi × objective
    weights (heatmap), actions by objective (Gantt); only the open tab computes. With ``control``, a month
    slider (starting at ``month``) and a replay button that animates the open view (bars or areas);
    without, ``month`` is imposed by the page (e.g. the month under review). A click on a défi, an
    objective or a weight cell filters the other views.
    """
    today = current_day(con)
    if heading:
        st.header(heading, help=SUPPORT_HELP, anchor=False)
    found = signature.support_round(con, seminar_id)
    if found is None:
        st.info(NO_ROUND, icon="🗳️")
        return
    section = views.Section(con, key, seminar_id)
    months = signature.months(con, today, seminar_id)
    if control:
        chosen, replay = month_control(months, key, month)
    else:
        chosen, replay = (month if month in months else months[-1]), False
    shown = _Shown(section, found.id, months, chosen, today, replay)
    if shown.bars.empty or not shown.bars["score"].sum():
        st.info(NO_VOTE, icon="🗳️")
        return
    st.caption(md_escape(f"{signature.support_source(found)} Avancement au {french.date(shown.when)}."))
    picks.notice(key, shown.bars, section.objectives)
    tabs = st.tabs(list(VIEWS), key="vue", on_change="rerun", bind="query-params")
    for tab, render in zip(tabs, VIEWS.values(), strict=True):
        if tab.open:
            with tab:
                render(shown)


class _Shown:
    """What the signature's views share at one month: the section, round, months and the bars' data."""

    def __init__(
        self, section: views.Section, round_id: int, months: list[dt.date], chosen: dt.date, today: dt.date,
        replay: bool,
    ) -> None:
        self.section, self.round_id, self.months = section, round_id, months
        self.chosen, self.today = chosen, today
        self.replay = months[: months.index(chosen)] if replay else []
        self.when = signature.as_of(chosen, today)
        self.bars = section.view("bars", round_id, self.when)

    def trend_data(self) -> pd.DataFrame:
        dates = tuple(signature.as_of(m, self.today) for m in self.months)
        chosen = picks.current(self.section.key)["challenge"]
        trend = self.section.view("trend", self.round_id, dates, chosen, self.section.seminar_id)
        return trend.assign(month=pd.to_datetime(trend["month"]).dt.date)


def _bars_view(shown: _Shown) -> None:
    section, slot = shown.section, st.empty()
    for frame in shown.replay:
        frame_when = signature.as_of(frame, shown.today)
        with slot.container():
            views.bars(section, section.view("bars", shown.round_id, frame_when), shown.round_id, frame_when,
                       True, False)
        time.sleep(REPLAY_PAUSE)
    with slot.container():
        views.bars(section, shown.bars, shown.round_id, shown.when, True, True)
        views.bars_details(section, shown.bars, shown.chosen, shown.when, True)


def _trend_view(shown: _Shown) -> None:
    st.caption(
        "Pointillés : soutien exprimé par la salle ; surface : soutien réalisé. L'écart entre les deux "
        "montre où le suivi est en retard sur ce que la salle a demandé."
    )
    trend, slot = shown.trend_data(), st.empty()
    for frame in shown.replay:
        with slot.container():
            views.trend(shown.section, trend, shown.months, frame, interactive=False)
        time.sleep(REPLAY_PAUSE)
    with slot.container():
        views.trend(shown.section, trend, shown.months, shown.chosen, interactive=True)
        views.trend_details(shown.section, trend, shown.months, shown.chosen, shown.when)


def _weights_view(shown: _Shown) -> None:
    section = shown.section
    views.weights(section, section.view("weights", shown.round_id, section.seminar_id), shown.round_id)


def _timeline_view(shown: _Shown) -> None:
    section = shown.section
    data = section.view("timeline", shown.when, section.seminar_id)
    views.timeline(section, data, shown.when, shown.chosen)


VIEWS = {
    BARS_TITLE: _bars_view,
    "Par objectif, mois après mois": _trend_view,
    "Poids des objectifs dans chaque défi": _weights_view,
    "Calendrier des actions par objectif": _timeline_view,
}
