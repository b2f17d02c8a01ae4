"""The lowest UI helpers, used by the router (labo_dash.ui.navigation) and by every page through
labo_dash.ui.common: the process's database connection and markdown escaping."""

from __future__ import annotations

import duckdb
import streamlit as st

from labo_dash import backup, db, postgres
from labo_dash.errors import LaboError


def open_connection() -> duckdb.DuckDBPyConnection:
    """Return the process's database connection (taking the day's backup on first use), or stop the page
    with a French explanation when the database cannot be opened."""
    try:
        con = db.connect()
    except LaboError as exc:
        st.error(str(exc), icon="🔒")
        st.stop()
        raise  # unreachable: st.stop() ends the script run
    if postgres.is_url(db.database_path(con)):  # TEMPORARY (i17-scale): until i17-backup lands
        return con
    try:
        backup.ensure_daily(con)
    except OSError as exc:
        st.warning(f"La sauvegarde quotidienne de la base a échoué ({exc.strerror or exc}).", icon="💾")
    return con


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~:$&"})


def md_escape(text: str) -> str:
    """Escape user text so that markdown and HTML in it are shown as text, never rendered."""
    return text.translate(_MD_SPECIAL)
