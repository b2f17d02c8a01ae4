"""The shared diagnosis: findings (freins, leviers, constats) captured live per morning workshop.

A finding is tied to one or more objectives. Merging findings creates a new finding whose sources are
the merged ones (``merged_into`` points at it: nothing is lost, the sources stay readable). Deleting
is soft (``deleted_at``). The défis formulated from findings live in :mod:`labo_dash.challenges`.
Every write checks ``diagnosis.write`` and is recorded in the audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, TypedDict

import pandas as pd

from labo_dash import db, french, seminar
from labo_dash.access import Actor, Permission, require
from labo_dash.errors import NotFound, ValidationError
from labo_dash.french import PARTICIPANT_KINDS


class FindingKind(StrEnum):
    """The kind of a finding, as stored in ``findings.kind``; French labels in
    :data:`labo_dash.french.FINDING_KINDS`."""

    OBSTACLE = "frein"
    LEVER = "levier"
    OBSERVATION = "constat"


MAX_TEXT = 500
MAX_GROUP = 80
SESSION = "matin"  # findings and défis come from the morning workshops


def _clean(value: str | None) -> str:
    """Return text without surrounding blanks (line breaks inside are kept)."""
    return (value or "").strip()


def validate_finding(
    con: db.Connection,
    *,
    workshop_id: int | None,
    kind: str | None,
    text: str | None,
    objective_ids: Iterable[int],
    group_label: str | None = None,
    participant_kind: str | None = None,
    seminar_id: int = seminar.DEFAULT_SEMINAR,
) -> dict[str, Any]:
    """Return the cleaned values of a finding, or raise ValidationError with one message per field."""
    errors: dict[str, str] = {}
    text, group = _clean(text), _clean(group_label) or None
    objective_ids = sorted(set(objective_ids or ()))
    if workshop_id not in {w.id for w in seminar.workshops(con, seminar_id, SESSION)}:
        errors["workshop"] = "Choisissez l'atelier du matin où ce constat a été formulé."
    if kind not in set(FindingKind):
        errors["kind"] = "Choisissez le type : frein, levier ou constat."
    if not text:
        errors["text"] = "Le texte est vide : écrivez ce qui a été dit."
    elif len(text) > MAX_TEXT:
        errors["text"] = french.too_long("Le texte", text, MAX_TEXT)
    known = {o.id for o in seminar.objectives(con, seminar_id)}
    if not objective_ids:
        errors["objectives"] = "Choisissez au moins un des cinq objectifs."
    elif not set(objective_ids) <= known:
        errors["objectives"] = "Objectif inconnu : choisissez parmi les cinq objectifs du séminaire."
    if group and len(group) > MAX_GROUP:
        errors["group"] = french.too_long("La table ou le groupe", group, MAX_GROUP)
    if participant_kind and participant_kind not in PARTICIPANT_KINDS:
        errors["participant_kind"] = "Type de participant inconnu."
    if errors:
        raise ValidationError("Le constat n'est pas enregistré : corrigez les champs signalés.", errors)
    return {
        "workshop_id": workshop_id, "kind": kind, "text": text, "objective_ids": objective_ids,
        "group_label": group, "participant_kind": participant_kind or None,
    }


def _insert_finding(
    cur: db.Cursor, seminar_id: int, values: dict[str, Any], created_at: Any = None
) -> int:
    [(finding_id,)] = cur.execute(
        "INSERT INTO findings (seminar_id, workshop_id, kind, text, group_label, participant_kind, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, coalesce(?, current_timestamp)) RETURNING id",
        [seminar_id, values["workshop_id"], values["kind"], values["text"], values["group_label"],
         values["participant_kind"], created_at],
    ).fetchall()
    cur.execute(
        "INSERT INTO finding_objectives (finding_id, objective_id) SELECT ?, unnest(?)",
        [finding_id, values["objective_ids"]],
    )
    return finding_id


def add_finding(
    con: db.Connection, actor: Actor, *, seminar_id: int = seminar.DEFAULT_SEMINAR, **fields: Any
) -> int:
    """Save one finding (workshop_id, kind, text, objective_ids, group_label, participant_kind)."""
    require(actor, Permission.DIAGNOSIS_WRITE)
    values = validate_finding(con, seminar_id=seminar_id, **fields)
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
        return record_finding(cur, actor, seminar_id, values)


def record_finding(
    cur: db.Cursor, actor: Actor, seminar_id: int, values: dict[str, Any]
) -> int:
    """Insert and audit a finding inside the caller's transaction; ``values`` come from validate_finding.

    The caller has checked ``diagnosis.write``; returns the new finding's id.
    """
    finding_id = _insert_finding(cur, seminar_id, values)
    db.audit(cur, actor, "finding", finding_id, "create", None, values)
    return finding_id


@dataclass(frozen=True, slots=True)
class Finding:
    """A finding as stored: ``kind`` a :class:`FindingKind` value, its objective ids in id order,
    ``merged_into`` and ``deleted_at`` (UTC) set once it is merged or deleted, ``created_at`` UTC."""

    id: int
    seminar_id: int
    workshop_id: int
    kind: str
    text: str
    group_label: str | None
    participant_kind: str | None
    merged_into: int | None
    deleted_at: dt.datetime | None
    created_at: dt.datetime
    objective_ids: list[int]

    @property
    def active(self) -> bool:
        """Tell whether the finding is neither deleted nor merged into another."""
        return self.deleted_at is None and self.merged_into is None


def get_finding(con: db.Connection, finding_id: int) -> Finding:
    """Return one finding with its objective ids, or raise NotFound."""
    row = db.query_one(
        con,
        "SELECT f.id, f.seminar_id, f.workshop_id, f.kind, f.text, f.group_label, f.participant_kind, "
        "f.merged_into, f.deleted_at, f.created_at, "
        "coalesce(list(fo.objective_id ORDER BY fo.objective_id) FILTER (fo.objective_id IS NOT NULL), []) "
        "AS objective_ids FROM findings f LEFT JOIN finding_objectives fo ON fo.finding_id = f.id "
        "WHERE f.id = ? GROUP BY ALL",
        [finding_id], f"Le constat n° {finding_id} n'existe pas.",
    )
    return Finding(**row)


def _active(con: db.Connection, finding_id: int) -> Finding:
    finding = get_finding(con, finding_id)
    if not finding.active:
        raise NotFound(f"Le constat n° {finding_id} a été supprimé ou fusionné entre-temps.")
    return finding


def _snapshot(finding: Finding) -> dict[str, Any]:
    keys = ("workshop_id", "kind", "text", "objective_ids", "group_label", "participant_kind", "merged_into")
    return {k: value for k, value in asdict(finding).items() if k in keys}


def update_finding(con: db.Connection, actor: Actor, finding_id: int, **fields: Any) -> int:
    """Replace the fields of an active finding (same fields as :func:`add_finding`); return its id.

    DuckDB cannot update a foreign-key column of a row that other rows reference, so moving a finding
    to another workshop writes it anew (same creation time, défis and sources carried over) and
    deletes the old row; the new id is returned and the audit log links both.
    """
    require(actor, Permission.DIAGNOSIS_WRITE)
    before = _active(con, finding_id)
    values = validate_finding(con, seminar_id=before.seminar_id, **fields)
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
        if values["workshop_id"] != before.workshop_id:
            new_id = _insert_finding(cur, before.seminar_id, values, before.created_at)
            cur.execute(
                "INSERT INTO challenge_findings (challenge_id, finding_id) "
                "SELECT challenge_id, ? FROM challenge_findings WHERE finding_id = ?",
                [new_id, finding_id],
            )
            cur.execute("DELETE FROM challenge_findings WHERE finding_id = ?", [finding_id])
            cur.execute("UPDATE findings SET merged_into = ? WHERE merged_into = ?", [new_id, finding_id])
            cur.execute("UPDATE findings SET deleted_at = current_timestamp WHERE id = ?", [finding_id])
            db.audit(cur, actor, "finding", finding_id, "update", _snapshot(before),
                     {**values, "replaced_by": new_id})
            return new_id
        cur.execute(
            "UPDATE findings SET kind = ?, text = ?, group_label = ?, participant_kind = ? WHERE id = ?",
            [values["kind"], values["text"], values["group_label"], values["participant_kind"], finding_id],
        )
        cur.execute("DELETE FROM finding_objectives WHERE finding_id = ?", [finding_id])
        cur.execute(
            "INSERT INTO finding_objectives (finding_id, objective_id) SELECT ?, unnest(?)",
            [finding_id, values["objective_ids"]],
        )
        db.audit(cur, actor, "finding", finding_id, "update", _snapshot(before), values)
    return finding_id


def delete_finding(con: db.Connection, actor: Actor, finding_id: int) -> None:
    """Delete an active finding (soft: it stays in the défis' provenance and the audit log)."""
    require(actor, Permission.DIAGNOSIS_WRITE)
    before = _active(con, finding_id)
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
        cur.execute("UPDATE findings SET deleted_at = current_timestamp WHERE id = ?", [finding_id])
        db.audit(cur, actor, "finding", finding_id, "delete", _snapshot(before), None)


class FindingFields(TypedDict):
    """A finding's fields as :func:`validate_finding` takes them: the keyword arguments of
    :func:`merge_findings` and the values the merge form starts from (:func:`merge_defaults`)."""

    workshop_id: int
    kind: str  # a FindingKind value
    text: str
    objective_ids: list[int]
    group_label: str | None
    participant_kind: str | None


def merge_defaults(con: db.Connection, finding_ids: Sequence[int]) -> FindingFields:
    """Suggest the merged finding: the longest text, the most frequent kind, the union of objectives."""
    findings = [_active(con, i) for i in finding_ids]
    kinds = [f.kind for f in findings]
    return FindingFields(
        workshop_id=findings[0].workshop_id,
        kind=max(FindingKind, key=kinds.count).value,
        text=max((f.text for f in findings), key=len),
        objective_ids=sorted({o for f in findings for o in f.objective_ids}),
        group_label=None,
        participant_kind=None,
    )


def merge_findings(
    con: db.Connection, actor: Actor, finding_ids: Sequence[int], **fields: Any
) -> int:
    """Merge two or more active findings into a new one that keeps them as its sources; return its id."""
    require(actor, Permission.DIAGNOSIS_WRITE)
    ids = sorted(set(finding_ids))
    if len(ids) < 2:
        raise ValidationError(
            "Choisissez au moins deux constats à fusionner.", {"selection": "Choisissez-en deux au moins."}
        )
    sources = [_active(con, i) for i in ids]
    seminar_id = sources[0].seminar_id
    values = validate_finding(con, seminar_id=seminar_id, **fields)
    with db.transaction(con, db.Topic.DIAGNOSIS) as cur:
        merged_id = _insert_finding(cur, seminar_id, values)
        cur.execute("UPDATE findings SET merged_into = ? WHERE id IN (SELECT unnest(?))", [merged_id, ids])
        db.audit(cur, actor, "finding", merged_id, "merge", None, {**values, "sources": ids})
        for source in sources:
            db.audit(cur, actor, "finding", source.id, "update", _snapshot(source),
                     {**_snapshot(source), "merged_into": merged_id})
    return merged_id


_FINDINGS_SQL = """
    SELECT f.id, f.workshop_id, w.number AS workshop_number, w.title AS workshop_title, f.kind, f.text,
           f.group_label, f.participant_kind, f.created_at,
           list(o.number ORDER BY o.number) FILTER (o.id IS NOT NULL) AS objective_numbers,
           (SELECT count(*) FROM findings s WHERE s.merged_into = f.id) AS source_count
    FROM findings f
    JOIN workshops w ON w.id = f.workshop_id
    LEFT JOIN finding_objectives fo ON fo.finding_id = f.id
    LEFT JOIN objectives o ON o.id = fo.objective_id
    WHERE f.seminar_id = ? AND f.deleted_at IS NULL AND f.merged_into IS NULL
      AND (? IS NULL OR f.workshop_id = ?) AND (? IS NULL OR f.kind = ?)
    GROUP BY ALL
    HAVING ? IS NULL OR list_contains(list(o.number), ?)
    ORDER BY f.created_at DESC, f.id DESC
"""


@dataclass(frozen=True, slots=True)
class WallFinding:
    """An active finding as the wall lists it (:func:`list_findings`): its workshop's number and title,
    its objectives' numbers in order, ``source_count`` the findings merged into it, ``created_at`` UTC."""

    id: int
    workshop_id: int
    workshop_number: int
    workshop_title: str
    kind: FindingKind
    text: str
    group_label: str | None
    participant_kind: str | None
    created_at: dt.datetime
    objective_numbers: list[int]
    source_count: int


def list_findings(
    con: db.Connection,
    seminar_id: int = seminar.DEFAULT_SEMINAR,
    *,
    workshop_id: int | None = None,
    kind: str | None = None,
    objective_number: int | None = None,
) -> list[WallFinding]:
    """Return the active findings (newest first), optionally of one workshop, kind or objective."""
    rows = db.query(
        con, _FINDINGS_SQL,
        [seminar_id, workshop_id, workshop_id, kind, kind, objective_number, objective_number],
    )
    return [WallFinding(**{**row, "kind": FindingKind(row["kind"]),
                           "objective_numbers": row["objective_numbers"] or []}) for row in rows]


@dataclass(frozen=True, slots=True)
class SourceFinding:
    """A finding merged into another (:func:`sources`), ``created_at`` UTC."""

    id: int
    kind: FindingKind
    text: str
    group_label: str | None
    created_at: dt.datetime


def sources(con: db.Connection, finding_id: int) -> list[SourceFinding]:
    """Return the findings merged into ``finding_id`` (directly), oldest first."""
    return [SourceFinding(**{**row, "kind": FindingKind(row["kind"])}) for row in db.query(
        con,
        "SELECT id, kind, text, group_label, created_at FROM findings WHERE merged_into = ? ORDER BY id",
        [finding_id],
    )]


_OBJECTIVE_COUNTS = """
    SELECT o.number, o.short_label, k.kind, count(f.id) AS findings
    FROM objectives o
    CROSS JOIN (SELECT unnest(?::VARCHAR[]) AS kind) k
    LEFT JOIN finding_objectives fo ON fo.objective_id = o.id
    LEFT JOIN findings f ON f.id = fo.finding_id AND f.kind = k.kind AND f.deleted_at IS NULL
         AND f.merged_into IS NULL AND (? IS NULL OR f.workshop_id = ?)
    WHERE o.seminar_id = ? AND (? IS NULL OR k.kind = ?)
    GROUP BY ALL ORDER BY o.number, k.kind
"""


def objective_counts(
    con: db.Connection, seminar_id: int = seminar.DEFAULT_SEMINAR, *,
    workshop_id: int | None = None, kind: str | None = None,
) -> pd.DataFrame:
    """Count active findings per objective and kind (every pair, zeros included): columns ``number``,
    ``short_label``, ``kind`` (a :class:`FindingKind` value), ``findings``."""
    kinds = [k.value for k in FindingKind]
    return db.query_df(con, _OBJECTIVE_COUNTS, [kinds, workshop_id, workshop_id, seminar_id, kind, kind])
