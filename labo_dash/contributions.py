"""Participants' posts from their phones, and their moderation by the organisers.

During the morning workshops a participant posts a frein, a levier or a constat for their workshop, tagged
with objectives; in the afternoon, a solution for a retained défi (``challenges.selected``). A post is
checked by the scribes' own rules (:func:`labo_dash.diagnosis.validate_finding`,
:func:`labo_dash.solutions.validate_solution`) and written as one INSERT in one transaction, with the
status ``pending``: it is not on the wall yet. Organisers then, on ``/diagnostic``:

- edit it (same rules), it stays pending;
- accept it: in one transaction the finding (with the participant's kind) or the solution is created
  through the diagnosis or solutions module, the post points at it, and both are audited; a finding may
  then be merged with an existing one (:func:`labo_dash.diagnosis.merge_findings`, its own transaction);
- reject it: the post is kept, marked rejected, audited.

Posting is not audited (the post itself is the record, with its author); every moderation is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from labo_dash import db, diagnosis, participants, solutions, voting
from labo_dash.access import Actor, Permission, require
from labo_dash.errors import NotFound, ValidationError
from labo_dash.french import FINDING_KINDS


class ContributionKind(StrEnum):
    """What a participant proposes from the phone (``contributions.kind``): a finding or a solution."""

    OBSTACLE = diagnosis.FindingKind.OBSTACLE.value
    LEVER = diagnosis.FindingKind.LEVER.value
    OBSERVATION = diagnosis.FindingKind.OBSERVATION.value
    SOLUTION = "solution"


class ContributionStatus(StrEnum):
    """A proposal's moderation state (``contributions.status``)."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Contribution:
    """A post with its author's name and kind, workshop and défi titles; ``text``: a finding's text or a
    solution's title; ``objective_ids``: objective ids; times naive UTC (moderated_*: None while pending)."""

    id: int
    seminar_id: int
    participant_id: int
    participant_name: str
    participant_kind: str
    kind: ContributionKind
    workshop_id: int | None
    workshop_title: str | None
    challenge_id: int | None
    challenge_title: str | None
    objective_ids: list[int]
    text: str
    description: str | None
    status: ContributionStatus
    moderated_by: str | None
    moderated_at: dt.datetime | None
    finding_id: int | None
    solution_id: int | None
    created_at: dt.datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Contribution:
        """Build the record from a row of :data:`_COLUMNS` (the only place that does)."""
        typed = {"kind": ContributionKind(row["kind"]), "status": ContributionStatus(row["status"]),
                 "objective_ids": list(row["objective_ids"])}
        return cls(**{**row, **typed})


@dataclass(frozen=True, slots=True)
class RetainedChallenge:
    """A défi retained for the afternoon (:func:`retained_challenges`)."""

    id: int
    title: str


SOLUTION = ContributionKind.SOLUTION
KINDS: dict[str, str] = {**FINDING_KINDS, SOLUTION: "Solution"}
STATUSES: dict[str, str] = {
    ContributionStatus.PENDING: "en attente de relecture",
    ContributionStatus.ACCEPTED: "acceptée",
    ContributionStatus.REJECTED: "non retenue",
}
REFUSED = "Votre proposition n'est pas envoyée : corrigez les champs signalés."
NOT_SELECTED = "Choisissez un des défis retenus pour l'après-midi."

_COLUMNS = """
    c.id, c.seminar_id, c.participant_id, p.name AS participant_name, p.kind AS participant_kind, c.kind,
    c.workshop_id, w.title AS workshop_title, c.challenge_id, ch.title AS challenge_title, c.objective_ids,
    c.text, c.description, c.status, c.moderated_by, c.moderated_at, c.finding_id, c.solution_id,
    c.created_at
    FROM contributions c
    JOIN participants p ON p.id = c.participant_id
    LEFT JOIN workshops w ON w.id = c.workshop_id
    LEFT JOIN challenges ch ON ch.id = c.challenge_id
"""


def _author(con: db.Connection, code: str) -> participants.Participant:
    person = participants.participant_by_code(con, code)
    if person is None:
        raise NotFound(voting.UNKNOWN_CODE)
    return person


def retained_challenges(con: db.Connection, seminar_id: int) -> list[RetainedChallenge]:
    """Return the défis retained for the afternoon, the only ones a phone may post for."""
    return [RetainedChallenge(**row) for row in db.query(
        con,
        "SELECT id, title FROM challenges WHERE seminar_id = ? AND selected AND deleted_at IS NULL "
        "ORDER BY id",
        [seminar_id],
    )]


def _finding_values(
    con: db.Connection, seminar_id: int, participant_kind: str | None, fields: Mapping[str, Any]
) -> dict[str, Any]:
    """Check a finding post with the scribes' rules (raises ValidationError, fields keyed as diagnosis's)."""
    return diagnosis.validate_finding(
        con, seminar_id=seminar_id, workshop_id=fields.get("workshop_id"), kind=fields.get("kind"),
        text=fields.get("text"), objective_ids=fields.get("objective_ids") or (),
        participant_kind=participant_kind,
    )


def _solution_values(
    con: db.Connection, seminar_id: int, fields: Mapping[str, Any]
) -> solutions.NewSolution:
    """Check a solution post: the solutions' limits, for a retained défi (raises ValidationError)."""
    challenge_id = fields.get("challenge_id")
    retained = {c.id for c in retained_challenges(con, seminar_id)}
    errors = {} if challenge_id in retained else {"challenge_id": NOT_SELECTED}
    try:
        values = solutions.validate_solution(
            con, challenge_id, fields.get("text"), fields.get("description"), seminar_id)
    except ValidationError as exc:
        raise ValidationError(str(exc), {**exc.fields, **errors}) from None
    if errors:
        raise ValidationError("La solution n'a pas été enregistrée : corrigez les champs signalés.", errors)
    return values


def _as_post(values: solutions.NewSolution | Mapping[str, Any]) -> dict[str, Any]:
    """Return the contributions columns of checked solution or finding values."""
    if isinstance(values, solutions.NewSolution):
        return {"kind": SOLUTION, "workshop_id": None, "challenge_id": values.challenge_id,
                "objective_ids": [], "text": values.title, "description": values.description}
    return {"kind": values["kind"], "workshop_id": values["workshop_id"], "challenge_id": None,
            "objective_ids": list(values["objective_ids"]), "text": values["text"], "description": None}


def _insert(con: db.Connection, person: participants.Participant, post: Mapping[str, Any]) -> int:
    """Write a post in one INSERT; the same post sent twice while pending (a double tap) is kept once."""
    params = [person.seminar_id, person.id, post["kind"], post["workshop_id"], post["challenge_id"],
              post["objective_ids"], post["text"], post["description"]]
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
        row = cur.execute(
            """
            INSERT INTO contributions (seminar_id, participant_id, kind, workshop_id, challenge_id,
                                       objective_ids, text, description, created_at)
            SELECT $1, $2, $3, $4, $5, $6::INTEGER[], $7, $8, now() AT TIME ZONE 'UTC'
            WHERE NOT EXISTS (
                SELECT 1 FROM contributions
                WHERE participant_id = $2 AND status = 'pending' AND kind = $3 AND text = $7
                  AND workshop_id IS NOT DISTINCT FROM $4 AND challenge_id IS NOT DISTINCT FROM $5)
            RETURNING id
            """,
            params,
        ).fetchone()
    if row is not None:
        return row[0]
    return db.query(
        con,
        "SELECT max(id) AS id FROM contributions "
        "WHERE participant_id = ? AND status = 'pending' AND kind = ? AND text = ?",
        [person.id, post["kind"], post["text"]],
    )[0]["id"]


def post_finding(
    con: db.Connection, actor: Actor, code: str, *,
    workshop_id: int | None, kind: str | None, text: str | None, objective_ids: Iterable[int],
) -> int:
    """Post a frein, levier or constat for a morning workshop, from the participant holding ``code``.

    Checked by :func:`labo_dash.diagnosis.validate_finding` (fields workshop, kind, text, objectives);
    raises NotFound for an unknown code, ValidationError (French summary + one message per field)
    otherwise. Returns the post's id (the same id when the same post is sent again while pending).
    """
    require(actor, Permission.CONTRIBUTIONS_POST)
    person = _author(con, code)
    fields = {"workshop_id": workshop_id, "kind": kind, "text": text, "objective_ids": list(objective_ids)}
    try:
        values = _finding_values(con, person.seminar_id, person.kind, fields)
    except ValidationError as exc:
        raise ValidationError(REFUSED, exc.fields) from None
    return _insert(con, person, _as_post(values))


def post_solution(
    con: db.Connection, actor: Actor, code: str, *,
    challenge_id: int | None, title: str | None, description: str | None = None,
) -> int:
    """Post a solution for a retained défi, from the participant holding ``code``.

    Checked by :func:`labo_dash.solutions.validate_solution` (fields challenge_id, title, description)
    and the défi must be retained (``challenges.selected``); errors as :func:`post_finding`.
    """
    require(actor, Permission.CONTRIBUTIONS_POST)
    person = _author(con, code)
    fields = {"challenge_id": challenge_id, "text": title, "description": description}
    try:
        values = _solution_values(con, person.seminar_id, fields)
    except ValidationError as exc:
        raise ValidationError(REFUSED, exc.fields) from None
    return _insert(con, person, _as_post(values))


def get_contribution(con: db.Connection, contribution_id: int) -> Contribution:
    """Return one post with its author's name and kind, workshop and défi titles; raise NotFound."""
    row = db.query_one(con, f"SELECT {_COLUMNS} WHERE c.id = ?", [contribution_id],
                       f"La proposition n° {contribution_id} n'existe pas.")
    return Contribution.from_row(row)


def list_contributions(
    con: db.Connection, seminar_id: int, status: ContributionStatus = ContributionStatus.PENDING
) -> list[Contribution]:
    """Return the seminar's posts of one status (pending, accepted, rejected), oldest first."""
    rows = db.query(con, f"SELECT {_COLUMNS} WHERE c.seminar_id = ? AND c.status = ? ORDER BY c.id",
                    [seminar_id, status])
    return [Contribution.from_row(row) for row in rows]


def participant_contributions(
    con: db.Connection, participant_id: int, limit: int = 20
) -> list[Contribution]:
    """Return a participant's latest posts (newest first, at most ``limit``)."""
    rows = db.query(con, f"SELECT {_COLUMNS} WHERE c.participant_id = ? ORDER BY c.id DESC LIMIT ?",
                    [participant_id, limit])
    return [Contribution.from_row(row) for row in rows]


def status_counts(con: db.Connection, seminar_id: int) -> dict[str, int]:
    """Return the number of posts per status: {"pending": n, "accepted": n, "rejected": n}."""
    rows = db.query(
        con, "SELECT status, count(*) AS n FROM contributions WHERE seminar_id = ? GROUP BY status",
        [seminar_id],
    )
    return {status: 0 for status in STATUSES} | {r["status"]: r["n"] for r in rows}


def _pending(con: db.Connection, contribution_id: int) -> Contribution:
    post = get_contribution(con, contribution_id)
    if post.status != ContributionStatus.PENDING:
        raise ValidationError(
            f"La proposition n° {contribution_id} a déjà été modérée ({STATUSES[post.status]}).")
    return post


def _checked(con: db.Connection, post: Contribution, edits: Mapping[str, Any] | None
             ) -> solutions.NewSolution | dict[str, Any]:
    """Return the post's values with ``edits`` applied, checked by the finding's or solution's rules."""
    fields = {**asdict(post), **(edits or {})}
    if post.kind == SOLUTION:
        return _solution_values(con, post.seminar_id, fields)
    return _finding_values(con, post.seminar_id, post.participant_kind, fields)


def _snapshot(post: Contribution) -> dict[str, Any]:
    keys = ("participant_id", "kind", "workshop_id", "challenge_id", "objective_ids", "text", "description",
            "status")
    return {k: getattr(post, k) for k in keys}


def update_contribution(
    con: db.Connection, actor: Actor, contribution_id: int, edits: Mapping[str, Any]
) -> None:
    """Edit a pending post before moderation (audited before/after); it stays pending.

    ``edits``: for a finding any of workshop_id, kind (frein, levier, constat), text, objective_ids; for a
    solution any of challenge_id, text (its title), description. Raises ValidationError (the same rules
    as the scribes' forms) or NotFound.
    """
    require(actor, Permission.DIAGNOSIS_WRITE)
    post = _pending(con, contribution_id)
    values = _checked(con, post, edits)
    changed = _as_post(values)
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
        found = cur.execute(
            "UPDATE contributions SET kind = ?, workshop_id = ?, challenge_id = ?, "
            "objective_ids = ?::INTEGER[], text = ?, description = ? "
            "WHERE id = ? AND status = 'pending' RETURNING id",
            [changed["kind"], changed["workshop_id"], changed["challenge_id"], changed["objective_ids"],
             changed["text"], changed["description"], contribution_id],
        ).fetchone()
        if found is None:
            raise ValidationError(f"La proposition n° {contribution_id} a été modérée entre-temps.")
        db.audit(cur, actor, "contribution", contribution_id, "update", _snapshot(post),
                 {**changed, "status": ContributionStatus.PENDING})


def accept_contribution(
    con: db.Connection,
    actor: Actor,
    contribution_id: int,
    edits: Mapping[str, Any] | None = None,
    merge_into: int | None = None,
) -> int:
    """Accept a pending post (with ``edits`` applied, as :func:`update_contribution`); return the id of the
    finding or solution it became.

    One transaction creates the finding (workshop, kind, text, objectives, and the author's participant
    kind; through :func:`labo_dash.diagnosis.record_finding`) or the solution (through
    :func:`labo_dash.solutions.record_solution`), marks the post accepted by ``actor`` now (UTC) and
    audits both (a solution also bumps the follow-up's data version). With
    ``merge_into`` (an active finding), the new finding is then merged with it by
    :func:`labo_dash.diagnosis.merge_findings` (the suggested merge: longest text, union of objectives)
    and the merged finding's id is returned. Raises ValidationError, NotFound or PermissionDenied.
    """
    require(actor, Permission.DIAGNOSIS_WRITE)
    post = _pending(con, contribution_id)
    if post.kind == SOLUTION:
        require(actor, Permission.SOLUTIONS_WRITE)
        if merge_into is not None:
            raise ValidationError("Une solution ne se fusionne pas avec un constat.")
    values = _checked(con, post, edits)
    if merge_into is not None:
        target = diagnosis.get_finding(con, merge_into)
        if not target.active:
            raise NotFound(f"Le constat n° {merge_into} a été supprimé ou fusionné entre-temps.")
    changed = _as_post(values)
    topics = (db.Topic.DIAGNOSIS, db.Topic.FOLLOW_UP) if post.kind == SOLUTION else (db.Topic.DIAGNOSIS,)
    with db.transaction(con, *topics) as cur:
        if isinstance(values, solutions.NewSolution):
            created = solutions.record_solution(cur, actor, post.seminar_id, values)
            link, finding_id, solution_id = "solution_id", None, created
        else:
            created = diagnosis.record_finding(cur, actor, post.seminar_id, values)
            link, finding_id, solution_id = "finding_id", created, None
        found = cur.execute(
            "UPDATE contributions SET status = 'accepted', moderated_by = ?, "
            "moderated_at = now() AT TIME ZONE 'UTC', finding_id = ?, solution_id = ?, kind = ?, "
            "workshop_id = ?, challenge_id = ?, objective_ids = ?::INTEGER[], text = ?, description = ? "
            "WHERE id = ? AND status = 'pending' RETURNING id",
            [actor.name, finding_id, solution_id, changed["kind"], changed["workshop_id"],
             changed["challenge_id"], changed["objective_ids"], changed["text"], changed["description"],
             contribution_id],
        ).fetchone()
        if found is None:  # another organiser moderated it meanwhile: nothing is created
            raise ValidationError(f"La proposition n° {contribution_id} a été modérée entre-temps.")
        db.audit(cur, actor, "contribution", contribution_id, "accept", _snapshot(post),
                 {**changed, "status": ContributionStatus.ACCEPTED, link: created})
    if merge_into is None:
        return created
    sources = [merge_into, created]
    return diagnosis.merge_findings(con, actor, sources, **diagnosis.merge_defaults(con, sources))


def reject_contribution(con: db.Connection, actor: Actor, contribution_id: int) -> None:
    """Reject a pending post: it is kept, marked rejected by ``actor`` now (UTC), audited.

    Raises ValidationError when it was moderated meanwhile, NotFound when it does not exist.
    """
    require(actor, Permission.DIAGNOSIS_WRITE)
    post = _pending(con, contribution_id)
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
        found = cur.execute(
            "UPDATE contributions SET status = 'rejected', moderated_by = ?, "
            "moderated_at = now() AT TIME ZONE 'UTC' WHERE id = ? AND status = 'pending' RETURNING id",
            [actor.name, contribution_id],
        ).fetchone()
        if found is None:
            raise ValidationError(f"La proposition n° {contribution_id} a été modérée entre-temps.")
        db.audit(cur, actor, "contribution", contribution_id, "reject", _snapshot(post),
                 {**_snapshot(post), "status": ContributionStatus.REJECTED})
