"""Each role against each page (AppTest, passcodes configured) and against each domain write function."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from streamlit.testing.v1 import AppTest

import labo_dash
from labo_dash import access, auth, backup, db, settings
from labo_dash.access import (
    ANONYMOUS,
    ORGANISER,
    PARTICIPANT,
    PARTNER,
    PERMISSIONS,
    STEERING,
    Actor,
    Permission,
    Role,
)
from labo_dash.errors import PermissionDenied
from labo_dash.ui import auth as ui_auth
from labo_dash.ui.navigation import PAGES, may_open

ALL = {ORGANISER, STEERING, PARTNER, PARTICIPANT, ANONYMOUS}
# Who may open each page: written out here, independently of PageSpec.roles. A page not listed is
# expected to be for organisers only (the safe default).
EXPECTED = {
    "": ALL,
    "connexion": ALL,
    "vote": ALL,  # the personal code in the link is the credential for the ballot itself
    "diagnostic": {ORGANISER},
    "resultats": {ORGANISER, STEERING, PARTNER},  # + anonymous visitors when organisers allow it
    "actions": {ORGANISER, STEERING},
    "suivi": {ORGANISER, STEERING},
    "partenaires": {ORGANISER, STEERING, PARTNER},
    "admin": {ORGANISER},
}
PASSCODES = {ORGANISER: "organisation-2026", STEERING: "pilotage-2026", PARTNER: "partenaire-2026"}
SESSION_ID = "test session id"  # the session id of every AppTest run


@pytest.fixture(scope="module")
def hash_env() -> dict[str, str]:
    return {auth.PASSCODE_VARIABLES[role]: auth.hash_passcode(code) for role, code in PASSCODES.items()}


@pytest.fixture
def configured(demo_db, hash_env, monkeypatch):
    """Passcodes configured (no more demo mode), a private demo database, a fresh lockout counter."""
    monkeypatch.setenv("LABO_DB", str(demo_db))
    for name, value in hash_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(ui_auth, "LIMITER", auth.FailureLimiter())
    monkeypatch.setattr(ui_auth, "FAILURE_DELAY", 0.0)
    yield demo_db
    db.close(demo_db)


def app(role: str | None = None) -> AppTest:
    """Return an AppTest of the whole app, signed in as ``role`` through the server-side registry."""
    at = AppTest.from_file("../app.py", default_timeout=60)
    if role is not None:
        at.session_state[ui_auth.TOKEN_KEY] = ui_auth.REGISTRY.issue(role, f"Test {role}", SESSION_ID)
    return at


def open_page(at: AppTest, spec) -> AppTest:
    """Run the app on the page of ``spec`` (one run, as a link opens it)."""
    at.switch_page(spec.script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def refused(at: AppTest) -> bool:
    return any("Accès refusé" in e.value for e in at.error)


def expected_roles(url_path: str) -> set[str]:
    return EXPECTED.get(url_path, {ORGANISER})


def test_page_specs_match_the_expected_access():
    for spec in PAGES:
        for role in ALL:
            allowed = may_open(spec, Actor(role, "x"), {})
            assert allowed == (role in expected_roles(spec.url_path)), (spec.url_path, role)


def test_projection_opens_to_anonymous_only_when_organisers_allow_it():
    for spec in PAGES:
        public = may_open(spec, Actor(ANONYMOUS), {"public_projection": True})
        assert public == (spec.url_path in {"", "connexion", "vote", "resultats"}), spec.url_path
        assert not may_open(spec, Actor(PARTICIPANT), {"public_projection": True}) or spec.url_path in {
            "", "connexion", "vote"}


@pytest.mark.parametrize("role", [ORGANISER, STEERING, PARTNER, None], ids=lambda r: r or "anonyme")
def test_each_role_against_each_page(configured, role):
    at = app(role)
    for spec in PAGES:
        open_page(at, spec)
        may = (role or ANONYMOUS) in expected_roles(spec.url_path)
        assert refused(at) != may, (spec.url_path, role, [e.value for e in at.error])
        if not may:
            assert [t.value for t in at.title] == [f"{spec.icon} {spec.title}"], "the page itself never ran"


def test_no_demo_notice_once_passcodes_are_configured(configured):
    connexion = next(s for s in PAGES if s.url_path == "connexion")
    at = open_page(app(PARTNER), connexion)
    assert at.title[0].value == "Connexion"
    assert not any("Mode démo local" in i.value for i in at.info)


def test_demo_mode_says_so_and_opens_everything(demo_db, monkeypatch):
    monkeypatch.setenv("LABO_DB", str(demo_db))
    for name in auth.PASSCODE_VARIABLES.values():
        monkeypatch.delenv(name, raising=False)
    at = app()
    for spec in PAGES:
        if expected_roles(spec.url_path) == {ORGANISER}:  # the most closed pages open in demo mode
            open_page(at, spec)
            assert not refused(at), spec.url_path
    assert any("Mode démo local" in i.value for i in at.info)


def participant_code(demo_db) -> str:
    con = db.open_database(demo_db)
    try:
        rows = db.query(con, "SELECT code FROM participants WHERE code IS NOT NULL ORDER BY id LIMIT 1")
        return rows[0]["code"]
    finally:
        con.close()


def test_a_participant_code_opens_the_ballot_page_only(configured):
    code = participant_code(configured)
    at = app()
    for spec in PAGES:
        at.query_params["code"] = code
        open_page(at, spec)
        may = spec.url_path in {"", "connexion", "vote"}
        assert refused(at) != may, spec.url_path


def test_a_forged_role_in_session_state_grants_nothing(configured):
    admin = next((s for s in PAGES if expected_roles(s.url_path) == {ORGANISER}), None)
    forged = {
        ui_auth.TOKEN_KEY: "organisateur",
        "role": ORGANISER,
        "actor": Actor(ORGANISER, "Pirate"),
        "signin_name": "Pirate",
    }
    at = app()
    for key, value in forged.items():
        at.session_state[key] = value
    assert ui_auth.REGISTRY.lookup("organisateur", SESSION_ID) is None
    if admin is not None:
        assert refused(open_page(at, admin))
    # A genuine token issued for another browser session does not work here either.
    at = app()
    at.session_state[ui_auth.TOKEN_KEY] = ui_auth.REGISTRY.issue(ORGANISER, "Marie", "another session")
    connexion = next(s for s in PAGES if s.url_path == "connexion")
    open_page(at, connexion)
    assert at.button(key="FormSubmitter:signin-Se connecter"), "still asked to sign in"


def sign_in(at: AppTest, name: str, passcode: str) -> AppTest:
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_passcode").input(passcode)
    at.button(key="FormSubmitter:signin-Se connecter").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_sign_in_with_a_passcode_then_sign_out(configured):
    connexion = next(s for s in PAGES if s.url_path == "connexion")
    at = open_page(app(), connexion)
    sign_in(at, "Paul Martin", PASSCODES[STEERING])
    assert ui_auth.REGISTRY.lookup(at.session_state[ui_auth.TOKEN_KEY], SESSION_ID).role == STEERING
    assert not refused(at)
    at.switch_page(connexion.script)
    at.run()
    assert any("Paul Martin" in s.value and "Comité de pilotage" in s.value for s in at.success)
    at.button(key=next(b.key for b in at.button if b.label == "Se déconnecter")).click()
    at.run()
    assert at.text_input(key="signin_passcode") is not None, "asked to sign in again"
    assert ui_auth.TOKEN_KEY not in at.session_state


def test_a_wrong_passcode_keeps_the_name_and_says_why(configured):
    connexion = next(s for s in PAGES if s.url_path == "connexion")
    at = sign_in(open_page(app(), connexion), "Paul Martin", "pas-le-bon-code")
    assert [e.value for e in at.error] == ["Code d'accès incorrect."]
    assert at.text_input(key="signin_name").value == "Paul Martin"
    assert at.text_input(key="signin_passcode").value == ""
    sign_in(at, "", PASSCODES[PARTNER])
    assert any("Indiquez votre nom" in e.value for e in at.error)
    assert ui_auth.TOKEN_KEY not in at.session_state


@pytest.mark.slow
def test_a_wrong_passcode_repeated_locks_the_sign_in(configured):
    connexion = next(s for s in PAGES if s.url_path == "connexion")
    at = open_page(app(), connexion)
    for _ in range(ui_auth.LIMITER.max_failures):
        sign_in(at, "Intrus", "essai-au-hasard")
    assert any("bloquée" in e.value for e in at.error)
    sign_in(at, "Intrus", PASSCODES[ORGANISER])
    assert any("bloquée" in e.value for e in at.error), "even the right passcode waits for the lockout"
    assert ui_auth.TOKEN_KEY not in at.session_state
    # The lockout is kept by the server, not by the browser session: a new session is locked too.
    fresh = sign_in(open_page(app(), connexion), "Intrus", PASSCODES[ORGANISER])
    assert any("bloquée" in e.value for e in fresh.error)


def test_openid_connect_e_mails_map_to_roles(configured, monkeypatch):
    for name in auth.PASSCODE_VARIABLES.values():
        monkeypatch.delenv(name, raising=False)
    secrets = {
        "auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                 "client_id": "id", "client_secret": "s",
                 "server_metadata_url": "https://id.example/.well-known/openid-configuration"},
        "labo": {"roles": {"partenaire": ["@quevolterre.org"], "organisateur": ["marie@labo-ess.org"]}},
    }
    connexion = next(s for s in PAGES if s.url_path == "connexion")
    for email, role in [("ana@quevolterre.org", PARTNER), ("marie@labo-ess.org", ORGANISER),
                        ("intrus@ailleurs.fr", ANONYMOUS)]:
        at = app()
        at.secrets = secrets
        at.user = {"is_logged_in": True, "email": email, "name": email.split("@")[0]}
        for spec in (s for s in PAGES if s.url_path in {"partenaires", "admin"}):
            open_page(at, spec)
            assert refused(at) != (role in expected_roles(spec.url_path)), (email, spec.url_path)
        open_page(at, connexion)
        if role == ANONYMOUS:
            assert any("aucun rôle" in w.value for w in at.warning)
            assert any(b.label == "Se connecter avec mon compte" for b in at.button)
        assert not any("Mode démo local" in i.value for i in at.info)


# --- every domain write function refuses the roles its permission does not list -----------------------

REQUIRE = re.compile(r"require\(\s*actor\s*,\s*Permission\.([A-Z_]+)\s*\)")
SKIPPED_MODULES = {"labo_dash.cli", "labo_dash.demo", "labo_dash.__main__", "labo_dash.access"}


def write_functions() -> list[tuple[str, object, str | None]]:
    """Return (name, function, permission) of every public labo_dash function taking ``con`` and ``actor``."""
    found = []
    for info in pkgutil.iter_modules(labo_dash.__path__, "labo_dash."):
        if info.ispkg or info.name in SKIPPED_MODULES:
            continue
        module = importlib.import_module(info.name)
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ != module.__name__ or name.startswith("_"):
                continue
            parameters = list(inspect.signature(func).parameters)
            # Helpers taking a cursor run inside the transaction of a checked function: not entry points.
            if "actor" not in parameters or parameters[0] == "cur":
                continue
            match = REQUIRE.search(inspect.getsource(func))
            found.append((f"{info.name}.{name}", func, Permission[match.group(1)] if match else None))
    return found


def call_with_placeholders(func, con, actor: Actor):
    """Call ``func`` with ``con``, ``actor`` and None for every other required argument."""
    kwargs = {}
    for name, param in inspect.signature(func).parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if name == "actor":
            kwargs[name] = actor
        elif name in {"con", "cur"}:
            kwargs[name] = con
        elif param.default is param.empty:
            kwargs[name] = None
    return func(**kwargs)


def snapshot(con) -> dict[str, int]:
    """Every table's row count (either engine)."""
    return {name: found.rows for name, found in backup.table_fingerprints(con).items()}


def test_write_functions_are_found():
    names = {name for name, _, _ in write_functions()}
    assert "labo_dash.settings.set_setting" in names
    assert len(names) >= 1


@pytest.mark.parametrize("role", [ANONYMOUS, PARTNER, PARTICIPANT, STEERING])
def test_every_write_function_refuses_a_role_without_its_permission(con, role):
    before = snapshot(con)
    checked = 0
    for name, func, permission in write_functions():
        if permission is None:
            denied = role in {ANONYMOUS, PARTNER}
        else:
            assert permission in PERMISSIONS, f"{name}: unknown permission {permission}"
            denied = role not in PERMISSIONS[permission]
        if not denied:
            continue
        try:
            call_with_placeholders(func, con, Actor(role, "Intrus"))
        except PermissionDenied:
            checked += 1
        except Exception as exc:  # the check must come first, before any argument is looked at
            pytest.fail(f"{name} raised {exc!r} for {role} instead of refusing the role first")
        else:
            pytest.fail(f"{name} accepted the role {role}")
    assert snapshot(con) == before, "a refused write changed nothing"
    if role == PARTNER:
        assert checked == len(write_functions()), "partners never write"


def test_every_permission_lists_its_roles_and_an_unknown_permission_raises():
    assert set(PERMISSIONS) == set(Permission)
    assert all(ORGANISER in roles for roles in PERMISSIONS.values()), "organisers may do everything"
    assert Actor(STEERING).can(Permission.ACTIONS_WRITE)
    assert Actor(STEERING).can("actions.write")  # a stored string is the same value
    for role in Role:
        with pytest.raises(ValueError, match=r"actions\.wirte"):  # a typo no longer means « organisers only »
            Actor(role).can("actions.wirte")
    with pytest.raises(ValueError):
        access.require(access.SYSTEM, "seminar.admn")


# The only writes open to anonymous visitors: walk-ins registering themselves for a voting code (issue 4).
ANONYMOUS_WRITES = {Permission.PARTICIPANTS_SELF_REGISTER}


def test_partners_hold_no_write_permission_and_anonymous_visitors_almost_none():
    for permission, roles in PERMISSIONS.items():
        if permission.endswith(".read"):
            continue
        assert PARTNER not in roles, permission
        assert ANONYMOUS not in roles or permission in ANONYMOUS_WRITES, permission


def test_projection_setting_is_organiser_only(con):
    with pytest.raises(PermissionDenied):
        settings.set_setting(con, Actor(PARTNER, "Ana"), "public_projection", True)
    assert settings.get_setting(con, "public_projection") is False


def test_the_projection_opens_to_visitors_when_organisers_switch_it_on(configured):
    projection = next((s for s in PAGES if s.url_path == "resultats"), None)
    if projection is None:
        pytest.skip("the live projection page is not in this tree")
    assert refused(open_page(app(), projection))
    con = db.open_database(configured)
    try:
        settings.set_setting(con, Actor(ORGANISER, "Marie"), "public_projection", True)
    finally:
        con.close()
    at = open_page(app(), projection)
    assert not refused(at)
    assert not refused(open_page(app(), projection)), "every new visitor session"


def test_streamlit_still_has_the_legacy_pages_mode_that_navigation_works_around(monkeypatch):
    """The one workaround (labo_dash.ui.navigation, « legacy pages/ mode ») relies on Streamlit's private
    ``PagesManager.uses_pages_directory``: set True when a session starts beside a pages/ folder, read by
    every run to execute the requested page alone. This fails when an upgrade renames or drops it: then
    look for a supported way again (a configuration option?) and remove the workaround."""
    from pathlib import Path

    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner

    from labo_dash.ui.navigation import leave_legacy_mode

    app_py = str(Path(__file__).resolve().parents[1] / "app.py")
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)  # as when a server starts
    PagesManager(app_py, setup_watcher=False)
    assert PagesManager.uses_pages_directory is True  # the legacy mode is still entered...
    assert "if PagesManager.uses_pages_directory:" in inspect.getsource(script_runner)  # ...and obeyed
    assert leave_legacy_mode() is True and leave_legacy_mode() is False
    PagesManager(app_py, setup_watcher=False)
    assert PagesManager.uses_pages_directory is False  # switched off, a new session does not turn it on

