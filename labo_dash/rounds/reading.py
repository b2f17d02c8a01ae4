"""Reading rounds: one round, the seminar's list, the open and projected ones, a round's items."""

from __future__ import annotations

from dataclasses import dataclass

from labo_dash import db
from labo_dash.errors import NotFound
from labo_dash.rounds.rules import Round, RoundStatus, Visibility
from labo_dash.rounds.state import close_due_rounds
from labo_dash.seminar import DEFAULT_SEMINAR


@dataclass(frozen=True, slots=True)
class RoundSummary(Round):
    """A round as read here: its row, its number of voters and of items, and whether it is the seminar's
    reference round for support."""

    voters: int
    items: int
    reference: bool


@dataclass(frozen=True, slots=True)
class RoundItem:
    """One item of a round, in its order: a défi, or a solution with its défi's title (``challenge``)."""

    id: int
    position: int
    title: str
    description: str | None
    challenge: str | None


def results_visible(rnd: Round) -> bool:
    """Tell whether the public may see a round's results (live, or hidden but revealed after the close)."""
    return rnd.results_visibility == Visibility.LIVE or rnd.revealed


def _summaries(con: db.Connection, where: str, params: list[object]) -> list[RoundSummary]:
    return [RoundSummary.from_row(row) for row in db.query(con, _ROUNDS_SQL + where, params)]


def get_round(con: db.Connection, round_id: int) -> RoundSummary:
    """Return a round (archived ones too) with its number of voters and ``reference``, or raise NotFound."""
    close_due_rounds(con)
    rows = _summaries(con, "WHERE r.id = ?", [round_id])
    if not rows:
        raise NotFound("Ce tour de vote n'existe pas (ou plus) : rechargez la page.")
    return rows[0]


def list_rounds(
    con: db.Connection, seminar_id: int = DEFAULT_SEMINAR, include_archived: bool = False
) -> list[RoundSummary]:
    """Return the seminar's rounds, the most recent first, with their number of voters.

    Archived rounds are left out unless ``include_archived``. Each also tells ``reference`` (True for
    the seminar's reference round for support).
    """
    close_due_rounds(con)
    return _summaries(
        con, "WHERE r.seminar_id = ? AND (? OR r.archived_at IS NULL) ORDER BY r.id DESC",
        [seminar_id, include_archived],
    )


# Counts joined, not correlated subqueries (twice as fast in DuckDB: every read of a round runs this).
_ROUNDS_SQL = """
SELECT r.*, coalesce(v.voters, 0) AS voters, coalesce(n.items, 0) AS items,
       coalesce(s.reference_round_id = r.id, false) AS reference
FROM rounds r JOIN seminars s ON s.id = r.seminar_id
LEFT JOIN (SELECT round_id, count(DISTINCT participant_id) AS voters FROM ballots GROUP BY round_id) v
       ON v.round_id = r.id
LEFT JOIN (SELECT round_id, count(*) AS items FROM round_items GROUP BY round_id) n ON n.round_id = r.id
"""


def open_round(con: db.Connection, seminar_id: int = DEFAULT_SEMINAR) -> RoundSummary | None:
    """Return the round open for voting, if any."""
    close_due_rounds(con)
    rows = _summaries(con, "WHERE r.seminar_id = ? AND r.status = 'open'", [seminar_id])
    return rows[0] if rows else None


def projected_round(
    con: db.Connection, seminar_id: int = DEFAULT_SEMINAR
) -> RoundSummary | None:
    """Return the round to project: the open one, else the last closed, else the last prepared.

    Archived rounds are never projected (a rehearsal is: that is what it is for).
    """
    close_due_rounds(con)
    rows = _summaries(
        con,
        "WHERE r.seminar_id = ? AND r.archived_at IS NULL "
        "ORDER BY CASE r.status WHEN 'open' THEN 0 WHEN 'closed' THEN 1 "
        "ELSE 2 END, coalesce(r.closed_at, r.created_at) DESC, r.id DESC LIMIT 1",
        [seminar_id],
    )
    return rows[0] if rows else None


def waiting_message(con: db.Connection, seminar_id: int = DEFAULT_SEMINAR) -> str:
    """Return what a participant reads while no round is open (a thank-you right after a close)."""
    last = projected_round(con, seminar_id)
    if last is not None and last.status == RoundStatus.CLOSED:
        return (f"Le vote « {last.title} » est clos : merci de votre participation ! Le prochain vote "
                "s'affichera ici dès son ouverture.")
    return "Aucun vote n'est ouvert pour le moment. Revenez quand les organisateur·ice·s l'annoncent."


def round_items(con: db.Connection, round_id: int) -> list[RoundItem]:
    """Return a round's items in order: id, title, description (and the défi of a solution)."""
    return [RoundItem(**row) for row in db.query(con, _ITEMS_SQL, [round_id])]


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
