"""Voting rounds: rules, item lists, open/close, results visibility and reveal, défis selected.

A round has a method (dots, majority judgment, approval), an ordered item list (défis or solutions), a
state (draft -> open -> closed; a closed round may be reopened; one round at most is open per seminar)
and a results visibility (live, or hidden until organisers reveal them after the close). Its rules and
items lock once the first ballot exists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from labo_dash import access, db
from labo_dash.access import Actor
from labo_dash.errors import NotFound, ValidationError
from labo_dash.majority import GRADE_SCALES
from labo_dash.seminar import DEFAULT_SEMINAR

METHODS = {"dots": "Gommettes", "majority_judgment": "Jugement majoritaire", "approval": "Approbation"}
TARGETS = {"challenges": "Défis", "solutions": "Solutions"}
STATUSES = {"draft": "En préparation", "open": "Ouvert", "closed": "Clos"}
VISIBILITIES = {"live": "En direct", "hidden": "Masqués jusqu'à la révélation"}
TITLE_MAX = 200


@dataclass(frozen=True)
class RoundRules:
    """What organisers choose for a round; locked once its first ballot exists."""

    title: str
    target: str = "challenges"
    method: str = "dots"
    dots_per_voter: int = 3
    max_per_item: int = 1
    grade_scale: int = 5
    results_visibility: str = "live"


def validate_rules(rules: RoundRules, item_ids: Sequence[int]) -> None:
    """Raise ValidationError (one French message per field) unless the rules and items make a round."""
    errors: dict[str, str] = {}
    if not rules.title.strip():
        errors["title"] = "Donnez un titre au tour de vote."
    elif len(rules.title) > TITLE_MAX:
        errors["title"] = f"Le titre est trop long ({len(rules.title)} caractères, {TITLE_MAX} au plus)."
    if rules.target not in TARGETS:
        errors["target"] = "Choisissez de voter sur les défis ou sur les solutions."
    if rules.method not in METHODS:
        errors["method"] = "Choisissez une méthode : gommettes, jugement majoritaire ou approbation."
    if rules.method == "dots":
        if not 1 <= rules.dots_per_voter <= 20:
            errors["dots_per_voter"] = "Le nombre de gommettes par personne doit être entre 1 et 20."
        if not 1 <= rules.max_per_item <= max(rules.dots_per_voter, 1):
            errors["max_per_item"] = (
                "Le plafond par élément doit être entre 1 et le nombre de gommettes par personne."
            )
    if rules.grade_scale not in GRADE_SCALES:
        errors["grade_scale"] = "L'échelle de mentions compte 5 ou 7 mentions."
    if rules.results_visibility not in VISIBILITIES:
        errors["results_visibility"] = "Choisissez des résultats en direct ou masqués jusqu'à la clôture."
    if len(item_ids) < 2:
        errors["items"] = "Choisissez au moins deux éléments sur lesquels voter."
    elif len(set(item_ids)) != len(item_ids):
        errors["items"] = "Un même élément est choisi deux fois."
    if errors:
        raise ValidationError("Le tour de vote n'est pas enregistré : corrigez les champs signalés.", errors)


def candidate_items(
    con: duckdb.DuckDBPyConnection, target: str, seminar_id: int = DEFAULT_SEMINAR
) -> list[dict[str, Any]]:
    """Return what a round may be on: the live défis, or the live solutions with their défi."""
    return db.query(con, _CANDIDATES[target], [seminar_id])


_CANDIDATES = {
    "challenges": "SELECT id, title, description, selected, NULL AS challenge FROM challenges "
    "WHERE seminar_id = ? AND deleted_at IS NULL ORDER BY id",
    "solutions": "SELECT s.id, s.title, s.description, c.selected, c.title AS challenge FROM solutions s "
    "JOIN challenges c ON c.id = s.challenge_id WHERE s.seminar_id = ? AND s.deleted_at IS NULL "
    "ORDER BY s.challenge_id, s.id",
}


def _check_items(
    cur: duckdb.DuckDBPyConnection, seminar_id: int, target: str, item_ids: Sequence[int]
) -> None:
    known = {row[0] for row in cur.execute(_CANDIDATES[target], [seminar_id]).fetchall()}
    unknown = [i for i in item_ids if i not in known]
    if unknown:
        raise ValidationError(
            "Certains éléments choisis n'existent plus : rechargez la page.",
            {"items": f"Éléments introuvables : {', '.join(map(str, unknown))}."},
        )


def _write_items(cur: duckdb.DuckDBPyConnection, round_id: int, item_ids: Sequence[int]) -> None:
    cur.execute("DELETE FROM round_items WHERE round_id = ?", [round_id])
    cur.execute(
        "INSERT INTO round_items (round_id, item_id, position) "
        "SELECT ?, unnest(?::INTEGER[]), unnest(?::INTEGER[])",
        [round_id, list(item_ids), list(range(1, len(item_ids) + 1))],
    )


def create_round(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    rules: RoundRules,
    item_ids: Sequence[int],
    seminar_id: int = DEFAULT_SEMINAR,
) -> int:
    """Create a round in preparation (draft) on ``item_ids``, in that order; return its id."""
    access.require(actor, "rounds.write")
    validate_rules(rules, item_ids)
    with db.transaction(con) as cur:
        _check_items(cur, seminar_id, rules.target, item_ids)
        round_id = cur.execute(
            "INSERT INTO rounds (seminar_id, title, target, method, dots_per_voter, max_per_item, "
            "grade_scale, results_visibility) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [seminar_id, rules.title.strip(), rules.target, rules.method, rules.dots_per_voter,
             rules.max_per_item, rules.grade_scale, rules.results_visibility],
        ).fetchone()[0]
        _write_items(cur, round_id, item_ids)
        db.audit(cur, actor, "rounds", round_id, "create", None, {**asdict(rules), "items": list(item_ids)})
    return round_id


def round_row(cur: duckdb.DuckDBPyConnection, round_id: int) -> dict[str, Any]:
    """Return the round's row read on ``cur`` (inside the caller's transaction), or raise NotFound."""
    cur.execute("SELECT * FROM rounds WHERE id = ?", [round_id])
    row = cur.fetchone()
    if row is None:
        raise NotFound("Ce tour de vote n'existe pas (ou plus) : rechargez la page.")
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def _ballot_count(cur: duckdb.DuckDBPyConnection, round_id: int) -> int:
    return cur.execute("SELECT count(*) FROM ballots WHERE round_id = ?", [round_id]).fetchone()[0]


def update_round(
    con: duckdb.DuckDBPyConnection, actor: Actor, round_id: int, rules: RoundRules, item_ids: Sequence[int]
) -> None:
    """Change a round's rules and items; refused once a ballot exists (the rules are then locked)."""
    access.require(actor, "rounds.write")
    validate_rules(rules, item_ids)
    with db.transaction(con) as cur:
        before = round_row(cur, round_id)
        if _ballot_count(cur, round_id):
            raise ValidationError(
                "Les règles de ce tour sont verrouillées : des bulletins ont déjà été déposés. "
                "Créez un nouveau tour si vous devez changer de méthode ou d'éléments."
            )
        _check_items(cur, before["seminar_id"], rules.target, item_ids)
        cur.execute(
            "UPDATE rounds SET title = ?, target = ?, method = ?, dots_per_voter = ?, max_per_item = ?, "
            "grade_scale = ?, results_visibility = ? WHERE id = ?",
            [rules.title.strip(), rules.target, rules.method, rules.dots_per_voter, rules.max_per_item,
             rules.grade_scale, rules.results_visibility, round_id],
        )
        _write_items(cur, round_id, item_ids)
        db.audit(cur, actor, "rounds", round_id, "update", before, {**asdict(rules), "items": list(item_ids)})


_TRANSITIONS = {
    "open": "UPDATE rounds SET status = 'open', opened_at = coalesce(opened_at, current_timestamp), "
    "closed_at = NULL WHERE id = ?",
    "closed": "UPDATE rounds SET status = 'closed', closed_at = current_timestamp WHERE id = ?",
}


def set_status(con: duckdb.DuckDBPyConnection, actor: Actor, round_id: int, status: str) -> None:
    """Open (or reopen) a round, or close it. One round at most is open per seminar."""
    access.require(actor, "rounds.write")
    if status not in _TRANSITIONS:
        raise ValidationError("Un tour ne peut qu'être ouvert ou clos.")
    with db.transaction(con) as cur:
        before = round_row(cur, round_id)
        if before["status"] == status:
            return
        if status == "open":
            other = cur.execute(
                "SELECT title FROM rounds WHERE seminar_id = ? AND status = 'open' AND id <> ?",
                [before["seminar_id"], round_id],
            ).fetchone()
            if other:
                raise ValidationError(
                    f"Le tour « {other[0]} » est encore ouvert : clôturez-le avant d'en ouvrir un autre "
                    "(les téléphones affichent un seul vote à la fois)."
                )
        cur.execute(_TRANSITIONS[status], [round_id])
        db.audit(cur, actor, "rounds", round_id, status, {"status": before["status"]}, {"status": status})


def set_visibility(
    con: duckdb.DuckDBPyConnection, actor: Actor, round_id: int, visibility: str, revealed: bool = False
) -> None:
    """Show results live or hide them until the close; ``revealed`` shows a hidden round's results."""
    access.require(actor, "rounds.write")
    if visibility not in VISIBILITIES:
        raise ValidationError("Choisissez des résultats en direct ou masqués jusqu'à la clôture.")
    with db.transaction(con) as cur:
        before = round_row(cur, round_id)
        if revealed and visibility == "hidden" and before["status"] != "closed":
            raise ValidationError(
                "Les résultats masqués se révèlent une fois le tour clos : clôturez-le d'abord."
            )
        revealed = revealed and visibility == "hidden"
        if (before["results_visibility"], before["revealed"]) == (visibility, revealed):
            return
        cur.execute(
            "UPDATE rounds SET results_visibility = ?, revealed = ? WHERE id = ?",
            [visibility, revealed, round_id],
        )
        db.audit(
            cur, actor, "rounds", round_id, "visibility",
            {"results_visibility": before["results_visibility"], "revealed": before["revealed"]},
            {"results_visibility": visibility, "revealed": revealed},
        )


def results_visible(round_row: Mapping[str, Any]) -> bool:
    """Tell whether the public may see a round's results (live, or hidden but revealed after the close)."""
    return round_row["results_visibility"] == "live" or bool(round_row["revealed"])


def get_round(con: duckdb.DuckDBPyConnection, round_id: int) -> dict[str, Any]:
    """Return a round with its number of voters, or raise NotFound."""
    rows = db.query(con, _ROUNDS_SQL + "WHERE r.id = ?", [round_id])
    if not rows:
        raise NotFound("Ce tour de vote n'existe pas (ou plus) : rechargez la page.")
    return rows[0]


def list_rounds(con: duckdb.DuckDBPyConnection, seminar_id: int = DEFAULT_SEMINAR) -> list[dict[str, Any]]:
    """Return the seminar's rounds, the most recent first, with their number of voters."""
    return db.query(con, _ROUNDS_SQL + "WHERE r.seminar_id = ? ORDER BY r.id DESC", [seminar_id])


_ROUNDS_SQL = """
SELECT r.*, (SELECT count(DISTINCT b.participant_id) FROM ballots b WHERE b.round_id = r.id) AS voters,
       (SELECT count(*) FROM round_items i WHERE i.round_id = r.id) AS items
FROM rounds r
"""


def open_round(con: duckdb.DuckDBPyConnection, seminar_id: int = DEFAULT_SEMINAR) -> dict[str, Any] | None:
    """Return the round open for voting, if any."""
    rows = db.query(con, _ROUNDS_SQL + "WHERE r.seminar_id = ? AND r.status = 'open'", [seminar_id])
    return rows[0] if rows else None


def projected_round(
    con: duckdb.DuckDBPyConnection, seminar_id: int = DEFAULT_SEMINAR
) -> dict[str, Any] | None:
    """Return the round to project: the open one, else the last closed, else the last prepared."""
    rows = db.query(
        con,
        _ROUNDS_SQL + "WHERE r.seminar_id = ? ORDER BY CASE r.status WHEN 'open' THEN 0 WHEN 'closed' THEN 1 "
        "ELSE 2 END, coalesce(r.closed_at, r.created_at) DESC, r.id DESC LIMIT 1",
        [seminar_id],
    )
    return rows[0] if rows else None


def waiting_message(con: duckdb.DuckDBPyConnection, seminar_id: int = DEFAULT_SEMINAR) -> str:
    """Return what a participant reads while no round is open (a thank-you right after a close)."""
    last = projected_round(con, seminar_id)
    if last is not None and last["status"] == "closed":
        return (f"Le vote « {last['title']} » est clos : merci de votre participation ! Le prochain vote "
                "s'affichera ici dès son ouverture.")
    return "Aucun vote n'est ouvert pour le moment. Revenez quand les organisateur·ice·s l'annoncent."


def round_items(con: duckdb.DuckDBPyConnection, round_id: int) -> list[dict[str, Any]]:
    """Return a round's items in order: id, title, description (and the défi of a solution)."""
    return db.query(con, _ITEMS_SQL, [round_id])


_ITEMS_SQL = """
SELECT i.item_id AS id, i.position,
       CASE r.target WHEN 'challenges' THEN c.title ELSE s.title END AS title,
       CASE r.target WHEN 'challenges' THEN c.description ELSE s.description END AS description,
       CASE r.target WHEN 'solutions' THEN sc.title END AS challenge
FROM round_items i
JOIN rounds r ON r.id = i.round_id
LEFT JOIN challenges c ON r.target = 'challenges' AND c.id = i.item_id
LEFT JOIN solutions s ON r.target = 'solutions' AND s.id = i.item_id
LEFT JOIN challenges sc ON sc.id = s.challenge_id
WHERE i.round_id = ?
ORDER BY i.position
"""


def select_challenges(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    challenge_ids: Sequence[int],
    seminar_id: int = DEFAULT_SEMINAR,
) -> None:
    """Mark exactly ``challenge_ids`` as the défis selected for the afternoon workshops."""
    access.require(actor, "rounds.write")
    with db.transaction(con) as cur:
        before = [r[0] for r in cur.execute(
            "SELECT id FROM challenges WHERE seminar_id = ? AND selected ORDER BY id", [seminar_id]
        ).fetchall()]
        after = sorted(set(challenge_ids))
        if before == after:
            return
        _check_items(cur, seminar_id, "challenges", after)
        cur.execute(
            "UPDATE challenges SET selected = list_contains(?::INTEGER[], id) "
            "WHERE seminar_id = ? AND selected <> list_contains(?::INTEGER[], id)",
            [after, seminar_id, after],
        )
        db.audit(cur, actor, "challenges", None, "select", {"selected": before}, {"selected": after})
