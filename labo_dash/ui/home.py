"""The home page (pages/accueil.py): the organisers' notices and the tabs below the summary."""

from __future__ import annotations

import streamlit as st

from labo_dash import charts, db, french, seminar, signature
from labo_dash.access import Actor, Permission
from labo_dash.seminar import DEFAULT_SEMINAR
from labo_dash.ui.common import md_escape, today


def reference_round_invitation(
    con: db.Connection, actor: Actor, seminar_id: int = DEFAULT_SEMINAR
) -> None:
    """Invite those who may choose the reference round (permission ``rounds.write``) to choose it when the
    support comes from an automatic choice among several rounds (signature.should_choose_reference), with a
    link to /admin « Tours de vote », where it is chosen. Draws nothing otherwise."""
    if not actor.can(Permission.ROUNDS_WRITE):
        return
    found = signature.support_round(con, seminar_id)
    if not signature.should_choose_reference(found):
        return
    with st.container(border=True):
        text = (f"Le soutien ci-dessous vient du tour « {found.title} », choisi automatiquement. "
                f"{signature.reference_invitation(found)}")
        st.warning(md_escape(text), icon="⭐")
        st.page_link("pages/admin.py", label="Choisir le tour de référence (Administration, Tours de vote)",
                     icon="⭐", query_params={"onglet": "Tours de vote"})


def programme_tab(
    con: db.Connection, info: seminar.Seminar, slots: list[seminar.Slot], now_position: int | None
) -> None:
    """The seminar's purpose, the day's programme (the slot running now highlighted) and the five objectives
    in their colours."""
    if info.description:
        st.markdown(md_escape(info.description))
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("Programme de la journée", anchor=False)
        st.caption("Le jour du séminaire, le moment en cours est mis en évidence.")
        for slot in slots:
            hours = f"{french.clock(slot.starts_at)} – {french.clock(slot.ends_at)}"
            line = f"**{hours}** · {md_escape(slot.title)}"
            if slot.details:
                line += f"  \n:small[{md_escape(slot.details)}]"
            if slot.position == now_position:
                st.success(f"**En ce moment** · {line}", icon="▶️")
            else:
                st.markdown(line)
    with right:
        st.subheader("Les cinq objectifs généraux", anchor=False)
        for obj, color in zip(seminar.objectives(con), charts.OBJECTIVE_COLORS, strict=False):
            st.markdown(
                f"<span style='color:{color};font-size:1.3em'>■</span> "
                f"**Objectif {obj.number}** · {md_escape(obj.title)}",
                unsafe_allow_html=True,
            )


def actions_tab(con: db.Connection, figures: seminar.ActionFigures) -> None:
    """The follow-up actions by status today, and how many are late."""
    st.subheader("Actions de suivi par statut", anchor=False)
    if not figures.total:
        st.info("Aucune action de suivi pour l'instant : elles naîtront des solutions de l'après-midi.")
        return
    st.altair_chart(charts.actions_by_status(figures.by_status), width="stretch")
    st.caption(
        f"Situation au {french.date(today(con))} : "
        + ", ".join(
            f"{french.status(code).lower()} : {n}" for code, n in figures.by_status.items() if n
        )
        + f" ; {figures.late} en retard."
    )
