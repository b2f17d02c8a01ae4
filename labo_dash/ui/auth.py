"""Who is using this browser session: configuration, the current actor, sign-in and sign-out widgets.

Configuration (``.streamlit/secrets.toml`` or environment variables, secrets first):

- ``LABO_ORGANISATEUR_PASSCODE_HASH``, ``LABO_PILOTAGE_PASSCODE_HASH``, ``LABO_PARTENAIRE_PASSCODE_HASH``:
  hashes made by ``python -m labo_dash passcode-hash``;
- an ``[auth]`` section (OpenID Connect through ``st.login``) and a ``[labo.roles]`` table mapping
  roles to e-mail addresses or ``@domain``s.

With none of them, the app runs in an explicit local demo mode where everything is open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from labo_dash import auth, config
from labo_dash.access import ANONYMOUS, ORGANISER, ROLE_LABELS, Actor
from labo_dash.errors import LaboError, ValidationError

DEMO_ACTOR = Actor(ORGANISER, "Démo locale")
VISITOR = Actor(ANONYMOUS, "Visiteur·euse")
TOKEN_KEY = "_labo_grant_token"
ERRORS_KEY = "_labo_signin_errors"
JUST_SIGNED_IN_KEY = "_labo_just_signed_in"
FAILURE_DELAY = 1.0  # seconds a wrong passcode waits before its answer

REGISTRY = auth.GrantRegistry()
LIMITER = auth.FailureLimiter()


@dataclass(frozen=True)
class AuthConfig:
    """What sign-in methods are configured, read from secrets and environment variables."""

    passcodes: dict[str, str] = field(default_factory=dict)
    invalid: list[str] = field(default_factory=list)  # variables set to something that is not a hash
    oidc_providers: list[str] = field(default_factory=list)  # [] = no [auth]; "default" = unnamed
    email_roles: dict[str, Any] = field(default_factory=dict)

    @property
    def demo_mode(self) -> bool:
        """True when nothing at all is configured: everything is open, and every page says so."""
        return not (self.passcodes or self.invalid or self.oidc_providers)


def _secrets() -> dict[str, Any]:
    return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}


def auth_config() -> AuthConfig:
    """Read the sign-in configuration (cheap: secrets are parsed once by Streamlit)."""
    secrets, environment = _secrets(), config.current().passcode_hashes
    passcodes: dict[str, str] = {}
    invalid: list[str] = []
    for role, variable in auth.PASSCODE_VARIABLES.items():
        value = str(secrets.get(variable) or environment.get(variable) or "").strip()
        if not value:
            continue
        if auth.is_valid_hash(value):
            passcodes[role] = value
        else:
            invalid.append(variable)
    section = secrets.get("auth") or {}
    providers = []
    if isinstance(section, dict) and section:
        if "client_id" in section:
            providers.append("default")
        providers += [name for name, sub in section.items() if isinstance(sub, dict) and "client_id" in sub]
    labo = secrets.get("labo") or {}
    roles = labo.get("roles") if isinstance(labo, dict) else None
    return AuthConfig(passcodes, invalid, providers, dict(roles or {}))


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def _oidc_actor(config: AuthConfig) -> Actor | None:
    if not config.oidc_providers:
        return None
    user = st.user.to_dict()
    if user.get("is_logged_in") is not True or user.get("email_verified") is False:
        return None
    email = user.get("email")
    role = auth.role_for_email(email if isinstance(email, str) else None, config.email_roles)
    if role is None:
        return None
    return Actor(role, str(user.get("name") or user.get("email")))


def current_actor() -> Actor:
    """Return who uses this session: the demo organiser, a verified sign-in, or an anonymous visitor."""
    config = auth_config()
    if config.demo_mode:
        return DEMO_ACTOR
    grant = REGISTRY.lookup(st.session_state.get(TOKEN_KEY), _session_id())
    if grant is not None:
        return Actor(grant.role, grant.name)
    return _oidc_actor(config) or VISITOR


def oidc_identity_without_role(config: AuthConfig) -> str | None:
    """Return the e-mail of a signed-in OpenID Connect user who has no role, else None."""
    if not config.oidc_providers:
        return None
    user = st.user.to_dict()
    if user.get("is_logged_in") is True and _oidc_actor(config) is None:
        return str(user.get("email") or "adresse inconnue")
    return None


def _client_key() -> str:
    """Return the key failures are counted under: the client's IP address ("local" on localhost)."""
    ip = st.context.ip_address
    return ip if isinstance(ip, str) and ip else "local"


def _sign_in(config: AuthConfig) -> None:
    """Form callback: check the name and passcode, then record a grant or the errors to show."""
    state = st.session_state
    state[ERRORS_KEY] = {}
    try:
        name = auth.clean_name(state.get("signin_name", ""))
        role = auth.check_passcode(
            state.get("signin_passcode", ""), config.passcodes, LIMITER, _client_key(), delay=FAILURE_DELAY
        )
    except ValidationError as exc:
        state[ERRORS_KEY] = {"message": str(exc), **exc.fields}
        state["signin_passcode"] = ""
        return
    except LaboError as exc:
        state[ERRORS_KEY] = {"message": str(exc)}
        state["signin_passcode"] = ""
        return
    REGISTRY.revoke(state.get(TOKEN_KEY))
    state[TOKEN_KEY] = REGISTRY.issue(role, name, _session_id())
    state["signin_passcode"] = ""
    state[JUST_SIGNED_IN_KEY] = True


def passcode_form(config: AuthConfig) -> None:
    """Show the passcode sign-in form; errors appear under their field and the name typed stays."""
    errors: dict[str, str] = st.session_state.get(ERRORS_KEY) or {}
    with st.form("signin"):
        st.text_input(
            "Votre nom", key="signin_name",
            placeholder="Prénom Nom", help="Il figure dans le journal des modifications.",
        )
        if "name" in errors:
            st.error(errors["name"], icon="✏️")
        st.text_input(
            "Code d'accès", key="signin_passcode", type="password",
            help="Le code de votre rôle (organisation, comité de pilotage ou partenaire), "
            "transmis par les organisateur·ice·s.",
        )
        if "passcode" in errors:
            st.error(errors["passcode"], icon="🔑")
        st.form_submit_button("Se connecter", type="primary", on_click=_sign_in, args=(config,))
    if errors.get("message") and not ({"name", "passcode"} & errors.keys()):
        st.error(errors["message"], icon="⛔")


def oidc_buttons(config: AuthConfig) -> None:
    """Offer a sign-in button per configured OpenID Connect provider."""
    for provider in config.oidc_providers:
        label = "Se connecter avec mon compte" if provider == "default" else f"Se connecter avec {provider}"
        if st.button(label, key=f"oidc-{provider}", icon="🔐"):
            st.login(None if provider == "default" else provider)


def just_signed_in() -> bool:
    """Return True once right after a successful passcode sign-in."""
    return bool(st.session_state.pop(JUST_SIGNED_IN_KEY, False))


def sign_out() -> None:
    """Forget this session's sign-in (and the OpenID Connect identity cookie, when there is one)."""
    REGISTRY.revoke(st.session_state.pop(TOKEN_KEY, None))
    if st.user.to_dict().get("is_logged_in") is True:
        st.logout()


def role_label(actor: Actor) -> str:
    """Return the French label of the actor's role."""
    return ROLE_LABELS.get(actor.role, actor.role)
