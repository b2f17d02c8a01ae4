"""Afternoon solutions: captured per selected défi, with their provenance and their volunteers.

Volunteers are the participants who ticked « je veux contribuer » for a solution in their current (latest)
ballot of a round on solutions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from labo_dash import access, db, french
from labo_dash.access import Actor, Permission
from labo_dash.errors import ValidationError

TITLE_MAX = 200
DESCRIPTION_MAX = 2000


@dataclass(frozen=True, slots=True)
class SolutionChallenge:
    """A défi solutions can answer: ``selected`` when retained for the afternoon."""

    id: int
    title: str
    selected: bool


def challenges_for_solutions(con: db.Connection, seminar_id: int = 1) -> list[SolutionChallenge]:
    """Return the défis solutions can answer: the selected ones, or every défi while none is selected."""
    return [SolutionChallenge(**row) for row in db.query(
        con,
        """
        SELECT id, title, selected FROM challenges
        WHERE seminar_id = ? AND deleted_at IS NULL
          AND (selected OR NOT EXISTS (
              SELECT 1 FROM challenges c2 WHERE c2.seminar_id = ? AND c2.deleted_at IS NULL AND c2.selected))
        ORDER BY id
        """,
        [seminar_id, seminar_id],
    )]


def list_solutions(con: db.Connection, seminar_id: int = 1) -> pd.DataFrame:
    """Return the live solutions with their défi, number of actions and of volunteers."""
    return db.query_df(
        con,
        """
        SELECT s.id, s.challenge_id, c.title AS challenge, c.selected, s.title, s.description,
               (SELECT count(*) FROM actions a WHERE a.solution_id = s.id) AS actions
        FROM solutions s
        JOIN challenges c ON c.id = s.challenge_id
        WHERE s.seminar_id = ? AND s.deleted_at IS NULL
        ORDER BY s.challenge_id, s.id
        """,
        [seminar_id],
    )


def volunteers(con: db.Connection, seminar_id: int = 1) -> pd.DataFrame:
    """Return (solution_id, participant_id, name, structure, kind) of each « je veux contribuer ».

    Rehearsal (« tour d'essai ») and archived rounds are left out.
    """
    return db.query_df(
        con,
        """
        WITH current AS (
            SELECT b.id, b.participant_id
            FROM ballots b
            JOIN rounds r ON r.id = b.round_id
            WHERE r.seminar_id = ? AND r.target = 'solutions' AND NOT coalesce(r.rehearsal, false)
              AND r.archived_at IS NULL
            QUALIFY row_number() OVER (
                PARTITION BY b.round_id, b.participant_id ORDER BY b.submitted_at DESC, b.id DESC) = 1
        )
        SELECT DISTINCT e.item_id AS solution_id, p.id AS participant_id, p.name, p.structure, p.kind
        FROM current
        JOIN ballot_entries e ON e.ballot_id = current.id AND e.contribute
        JOIN participants p ON p.id = current.participant_id
        ORDER BY solution_id, p.name
        """,
        [seminar_id],
    )


@dataclass(frozen=True, slots=True)
class WeightedObjective:
    """An objective of a défi with its ``weight`` in the défi (a fraction, above 0)."""

    id: int
    number: int
    short_label: str
    title: str
    weight: float


@dataclass(frozen=True, slots=True)
class Solution:
    """A live solution, its défi (id and title) and the défi's objectives with a weight above 0 (heaviest
    first): the provenance its actions keep."""

    id: int
    seminar_id: int
    title: str
    description: str | None
    challenge_id: int
    challenge: str
    objectives: list[WeightedObjective]


def get_solution(con: db.Connection, solution_id: int) -> Solution:
    """Return a live solution with its défi and the défi's objectives (provenance), or raise NotFound."""
    row = db.query_one(
        con,
        "SELECT s.id, s.seminar_id, s.title, s.description, s.challenge_id, c.title AS challenge "
        "FROM solutions s JOIN challenges c ON c.id = s.challenge_id "
        "WHERE s.id = ? AND s.deleted_at IS NULL",
        [solution_id], f"La solution n° {solution_id} n'existe pas (ou a été supprimée).",
    )
    objectives = challenge_objectives(con, [row["challenge_id"]])
    return Solution(**row, objectives=objectives.get(row["challenge_id"], []))


def challenge_objectives(con: db.Connection, challenge_ids: list[int]) -> dict[int, list[WeightedObjective]]:
    """Return {défi id: its objectives with a weight above 0, heaviest first (then by number)}, in one
    statement; a défi weighted on no objective is absent."""
    found: dict[int, list[WeightedObjective]] = {}
    for row in db.query(
        con,
        "SELECT co.challenge_id, o.id, o.number, o.short_label, o.title, co.weight "
        "FROM challenge_objectives co JOIN objectives o ON o.id = co.objective_id "
        "WHERE co.challenge_id IN (SELECT unnest(?::INTEGER[])) AND co.weight > 0 "
        "ORDER BY co.challenge_id, co.weight DESC, o.number",
        [challenge_ids],
    ):
        found.setdefault(row.pop("challenge_id"), []).append(WeightedObjective(**row))
    return found


def _check(
    title: str | None, description: str | None, errors: dict[str, str] | None = None
) -> tuple[str, str | None]:
    """Return the stripped title and description, or raise ValidationError with French messages.

    ``errors`` already found on other fields are reported together with these.
    """
    title = (title or "").strip()
    description = (description or "").strip() or None
    errors = dict(errors or {})
    if not title:
        errors["title"] = "Donnez un intitulé à la solution."
    elif len(title) > TITLE_MAX:
        errors["title"] = french.too_long("L'intitulé", title, TITLE_MAX)
    if description and len(description) > DESCRIPTION_MAX:
        errors["description"] = french.too_long("La description", description, DESCRIPTION_MAX)
    if errors:
        raise ValidationError("La solution n'a pas été enregistrée : corrigez les champs signalés.", errors)
    return title, description


@dataclass(frozen=True, slots=True)
class NewSolution:
    """A solution's checked fields (:func:`validate_solution`), ready for :func:`record_solution`."""

    challenge_id: int
    title: str
    description: str | None


def validate_solution(
    con: db.Connection,
    challenge_id: int | None,
    title: str | None,
    description: str | None = None,
    seminar_id: int = 1,
) -> NewSolution:
    """Return the cleaned fields of a solution answering a live défi.

    Raises ValidationError with one French message per field (challenge_id, title, description).
    """
    known = db.query(
        con,
        "SELECT id FROM challenges WHERE id = ? AND seminar_id = ? AND deleted_at IS NULL",
        [challenge_id, seminar_id],
    )
    missing = {} if known else {"challenge_id": "Choisissez le défi auquel la solution répond."}
    title, description = _check(title, description, missing)  # raises unless the défi is known
    return NewSolution(known[0]["id"], title, description)


def record_solution(
    cur: db.Cursor, actor: Actor, seminar_id: int, values: NewSolution
) -> int:
    """Insert and audit a solution inside the caller's transaction; ``values`` come from validate_solution.

    The caller has checked ``solutions.write``; returns the new solution's id.
    """
    [(solution_id,)] = cur.execute(
        "INSERT INTO solutions (seminar_id, challenge_id, title, description) VALUES (?, ?, ?, ?) "
        "RETURNING id",
        [seminar_id, values.challenge_id, values.title, values.description],
    ).fetchall()
    db.audit(cur, actor, "solution", solution_id, "create", None, asdict(values))
    return solution_id


def add_solution(
    con: db.Connection,
    actor: Actor,
    challenge_id: int | None,
    title: str,
    description: str | None = None,
    seminar_id: int = 1,
) -> int:
    """Record a solution answering ``challenge_id``; return its id."""
    access.require(actor, Permission.SOLUTIONS_WRITE)
    values = validate_solution(con, challenge_id, title, description, seminar_id)
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        return record_solution(cur, actor, seminar_id, values)


def update_solution(
    con: db.Connection, actor: Actor, solution_id: int, title: str, description: str | None
) -> None:
    """Change the title and description of a solution (audited before/after)."""
    access.require(actor, Permission.SOLUTIONS_WRITE)
    title, description = _check(title, description)
    before = get_solution(con, solution_id)
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        cur.execute(
            "UPDATE solutions SET title = ?, description = ? WHERE id = ?", [title, description, solution_id]
        )
        db.audit(
            cur, actor, "solution", solution_id, "update",
            {"title": before.title, "description": before.description},
            {"title": title, "description": description},
        )


def delete_solution(con: db.Connection, actor: Actor, solution_id: int) -> None:
    """Mark a solution as deleted, refusing when actions already stem from it."""
    access.require(actor, Permission.SOLUTIONS_WRITE)
    before = get_solution(con, solution_id)
    count = db.query(con, "SELECT count(*) AS n FROM actions WHERE solution_id = ?", [solution_id])[0]["n"]
    if count:
        raise ValidationError(
            f"La solution « {before.title} » porte déjà "
            f"{french.plural(count, 'action', 'actions')} de suivi : "
            "elle ne peut pas être supprimée."
        )
    with db.transaction(con, db.Topic.FOLLOW_UP) as cur:
        cur.execute("UPDATE solutions SET deleted_at = current_timestamp WHERE id = ?", [solution_id])
        db.audit(cur, actor, "solution", solution_id, "delete", {"title": before.title}, None)
