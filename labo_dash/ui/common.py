"""Shared page helpers: the database connection, the current actor, French errors, page headers and the
stylesheet that puts Streamlit's own English texts into French."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from labo_dash import backup, clock, db
from labo_dash.access import Actor
from labo_dash.errors import LaboError
from labo_dash.ui import auth


def _through_router() -> None:
    """Apply app.py's role check when Streamlit ran this page directly (its legacy ``pages/`` mode).

    Until some run calls st.navigation, Streamlit treats a ``pages/`` folder as a v1 multipage app and
    runs a requested page without app.py (the first requests after a server start; every page switch of
    AppTest): check the page here, and switch that mode off so that later runs go through app.py.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        from labo_dash.ui.navigation import guard_current_page  # navigation imports this module

        guard_current_page(auth.current_actor())


FRENCH_CSS = Path(__file__).with_name("french.css")


def french_style() -> None:
    """Inject the stylesheet that replaces or hides Streamlit's untranslatable English texts (french.css:
    one commented rule per text). app.py calls it once per run, for every page; it takes no room."""
    st.html(FRENCH_CSS)


def connection() -> duckdb.DuckDBPyConnection:
    """Return the process's database connection, or stop the page with a French explanation."""
    _through_router()
    try:
        con = db.connect()
    except LaboError as exc:
        st.error(str(exc), icon="🔒")
        st.stop()
        raise  # unreachable: st.stop() ends the script run
    try:
        backup.ensure_daily(con)
    except OSError as exc:
        st.warning(f"La sauvegarde quotidienne de la base a échoué ({exc.strerror or exc}).", icon="💾")
    return con


def current_actor() -> Actor:
    """Return who is using this session: a verified sign-in, an anonymous visitor, or (local demo
    mode, when no sign-in is configured) an organiser."""
    _through_router()
    return auth.current_actor()


def today(con: duckdb.DuckDBPyConnection) -> dt.date:
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


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~:$&"})


def md_escape(text: str) -> str:
    """Escape user text so that markdown and HTML in it are shown as text, never rendered."""
    return text.translate(_MD_SPECIAL)
