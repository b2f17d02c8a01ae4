"""Roles, permissions and the actor who performs a write.

Every domain function that writes takes an :class:`Actor` and calls :func:`require` first, so that a
page reached by URL or a forged widget value never writes without the right role.
"""

from __future__ import annotations

from dataclasses import dataclass

from labo_dash.errors import PermissionDenied

ORGANISER = "organisateur"
STEERING = "pilotage"
PARTNER = "partenaire"
PARTICIPANT = "participant"
ANONYMOUS = "anonyme"

ROLE_LABELS = {
    ORGANISER: "Organisateur·ice",
    STEERING: "Comité de pilotage",
    PARTNER: "Partenaire",
    PARTICIPANT: "Participant·e",
    ANONYMOUS: "Visiteur·euse",
}

# permission -> roles allowed. Organisers may do everything.
PERMISSIONS: dict[str, frozenset[str]] = {
    "seminar.admin": frozenset({ORGANISER}),
    "diagnosis.write": frozenset({ORGANISER}),
    "barometer.rate": frozenset({ORGANISER, PARTICIPANT}),
    "participants.write": frozenset({ORGANISER}),
    "participants.self_register": frozenset({ORGANISER, PARTICIPANT, ANONYMOUS}),
    "rounds.write": frozenset({ORGANISER}),
    "ballot.submit": frozenset({PARTICIPANT, ORGANISER}),
    "contributions.post": frozenset({PARTICIPANT, ORGANISER}),
    "solutions.write": frozenset({ORGANISER}),
    "actions.write": frozenset({ORGANISER, STEERING}),
    "reviews.write": frozenset({ORGANISER, STEERING}),
    "reports.read": frozenset({ORGANISER, STEERING, PARTNER}),
    "audit.read": frozenset({ORGANISER}),
}


@dataclass(frozen=True)
class Actor:
    """Who performs an operation: a role and a display name (recorded in the audit log)."""

    role: str
    name: str = ""

    def can(self, permission: str) -> bool:
        """Tell whether this actor's role grants ``permission``."""
        return self.role in PERMISSIONS.get(permission, frozenset({ORGANISER}))


SYSTEM = Actor(ORGANISER, "système")


def require(actor: Actor, permission: str) -> None:
    """Raise PermissionDenied (French message) unless ``actor`` holds ``permission``."""
    if not actor.can(permission):
        label = ROLE_LABELS.get(actor.role, actor.role)
        raise PermissionDenied(
            f"Action refusée : le rôle « {label} » ne permet pas cette opération. "
            "Connectez-vous avec un rôle autorisé."
        )
