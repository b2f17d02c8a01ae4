"""Administration: participants and badges, voting rounds, detailed results, défis selected (organisers).

Each tab is one render function in TABS; only the open tab runs (``.open``), and ``?onglet=`` in the
address opens a tab directly.
"""

import streamlit as st

from labo_dash.access import Permission
from labo_dash.ui.audit import render_access_settings, render_audit_log
from labo_dash.ui.common import connection, current_actor, page_header
from labo_dash.ui.participants_admin import participants_tab, phone_address_notice
from labo_dash.ui.rounds_admin import results_tab, rounds_tab, selection_tab

TABS = {
    "Participant·e·s et badges": participants_tab,
    "Tours de vote": rounds_tab,
    "Résultats": results_tab,
    "Défis retenus": selection_tab,
    "Accès": render_access_settings,
    "Journal des modifications": render_audit_log,
}

con = connection()
actor = current_actor()
if not actor.can(Permission.ROUNDS_WRITE):  # defence in depth: the navigation already refuses other roles
    st.error("Accès refusé : l'administration est réservée aux organisateur·ice·s.", icon="⛔")
    st.stop()
page_header("⚙️ Administration", "Inscriptions et badges, tours de vote, résultats détaillés, défis retenus.")
phone_address_notice()
for tab, render in zip(st.tabs(list(TABS), key="onglet", on_change="rerun", bind="query-params"),
                       TABS.values(), strict=True):
    if tab.open:
        with tab:
            render(con, actor)
