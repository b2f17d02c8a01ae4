"""Router: page configuration and the navigation between pages."""

import streamlit as st

from labo_dash.ui.common import current_actor, french_style
from labo_dash.ui.navigation import navigation

st.set_page_config(page_title="Labo de l'ESS · Séminaire", page_icon="🤝", layout="wide")
french_style()
navigation(current_actor()).run()
