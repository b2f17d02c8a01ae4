"""The home page's organiser notices (pages/accueil.py)."""

from __future__ import annotations

import duckdb
import streamlit as st

from labo_dash import signature
from labo_dash.access import Actor
from labo_dash.seminar import DEFAULT_SEMINAR
from labo_dash.ui.common import md_escape


def reference_round_invitation(
    con: duckdb.DuckDBPyConnection, actor: Actor, seminar_id: int = DEFAULT_SEMINAR
) -> None:
    """Invite those who may choose the reference round (permission ``rounds.write``) to choose it when the
    support comes from an automatic choice among several rounds (signature.should_choose_reference), with a
    link to /admin « Tours de vote », where it is chosen. Draws nothing otherwise."""
    if not actor.can("rounds.write"):
        return
    found = signature.support_round(con, seminar_id)
    if not signature.should_choose_reference(found):
        return
    with st.container(border=True):
        text = (f"Le soutien ci-dessous vient du tour « {found['title']} », choisi automatiquement. "
                f"{signature.reference_invitation(found)}")
        st.warning(md_escape(text), icon="⭐")
        st.page_link("pages/admin.py", label="Choisir le tour de référence (Administration, Tours de vote)",
                     icon="⭐", query_params={"onglet": "Tours de vote"})
