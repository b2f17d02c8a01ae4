"""Diagnostic partagé: live capture of the morning workshops, the wall, the participants' posts to moderate,
défis, barometer and imports."""

import streamlit as st

from labo_dash.ui.barometer import barometer_section
from labo_dash.ui.common import connection, current_actor, page_header
from labo_dash.ui.diagnosis import capture_section, proposals_section, wall_section
from labo_dash.ui.importing import import_section
from labo_dash.ui.sorting import challenges_section, sort_section

VIEWS = {
    "saisie": "✍️ Saisie",
    "mur": "🧱 Mur",
    "propositions": "📱 Propositions",
    "defis": "🎯 Tri et défis",
    "barometre": "🌡️ Baromètre",
    "import": "📥 Import",
}

con = connection()
actor = current_actor()
page_header(
    "🧩 Diagnostic partagé",
    "Ateliers du matin (11h-12h) : freins, leviers et constats reliés aux cinq objectifs, "
    "puis les défis soumis au vote.",
)

wanted = st.query_params.get("vue")
if "diagnostic_view" not in st.session_state:
    st.session_state.diagnostic_view = wanted if wanted in VIEWS else "saisie"
view = st.segmented_control("Vue", list(VIEWS), format_func=VIEWS.__getitem__, key="diagnostic_view",
                            label_visibility="collapsed") or "saisie"
st.query_params["vue"] = view

if view == "saisie":
    capture_section(con, actor)
elif view == "mur":
    wall_section(con)
elif view == "propositions":
    proposals_section(con, actor)
elif view == "defis":
    sort_section(con, actor)
    challenges_section(con, actor)
elif view == "barometre":
    barometer_section(con, actor)
else:
    import_section(con, actor)
