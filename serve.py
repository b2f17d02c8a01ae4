"""Entry point of the server: ``streamlit run serve.py`` serves the Streamlit app (app.py) and, beside it,
the light phone ballot (``/bulletin``, and ``/vote?code=CODE`` from the badges) of labo_dash.phone.ballot.
"""

import sys

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config

from labo_dash import config as labo_config
from labo_dash import db, postgres
from labo_dash.errors import LaboError
from labo_dash.network import configure_base_url, is_loopback_url
from labo_dash.phone.ballot import PhoneBallotMiddleware, routes
from labo_dash.ui.french_page import FrenchPageMiddleware
from labo_dash.ui.navigation import leave_legacy_mode

try:  # every LABO_* variable is read and checked here, before anything is served
    _database = labo_config.current().database
    if postgres.is_url(_database):  # a server that does not answer stops the app now, not at the first page
        db.connect(_database)  # migrates it too (one process at a time: an advisory lock)
except LaboError as exc:  # ConfigError, DatabaseUnreachable
    sys.exit(f"Erreur : {exc}")

leave_legacy_mode()  # every run goes through app.py's navigation (labo_dash.ui.navigation explains)

# The badges' and the projection's QR codes need an address phones reach: LABO_BASE_URL, else the machine's.
_url, _detected = configure_base_url(config.get_option("server.port"), config.get_option("server.address"))
print(f"Adresse des téléphones (QR codes) : {_url}"
      + (" (détectée ; LABO_BASE_URL la remplace)" if _detected else " (LABO_BASE_URL)")
      + (" — ATTENTION : adresse locale, injoignable depuis un téléphone" if is_loopback_url(_url) else ""),
      flush=True)

# Streamlit's page in French: lang="fr", its front end's English labels translated (ui/french_page.py).
app = st.App("app.py", routes=routes(),
             middleware=[Middleware(PhoneBallotMiddleware), Middleware(FrenchPageMiddleware)])
