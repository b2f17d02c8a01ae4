"""A round's lifecycle: rehearsal, duplicate, archive, delete, and the seminar's reference round."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from labo_dash import access, clock, db
from labo_dash.access import Actor, Permission
from labo_dash.errors import NotFound, ValidationError
from labo_dash.rounds.rules import Round, insert_round, round_row, unvoted_row, validate_rules
from labo_dash.rounds.state import close_due_rounds
from labo_dash.seminar import DEFAULT_SEMINAR


def _is_reference(cur: db.Cursor, rnd: Round) -> bool:
    row = cur.execute("SELECT reference_round_id FROM seminars WHERE id = ?", [rnd.seminar_id]).fetchone()
    return row is not None and row[0] == rnd.id


REFERENCE_FIRST = (
    "C'est le tour de référence pour le soutien aux défis : choisissez d'abord un autre tour de référence "
    "(ou revenez au choix automatique)."
)


def set_rehearsal(con: db.Connection, actor: Actor, round_id: int, rehearsal: bool) -> None:
    """Mark a round as a rehearsal (« tour d'essai », never used for support, reports or exports) or not.

    Refused (ValidationError) for the reference round. Possible with ballots (a rehearsal is often
    marked after the fact); audited.
    """
    access.require(actor, Permission.ROUNDS_WRITE)
    with db.transaction(con, db.Topic.VOTES) as cur:
        before = round_row(cur, round_id)
        if before.rehearsal == rehearsal:
            return
        if rehearsal and _is_reference(cur, before):
            raise ValidationError(REFERENCE_FIRST)
        cur.execute("UPDATE rounds SET rehearsal = ? WHERE id = ?", [rehearsal, round_id])
        db.audit(cur, actor, "rounds", round_id, "rehearsal",
                 {"rehearsal": before.rehearsal}, {"rehearsal": rehearsal})


def duplicate_round(con: db.Connection, actor: Actor, round_id: int, title: str) -> int:
    """Create a draft copy of a round (same rules and items, in order) titled ``title``; return its id.

    The copy is not a rehearsal, has no ballot and no countdown. Raises ValidationError (French) for a bad
    title or items deleted since.
    """
    access.require(actor, Permission.ROUNDS_WRITE)
    with db.transaction(con, db.Topic.VOTES) as cur:
        source = round_row(cur, round_id)
        rules = source.rules(title)
        item_ids = [r[0] for r in cur.execute(
            "SELECT item_id FROM round_items WHERE round_id = ? ORDER BY position", [round_id]
        ).fetchall()]
        try:
            validate_rules(rules, item_ids)
        except ValidationError as exc:  # the copy's form has one field: say what is wrong in the message
            detail = " ".join(exc.fields.values())
            raise ValidationError(f"La copie n'est pas créée : {detail}", exc.fields) from None
        return insert_round(cur, actor, rules, item_ids, source.seminar_id, {"duplicate_of": round_id})


def set_archived(
    con: db.Connection,
    actor: Actor,
    round_id: int,
    archived: bool,
    now: dt.datetime | None = None,
) -> None:
    """Archive a round (hidden everywhere, kept with its ballots) or bring it back; audited.

    Refused (ValidationError) for an open round or the reference round.
    """
    access.require(actor, Permission.ROUNDS_WRITE)
    close_due_rounds(con, now)
    with db.transaction(con, db.Topic.VOTES) as cur:
        before = round_row(cur, round_id)
        if (before.archived_at is not None) == archived:
            return
        if archived and before.status == "open":
            raise ValidationError("Ce tour est ouvert : clôturez-le avant de l'archiver.")
        if archived and _is_reference(cur, before):
            raise ValidationError(REFERENCE_FIRST)
        stamp = clock.stored(now or clock.now()) if archived else None
        cur.execute("UPDATE rounds SET archived_at = ? WHERE id = ?", [stamp, round_id])
        db.audit(cur, actor, "rounds", round_id, "archive" if archived else "unarchive",
                 {"archived_at": before.archived_at}, {"archived_at": stamp})


def delete_round(con: db.Connection, actor: Actor, round_id: int) -> None:
    """Delete a round that has no ballot, with its items; the audit log keeps it (before state).

    Refused (ValidationError, French) once a ballot exists (archive it instead), for an open round and
    for the reference round. DuckDB checks a foreign key against committed rows, so the items go in a
    first transaction (with the checks and the audit entry) and the round in a second one, both under
    the write lock; a round left without items by a crash between the two is deleted by a new attempt.
    """
    access.require(actor, Permission.ROUNDS_WRITE)
    close_due_rounds(con)
    with db.write_lock():
        with db.transaction(con, db.Topic.VOTES) as cur:
            before = unvoted_row(
                cur, round_id, "Ce tour a reçu des bulletins : il ne peut pas être supprimé. Archivez-le "
                "pour le masquer (il reste conservé).",
            )
            if before.status == "open":
                raise ValidationError("Ce tour est ouvert : clôturez-le avant de le supprimer.")
            if _is_reference(cur, before):
                raise ValidationError(REFERENCE_FIRST)
            items = [r[0] for r in cur.execute(
                "SELECT item_id FROM round_items WHERE round_id = ? ORDER BY position", [round_id]
            ).fetchall()]
            cur.execute("DELETE FROM round_items WHERE round_id = ?", [round_id])
            db.audit(cur, actor, "rounds", round_id, "delete", {**asdict(before), "items": items}, None)
        with db.transaction(con, db.Topic.VOTES) as cur:
            cur.execute("DELETE FROM rounds WHERE id = ?", [round_id])


def set_reference_round(
    con: db.Connection, actor: Actor, round_id: int | None, seminar_id: int = DEFAULT_SEMINAR
) -> None:
    """Choose the round on défis that gives support (``None``: back to the automatic choice); audited.

    Refused (ValidationError, French) for a round on solutions, a rehearsal or an archived round. The
    choice is read by :func:`labo_dash.signature.support_round`.
    """
    access.require(actor, Permission.ROUNDS_WRITE)
    with db.transaction(con, db.Topic.VOTES, db.Topic.SETTINGS) as cur:
        if round_id is not None:
            rnd = round_row(cur, round_id)
            if rnd.seminar_id != seminar_id:
                raise NotFound("Ce tour de vote n'existe pas (ou plus) : rechargez la page.")
            if rnd.target != "challenges":
                raise ValidationError("Le tour de référence donne le soutien aux défis : choisissez un tour "
                                      "sur les défis.")
            if rnd.rehearsal:
                raise ValidationError("Un tour d'essai ne peut pas servir de référence : retirez-lui d'abord "
                                      "la mention « tour d'essai ».")
            if rnd.archived_at is not None:
                raise ValidationError("Ce tour est archivé : désarchivez-le pour en faire la référence.")
        row = cur.execute("SELECT reference_round_id FROM seminars WHERE id = ?", [seminar_id]).fetchone()
        if row is None:
            raise NotFound("Ce séminaire n'existe pas.")
        if row[0] == round_id:
            return
        cur.execute("UPDATE seminars SET reference_round_id = ? WHERE id = ?", [round_id, seminar_id])
        db.audit(cur, actor, "seminars", seminar_id, "reference_round",
                 {"reference_round_id": row[0]}, {"reference_round_id": round_id})
