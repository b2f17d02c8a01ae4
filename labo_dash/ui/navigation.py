"""The pages of the app as data, and the navigation built from them for the current actor."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from labo_dash.access import Actor


@dataclass(frozen=True)
class PageSpec:
    """One page: its script, French title, icon, URL path ("" for the home page)."""

    script: str
    title: str
    icon: str
    url_path: str


PAGES: list[PageSpec] = [
    PageSpec("pages/accueil.py", "Accueil", "🏠", ""),
]


def navigation(actor: Actor) -> st.navigation:
    """Return the navigation over the pages ``actor`` may open (the home page first, by default)."""
    pages = [
        st.Page(spec.script, title=spec.title, icon=spec.icon, url_path=spec.url_path or None,
                default=not spec.url_path)
        for spec in PAGES
    ]
    return st.navigation(pages)
