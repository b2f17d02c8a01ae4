"""Entry point of the server: ``streamlit run serve.py`` serves the Streamlit app (app.py) and, beside it,
the light phone ballot (``/bulletin``, and ``/vote?code=CODE`` from the badges) of labo_dash.phone_ballot.
"""

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager

from labo_dash.network import configure_base_url, is_loopback_url
from labo_dash.phone_ballot import PhoneBallotMiddleware, routes
from labo_dash.ui.french_page import FrenchPageMiddleware

# app.py routes with st.navigation. Streamlit only learns it when app.py first runs, and until then treats
# the pages/ folder as old-style pages: the first visit after a start to /admin would run pages/admin.py
# alone, without app.py's access check. Say it from the start.
PagesManager.uses_pages_directory = False

# The badges' and the projection's QR codes need an address phones reach: LABO_BASE_URL, else the machine's.
_url, _detected = configure_base_url(config.get_option("server.port"), config.get_option("server.address"))
print(f"Adresse des téléphones (QR codes) : {_url}"
      + (" (détectée ; LABO_BASE_URL la remplace)" if _detected else " (LABO_BASE_URL)")
      + (" — ATTENTION : adresse locale, injoignable depuis un téléphone" if is_loopback_url(_url) else ""),
      flush=True)

# Streamlit's page in French: lang="fr", its front end's English labels translated (ui/french_page.py).
app = st.App("app.py", routes=routes(),
             middleware=[Middleware(PhoneBallotMiddleware), Middleware(FrenchPageMiddleware)])
