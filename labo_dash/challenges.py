"""Défis (challenges) formulated from the findings: weights over the objectives and provenance.

Weights are percentages in the interface (summing to 100 to within WEIGHTS_TOLERANCE, read and added
exactly as Decimal by :mod:`labo_dash.parsing`: « 33,33 », « 40 % ») and fractions in the database
(summing to 1, only the non-zero ones stored). The suggestion from a défi's findings splits each finding
evenly over its objectives. A défi already put to a vote cannot be deleted. Every write checks
``diagnosis.write`` and is recorded in the audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Required, TypedDict, Unpack

from labo_dash import db, french, seminar
from labo_dash.access import Actor, Permission, require
from labo_dash.diagnosis import SESSION, FindingKind, get_finding
from labo_dash.errors import NotFound, ValidationError
from labo_dash.imports import header_key
from labo_dash.parsing import NumberError, parse_percent, typed

MAX_TITLE = 150
MAX_DESCRIPTION = 2000
Weight = str | float | Decimal | None  # a weight in % as typed (« 40,5 ») or read from a file; None: 0
WEIGHTS_TOLERANCE = Decimal("0.01")  # percentage points: 33,33 × 3 = 99,99 is accepted, 99,98 is not


def round_percentages(shares: Mapping[int, float]) -> dict[int, int]:
    """Round positive shares to whole percentages summing to exactly 100 (largest remainders)."""
    total = sum(v for v in shares.values() if v > 0)
    if total <= 0:
        return {}
    exact = {k: v * 100 / total for k, v in shares.items() if v > 0}
    rounded = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: (rounded[k] - exact[k], k))[: 100 - sum(rounded.values())]:
        rounded[k] += 1
    return rounded


def suggest_weights(con: db.Connection, finding_ids: Sequence[int]) -> dict[int, int]:
    """Suggest weights (objective id -> whole %) from findings: each finding splits 1 over its objectives."""
    shares: dict[int, float] = {}
    for finding_id in finding_ids:
        objective_ids = get_finding(con, finding_id).objective_ids
        for objective_id in objective_ids:
            shares[objective_id] = shares.get(objective_id, 0.0) + 1 / len(objective_ids)
    return round_percentages(shares)


def read_weights(
    weights: Mapping[int, Weight], labels: Mapping[int, str] | None = None
) -> dict[int, Decimal]:
    """Return each objective's weight in % read exactly (« 33,33 », « 40 % », 40.0; blank is 0).

    Raises NumberError (French, quoting what was read) naming every value that is not a number from 0 to
    100, each with its objective when ``labels`` (objective id -> « objectif 2 · Financement ») is given.
    """
    read, errors = {}, []
    for objective, value in weights.items():
        label = f"Pondération ({labels[objective]})" if labels and objective in labels else "Pondération"
        try:
            read[objective] = parse_percent(value, label) or Decimal(0)
        except NumberError as exc:
            errors.append(str(exc))
    if errors:
        raise NumberError(" ".join(errors))
    return read


def weights_total(weights: Mapping[int, Any]) -> Decimal | None:
    """Return the exact total of weights in % (Decimal), or None when one of them cannot be read."""
    try:
        return sum(read_weights(weights).values(), Decimal(0))
    except NumberError:
        return None


def weights_error(weights: Mapping[int, Weight], labels: Mapping[int, str] | None = None) -> str | None:
    """Return the French message for weights (in %) out of range or not summing to 100, else None.

    The total is exact (Decimal) and must be 100 % to within WEIGHTS_TOLERANCE (0,01 point); every
    unreadable value is named, with its objective when ``labels`` is given (see :func:`read_weights`).
    """
    try:
        total = sum(read_weights(weights, labels).values(), Decimal(0))
    except NumberError as exc:  # also refuses NaN ("nan" in an imported file) and values above 100
        return str(exc)
    if abs(total - 100) > WEIGHTS_TOLERANCE:
        return (f"Les pondérations totalisent {typed(total)} % : elles doivent faire 100 % "
                f"(à {typed(WEIGHTS_TOLERANCE)} point près).")
    return None


@dataclass(frozen=True, slots=True)
class CheckedChallenge:
    """A défi's checked values (:func:`validate_challenge`): ``weights`` objective id -> fraction (0-1,
    summing to 1, objectives weighted 0 left out), ``finding_ids`` sorted."""

    title: str
    description: str | None
    workshop_id: int | None
    weights: dict[int, float]
    finding_ids: list[int]


def validate_challenge(
    con: db.Connection,
    *,
    title: str | None,
    description: str | None,
    workshop_id: int | None,
    weights: Mapping[int, Weight],
    finding_ids: Sequence[int] = (),
    seminar_id: int = seminar.DEFAULT_SEMINAR,
    challenge_id: int | None = None,
) -> CheckedChallenge:
    """Return a défi's cleaned values, or raise ValidationError with one French message per field."""
    errors: dict[str, str] = {}
    title, description = (title or "").strip(), (description or "").strip() or None
    if not title:
        errors["title"] = "Donnez un titre au défi."
    elif len(title) > MAX_TITLE:
        errors["title"] = french.too_long("Le titre", title, MAX_TITLE)
    elif any(
        header_key(c.title) == header_key(title) and c.id != challenge_id
        for c in list_challenges(con, seminar_id)
    ):
        errors["title"] = "Un autre défi porte déjà ce titre."
    if description and len(description) > MAX_DESCRIPTION:
        errors["description"] = (
            french.too_long("La description", description, MAX_DESCRIPTION)
        )
    if workshop_id is not None and workshop_id not in {
        w.id for w in seminar.workshops(con, seminar_id, SESSION)
    }:
        errors["workshop"] = "Choisissez un atelier du matin."
    labels = {
        o.id: f"objectif {o.number} · {o.short_label}" for o in seminar.objectives(con, seminar_id)
    }
    if not set(weights) <= set(labels):
        errors["weights"] = "Objectif inconnu : les pondérations portent sur les cinq objectifs du séminaire."
    else:
        message = weights_error(weights, labels)
        if message:
            errors["weights"] = message
    finding_ids = sorted(set(finding_ids))
    for finding_id in finding_ids:
        try:
            finding = get_finding(con, finding_id)
        except NotFound:
            finding = None
        if finding is None or finding.seminar_id != seminar_id or finding.deleted_at is not None:
            errors["findings"] = f"Le constat n° {finding_id} n'existe pas ou a été supprimé."
    if errors:
        raise ValidationError("Le défi n'est pas enregistré : corrigez les champs signalés.", errors)
    read = read_weights(weights)
    total = sum(read.values(), Decimal(0))
    return CheckedChallenge(
        title, description, workshop_id,
        weights={o: float(w / total) for o, w in sorted(read.items()) if w > 0}, finding_ids=finding_ids,
    )


def _write_links(cur: db.Cursor, challenge_id: int, values: CheckedChallenge) -> None:
    cur.execute("DELETE FROM challenge_objectives WHERE challenge_id = ?", [challenge_id])
    cur.execute("DELETE FROM challenge_findings WHERE challenge_id = ?", [challenge_id])
    cur.execute(
        "INSERT INTO challenge_objectives (challenge_id, objective_id, weight) "
        "SELECT ?, unnest(?), unnest(?)",
        [challenge_id, list(values.weights), list(values.weights.values())],
    )
    cur.execute(
        "INSERT INTO challenge_findings (challenge_id, finding_id) SELECT ?, unnest(?)",
        [challenge_id, values.finding_ids],
    )


class ChallengeFields(TypedDict, total=False):
    """A défi's fields as typed or imported, checked by :func:`validate_challenge`."""

    title: Required[str | None]
    description: str | None
    workshop_id: int | None
    weights: Required[Mapping[int, Weight]]  # in % by objective id
    finding_ids: Sequence[int]


def create_challenge(
    con: db.Connection, actor: Actor, *, seminar_id: int = seminar.DEFAULT_SEMINAR,
    **fields: Unpack[ChallengeFields],
) -> int:
    """Save a new défi; return its id. Raises PermissionDenied, or ValidationError with one French message
    per field."""
    require(actor, Permission.DIAGNOSIS_WRITE)
    values = validate_challenge(con, seminar_id=seminar_id, **fields)
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
        [(challenge_id,)] = cur.execute(
            "INSERT INTO challenges (seminar_id, workshop_id, title, description) VALUES (?, ?, ?, ?) "
            "RETURNING id",
            [seminar_id, values.workshop_id, values.title, values.description],
        ).fetchall()
        _write_links(cur, challenge_id, values)
        db.audit(cur, actor, "challenge", challenge_id, "create", None, asdict(values))
    return challenge_id


@dataclass(frozen=True, slots=True)
class Challenge:
    """An active défi: ``weights`` objective id -> % (2 decimals, objectives weighted 0 left out),
    ``finding_ids`` its provenance in id order, ``created_at`` UTC."""

    id: int
    seminar_id: int
    workshop_id: int | None
    title: str
    description: str | None
    selected: bool
    created_at: dt.datetime
    weights: dict[int, float]
    finding_ids: list[int]


def get_challenge(con: db.Connection, challenge_id: int) -> Challenge:
    """Return an active défi with its weights and finding ids, or raise NotFound."""
    row = db.query_one(
        con, "SELECT id, seminar_id, workshop_id, title, description, selected, created_at FROM challenges "
        "WHERE id = ? AND deleted_at IS NULL", [challenge_id],
        f"Le défi n° {challenge_id} n'existe pas ou a été supprimé.",
    )
    weights = db.query(con, "SELECT objective_id, weight FROM challenge_objectives WHERE challenge_id = ? "
                       "ORDER BY objective_id", [challenge_id])
    findings = db.query(con, "SELECT finding_id FROM challenge_findings WHERE challenge_id = ? "
                        "ORDER BY finding_id", [challenge_id])
    return Challenge(
        **row, weights={r["objective_id"]: round(r["weight"] * 100, 2) for r in weights},
        finding_ids=[r["finding_id"] for r in findings],
    )


def _snapshot(challenge: Challenge) -> dict[str, Any]:
    keys = ("title", "description", "workshop_id", "weights", "finding_ids")
    return {k: value for k, value in asdict(challenge).items() if k in keys}


def update_challenge(
    con: db.Connection, actor: Actor, challenge_id: int, **fields: Unpack[ChallengeFields]
) -> None:
    """Replace a défi's title, description, weights (in %) and findings (its workshop stays)."""
    require(actor, Permission.DIAGNOSIS_WRITE)
    before = get_challenge(con, challenge_id)
    values = validate_challenge(
        con, seminar_id=before.seminar_id, challenge_id=challenge_id, **fields
    )
    if values.workshop_id != before.workshop_id:
        # DuckDB cannot update a foreign-key column of a row that other rows (weights, votes) reference.
        raise ValidationError(
            "Le défi n'est pas enregistré : corrigez les champs signalés.",
            {"workshop": "L'atelier d'origine d'un défi ne change pas après sa création : "
                         "recréez le défi s'il vient d'un autre atelier."},
        )
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
        cur.execute(
            "UPDATE challenges SET title = ?, description = ? WHERE id = ?",
            [values.title, values.description, challenge_id],
        )
        _write_links(cur, challenge_id, values)
        db.audit(cur, actor, "challenge", challenge_id, "update", _snapshot(before), asdict(values))


def delete_challenge(con: db.Connection, actor: Actor, challenge_id: int) -> None:
    """Delete a défi (soft), unless it has already been put to a vote."""
    require(actor, Permission.DIAGNOSIS_WRITE)
    before = get_challenge(con, challenge_id)
    in_rounds = db.query(
        con,
        "SELECT count(*) AS n FROM round_items i JOIN rounds r ON r.id = i.round_id "
        "WHERE r.target = 'challenges' AND i.item_id = ?",
        [challenge_id],
    )[0]["n"]
    if in_rounds:
        raise ValidationError(
            "Ce défi a déjà été soumis à un tour de vote : il ne peut plus être supprimé "
            "(modifiez-le plutôt).", {"challenge": "Défi déjà soumis au vote."}
        )
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
        cur.execute("UPDATE challenges SET deleted_at = current_timestamp WHERE id = ?", [challenge_id])
        db.audit(cur, actor, "challenge", challenge_id, "delete", _snapshot(before), None)


@dataclass(frozen=True, slots=True)
class ListedChallenge:
    """An active défi as listed (:func:`list_challenges`): its workshop's number and title (None for a défi
    of several workshops), ``weights`` objective number -> fraction, ``created_at`` UTC."""

    id: int
    title: str
    description: str | None
    workshop_id: int | None
    workshop_number: int | None
    workshop_title: str | None
    selected: bool
    created_at: dt.datetime
    weights: dict[int, float]
    finding_count: int


def list_challenges(
    con: db.Connection, seminar_id: int = seminar.DEFAULT_SEMINAR
) -> list[ListedChallenge]:
    """Return the active défis in creation order, with weights {objective number: fraction}."""
    rows = db.query(
        con,
        """
        SELECT c.id, c.title, c.description, c.workshop_id, w.number AS workshop_number,
               w.title AS workshop_title, c.selected, c.created_at,
               (SELECT list(o.number ORDER BY o.number)
                  FROM challenge_objectives co JOIN objectives o ON o.id = co.objective_id
                  WHERE co.challenge_id = c.id) AS weight_numbers,
               (SELECT list(co.weight ORDER BY o.number)
                  FROM challenge_objectives co JOIN objectives o ON o.id = co.objective_id
                  WHERE co.challenge_id = c.id) AS weight_values,
               (SELECT count(*) FROM challenge_findings cf WHERE cf.challenge_id = c.id) AS finding_count
        FROM challenges c LEFT JOIN workshops w ON w.id = c.workshop_id
        WHERE c.seminar_id = ? AND c.deleted_at IS NULL
        ORDER BY c.created_at, c.id
        """,
        [seminar_id],
    )
    return [ListedChallenge(**_with_weights(row)) for row in rows]


def _with_weights(row: dict[str, Any]) -> dict[str, Any]:
    """The row with ``weights`` {objective number: fraction} from its two lists (numbers, weights)."""
    numbers, values = row.pop("weight_numbers") or [], row.pop("weight_values") or []
    return {**row, "weights": dict(zip(numbers, values, strict=True))}


@dataclass(frozen=True, slots=True)
class Origin:
    """A finding a défi comes from (:func:`provenance`): ``deleted`` or ``merged_into`` another since,
    ``source_texts`` the texts merged into it, oldest first."""

    id: int
    kind: FindingKind
    text: str
    group_label: str | None
    workshop_number: int
    merged_into: int | None
    deleted: bool
    source_texts: list[str]


def provenance(con: db.Connection, challenge_id: int) -> list[Origin]:
    """Return the findings a défi comes from, with their state and, for merged ones, their sources."""
    return provenances(con, [challenge_id])[challenge_id]


def provenances(con: db.Connection, challenge_ids: list[int]) -> dict[int, list[Origin]]:
    """Return :func:`provenance` for several défis in one query: {challenge id: findings, by finding id}."""
    rows = db.query(
        con,
        """
        SELECT cf.challenge_id, f.id, f.kind, f.text, f.group_label, w.number AS workshop_number,
               f.merged_into, f.deleted_at IS NOT NULL AS deleted,
               list(s.text ORDER BY s.id) FILTER (s.id IS NOT NULL) AS source_texts
        FROM challenge_findings cf
        JOIN findings f ON f.id = cf.finding_id
        JOIN workshops w ON w.id = f.workshop_id
        LEFT JOIN findings s ON s.merged_into = f.id
        WHERE list_contains(?, cf.challenge_id)
        GROUP BY ALL ORDER BY cf.challenge_id, f.id
        """,
        [list(challenge_ids)],
    )
    found: dict[int, list[Origin]] = {int(i): [] for i in challenge_ids}
    for row in rows:
        found[int(row.pop("challenge_id"))].append(
            Origin(**{**row, "kind": FindingKind(row["kind"]), "source_texts": row["source_texts"] or []})
        )
    return found
