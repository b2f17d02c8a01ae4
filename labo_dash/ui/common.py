"""Shared page helpers: the database connection, the current actor, French errors, page headers and the
stylesheet that puts Streamlit's own English texts into French.

:func:`connection` and :func:`current_actor`, which every page calls first, also route a page that
Streamlit ran alone in its legacy ``pages/`` mode (:func:`labo_dash.ui.navigation.route_legacy_run`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from labo_dash import clock, db
from labo_dash.access import Actor
from labo_dash.errors import LaboError
from labo_dash.ui import auth
from labo_dash.ui.basics import md_escape as md_escape
from labo_dash.ui.basics import open_connection
from labo_dash.ui.navigation import route_legacy_run

FRENCH_CSS = Path(__file__).with_name("french.css")


def french_style() -> None:
    """Inject the stylesheet that replaces or hides Streamlit's untranslatable English texts (french.css:
    one commented rule per text). app.py calls it once per run, for every page; it takes no room."""
    st.html(FRENCH_CSS)


def connection() -> db.Connection:
    """Return the process's database connection, or stop the page with a French explanation."""
    route_legacy_run()
    return open_connection()


def current_actor() -> Actor:
    """Return who is using this session: a verified sign-in, an anonymous visitor, or (local demo
    mode, when no sign-in is configured) an organiser."""
    route_legacy_run()
    return auth.current_actor()


def today(con: db.Connection) -> dt.date:
    """Return the seminar's local date (its time zone, not the server's; labo_dash.clock)."""
    return clock.today(con)


@contextmanager
def french_errors() -> Iterator[None]:
    """Show a domain error as a French message instead of a traceback."""
    try:
        yield
    except LaboError as exc:
        st.error(str(exc), icon="⚠️")


def page_header(title: str, caption: str | None = None) -> None:
    """Show a page title, an optional caption and, when no sign-in is configured, the local demo notice."""
    st.title(title)
    if caption:
        st.caption(caption)
    if auth.auth_config().demo_mode:
        st.info(
            "Mode démo local : aucun accès n'est configuré, toutes les fonctions sont ouvertes.",
            icon="🧪",
        )
