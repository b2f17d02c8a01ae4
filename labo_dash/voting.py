"""Ballots: checked against the round's rules and written in one transaction, append-only.

A participant's current ballot is their latest one in the round; resubmitting the current ballot writes
nothing (same :func:`ballot_fingerprint`). The personal code is the credential. Rounds are managed in
:mod:`labo_dash.rounds`, results computed in :mod:`labo_dash.results`; the majority-judgment ranking
:func:`rank_majority_judgment` (documented in :mod:`labo_dash.majority`) is re-exported here.

Entry values (``ballot_entries.value``): dots given (dots); grade index, 0 = best, and ``grade_scale``
for an explicit "Pas d'avis", counted as the lowest grade (majority judgment); 1 = approved (approval).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from labo_dash import access, db, participants, rounds
from labo_dash.access import Actor, Permission
from labo_dash.errors import NotFound, ValidationError
from labo_dash.majority import rank_majority_judgment as rank_majority_judgment  # public re-export
from labo_dash.rounds import RoundStatus, VotingMethod

UNKNOWN_CODE = (
    "Code inconnu : vérifiez les 8 caractères inscrits sur votre badge (lettres et chiffres, sans 0, 1, "
    "I, L ni O) ou demandez-le à l'accueil."
)


@dataclass(frozen=True, slots=True)
class BallotRules:
    """What reading and checking a ballot needs: the round's method, limits, state and ordered item ids."""

    id: int
    status: RoundStatus
    target: str
    item_ids: list[int]  # in ballot order
    method: VotingMethod
    dots_per_voter: int
    max_per_item: int
    grade_scale: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> BallotRules:
        """Build the rules from a row holding the round's columns and ``item_ids`` (NULL: no item)."""
        return cls(
            id=row["id"], target=row["target"], method=VotingMethod(row["method"]),
            dots_per_voter=row["dots_per_voter"], max_per_item=row["max_per_item"],
            grade_scale=row["grade_scale"], status=RoundStatus(row["status"]),
            item_ids=list(row["item_ids"] or []),
        )


def instructions(rnd: rounds.Round | BallotRules) -> str:
    """Return the French instructions of a round's ballot."""
    if rnd.method == VotingMethod.DOTS:
        if rnd.max_per_item == 1:
            return (f"Vous avez {rnd.dots_per_voter} gommettes : cochez au plus {rnd.dots_per_voter} "
                    "éléments, ceux qui vous semblent prioritaires.")
        return (f"Vous avez {rnd.dots_per_voter} gommettes à répartir sur les éléments qui vous semblent "
                f"prioritaires, au plus {rnd.max_per_item} par élément.")
    if rnd.method == VotingMethod.APPROVAL:
        return "Cochez chaque élément que vous soutenez, autant que vous le souhaitez."
    return ("Donnez une mention à chaque élément. « Pas d'avis » compte comme la mention la plus basse : "
            "choisissez-la pour ce que vous ne connaissez pas.")


def ballot_fingerprint(entries: dict[int, tuple[int, bool]]) -> str:
    """Return the sha256 hex digest of a ballot's entries (item id -> (value, contribute)).

    The canonical form is the compact JSON list ``[[item_id, value, contribute], ...]`` sorted by item id,
    so that the same choices always give the same fingerprint, whatever the order they were made in.
    """
    canonical = [
        [int(item_id), int(value), bool(contribute)]
        for item_id, (value, contribute) in sorted(entries.items(), key=lambda entry: int(entry[0]))
    ]
    text = json.dumps(canonical, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- Ballots -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """What a ballot submission did: ``changed`` is False when the same ballot was already the current one."""

    ballot_id: int
    changed: bool
    submitted_at: dt.datetime


def normalise_code(code: str) -> str:
    """Return a personal code as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-.]", "", code or "").upper()


def normalise_choices(
    rnd: BallotRules, item_ids: Sequence[int], choices: Mapping[int, tuple[int, bool]]
) -> dict[int, tuple[int, bool]]:
    """Check a ballot against the round's rules; return its entries as stored, or raise ValidationError.

    ``choices`` maps item id -> (value, contribute): dots given (dots), grade index 0 = best or
    ``grade_scale`` for "Pas d'avis" (majority judgment; a missing item is "Pas d'avis"), 1 = approved
    (approval). Stored entries keep dots and approvals > 0, every grade, and any "je veux contribuer".
    """
    method, known = rnd.method, set(item_ids)
    unknown = [item for item in choices if item not in known]
    if unknown:
        raise ValidationError("Ce bulletin cite des éléments absents de ce vote : rechargez la page.")
    if any(contribute for _, contribute in choices.values()) and rnd.target != "solutions":
        raise ValidationError("« Je veux contribuer » ne concerne que les votes sur les solutions.")
    entries: dict[int, tuple[int, bool]] = {}
    if method == VotingMethod.MAJORITY_JUDGMENT:
        scale = rnd.grade_scale
        for item in item_ids:
            value, contribute = choices.get(item, (scale, False))
            if not 0 <= int(value) <= scale:
                raise ValidationError("Une mention de ce bulletin est inconnue : rechargez la page.")
            entries[item] = (int(value), bool(contribute))
        if all(value == scale for value, _ in entries.values()):
            raise ValidationError(
                "Vous n'avez donné aucune mention : choisissez une mention pour au moins un élément "
                "(« Pas d'avis » pour ceux que vous ne connaissez pas).",
                {"ballot": "Aucune mention choisie."},
            )
        return entries
    cap = rnd.max_per_item if method == VotingMethod.DOTS else 1
    for item in item_ids:
        value, contribute = choices.get(item, (0, False))
        if not 0 <= int(value) <= cap:
            raise ValidationError(
                f"Au plus {cap} gommette{'s' if cap > 1 else ''} par élément."
                if method == VotingMethod.DOTS
                else "Un élément est approuvé ou non : rechargez la page.",
                {"ballot": "Valeur hors limites."},
            )
        if value or contribute:
            entries[item] = (int(value), bool(contribute))
    given = sum(value for value, _ in entries.values())
    if method == VotingMethod.DOTS:
        budget = rnd.dots_per_voter
        if given > budget:
            raise ValidationError(
                f"Vous avez placé {given} gommettes alors que vous en avez {budget} : "
                f"retirez-en {given - budget}.",
                {"ballot": f"{given} gommettes sur {budget}."},
            )
        if given == 0:
            raise ValidationError(
                "Vous n'avez placé aucune gommette : choisissez au moins un élément.",
                {"ballot": "Aucune gommette placée."},
            )
    return entries


# Everything a submission checks, read in one statement: the round, the participant holding the code
# (NULL when unknown or from another seminar), the round's items and the participant's latest ballot.
_BALLOT_CONTEXT = """
SELECT r.id, r.seminar_id, r.target, r.method, r.dots_per_voter, r.max_per_item, r.grade_scale, r.status,
       r.closes_at, p.id AS participant_id,
       (SELECT list(i.item_id ORDER BY i.position) FROM round_items i WHERE i.round_id = r.id) AS item_ids,
       b.id AS latest_id, b.fingerprint AS latest_fingerprint, b.submitted_at AS latest_at
FROM rounds r
LEFT JOIN participants p ON p.code = ? AND p.seminar_id = r.seminar_id
LEFT JOIN LATERAL (
    SELECT id, fingerprint, submitted_at FROM ballots
    WHERE round_id = r.id AND participant_id = p.id ORDER BY id DESC LIMIT 1
) b ON true
WHERE r.id = ?
"""


@db.retried
def submit_ballot(
    con: db.Connection,
    actor: Actor,
    round_id: int,
    code: str,
    choices: Mapping[int, tuple[int, bool]],
    now: dt.datetime | None = None,
) -> Receipt:
    """Record the ballot of the participant whose personal code is ``code``, in one transaction.

    The ballot becomes the participant's current one (the latest); resubmitting the current ballot
    writes nothing. Refused with a French message when the code is unknown, the round is not open, its
    countdown has ended at ``now`` (aware UTC, default :func:`labo_dash.clock.now`; checked
    in the same transaction as the write, even before the round is closed) or the ballot breaks the
    round's rules. A voter is in the room: a new ballot checks its participant in (present, at ``now``),
    unless already checked in that day (:mod:`labo_dash.participants`).
    """
    access.require(actor, Permission.BALLOT_SUBMIT)
    code = normalise_code(code)
    window = participants.today_window(con, now)  # read before the transaction (check_in_parameters)
    with db.transaction(con, db.Topic.VOTES) as cur:
        cur.execute(_BALLOT_CONTEXT, [code, round_id])
        row = cur.fetchone()
        if row is None:
            raise NotFound("Ce vote n'existe pas (ou plus) : rechargez la page.")
        context = dict(zip([d[0] for d in cur.description], row, strict=True))
        if context["participant_id"] is None or not code:
            raise NotFound(UNKNOWN_CODE)
        rnd = BallotRules.from_row(context)
        over = rnd.status == RoundStatus.OPEN and rounds.countdown_over(context["closes_at"], now)
        if rnd.status == RoundStatus.CLOSED or over:
            raise ValidationError("Ce vote est clos : votre bulletin n'a pas pu être pris en compte.")
        if rnd.status != RoundStatus.OPEN:
            raise ValidationError(
                "Ce vote n'est pas encore ouvert : attendez le signal des organisateur·ice·s."
            )
        participant_id = context["participant_id"]
        entries = normalise_choices(rnd, rnd.item_ids, choices)
        fingerprint = ballot_fingerprint(entries)
        if context["latest_fingerprint"] == fingerprint:
            return Receipt(context["latest_id"], False, context["latest_at"])
        [(ballot_id, submitted_at)] = cur.execute(
            "INSERT INTO ballots (round_id, participant_id, fingerprint) VALUES (?, ?, ?) "
            "RETURNING id, submitted_at",
            [round_id, participant_id, fingerprint],
        ).fetchall()
        ordered = sorted(entries.items())
        cur.execute(
            "INSERT INTO ballot_entries (ballot_id, item_id, value, contribute) "
            "SELECT ?, unnest(?::INTEGER[]), unnest(?::INTEGER[]), unnest(?::BOOLEAN[])",
            [ballot_id, [i for i, _ in ordered], [v for _, (v, _) in ordered], [c for _, (_, c) in ordered]],
        )
        cur.execute(participants.CHECK_IN_SQL, participants.check_in_parameters(window, participant_id, now))
        db.audit(
            cur, actor, "ballots", ballot_id, "submit" if context["latest_id"] is None else "change", None,
            {"round_id": round_id, "participant_id": participant_id, "entries": len(entries)},
        )
    return Receipt(ballot_id, True, submitted_at)


def current_ballot(
    con: db.Connection, round_id: int, participant_id: int
) -> dict[int, tuple[int, bool]] | None:
    """Return the participant's own current ballot (to pre-fill their form), or None."""
    rows = db.query(
        con,
        "WITH latest AS (SELECT max(id) AS id FROM ballots WHERE round_id = ? AND participant_id = ?) "
        "SELECT l.id AS ballot_id, e.item_id, e.value, e.contribute "
        "FROM latest l LEFT JOIN ballot_entries e ON e.ballot_id = l.id",
        [round_id, participant_id],
    )
    if rows[0]["ballot_id"] is None:
        return None
    return {r["item_id"]: (r["value"], r["contribute"]) for r in rows if r["item_id"] is not None}


def ballot_rules(con: db.Connection, round_id: int) -> BallotRules:
    """Return what reading a posted ballot needs: the round's method, limits and ordered item ids."""
    row = db.query_one(
        con,
        "SELECT r.id, r.target, r.method, r.dots_per_voter, r.max_per_item, r.grade_scale, r.status, "
        "(SELECT list(i.item_id ORDER BY i.position) FROM round_items i WHERE i.round_id = r.id) AS item_ids "
        "FROM rounds r WHERE r.id = ?",
        [round_id], "Ce vote n'existe pas (ou plus) : rechargez la page.",
    )
    return BallotRules.from_row(row)
