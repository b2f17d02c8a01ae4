"""The territory barometer: where each participant's territory stands on each of the five objectives.

A rating is a score from 1 (nothing exists yet) to 5 (exemplary), or ``None`` for "je ne sais pas".
A participant known by their id has one current set of ratings: rating again replaces it. Ratings
entered for someone without a personal link are anonymous and carry the participant type and the
territory given with them. Aggregates count, per objective and score, the current ratings, optionally
of one participant type or territory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from labo_dash import db, french, seminar
from labo_dash.access import Actor, Permission, require
from labo_dash.errors import ValidationError
from labo_dash.french import PARTICIPANT_KINDS

SCORES = {
    1: "Rien n'existe",
    2: "Premiers pas",
    3: "En construction",
    4: "Bien engagé",
    5: "Exemplaire",
}
DONT_KNOW = "Je ne sais pas"
QUESTION = "Où en est votre territoire sur cet objectif ?"
MAX_TERRITORY = 80


def rate(
    con: db.Connection,
    actor: Actor,
    ratings: Mapping[int, int | None],
    *,
    participant_id: int | None = None,
    participant_kind: str | None = None,
    territory: str | None = None,
    seminar_id: int = seminar.DEFAULT_SEMINAR,
) -> None:
    """Record ratings {objective id: 1..5 or None}; a known participant's replace their previous ones."""
    require(actor, Permission.BAROMETER_RATE)
    errors: dict[str, str] = {}
    known = {o.id for o in seminar.objectives(con, seminar_id)}
    if not ratings:
        errors["ratings"] = "Répondez pour au moins un objectif (ou « je ne sais pas »)."
    elif not set(ratings) <= known:
        errors["ratings"] = "Objectif inconnu : le baromètre porte sur les cinq objectifs du séminaire."
    elif any(score is not None and score not in SCORES for score in ratings.values()):
        errors["ratings"] = "Chaque note va de 1 à 5 (ou « je ne sais pas »)."
    if participant_id is not None:
        person = db.query_one(
            con, "SELECT kind, territory FROM participants WHERE id = ? AND seminar_id = ?",
            [participant_id, seminar_id],
            "Participant·e inconnu·e : votre lien personnel n'est plus valable.",
        )
        participant_kind, territory = person["kind"], person["territory"]
    else:
        territory = (territory or "").strip() or None
        if participant_kind and participant_kind not in PARTICIPANT_KINDS:
            errors["participant_kind"] = "Type de participant inconnu."
        if territory and len(territory) > MAX_TERRITORY:
            errors["territory"] = french.too_long("Le territoire", territory, MAX_TERRITORY)
    if errors:
        raise ValidationError("Vos réponses ne sont pas enregistrées : corrigez les champs signalés.", errors)
    objective_ids = sorted(ratings)
    scores = [ratings[o] for o in objective_ids]
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
        before = None
        if participant_id is not None:
            before = dict(cur.execute(
                "SELECT objective_id, score FROM barometer_ratings WHERE participant_id = ?", [participant_id]
            ).fetchall())
            cur.execute("DELETE FROM barometer_ratings WHERE participant_id = ?", [participant_id])
        cur.execute(
            "INSERT INTO barometer_ratings (seminar_id, participant_id, participant_kind, territory, "
            "objective_id, score) SELECT ?, ?, ?, ?, unnest(?), unnest(?)",
            [seminar_id, participant_id, participant_kind or None, territory, objective_ids, scores],
        )
        after = {
            "ratings": dict(zip(objective_ids, scores, strict=True)),
            "participant_kind": participant_kind,
            "territory": territory,
        }
        db.audit(cur, actor, "barometer", participant_id, "update" if before else "create",
                 {"ratings": before} if before else None, after)


def ratings_of(con: db.Connection, participant_id: int) -> dict[int, int | None]:
    """Return a participant's current ratings {objective id: score or None}."""
    rows = db.query(
        con, "SELECT objective_id, score FROM barometer_ratings WHERE participant_id = ?", [participant_id]
    )
    return {r["objective_id"]: r["score"] for r in rows}


def distribution(
    con: db.Connection,
    seminar_id: int = seminar.DEFAULT_SEMINAR,
    *,
    participant_kind: str | None = None,
    territory: str | None = None,
) -> pd.DataFrame:
    """Count ratings per objective and score (0 = je ne sais pas), every pair present, zeros included."""
    return db.query_df(
        con,
        """
        SELECT o.number, o.short_label, s.score, count(r.id) AS ratings
        FROM objectives o
        CROSS JOIN (SELECT unnest([0, 1, 2, 3, 4, 5]) AS score) s
        LEFT JOIN barometer_ratings r ON r.objective_id = o.id AND coalesce(r.score, 0) = s.score
             AND (? IS NULL OR r.participant_kind = ?) AND (? IS NULL OR r.territory = ?)
        WHERE o.seminar_id = ?
        GROUP BY ALL ORDER BY o.number, s.score
        """,
        [participant_kind, participant_kind, territory, territory, seminar_id],
    )


def respondents(
    con: db.Connection,
    seminar_id: int = seminar.DEFAULT_SEMINAR,
    *,
    participant_kind: str | None = None,
    territory: str | None = None,
) -> int:
    """Return how many people answered: known participants once, each anonymous set once.

    An anonymous set is recognised by its timestamp: its rows are written in one transaction, and the
    writes are serialised, so two sets never share one.
    """
    return db.query(
        con,
        "SELECT count(DISTINCT coalesce(participant_id::VARCHAR, created_at::VARCHAR)) AS n "
        "FROM barometer_ratings WHERE seminar_id = ? AND (? IS NULL OR participant_kind = ?) "
        "AND (? IS NULL OR territory = ?)",
        [seminar_id, participant_kind, participant_kind, territory, territory],
    )[0]["n"]


def territories(con: db.Connection, seminar_id: int = seminar.DEFAULT_SEMINAR) -> list[str]:
    """Return the territories that have ratings, alphabetically."""
    rows = db.query(
        con,
        "SELECT DISTINCT territory FROM barometer_ratings WHERE seminar_id = ? AND territory IS NOT NULL "
        "ORDER BY territory",
        [seminar_id],
    )
    return [r["territory"] for r in rows]


@dataclass(frozen=True, slots=True)
class ObjectiveRatings:
    """The barometer's answers on one objective (:func:`summary`): ``rated`` answers scored 1-5,
    ``dont_know`` « je ne sais pas », ``mean`` score (1-5) and ``advanced`` share scoring 4 or 5 (a fraction),
    both None without a score."""

    number: int
    short_label: str
    rated: int
    dont_know: int
    mean: float | None
    advanced: float | None


def summary(distribution_df: pd.DataFrame) -> list[ObjectiveRatings]:
    """Return per objective, by number, the answers of :func:`distribution`'s frame."""
    result = []
    for (number, label), group in distribution_df.groupby(["number", "short_label"], sort=True):
        counts = {int(s): int(n) for s, n in zip(group["score"], group["ratings"], strict=True)}
        rated = sum(counts.get(s, 0) for s in SCORES)
        result.append(ObjectiveRatings(
            number=int(number), short_label=label, rated=rated, dont_know=counts.get(0, 0),
            mean=sum(s * counts.get(s, 0) for s in SCORES) / rated if rated else None,
            advanced=(counts.get(4, 0) + counts.get(5, 0)) / rated if rated else None,
        ))
    return result
