"""Sign-in without Streamlit: passcode hashes, failure lockout, verified grants and e-mail roles.

- A passcode is stored as ``scrypt:N:r:p:salt:hash`` (base64 salt and hash; no ``$``, so it survives
  shells, Makefiles and compose files unquoted): salted, parameters kept in
  the string, compared in constant time (:func:`hash_passcode`, :func:`verify_passcode`).
- Repeated failures from one client lock it out for a while (:class:`FailureLimiter`, kept in this
  process, never in a browser session).
- A successful sign-in becomes a :class:`Grant` in a server-side registry (:class:`GrantRegistry`): the
  browser session holds only an unguessable token bound to its session id, so a role typed into
  session state or a forged widget value grants nothing.
- OpenID Connect identities get their role from a mapping of e-mail addresses (:func:`role_for_email`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from labo_dash import french
from labo_dash.access import ORGANISER, PARTNER, STEERING, Role
from labo_dash.errors import PermissionDenied, ValidationError

# Roles that sign in with a passcode, most privileged first; each has its own environment variable.
PASSCODE_ROLES = (ORGANISER, STEERING, PARTNER)
PASSCODE_VARIABLES = {role: f"LABO_{role.upper()}_PASSCODE_HASH" for role in PASSCODE_ROLES}

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSCODE_LENGTH = 8
MAX_NAME_LENGTH = 80
GRANT_LIFETIME = 12 * 3600.0  # seconds a sign-in stays valid


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_passcode(passcode: str, *, salt: bytes | None = None) -> str:
    """Return the salted scrypt hash of ``passcode`` as ``scrypt:N:r:p:salt:hash``."""
    if len(passcode) < MIN_PASSCODE_LENGTH:
        raise ValidationError(
            f"Le code d'accès doit compter au moins {MIN_PASSCODE_LENGTH} caractères.",
            fields={"passcode": f"Au moins {MIN_PASSCODE_LENGTH} caractères."},
        )
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(passcode.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}:{_b64(salt)}:{_b64(digest)}"


def verify_passcode(passcode: str, encoded: str) -> bool:
    """Tell whether ``passcode`` matches ``encoded`` (constant-time compare; False if malformed)."""
    try:
        scheme, n, r, p, salt, expected = encoded.strip().split(":")
        if scheme != "scrypt":
            return False
        n_, r_, p_ = int(n), int(r), int(p)
        if not (2 <= n_ <= 2**20 and 1 <= r_ <= 32 and 1 <= p_ <= 16):
            return False
        salt_bytes, expected_bytes = base64.b64decode(salt), base64.b64decode(expected)
        digest = hashlib.scrypt(
            passcode.encode("utf-8"), salt=salt_bytes, n=n_, r=r_, p=p_, dklen=len(expected_bytes),
            maxmem=256 * 1024 * 1024,
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest, expected_bytes)


def is_valid_hash(encoded: str) -> bool:
    """Tell whether ``encoded`` looks like a hash made by :func:`hash_passcode`."""
    parts = encoded.strip().split(":")
    return len(parts) == 6 and parts[0] == "scrypt" and all(x.isdigit() for x in parts[1:4])


def match_role(passcode: str, hashes: Mapping[str, str]) -> Role | None:
    """Return the most privileged role whose hash matches ``passcode`` (every hash is checked)."""
    matched = [role for role in PASSCODE_ROLES if verify_passcode(passcode, hashes.get(role) or "")]
    return matched[0] if matched else None


class FailureLimiter:
    """Count failed sign-ins per client; lock a client out after too many, for a growing time."""

    def __init__(self, max_failures: int = 5, window: float = 900.0, lockout: float = 120.0) -> None:
        self.max_failures, self.window, self.lockout = max_failures, window, lockout
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lockouts: dict[str, int] = {}
        self._lock = threading.Lock()

    def remaining_lockout(self, client: str, now: float | None = None) -> float:
        """Return the seconds ``client`` must still wait (0 when it may try)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return max(0.0, self._locked_until.get(client, 0.0) - now)

    def failure(self, client: str, now: float | None = None) -> float:
        """Record a failure; return the lockout it triggers in seconds (0 when none)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._failures.get(client, []) if now - t < self.window] + [now]
            self._failures[client] = recent
            if len(recent) < self.max_failures:
                return 0.0
            count = self._lockouts.get(client, 0) + 1
            self._lockouts[client] = count
            duration = self.lockout * 2 ** min(count - 1, 5)
            self._locked_until[client] = now + duration
            self._failures[client] = []
            return duration

    def success(self, client: str) -> None:
        """Forget ``client``'s failures after a successful sign-in."""
        with self._lock:
            self._failures.pop(client, None)
            self._lockouts.pop(client, None)
            self._locked_until.pop(client, None)


def _wait_text(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute" + ("s" if minutes > 1 else "")


def check_passcode(
    passcode: str, hashes: Mapping[str, str], limiter: FailureLimiter, client: str, *, delay: float = 0.0
) -> Role:
    """Return the role ``passcode`` opens, or raise a French error (wrong code, or client locked out).

    A failure waits ``delay`` seconds before answering and counts towards the client's lockout.
    """
    wait = limiter.remaining_lockout(client)
    if wait > 0:
        raise PermissionDenied(
            "Trop d'essais infructueux : la connexion est bloquée pendant encore "
            f"{_wait_text(wait)}. Réessayez plus tard ou demandez le code aux organisateur·ice·s."
        )
    role = match_role(passcode, hashes) if passcode else None
    if role is not None:
        limiter.success(client)
        return role
    if delay:
        time.sleep(delay)
    locked = limiter.failure(client)
    if locked:
        raise PermissionDenied(
            "Code d'accès incorrect. Trop d'essais infructueux : la connexion est bloquée pendant "
            f"{_wait_text(locked)}."
        )
    raise ValidationError("Code d'accès incorrect.", fields={"passcode": "Code d'accès incorrect."})


def clean_name(name: str) -> str:
    """Return the signed-in person's name, trimmed, or raise a French ValidationError."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(
            "Indiquez votre nom : il figure dans le journal des modifications.",
            fields={"name": "Indiquez votre nom."},
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            french.too_long("Le nom", name, MAX_NAME_LENGTH),
            fields={"name": french.too_long("Le nom", name, MAX_NAME_LENGTH)},
        )
    return name


@dataclass(frozen=True)
class Grant:
    """A verified sign-in: role, name, the browser session it belongs to, its expiry (monotonic time)."""

    role: Role
    name: str
    session_id: str
    expires: float
    method: str = "passcode"


@dataclass
class GrantRegistry:
    """Server-side record of sign-ins, keyed by an unguessable token handed to one browser session."""

    lifetime: float = GRANT_LIFETIME
    _grants: dict[str, Grant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self, role: Role, name: str, session_id: str, method: str = "passcode") -> str:
        """Record a sign-in for ``session_id`` and return its token."""
        token = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            self._grants = {t: g for t, g in self._grants.items() if g.expires > now}
            self._grants[token] = Grant(role, name, session_id, now + self.lifetime, method)
        return token

    def lookup(self, token: object, session_id: str) -> Grant | None:
        """Return the live grant of ``token`` when it belongs to ``session_id``, else None."""
        if not isinstance(token, str):
            return None
        with self._lock:
            grant = self._grants.get(token)
        if grant is None or grant.expires <= time.monotonic():
            return None
        if not hmac.compare_digest(grant.session_id.encode(), session_id.encode()):
            return None
        return grant

    def revoke(self, token: object) -> None:
        """Forget the grant of ``token`` (sign-out)."""
        if isinstance(token, str):
            with self._lock:
                self._grants.pop(token, None)


def role_for_email(email: str | None, roles: Mapping[str, object]) -> Role | None:
    """Return the role of an e-mail address from a ``{role: [addresses or "@domain"]}`` mapping.

    An exact address wins over a domain; among several matches the most privileged role wins.
    """
    if not email or "@" not in email:
        return None
    email = email.strip().lower()
    domain = "@" + email.rsplit("@", 1)[1]
    exact: list[Role] = []
    by_domain: list[Role] = []
    for role in PASSCODE_ROLES:
        listed = roles.get(role) or []
        if isinstance(listed, str):
            listed = [listed]
        if not isinstance(listed, Iterable):
            raise TypeError(f"the addresses of the role {role} must be a list, not {listed!r}")
        entries: Iterable[object] = listed
        for entry in entries:
            entry = str(entry).strip().lower()
            if entry == email:
                exact.append(role)
            elif entry.startswith("@") and entry == domain:
                by_domain.append(role)
    matched = exact or by_domain
    return matched[0] if matched else None
