"""Voting rounds: rules, item lists, open/close, results visibility and reveal, lifecycle, défis selected.

A round has a method (dots, majority judgment, approval), an ordered item list (défis or solutions), a
state (draft -> open -> closed; a closed round may be reopened; one round at most is open per seminar)
and a results visibility (live, or hidden until organisers reveal them after the close). Its rules and
items lock once the first ballot exists.

Lifecycle (domain brief §4): a round may be a rehearsal (« tour d'essai »: never used for support,
reports or exports), archived (hidden everywhere, kept with its ballots and audit trail), duplicated
(same rules and items, new title, in preparation) or deleted while it has no ballot. Organisers choose
the round on défis that gives support (the reference round, ``seminars.reference_round_id``; read by
:func:`labo_dash.signature.support_round`).

Timed vote: :func:`start_countdown` opens a round until ``closes_at`` (a UTC instant). From that instant
on a ballot is refused (:mod:`labo_dash.voting` checks it in the ballot's transaction); the round is
closed lazily, by :func:`close_due_rounds`, which every read of rounds here runs first, so a round past
its end always reads closed. With « clore quand tout le monde a voté », it also closes once every
PRESENT participant (checked in today, :mod:`labo_dash.participants`: a registered person who did not
come, or came only to yesterday's rehearsal, never holds the vote open) has a ballot in the round, with
at least one present (:func:`present_votes` counts them). Times come from :func:`labo_dash.clock.now`
(aware UTC), which the domain functions take as a ``now`` parameter so that tests inject the clock.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from labo_dash import access, clock, db, french, participants
from labo_dash.access import ORGANISER, Actor
from labo_dash.errors import NotFound, ValidationError
from labo_dash.majority import GRADE_SCALES
from labo_dash.parsing import NumberError, parse_integer
from labo_dash.participants import PRESENT_SQL
from labo_dash.seminar import DEFAULT_SEMINAR

METHODS = {"dots": "Gommettes", "majority_judgment": "Jugement majoritaire", "approval": "Approbation"}
TARGETS = {"challenges": "Défis", "solutions": "Solutions"}
STATUSES = {"draft": "En préparation", "open": "Ouvert", "closed": "Clos"}
VISIBILITIES = {"live": "En direct", "hidden": "Masqués jusqu'à la révélation"}
TITLE_MAX = 200
COUNTDOWN_MIN = dt.timedelta(seconds=5)
COUNTDOWN_MAX = dt.timedelta(hours=3)
AUTO_CLOSE = Actor(ORGANISER, "clôture automatique")  # the actor of automatic closes in the audit log


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


REFUSED = "Le tour de vote n'est pas enregistré : corrigez les champs signalés."


def rule_errors(rules: RoundRules, item_ids: Sequence[int]) -> dict[str, str]:
    """Return every fault of the rules and items at once: field name -> French message (empty when valid)."""
    errors: dict[str, str] = {}
    if not rules.title.strip():
        errors["title"] = "Donnez un titre au tour de vote."
    elif len(rules.title) > TITLE_MAX:
        errors["title"] = french.too_long("Le titre", rules.title, TITLE_MAX)
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
    return errors


def validate_rules(rules: RoundRules, item_ids: Sequence[int]) -> None:
    """Raise ValidationError unless the rules and items make a round; its ``fields`` hold EVERY fault at
    once (one French message per field, :func:`rule_errors`)."""
    errors = rule_errors(rules, item_ids)
    if errors:
        raise ValidationError(REFUSED, errors)


_COUNT_LABELS = {"dots_per_voter": "Gommettes par personne", "max_per_item": "Au plus par élément"}


@dataclass(frozen=True, slots=True)
class TypedRules:
    """A round's rules as typed in the /admin form: the dots counts are the text typed."""

    title: str
    target: str
    method: str
    dots_per_voter: str
    max_per_item: str
    grade_scale: int
    results_visibility: str


def typed_rules(typed: TypedRules, item_ids: Sequence[int]) -> RoundRules:
    """Return the rules of a form whose dots counts are typed as text, checked with its items.

    The counts are read by :func:`labo_dash.parsing.parse_integer` (« 25 » stays 25 and is refused, never
    clamped). Raises ValidationError whose ``fields`` list every fault at once: unreadable or missing
    counts (for dots; other methods keep the default counts when they are unreadable) together with
    every rule fault of :func:`rule_errors`.
    """
    counts: dict[str, int] = {}
    unreadable: dict[str, str] = {}
    for field, label in _COUNT_LABELS.items():
        try:
            value = parse_integer(getattr(typed, field), label)
        except NumberError as exc:
            unreadable[field] = str(exc)
            continue
        if value is None:
            unreadable[field] = f"{label} : obligatoire (un nombre entier)."
        else:
            counts[field] = value
    rules = RoundRules(typed.title, typed.target, typed.method, grade_scale=typed.grade_scale,
                       results_visibility=typed.results_visibility, **counts)
    errors = rule_errors(rules, item_ids)
    if typed.method == "dots":
        if "dots_per_voter" in unreadable:  # the cap's range is unknown: only its own reading counts
            errors.pop("max_per_item", None)
        errors.update(unreadable)
    if errors:
        raise ValidationError(REFUSED, errors)
    return rules


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
    with db.transaction(con, db.Topic.VOTES) as cur:
        return _insert_round(cur, actor, rules, item_ids, seminar_id, {})


def _insert_round(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    rules: RoundRules,
    item_ids: Sequence[int],
    seminar_id: int,
    audited: dict[str, Any],
) -> int:
    """Insert a draft round and its items (inside the caller's transaction), audited; return its id."""
    _check_items(cur, seminar_id, rules.target, item_ids)
    round_id = cur.execute(
        "INSERT INTO rounds (seminar_id, title, target, method, dots_per_voter, max_per_item, "
        "grade_scale, results_visibility) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [seminar_id, rules.title.strip(), rules.target, rules.method, rules.dots_per_voter,
         rules.max_per_item, rules.grade_scale, rules.results_visibility],
    ).fetchone()[0]
    _write_items(cur, round_id, item_ids)
    db.audit(cur, actor, "rounds", round_id, "create", None,
             {**asdict(rules), "items": list(item_ids), **audited})
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
    with db.transaction(con, db.Topic.VOTES) as cur:
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


# A plain (re)opening has no countdown; a close keeps the countdown's end for the record.
_TRANSITIONS = {
    # Reopening hides a hidden round's results again until the next close and reveal.
    # Parameters: the app clock's instant (stored UTC), the round's id.
    "open": "UPDATE rounds SET status = 'open', opened_at = coalesce(opened_at, ?), "
    "closed_at = NULL, closes_at = NULL, close_when_all_voted = false, revealed = false WHERE id = ?",
    "closed": "UPDATE rounds SET status = 'closed', closed_at = ? WHERE id = ?",
}


def _may_open(cur: duckdb.DuckDBPyConnection, before: Mapping[str, Any]) -> None:
    """Raise ValidationError unless the round may open: not archived, and no other round open."""
    if before["archived_at"] is not None:
        raise ValidationError("Ce tour est archivé : désarchivez-le avant de l'ouvrir.")
    other = cur.execute(
        "SELECT title FROM rounds WHERE seminar_id = ? AND status = 'open' AND id <> ?",
        [before["seminar_id"], before["id"]],
    ).fetchone()
    if other:
        raise ValidationError(
            f"Le tour « {other[0]} » est encore ouvert : clôturez-le avant d'en ouvrir un autre "
            "(les téléphones affichent un seul vote à la fois)."
        )


def set_status(con: duckdb.DuckDBPyConnection, actor: Actor, round_id: int, status: str) -> None:
    """Open (or reopen, without a countdown) a round, or close it, at :func:`labo_dash.clock.now`.

    One round at most is open per seminar.
    """
    access.require(actor, "rounds.write")
    if status not in _TRANSITIONS:
        raise ValidationError("Un tour ne peut qu'être ouvert ou clos.")
    close_due_rounds(con)
    with db.transaction(con, db.Topic.VOTES) as cur:
        before = round_row(cur, round_id)
        if before["status"] == status:
            return
        if status == "open":
            _may_open(cur, before)
        cur.execute(_TRANSITIONS[status], [clock.stored_now(), round_id])
        db.audit(cur, actor, "rounds", round_id, status, {"status": before["status"]}, {"status": status})


def start_countdown(
    con: duckdb.DuckDBPyConnection,
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
    access.require(actor, "rounds.write")
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
            {"status": before["status"], "closes_at": before["closes_at"]},
            {"status": "open", "closes_at": clock.stored(ends), "close_when_all_voted": close_when_all_voted},
        )
    return ends


def countdown_over(rnd: Mapping[str, Any], now: dt.datetime | None = None) -> bool:
    """Tell whether the round's countdown has ended at ``now`` (a ballot is then refused)."""
    return rnd["closes_at"] is not None and clock.stored(now or clock.now()) >= rnd["closes_at"]


def remaining_seconds(rnd: Mapping[str, Any], now: dt.datetime | None = None) -> int | None:
    """Return the whole seconds left before an open round's countdown ends (rounded up), or None.

    None when the round is not open or has no countdown; 0 once the end is reached.
    """
    if rnd["status"] != "open" or rnd["closes_at"] is None:
        return None
    left = (rnd["closes_at"] - clock.stored(now or clock.now())).total_seconds()
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


@dataclass(frozen=True)
class PresentVotes:
    """Where « clore quand tout le monde a voté » stands: present participants with a ballot, and present."""

    votes: int
    present: int

    def sentence(self) -> str:
        """Return ``41 votes sur 54 présent·e·s`` (``1 vote sur 1 présent·e``)."""
        return (f"{french.plural(self.votes, 'vote', 'votes')} sur "
                f"{french.plural(self.present, 'présent·e', 'présent·e·s')}")


def present_votes(
    con: duckdb.DuckDBPyConnection, round_id: int, now: dt.datetime | None = None
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


def close_due_rounds(con: duckdb.DuckDBPyConnection, now: dt.datetime | None = None) -> list[int]:
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
    con: duckdb.DuckDBPyConnection, actor: Actor, round_id: int, visibility: str, revealed: bool = False
) -> None:
    """Show results live or hide them until the close; ``revealed`` shows a hidden round's results."""
    access.require(actor, "rounds.write")
    if visibility not in VISIBILITIES:
        raise ValidationError("Choisissez des résultats en direct ou masqués jusqu'à la clôture.")
    with db.transaction(con, db.Topic.VOTES) as cur:
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


# --- Lifecycle: rehearsal, duplicate, archive, delete, reference round ----------------------------------


def _is_reference(cur: duckdb.DuckDBPyConnection, rnd: Mapping[str, Any]) -> bool:
    row = cur.execute("SELECT reference_round_id FROM seminars WHERE id = ?", [rnd["seminar_id"]]).fetchone()
    return row is not None and row[0] == rnd["id"]


REFERENCE_FIRST = (
    "C'est le tour de référence pour le soutien aux défis : choisissez d'abord un autre tour de référence "
    "(ou revenez au choix automatique)."
)


def set_rehearsal(con: duckdb.DuckDBPyConnection, actor: Actor, round_id: int, rehearsal: bool) -> None:
    """Mark a round as a rehearsal (« tour d'essai », never used for support, reports or exports) or not.

    Refused (ValidationError) for the reference round. Possible with ballots (a rehearsal is often
    marked after the fact); audited.
    """
    access.require(actor, "rounds.write")
    with db.transaction(con, db.Topic.VOTES) as cur:
        before = round_row(cur, round_id)
        if bool(before["rehearsal"]) == rehearsal:
            return
        if rehearsal and _is_reference(cur, before):
            raise ValidationError(REFERENCE_FIRST)
        cur.execute("UPDATE rounds SET rehearsal = ? WHERE id = ?", [rehearsal, round_id])
        db.audit(cur, actor, "rounds", round_id, "rehearsal",
                 {"rehearsal": bool(before["rehearsal"])}, {"rehearsal": rehearsal})


def duplicate_round(con: duckdb.DuckDBPyConnection, actor: Actor, round_id: int, title: str) -> int:
    """Create a draft copy of a round (same rules and items, in order) titled ``title``; return its id.

    The copy is not a rehearsal, has no ballot and no countdown. Raises ValidationError (French) for a bad
    title or items deleted since.
    """
    access.require(actor, "rounds.write")
    with db.transaction(con, db.Topic.VOTES) as cur:
        source = round_row(cur, round_id)
        rules = RoundRules(
            title=title, target=source["target"], method=source["method"],
            dots_per_voter=source["dots_per_voter"], max_per_item=source["max_per_item"],
            grade_scale=source["grade_scale"], results_visibility=source["results_visibility"],
        )
        item_ids = [r[0] for r in cur.execute(
            "SELECT item_id FROM round_items WHERE round_id = ? ORDER BY position", [round_id]
        ).fetchall()]
        try:
            validate_rules(rules, item_ids)
        except ValidationError as exc:  # the copy's form has one field: say what is wrong in the message
            detail = " ".join(exc.fields.values())
            raise ValidationError(f"La copie n'est pas créée : {detail}", exc.fields) from None
        return _insert_round(cur, actor, rules, item_ids, source["seminar_id"], {"duplicate_of": round_id})


def set_archived(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    round_id: int,
    archived: bool,
    now: dt.datetime | None = None,
) -> None:
    """Archive a round (hidden everywhere, kept with its ballots) or bring it back; audited.

    Refused (ValidationError) for an open round or the reference round.
    """
    access.require(actor, "rounds.write")
    close_due_rounds(con, now)
    with db.transaction(con, db.Topic.VOTES) as cur:
        before = round_row(cur, round_id)
        if (before["archived_at"] is not None) == archived:
            return
        if archived and before["status"] == "open":
            raise ValidationError("Ce tour est ouvert : clôturez-le avant de l'archiver.")
        if archived and _is_reference(cur, before):
            raise ValidationError(REFERENCE_FIRST)
        stamp = clock.stored(now or clock.now()) if archived else None
        cur.execute("UPDATE rounds SET archived_at = ? WHERE id = ?", [stamp, round_id])
        db.audit(cur, actor, "rounds", round_id, "archive" if archived else "unarchive",
                 {"archived_at": before["archived_at"]}, {"archived_at": stamp})


def delete_round(con: duckdb.DuckDBPyConnection, actor: Actor, round_id: int) -> None:
    """Delete a round that has no ballot, with its items; the audit log keeps it (before state).

    Refused (ValidationError, French) once a ballot exists (archive it instead), for an open round and
    for the reference round. DuckDB checks a foreign key against committed rows, so the items go in a
    first transaction (with the checks and the audit entry) and the round in a second one, both under
    the write lock; a round left without items by a crash between the two is deleted by a new attempt.
    """
    access.require(actor, "rounds.write")
    close_due_rounds(con)
    with db.write_lock():
        with db.transaction(con, db.Topic.VOTES) as cur:
            before = round_row(cur, round_id)
            if _ballot_count(cur, round_id):
                raise ValidationError(
                    "Ce tour a reçu des bulletins : il ne peut pas être supprimé. Archivez-le pour le "
                    "masquer (il reste conservé)."
                )
            if before["status"] == "open":
                raise ValidationError("Ce tour est ouvert : clôturez-le avant de le supprimer.")
            if _is_reference(cur, before):
                raise ValidationError(REFERENCE_FIRST)
            items = [r[0] for r in cur.execute(
                "SELECT item_id FROM round_items WHERE round_id = ? ORDER BY position", [round_id]
            ).fetchall()]
            cur.execute("DELETE FROM round_items WHERE round_id = ?", [round_id])
            db.audit(cur, actor, "rounds", round_id, "delete", {**before, "items": items}, None)
        with db.transaction(con, db.Topic.VOTES) as cur:
            cur.execute("DELETE FROM rounds WHERE id = ?", [round_id])


def set_reference_round(
    con: duckdb.DuckDBPyConnection, actor: Actor, round_id: int | None, seminar_id: int = DEFAULT_SEMINAR
) -> None:
    """Choose the round on défis that gives support (``None``: back to the automatic choice); audited.

    Refused (ValidationError, French) for a round on solutions, a rehearsal or an archived round. The
    choice is read by :func:`labo_dash.signature.support_round`.
    """
    access.require(actor, "rounds.write")
    with db.transaction(con, db.Topic.VOTES, db.Topic.SETTINGS) as cur:
        if round_id is not None:
            rnd = round_row(cur, round_id)
            if rnd["seminar_id"] != seminar_id:
                raise NotFound("Ce tour de vote n'existe pas (ou plus) : rechargez la page.")
            if rnd["target"] != "challenges":
                raise ValidationError("Le tour de référence donne le soutien aux défis : choisissez un tour "
                                      "sur les défis.")
            if rnd["rehearsal"]:
                raise ValidationError("Un tour d'essai ne peut pas servir de référence : retirez-lui d'abord "
                                      "la mention « tour d'essai ».")
            if rnd["archived_at"] is not None:
                raise ValidationError("Ce tour est archivé : désarchivez-le pour en faire la référence.")
        row = cur.execute("SELECT reference_round_id FROM seminars WHERE id = ?", [seminar_id]).fetchone()
        if row is None:
            raise NotFound("Ce séminaire n'existe pas.")
        if row[0] == round_id:
            return
        cur.execute("UPDATE seminars SET reference_round_id = ? WHERE id = ?", [round_id, seminar_id])
        db.audit(cur, actor, "seminars", seminar_id, "reference_round",
                 {"reference_round_id": row[0]}, {"reference_round_id": round_id})


def results_visible(round_row: Mapping[str, Any]) -> bool:
    """Tell whether the public may see a round's results (live, or hidden but revealed after the close)."""
    return round_row["results_visibility"] == "live" or bool(round_row["revealed"])


def get_round(con: duckdb.DuckDBPyConnection, round_id: int) -> dict[str, Any]:
    """Return a round (archived ones too) with its number of voters and ``reference``, or raise NotFound."""
    close_due_rounds(con)
    rows = db.query(con, _ROUNDS_SQL + "WHERE r.id = ?", [round_id])
    if not rows:
        raise NotFound("Ce tour de vote n'existe pas (ou plus) : rechargez la page.")
    return rows[0]


def list_rounds(
    con: duckdb.DuckDBPyConnection, seminar_id: int = DEFAULT_SEMINAR, include_archived: bool = False
) -> list[dict[str, Any]]:
    """Return the seminar's rounds, the most recent first, with their number of voters.

    Archived rounds are left out unless ``include_archived``. Each row also has ``reference`` (True for
    the seminar's reference round for support).
    """
    close_due_rounds(con)
    return db.query(
        con,
        _ROUNDS_SQL + "WHERE r.seminar_id = ? AND (? OR r.archived_at IS NULL) ORDER BY r.id DESC",
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


def open_round(con: duckdb.DuckDBPyConnection, seminar_id: int = DEFAULT_SEMINAR) -> dict[str, Any] | None:
    """Return the round open for voting, if any."""
    close_due_rounds(con)
    rows = db.query(con, _ROUNDS_SQL + "WHERE r.seminar_id = ? AND r.status = 'open'", [seminar_id])
    return rows[0] if rows else None


def projected_round(
    con: duckdb.DuckDBPyConnection, seminar_id: int = DEFAULT_SEMINAR
) -> dict[str, Any] | None:
    """Return the round to project: the open one, else the last closed, else the last prepared.

    Archived rounds are never projected (a rehearsal is: that is what it is for).
    """
    close_due_rounds(con)
    rows = db.query(
        con,
        _ROUNDS_SQL + "WHERE r.seminar_id = ? AND r.archived_at IS NULL "
        "ORDER BY CASE r.status WHEN 'open' THEN 0 WHEN 'closed' THEN 1 "
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
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
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
