"""Résultats en direct: the projection for the plenary (large type, no sidebar, refreshed every 2 s).

Shows the open round, else the last closed one; ``?tour=ID`` pins a round.
"""

import streamlit as st

from labo_dash import rounds
from labo_dash.ui.auth import auth_config
from labo_dash.ui.common import connection, current_actor, md_escape
from labo_dash.ui.projection import hide_chrome, live_projection

con = connection()
hide_chrome()
asked = st.query_params.get("tour", "")
known = {r.id: r for r in rounds.list_rounds(con)}
pinned = asked.isdigit() and int(asked) in known
rnd = known[int(asked)] if pinned else rounds.projected_round(con)
if asked and not pinned:  # an unknown or archived round: say it rather than show another one silently
    st.warning(f"Le tour n° {md_escape(asked)} n'existe pas ou est archivé : voici le tour en cours.",
               icon="🔎")
if rnd is None:
    st.title("📊 Résultats en direct")
    st.info("Aucun tour de vote n'existe encore : créez-en un dans l'administration, puis ouvrez-le.",
            icon="🗳️")
    st.stop()
st.title(f"📊 {md_escape(rnd.title)}")
live_projection(rnd.id, pinned=pinned, actor=current_actor())
if auth_config().demo_mode:
    st.caption("🧪 Mode démo local : aucun accès n'est configuré.")
