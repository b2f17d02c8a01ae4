"""Roles, permissions and the actor who performs a write.

Every domain function that writes takes an :class:`Actor` and calls :func:`require` first, so that a
page reached by URL or a forged widget value never writes without the right role.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from labo_dash.errors import PermissionDenied


class Role(StrEnum):
    """A role, as stored in sessions and grants and written in the audit log."""

    ORGANISER = "organisateur"
    STEERING = "pilotage"
    PARTNER = "partenaire"
    PARTICIPANT = "participant"
    ANONYMOUS = "anonyme"


# Short names for the roles, used across the app and its tests.
ORGANISER = Role.ORGANISER
STEERING = Role.STEERING
PARTNER = Role.PARTNER
PARTICIPANT = Role.PARTICIPANT
ANONYMOUS = Role.ANONYMOUS

ROLE_LABELS: dict[str, str] = {
    ORGANISER: "Organisateur·ice",
    STEERING: "Comité de pilotage",
    PARTNER: "Partenaire",
    PARTICIPANT: "Participant·e",
    ANONYMOUS: "Visiteur·euse",
}


class Permission(StrEnum):
    """What a write (or a protected read) needs; :data:`PERMISSIONS` lists the roles holding each."""

    SEMINAR_ADMIN = "seminar.admin"
    DIAGNOSIS_WRITE = "diagnosis.write"
    BAROMETER_RATE = "barometer.rate"
    PARTICIPANTS_WRITE = "participants.write"
    PARTICIPANTS_SELF_REGISTER = "participants.self_register"
    ROUNDS_WRITE = "rounds.write"
    BALLOT_SUBMIT = "ballot.submit"
    CONTRIBUTIONS_POST = "contributions.post"
    SOLUTIONS_WRITE = "solutions.write"
    ACTIONS_WRITE = "actions.write"
    REVIEWS_WRITE = "reviews.write"
    REPORTS_READ = "reports.read"
    AUDIT_READ = "audit.read"


# permission -> roles allowed (every permission is listed). Organisers may do everything.
PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.SEMINAR_ADMIN: frozenset({ORGANISER}),
    Permission.DIAGNOSIS_WRITE: frozenset({ORGANISER}),
    Permission.BAROMETER_RATE: frozenset({ORGANISER, PARTICIPANT}),
    Permission.PARTICIPANTS_WRITE: frozenset({ORGANISER}),
    Permission.PARTICIPANTS_SELF_REGISTER: frozenset({ORGANISER, PARTICIPANT, ANONYMOUS}),
    Permission.ROUNDS_WRITE: frozenset({ORGANISER}),
    Permission.BALLOT_SUBMIT: frozenset({PARTICIPANT, ORGANISER}),
    Permission.CONTRIBUTIONS_POST: frozenset({PARTICIPANT, ORGANISER}),
    Permission.SOLUTIONS_WRITE: frozenset({ORGANISER}),
    Permission.ACTIONS_WRITE: frozenset({ORGANISER, STEERING}),
    Permission.REVIEWS_WRITE: frozenset({ORGANISER, STEERING}),
    Permission.REPORTS_READ: frozenset({ORGANISER, STEERING, PARTNER}),
    Permission.AUDIT_READ: frozenset({ORGANISER}),
}


@dataclass(frozen=True)
class Actor:
    """Who performs an operation: a role (a :class:`Role` value) and a display name (recorded in the
    audit log)."""

    role: str
    name: str = ""

    def can(self, permission: Permission) -> bool:
        """Tell whether this actor's role grants ``permission``.

        Raises ValueError for a value that is not a :class:`Permission` (a typo never falls back to a rule).
        """
        return self.role in PERMISSIONS[Permission(permission)]


SYSTEM = Actor(ORGANISER, "système")


def require(actor: Actor, permission: Permission) -> None:
    """Raise PermissionDenied (French message) unless ``actor`` holds ``permission``; ValueError for an
    unknown permission."""
    if not actor.can(permission):
        label = ROLE_LABELS.get(actor.role, actor.role)
        raise PermissionDenied(
            f"Action refusée : le rôle « {label} » ne permet pas cette opération. "
            "Connectez-vous avec un rôle autorisé."
        )
