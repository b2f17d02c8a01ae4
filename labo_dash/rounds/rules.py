"""A round's rules and items: validation (every fault at once), creation, change, défis selected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any, Self

from labo_dash import access, db, french
from labo_dash.access import Actor, Permission
from labo_dash.errors import NotFound, ValidationError
from labo_dash.majority import GRADE_SCALES
from labo_dash.parsing import NumberError, parse_integer
from labo_dash.seminar import DEFAULT_SEMINAR


class VotingMethod(StrEnum):
    """A round's voting method (``rounds.method``); French labels in :data:`METHODS`."""

    DOTS = "dots"
    MAJORITY_JUDGMENT = "majority_judgment"
    APPROVAL = "approval"


class RoundStatus(StrEnum):
    """A round's state (``rounds.status``); French labels in :data:`STATUSES`."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Visibility(StrEnum):
    """When a round's results show (``rounds.results_visibility``); French labels in :data:`VISIBILITIES`."""

    LIVE = "live"
    HIDDEN = "hidden"


METHODS: dict[str, str] = {
    VotingMethod.DOTS: "Gommettes",
    VotingMethod.MAJORITY_JUDGMENT: "Jugement majoritaire",
    VotingMethod.APPROVAL: "Approbation",
}
TARGETS = {"challenges": "Défis", "solutions": "Solutions"}
STATUSES: dict[str, str] = {
    RoundStatus.DRAFT: "En préparation", RoundStatus.OPEN: "Ouvert", RoundStatus.CLOSED: "Clos",
}
VISIBILITIES: dict[str, str] = {
    Visibility.LIVE: "En direct", Visibility.HIDDEN: "Masqués jusqu'à la révélation",
}
TITLE_MAX = 200


@dataclass(frozen=True, slots=True)
class RoundRules:
    """What organisers choose for a round; locked once its first ballot exists."""

    title: str
    target: str = "challenges"
    method: str = "dots"
    dots_per_voter: int = 3
    max_per_item: int = 1
    grade_scale: int = 5
    results_visibility: str = "live"


@dataclass(frozen=True, slots=True)
class Round:
    """A round as stored (``rounds``); times are naive UTC, as stored (:func:`labo_dash.clock.stored`)."""

    id: int
    seminar_id: int
    title: str
    target: str
    method: VotingMethod
    dots_per_voter: int
    max_per_item: int
    grade_scale: int
    status: RoundStatus
    results_visibility: Visibility
    revealed: bool
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime
    rehearsal: bool
    archived_at: dt.datetime | None
    closes_at: dt.datetime | None
    close_when_all_voted: bool

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """Build the record (or a subclass's) from a row holding its columns; the only place that does."""
        values = {field.name: row[field.name] for field in fields(cls)}
        values.update(
            method=VotingMethod(row["method"]), status=RoundStatus(row["status"]),
            results_visibility=Visibility(row["results_visibility"]), revealed=bool(row["revealed"]),
            rehearsal=bool(row["rehearsal"]), close_when_all_voted=bool(row["close_when_all_voted"]),
        )
        return cls(**values)

    def rules(self, title: str | None = None) -> RoundRules:
        """Return the round's rules (under ``title`` when given, as a duplicate is)."""
        return RoundRules(
            title=self.title if title is None else title, target=self.target, method=self.method,
            dots_per_voter=self.dots_per_voter, max_per_item=self.max_per_item,
            grade_scale=self.grade_scale, results_visibility=self.results_visibility,
        )


@dataclass(frozen=True, slots=True)
class CandidateItem:
    """What a round may be on (:func:`candidate_items`): a live défi, or a live solution with its défi."""

    id: int
    title: str
    description: str | None
    selected: bool
    challenge: str | None


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
    con: db.Connection, target: str, seminar_id: int = DEFAULT_SEMINAR
) -> list[CandidateItem]:
    """Return what a round may be on: the live défis, or the live solutions with their défi."""
    return [CandidateItem(**row) for row in db.query(con, _CANDIDATES[target], [seminar_id])]


_CANDIDATES = {
    "challenges": "SELECT id, title, description, selected, NULL AS challenge FROM challenges "
    "WHERE seminar_id = ? AND deleted_at IS NULL ORDER BY id",
    "solutions": "SELECT s.id, s.title, s.description, c.selected, c.title AS challenge FROM solutions s "
    "JOIN challenges c ON c.id = s.challenge_id WHERE s.seminar_id = ? AND s.deleted_at IS NULL "
    "ORDER BY s.challenge_id, s.id",
}


def _check_items(
    cur: db.Cursor, seminar_id: int, target: str, item_ids: Sequence[int]
) -> None:
    known = {row[0] for row in cur.execute(_CANDIDATES[target], [seminar_id]).fetchall()}
    unknown = [i for i in item_ids if i not in known]
    if unknown:
        raise ValidationError(
            "Certains éléments choisis n'existent plus : rechargez la page.",
            {"items": f"Éléments introuvables : {', '.join(map(str, unknown))}."},
        )


def _write_items(cur: db.Cursor, round_id: int, item_ids: Sequence[int]) -> None:
    cur.execute("DELETE FROM round_items WHERE round_id = ?", [round_id])
    cur.execute(
        "INSERT INTO round_items (round_id, item_id, position) "
        "SELECT ?, unnest(?::INTEGER[]), unnest(?::INTEGER[])",
        [round_id, list(item_ids), list(range(1, len(item_ids) + 1))],
    )


def create_round(
    con: db.Connection,
    actor: Actor,
    rules: RoundRules,
    item_ids: Sequence[int],
    seminar_id: int = DEFAULT_SEMINAR,
) -> int:
    """Create a round in preparation (draft) on ``item_ids``, in that order; return its id."""
    access.require(actor, Permission.ROUNDS_WRITE)
    validate_rules(rules, item_ids)
    with db.transaction(con, db.Topic.VOTES) as cur:
        return insert_round(cur, actor, rules, item_ids, seminar_id, {})


def insert_round(
    cur: db.Cursor,
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
    ).fetchall()[0][0]
    _write_items(cur, round_id, item_ids)
    db.audit(cur, actor, "rounds", round_id, "create", None,
             {**asdict(rules), "items": list(item_ids), **audited})
    return round_id


def round_row(cur: db.Cursor, round_id: int) -> Round:
    """Return the round's row read on ``cur`` (inside the caller's transaction), or raise NotFound."""
    cur.execute("SELECT * FROM rounds WHERE id = ?", [round_id])
    row = cur.fetchone()
    if row is None:
        raise NotFound("Ce tour de vote n'existe pas (ou plus) : rechargez la page.")
    return Round.from_row(dict(zip([d[0] for d in cur.description], row, strict=True)))


def unvoted_row(cur: db.Cursor, round_id: int, refusal: str) -> Round:
    """Return the round's row read on ``cur`` (:func:`round_row`); raise ValidationError(``refusal``) once
    the round has a ballot."""
    before = round_row(cur, round_id)
    if cur.execute("SELECT 1 FROM ballots WHERE round_id = ? LIMIT 1", [round_id]).fetchall():
        raise ValidationError(refusal)
    return before


def update_round(
    con: db.Connection, actor: Actor, round_id: int, rules: RoundRules, item_ids: Sequence[int]
) -> None:
    """Change a round's rules and items; refused once a ballot exists (the rules are then locked)."""
    access.require(actor, Permission.ROUNDS_WRITE)
    validate_rules(rules, item_ids)
    with db.transaction(con, db.Topic.VOTES) as cur:
        before = unvoted_row(
            cur, round_id, "Les règles de ce tour sont verrouillées : des bulletins ont déjà été déposés. "
            "Créez un nouveau tour si vous devez changer de méthode ou d'éléments.",
        )
        _check_items(cur, before.seminar_id, rules.target, item_ids)
        cur.execute(
            "UPDATE rounds SET title = ?, target = ?, method = ?, dots_per_voter = ?, max_per_item = ?, "
            "grade_scale = ?, results_visibility = ? WHERE id = ?",
            [rules.title.strip(), rules.target, rules.method, rules.dots_per_voter, rules.max_per_item,
             rules.grade_scale, rules.results_visibility, round_id],
        )
        _write_items(cur, round_id, item_ids)
        db.audit(cur, actor, "rounds", round_id, "update", asdict(before),
                 {**asdict(rules), "items": list(item_ids)})


def select_challenges(
    con: db.Connection,
    actor: Actor,
    challenge_ids: Sequence[int],
    seminar_id: int = DEFAULT_SEMINAR,
) -> None:
    """Mark exactly ``challenge_ids`` as the défis selected for the afternoon workshops."""
    access.require(actor, Permission.ROUNDS_WRITE)
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
