"""Open and close a round, the timed vote (countdown, « clore quand tout le monde a voté ») and the
results visibility; the lazy close of due rounds that every read runs first."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from labo_dash import access, clock, db, french, participants
from labo_dash.access import ORGANISER, Actor, Permission
from labo_dash.errors import ValidationError
from labo_dash.participants import PRESENT_SQL
from labo_dash.rounds.rules import VISIBILITIES, Round, round_row

COUNTDOWN_MIN = dt.timedelta(seconds=5)
COUNTDOWN_MAX = dt.timedelta(hours=3)
AUTO_CLOSE = Actor(ORGANISER, "clôture automatique")  # the actor of automatic closes in the audit log


# A plain (re)opening has no countdown; a close keeps the countdown's end for the record.
_TRANSITIONS = {
    # Reopening hides a hidden round's results again until the next close and reveal.
    # Parameters: the app clock's instant (stored UTC), the round's id.
    "open": "UPDATE rounds SET status = 'open', opened_at = coalesce(opened_at, ?), "
    "closed_at = NULL, closes_at = NULL, close_when_all_voted = false, revealed = false WHERE id = ?",
    "closed": "UPDATE rounds SET status = 'closed', closed_at = ? WHERE id = ?",
}


def _may_open(cur: db.Cursor, before: Round) -> None:
    """Raise ValidationError unless the round may open: not archived, and no other round open."""
    if before.archived_at is not None:
        raise ValidationError("Ce tour est archivé : désarchivez-le avant de l'ouvrir.")
    other = cur.execute(
        "SELECT title FROM rounds WHERE seminar_id = ? AND status = 'open' AND id <> ?",
        [before.seminar_id, before.id],
    ).fetchone()
    if other:
        raise ValidationError(
            f"Le tour « {other[0]} » est encore ouvert : clôturez-le avant d'en ouvrir un autre "
            "(les téléphones affichent un seul vote à la fois)."
        )


def set_status(con: db.Connection, actor: Actor, round_id: int, status: str) -> None:
    """Open (or reopen, without a countdown) a round, or close it, at :func:`labo_dash.clock.now`.

    One round at most is open per seminar.
    """
    access.require(actor, Permission.ROUNDS_WRITE)
    if status not in _TRANSITIONS:
        raise ValidationError("Un tour ne peut qu'être ouvert ou clos.")
    close_due_rounds(con)
    with db.transaction(con, db.Topic.VOTES) as cur:
        before = round_row(cur, round_id)
        if before.status == status:
            return
        if status == "open":
            _may_open(cur, before)
        cur.execute(_TRANSITIONS[status], [clock.stored_now(), round_id])
        db.audit(cur, actor, "rounds", round_id, status, {"status": before.status}, {"status": status})


def start_countdown(
    con: db.Connection,
    actor: Actor,
    round_id: int,
    duration: dt.timedelta,
    close_when_all_voted: bool = False,
    now: dt.datetime | None = None,
) -> dt.datetime:
    """Open the round (if needed) until ``now + duration``; return that end, an aware UTC instant.

    ``duration`` runs from 5 seconds to 3 hours; with ``close_when_all_voted`` the round also closes as
    soon as every present (checked-in) participant has voted. A ballot is refused from the end on; the
    round then closes by itself (:func:`close_due_rounds`). Raises ValidationError (French) for a
    duration out of range, an archived round or another round open.
    """
    access.require(actor, Permission.ROUNDS_WRITE)
    if not COUNTDOWN_MIN <= duration <= COUNTDOWN_MAX:
        raise ValidationError(
            "La durée du compte à rebours doit être comprise entre 5 secondes et 3 heures.",
            {"duration": "Durée hors limites."},
        )
    instant = now or clock.now()
    ends = instant + duration
    close_due_rounds(con, instant)
    with db.transaction(con, db.Topic.VOTES) as cur:
        before = round_row(cur, round_id)
        _may_open(cur, before)
        cur.execute(
            "UPDATE rounds SET status = 'open', opened_at = coalesce(opened_at, ?), closed_at = NULL, "
            "closes_at = ?, close_when_all_voted = ? WHERE id = ?",
            [clock.stored(instant), clock.stored(ends), close_when_all_voted, round_id],
        )
        db.audit(
            cur, actor, "rounds", round_id, "countdown",
            {"status": before.status, "closes_at": before.closes_at},
            {"status": "open", "closes_at": clock.stored(ends), "close_when_all_voted": close_when_all_voted},
        )
    return ends


def countdown_over(closes_at: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    """Tell whether a countdown ending at ``closes_at`` (naive UTC, as stored; None: no countdown) has
    ended at ``now`` (a ballot is then refused)."""
    return closes_at is not None and clock.stored(now or clock.now()) >= closes_at


def remaining_seconds(rnd: Round, now: dt.datetime | None = None) -> int | None:
    """Return the whole seconds left before an open round's countdown ends (rounded up), or None.

    None when the round is not open or has no countdown; 0 once the end is reached.
    """
    if rnd.status != "open" or rnd.closes_at is None:
        return None
    left = (rnd.closes_at - clock.stored(now or clock.now())).total_seconds()
    return max(0, math.ceil(left))


def remaining_text(seconds: int) -> str:
    """Return the French countdown line: ``Il reste 1 min 20 s``, ``Il reste 2 min``, ``Il reste 5 s``."""
    minutes, rest = divmod(max(0, seconds), 60)
    parts = ([f"{minutes} min"] if minutes else []) + ([f"{rest} s"] if rest or not minutes else [])
    return "Il reste " + " ".join(parts)


# Open rounds to close now: their countdown has ended, or every present participant (at least one) has voted.
# Parameters: now twice, then today_window() twice (present: checked in today, participants.PRESENT_SQL).
_DUE_SQL = """
SELECT r.id, r.closes_at, coalesce(r.closes_at <= ?, false) AS timed_out
FROM rounds r
WHERE r.status = 'open' AND (
    r.closes_at <= ?
    OR (r.close_when_all_voted
        AND EXISTS (SELECT 1 FROM participants p
                    WHERE p.seminar_id = r.seminar_id AND """ + PRESENT_SQL + """)
        AND NOT EXISTS (
            SELECT 1 FROM participants p
            WHERE p.seminar_id = r.seminar_id AND """ + PRESENT_SQL + """
              AND NOT EXISTS (SELECT 1 FROM ballots b WHERE b.round_id = r.id AND b.participant_id = p.id))))
ORDER BY r.id
"""


@dataclass(frozen=True, slots=True)
class PresentVotes:
    """Where « clore quand tout le monde a voté » stands: present participants with a ballot, and present."""

    votes: int
    present: int

    def sentence(self) -> str:
        """Return ``41 votes sur 54 présent·e·s`` (``1 vote sur 1 présent·e``)."""
        return (f"{french.plural(self.votes, 'vote', 'votes')} sur "
                f"{french.plural(self.present, 'présent·e', 'présent·e·s')}")


def present_votes(
    con: db.Connection, round_id: int, now: dt.datetime | None = None
) -> PresentVotes:
    """Return how many present participants (checked in on the local day of ``now``) of the round's seminar
    have voted in it, of all present."""
    row = db.query(
        con,
        "SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ballots b WHERE b.round_id = r.id "
        "AND b.participant_id = p.id)) AS votes, count(p.id) AS present "
        "FROM rounds r JOIN participants p ON p.seminar_id = r.seminar_id AND " + PRESENT_SQL + " "
        "WHERE r.id = ?",
        [*participants.today_window(con, now), round_id],
    )[0]
    return PresentVotes(row["votes"], row["present"])


def close_due_rounds(con: db.Connection, now: dt.datetime | None = None) -> list[int]:
    """Close every open round whose countdown has ended or whose voters are all in; return their ids.

    A timed-out round is closed at its countdown's end (``closed_at = closes_at``), one closed because
    everybody voted at ``now``; each close is audited (actor « clôture automatique »). Runs first in every
    read of rounds below, so a round never reads open past its end. Cheap when nothing is due (one read).
    """
    now = now or clock.now()
    stored = clock.stored(now)
    window = participants.today_window(con, now)
    parameters = [stored, stored, *window, *window]
    if not db.query(con, _DUE_SQL, parameters):
        return []
    closed = []
    with db.transaction(con, db.Topic.VOTES) as cur:
        for round_id, closes_at, timed_out in cur.execute(_DUE_SQL, parameters).fetchall():
            cur.execute(
                "UPDATE rounds SET status = 'closed', closed_at = ? WHERE id = ?",
                [closes_at if timed_out else stored, round_id],
            )
            db.audit(cur, AUTO_CLOSE, "rounds", round_id, "closed", {"status": "open"},
                     {"status": "closed", "reason": "countdown" if timed_out else "all_voted"})
            closed.append(round_id)
    return closed


def set_visibility(
    con: db.Connection, actor: Actor, round_id: int, visibility: str, revealed: bool = False
) -> None:
    """Show results live or hide them until the close; ``revealed`` shows a hidden round's results."""
    access.require(actor, Permission.ROUNDS_WRITE)
    if visibility not in VISIBILITIES:
        raise ValidationError("Choisissez des résultats en direct ou masqués jusqu'à la clôture.")
    with db.transaction(con, db.Topic.VOTES) as cur:
        before = round_row(cur, round_id)
        if revealed and visibility == "hidden" and before.status != "closed":
            raise ValidationError(
                "Les résultats masqués se révèlent une fois le tour clos : clôturez-le d'abord."
            )
        revealed = revealed and visibility == "hidden"
        if (before.results_visibility, before.revealed) == (visibility, revealed):
            return
        cur.execute(
            "UPDATE rounds SET results_visibility = ?, revealed = ? WHERE id = ?",
            [visibility, revealed, round_id],
        )
        db.audit(
            cur, actor, "rounds", round_id, "visibility",
            {"results_visibility": before.results_visibility, "revealed": before.revealed},
            {"results_visibility": visibility, "revealed": revealed},
        )
