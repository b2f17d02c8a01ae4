"""The pages of the app as data, the navigation built from them for the current actor, and the one
workaround for Streamlit's legacy ``pages/`` mode (:func:`route_legacy_run`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from labo_dash.access import ANONYMOUS, ORGANISER, PARTICIPANT, PARTNER, ROLE_LABELS, STEERING, Actor
from labo_dash.settings import all_settings
from labo_dash.ui import auth
from labo_dash.ui.auth import DEMO_ACTOR
from labo_dash.ui.basics import md_escape, open_connection

EVERYONE = frozenset({ORGANISER, STEERING, PARTNER, PARTICIPANT, ANONYMOUS})
SIGNED_IN = frozenset({ORGANISER, STEERING, PARTNER})
STEERING_GROUP = frozenset({ORGANISER, STEERING})

# Who may open each page, by URL path, when its PageSpec does not say: one table for the whole app.
# A page absent from it is for organisers only.
ACCESS: dict[str, frozenset[str]] = {
    "": EVERYONE,
    "connexion": EVERYONE,
    "vote": EVERYONE,  # the personal code in the link is the credential for the ballot itself
    "resultats": SIGNED_IN,  # + anonymous visitors when the "public_projection" setting is on
    "actions": STEERING_GROUP,
    "suivi": STEERING_GROUP,
    "partenaires": SIGNED_IN,
}
PUBLIC_SETTINGS = {"resultats": "public_projection"}


@dataclass(frozen=True)
class PageSpec:
    """One page: its script, French title, icon, URL path ("" for the home page), who may open it.

    ``roles`` (empty: the default) comes from the ACCESS table above (organisers only for a page it does not
    list, so a page that forgets to say stays closed); ``public_setting`` names a boolean setting
    (labo_dash.settings) that, when on, opens the page to anonymous visitors too ("": the default, from
    PUBLIC_SETTINGS);
    ``in_menu=False`` keeps a page out of the menu (it is reached by a link).
    """

    script: str
    title: str
    icon: str
    url_path: str
    roles: frozenset[str] = frozenset()
    public_setting: str = ""
    in_menu: bool = True

    def __post_init__(self) -> None:
        if not self.roles:
            object.__setattr__(self, "roles", ACCESS.get(self.url_path, frozenset({ORGANISER})))
        if not self.public_setting:
            object.__setattr__(self, "public_setting", PUBLIC_SETTINGS.get(self.url_path, ""))


PAGES: list[PageSpec] = [
    PageSpec("pages/accueil.py", "Accueil", "🏠", ""),
    PageSpec("pages/diagnostic.py", "Diagnostic partagé", "🧩", "diagnostic"),
    PageSpec("pages/connexion.py", "Connexion", "🔑", "connexion", in_menu=False),
    PageSpec("pages/vote.py", "Voter", "🗳️", "vote"),
    PageSpec("pages/resultats.py", "Résultats en direct", "📊", "resultats"),
    PageSpec("pages/actions.py", "Actions de suivi", "✅", "actions"),
    PageSpec("pages/suivi.py", "Comité de pilotage", "📅", "suivi"),
    PageSpec("pages/partenaires.py", "Espace partenaires", "🤝", "partenaires"),
    PageSpec("pages/admin.py", "Administration", "⚙️", "admin"),
]


# Where each role lands after signing in (a URL path; the home page when that page is absent).
LANDING: dict[str, str] = {STEERING: "actions", PARTNER: "partenaires"}


def landing_script(actor: Actor) -> str:
    """Return the script of the page ``actor`` should see first after signing in."""
    wanted = LANDING.get(actor.role, "")
    return next((s.script for s in PAGES if s.url_path == wanted), PAGES[0].script)


def open_pages(actor: Actor) -> list[PageSpec]:
    """Return the pages ``actor`` may open, in menu order."""
    settings = _settings_for(actor)
    return [spec for spec in PAGES if may_open(spec, actor, settings)]


def may_open(spec: PageSpec, actor: Actor, settings: Mapping[str, object]) -> bool:
    """Tell whether ``actor`` may open the page (its roles, or a public setting switched on)."""
    if actor.role in (spec.roles or ()):
        return True
    public = bool(spec.public_setting) and bool(settings.get(spec.public_setting))
    return actor.role == ANONYMOUS and public


def _settings_for(actor: Actor) -> Mapping[str, object]:
    if actor.role != ANONYMOUS or not any(spec.public_setting for spec in PAGES):
        return {}
    return all_settings(open_connection())


def _refuse(spec: PageSpec, actor: Actor) -> None:
    """Show a French refusal for a page reached without the right role, and stop the run."""
    st.title(f"{spec.icon} {spec.title}")
    allowed = ", ".join(ROLE_LABELS[r] for r in ROLE_LABELS if r in (spec.roles or ()))
    who = (
        "Vous n'êtes pas connecté·e."
        if actor.role == ANONYMOUS
        else f"Vous êtes connecté·e avec le rôle « {ROLE_LABELS.get(actor.role, actor.role)} »."
    )
    st.error(
        f"Accès refusé : la page « {spec.title} » est réservée aux rôles suivants : {allowed}. {who}",
        icon="⛔",
    )
    label = "Se connecter" if actor.role == ANONYMOUS else "Se connecter avec un autre rôle"
    st.page_link("pages/connexion.py", label=label, icon="🔑")
    st.stop()


def _sidebar_status(actor: Actor) -> None:
    with st.sidebar:
        if actor == DEMO_ACTOR:
            st.caption("🧪 Mode démo local : tout est ouvert.")
        elif actor.role == ANONYMOUS:
            st.page_link("pages/connexion.py", label="Se connecter", icon="🔑")
        else:
            role = ROLE_LABELS.get(actor.role, actor.role)
            st.caption(f"Connecté·e : **{md_escape(actor.name)}** · {role}")
            st.page_link("pages/connexion.py", label="Mon accès · se déconnecter", icon="🔑")


# --- Streamlit's legacy pages/ mode: the one workaround ---------------------------------------------------
# A pages/ folder beside the main script (the layout the product asks for) makes Streamlit start in its
# legacy multipage mode: when the first session starts, PagesManager sets its private class attribute
# ``uses_pages_directory`` to True, and while it is True every run executes the requested page script
# alone, without app.py and so without its access check. Only st.navigation() sets it back to False, and
# it is app.py that calls it, which that mode does not run. Streamlit 1.67 has no option for this
# (``client.showSidebarNavigation`` only hides the menu). Hence, in this one place:
# - serve.py calls leave_legacy_mode() at start-up, so a served app never runs a page alone;
# - a page run that still finds the mode on (AppTest resets it before every run; `streamlit run app.py`)
#   calls route_legacy_run() first (labo_dash.ui.common), which applies app.py's access check to the page.
# tests/test_roles.py checks that Streamlit still behaves so: it fails when an upgrade changes it.


def leave_legacy_mode() -> bool:
    """Switch Streamlit's legacy ``pages/`` mode off for this process; return whether it was on."""
    was_on = bool(PagesManager.uses_pages_directory)
    PagesManager.uses_pages_directory = False
    return was_on


def route_legacy_run() -> None:
    """Refuse the running page, as navigation() does, when Streamlit ran it alone in its legacy mode and
    the current actor may not open it; later runs go through app.py."""
    if not leave_legacy_mode():
        return
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    actor = auth.current_actor()
    info = ctx.pages_manager.get_pages().get(ctx.page_script_hash)
    path = Path(str((info and info.get("script_path")) or ctx.main_script_path))
    if path.resolve() == Path(ctx.main_script_path).resolve():
        return  # app.py itself: its navigation() checks the page
    script = path.name
    spec = next((s for s in PAGES if Path(s.script).name == script), None)
    if spec is None:
        spec = PageSpec(f"pages/{script}", script.removesuffix(".py"), "📄", script.removesuffix(".py"))
    if not may_open(spec, actor, _settings_for(actor)):
        _refuse(spec, actor)


def navigation(actor: Actor) -> StreamlitPage:
    """Return the page to run: every page is routable, only those ``actor`` may open are listed.

    A page reached by URL without the right role shows a French refusal and stops here, before it runs.
    """
    settings = _settings_for(actor)
    allowed = {spec.url_path: may_open(spec, actor, settings) for spec in PAGES}
    pages = [
        st.Page(spec.script, title=spec.title, icon=spec.icon, url_path=spec.url_path or None,
                default=not spec.url_path,
                visibility="visible" if spec.in_menu and allowed[spec.url_path] else "hidden")
        for spec in PAGES
    ]
    page = st.navigation(pages)
    spec = next(s for s in PAGES if s.url_path == page.url_path)
    _sidebar_status(actor)
    if not allowed[spec.url_path]:
        _refuse(spec, actor)
    return page
