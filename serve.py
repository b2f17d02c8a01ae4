"""Entry point of the server: ``streamlit run serve.py`` serves the Streamlit app (app.py) and, beside it,
the light phone ballot (``/bulletin``, and ``/vote?code=CODE`` from the badges) of labo_dash.phone_ballot.
"""

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from labo_dash.phone_ballot import PhoneBallotMiddleware, routes

# app.py routes with st.navigation. Streamlit only learns it when app.py first runs, and until then treats
# the pages/ folder as old-style pages: the first visit after a start to /admin would run pages/admin.py
# alone, without app.py's access check. Say it from the start.
PagesManager.uses_pages_directory = False

app = st.App("app.py", routes=routes(), middleware=[Middleware(PhoneBallotMiddleware)])
