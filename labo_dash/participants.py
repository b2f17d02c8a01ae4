"""Participants: registration, import from French CSV/Excel files, personal codes, walk-in self-registration.

A personal code is the participant's only credential (``/vote?code=CODE``): 8 characters drawn with
:mod:`secrets` from an alphabet without look-alikes (no 0/O, 1/I/L), i.e. 31^8 ≈ 8.5 × 10^11 codes.

Presence is per day: a participant is present when checked in (``participants.checked_in_at``, a UTC
instant; NULL: never) during the seminar's local day of today (:func:`today_window`, :data:`PRESENT_SQL`);
a check-in of a rehearsal the day before counts for nothing today, the day's first check-in replaces it.
Check-in happens when they open their light ballot or posts page with their
code (:func:`check_in`, from :mod:`labo_dash.phone.ballot`), register on the spot, submit a ballot
(:mod:`labo_dash.voting`), or when organisers mark them present on /admin (:func:`set_presence`).
« Clore quand tout le monde a voté » waits for the present participants only (:mod:`labo_dash.rounds`).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from labo_dash import access, backup, clock, db, french, imports, settings
from labo_dash.access import Actor, Permission
from labo_dash.errors import ImportRejected, ValidationError
from labo_dash.french import PARTICIPANT_KINDS
from labo_dash.imports import check_rows, header_key
from labo_dash.seminar import DEFAULT_SEMINAR

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
NAME_MAX = 120
TEXT_MAX = 160
SELF_REGISTRATION = "self_registration"
IMPORT_COLUMNS = ("nom", "structure", "type de participant", "territoire")
IMPORT_OPTIONAL = ("email",)
IMPORT_SHEET = "Participants"  # in a workbook, this visible sheet is read, else the active visible one
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_KIND_KEYS = {
    **{header_key(code): code for code in PARTICIPANT_KINDS},
    **{header_key(label): code for code, label in PARTICIPANT_KINDS.items()},
}


@dataclass(frozen=True, slots=True)
class Participant:
    """A participant as :func:`participant_by_code` reads them; ``checked_in_at``: naive UTC or None."""

    id: int
    seminar_id: int
    name: str
    structure: str | None
    kind: str
    territory: str | None
    code: str
    checked_in_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Registered:
    """A participant just registered, with the cleaned fields; ``line``: in the imported file, or None."""

    id: int
    code: str
    name: str
    structure: str | None
    kind: str
    territory: str | None
    email: str | None
    line: int | None = None


def new_code() -> str:
    """Return a fresh random personal code (not checked for uniqueness)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _fresh_codes(cur: db.Cursor, n: int) -> list[str]:
    """Return ``n`` distinct codes that no participant holds yet."""
    taken = {row[0] for row in cur.execute("SELECT code FROM participants WHERE code IS NOT NULL").fetchall()}
    codes: list[str] = []
    while len(codes) < n:
        code = new_code()
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def kind_code(value: str) -> str | None:
    """Return the kind code of a French label or code ("PTCE", "Collectivité territoriale"...), or None."""
    return _KIND_KEYS.get(header_key(value or ""))


def clean_participant(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return a participant's cleaned fields, or raise ValidationError with one French message per field."""
    name = str(values.get("name") or "").strip()
    structure = str(values.get("structure") or "").strip()
    territory = str(values.get("territory") or "").strip()
    email = str(values.get("email") or "").strip()
    kind = kind_code(str(values.get("kind") or ""))
    errors = {}
    if not name:
        errors["name"] = "Indiquez le nom (prénom et nom)."
    elif len(name) > NAME_MAX:
        errors["name"] = french.too_long("Le nom", name, NAME_MAX)
    for field, text, label in (
        ("structure", structure, "La structure"),
        ("territory", territory, "Le territoire"),
    ):
        if len(text) > TEXT_MAX:
            errors[field] = french.too_long(label, text, TEXT_MAX)
    if kind is None:
        errors["kind"] = "Choisissez un type de participant : " + ", ".join(PARTICIPANT_KINDS.values()) + "."
    if email and not _EMAIL.match(email):
        errors["email"] = f"L'adresse « {email} » n'est pas une adresse électronique valide."
    if errors:
        raise ValidationError("La personne n'est pas inscrite : corrigez les champs signalés.", errors)
    return {"name": name, "structure": structure or None, "kind": kind, "territory": territory or None,
            "email": email or None}


def _insert(
    cur: db.Cursor, seminar_id: int, rows: Sequence[dict[str, Any]], self_registered: bool,
    checked_in_at: dt.datetime | None = None,
) -> list[Registered]:
    """Insert cleaned participants with fresh codes in one statement; return them with their id and code.

    ``checked_in_at`` (naive UTC, as stored): the check-in of a walk-in, present by registering.
    """
    codes = _fresh_codes(cur, len(rows))
    columns = {key: [row[key] for row in rows] for key in ("name", "structure", "kind", "territory", "email")}
    inserted = cur.execute(
        "INSERT INTO participants "
        "(seminar_id, name, structure, kind, territory, email, code, self_registered, checked_in_at) "
        "SELECT ?, unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
        "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), ?, ? RETURNING id, code",
        [seminar_id, *columns.values(), codes, self_registered, checked_in_at],
    ).fetchall()
    by_code = {code: pid for pid, code in inserted}
    return [Registered(id=by_code[code], code=code, **row) for row, code in zip(rows, codes, strict=True)]


def register_participant(
    con: db.Connection, actor: Actor, values: Mapping[str, Any], seminar_id: int = DEFAULT_SEMINAR
) -> Registered:
    """Register one participant (organisers); return it with its ``id`` and new ``code``."""
    access.require(actor, Permission.PARTICIPANTS_WRITE)
    return _register(con, actor, clean_participant(values), seminar_id, walk_in=False)


def self_register(
    con: db.Connection, actor: Actor, values: Mapping[str, Any], *,
    seminar_id: int = DEFAULT_SEMINAR,
) -> Registered:
    """Register a walk-in from their phone, when organisers allow it; return them with their ``code``.

    The walk-in is in the room: they are checked in (present) at once, at :func:`labo_dash.clock.now`.
    """
    access.require(actor, Permission.PARTICIPANTS_SELF_REGISTER)
    if not settings.get_setting(con, SELF_REGISTRATION):
        raise ValidationError(
            "L'inscription sur place n'est pas ouverte : demandez votre code à l'accueil du séminaire."
        )
    return _register(con, actor, clean_participant({**values, "email": None}), seminar_id, walk_in=True)


def _register(
    con: db.Connection, actor: Actor, row: dict[str, Any], seminar_id: int, *, walk_in: bool
) -> Registered:
    """Insert and audit one cleaned participant; a walk-in is checked in at once (they are in the room)."""
    checked_in_at = clock.stored_now() if walk_in else None
    with db.transaction(con, db.Topic.PEOPLE) as cur:
        created = _insert(cur, seminar_id, [row], self_registered=walk_in, checked_in_at=checked_in_at)[0]
        operation = "self_register" if walk_in else "create"
        db.audit(cur, actor, "participants", created.id, operation, None, row)
    return created


def participant_by_code(con: db.Connection, code: str) -> Participant | None:
    """Return the participant holding ``code`` (spaces, dashes and case ignored), or None."""
    code = re.sub(r"[\s\-.]", "", code or "").upper()
    if len(code) != CODE_LENGTH:
        return None
    rows = db.query(
        con,
        "SELECT id, seminar_id, name, structure, kind, territory, code, checked_in_at FROM participants "
        "WHERE code = ?",
        [code],
    )
    return Participant(**rows[0]) if rows else None


def list_participants(
    con: db.Connection, seminar_id: int = DEFAULT_SEMINAR, now: dt.datetime | None = None
) -> pd.DataFrame:
    """Return the seminar's participants in alphabetical order, with their code.

    Columns: id, name, structure, kind, territory, email, code, self_registered, created_at,
    checked_in_at (naive UTC, the last check-in, maybe of another day; NaT when never), present (bool:
    checked in on the seminar's local day of ``now``, :data:`PRESENT_SQL`).
    """
    return db.query_df(
        con,
        "SELECT p.id, p.name, p.structure, p.kind, p.territory, p.email, p.code, p.self_registered, "
        f"p.created_at, p.checked_in_at, coalesce({PRESENT_SQL}, false) AS present "
        "FROM participants p WHERE p.seminar_id = ? ORDER BY p.name, p.id",
        [*today_window(con, now), seminar_id],
    )


# --- Presence ---------------------------------------------------------------------------------------------

# A participant row ``p`` is present: checked in during today's local day (parameters: today_window()).
PRESENT_SQL = "(p.checked_in_at >= ? AND p.checked_in_at < ?)"

# Check one participant in (parameters: check_in_parameters()); a check-in of the same day is kept, an
# older one (another day) is replaced. Run by check_in and, in the ballot's transaction, by voting.
CHECK_IN_SQL = (
    "UPDATE participants p SET checked_in_at = ? WHERE p.id = ? AND NOT coalesce(" + PRESENT_SQL + ", false)"
)


def today_window(
    con: db.Connection, now: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """Return the seminar's local day holding ``now`` (aware, default :func:`labo_dash.clock.now`) as stored
    instants ``(start, end)``: naive UTC, start included, end excluded; the parameters of :data:`PRESENT_SQL`.

    The day is the one of the seminar's time zone (:func:`labo_dash.clock.zone`), so a day of 23 or 25 hours
    at a daylight-saving change is right.
    """
    zone = clock.zone(con)
    day = clock.local(now or clock.now(), zone).date()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return clock.stored(start), clock.stored(end)


def check_in_parameters(
    window: tuple[dt.datetime, dt.datetime], participant_id: int, now: dt.datetime | None = None
) -> list[Any]:
    """Return the parameters of :data:`CHECK_IN_SQL` to check ``participant_id`` in at ``now`` (aware UTC).

    ``window`` is :func:`today_window` at ``now``, read before the write's transaction, so that the
    transaction holds the votes' lock (labo_dash.db.transaction) for its writes only.
    """
    return [clock.stored(now or clock.now()), participant_id, *window]


def is_present(con: db.Connection, person: Participant, now: dt.datetime | None = None) -> bool:
    """Whether ``person`` checked in on today's local day (the seminar's, at ``now``)."""
    start, end = today_window(con, now)
    return person.checked_in_at is not None and start <= person.checked_in_at < end


def check_in(con: db.Connection, person: Participant, now: dt.datetime | None = None) -> None:
    """Check ``person`` in (present today) at ``now`` (aware UTC, default :func:`labo_dash.clock.now`).

    ``person`` is read by :func:`participant_by_code`. Nothing is written when they already checked in
    today (seminar's local day); otherwise one UPDATE, idempotent within the day (the day's first check-in
    is kept, another day's is replaced), not audited: it is what opening one's own page means, on every
    phone of the room. Called by the light pages, no Streamlit session.
    """
    now = now or clock.now()
    if is_present(con, person, now):
        return
    parameters = check_in_parameters(today_window(con, now), person.id, now)
    with db.transaction(con, db.Topic.VOTES, db.Topic.PEOPLE) as cur:
        cur.execute(CHECK_IN_SQL, parameters)


def set_presence(
    con: db.Connection, actor: Actor, present_ids: Sequence[int],
    seminar_id: int = DEFAULT_SEMINAR, now: dt.datetime | None = None,
) -> int:
    """Make exactly ``present_ids`` the seminar's present participants today, in one transaction; audited.

    A newly present participant is checked in at ``now`` (aware UTC, default :func:`labo_dash.clock.now`),
    one already present today keeps their check-in instant, one present today and left out is checked out
    (absent); ``[]`` marks everyone absent. Returns the number of participants whose presence changed (0:
    nothing written). Raises ValidationError (French) for an id that is not a participant of the seminar
    (nothing written).
    """
    access.require(actor, Permission.PARTICIPANTS_WRITE)
    wanted = sorted(set(present_ids))
    now = now or clock.now()
    window = today_window(con, now)
    with db.transaction(con, db.Topic.VOTES, db.Topic.PEOPLE) as cur:
        rows = cur.execute(
            f"SELECT p.id, coalesce({PRESENT_SQL}, false) FROM participants p WHERE p.seminar_id = ?",
            [*window, seminar_id],
        ).fetchall()
        known = {pid for pid, _ in rows}
        unknown = [pid for pid in wanted if pid not in known]
        if unknown:
            raise ValidationError("Certaines personnes cochées ne sont plus inscrites : rechargez la page.")
        before = sorted(pid for pid, present in rows if present)
        arriving = sorted(set(wanted) - set(before))
        leaving = sorted(set(before) - set(wanted))
        if not arriving and not leaving:
            return 0
        cur.execute(
            "UPDATE participants "
            "SET checked_in_at = CASE WHEN list_contains(?::INTEGER[], id) THEN ?::TIMESTAMP END "
            "WHERE list_contains(?::INTEGER[], id)",
            [arriving, clock.stored(now), arriving + leaving],
        )
        db.audit(cur, actor, "participants", None, "presence",
                 {"present": before}, {"present": wanted, "arrived": arriving, "left": leaving})
    return len(arriving) + len(leaving)


@dataclass(frozen=True)
class Presence:
    """How many of the seminar's registered participants are present (checked in today)."""

    present: int
    registered: int

    def sentence(self) -> str:
        """Return ``54 présent·e·s sur 68 inscrit·e·s`` (``1 présent·e sur 1 inscrit·e``)."""
        return french.out_of(self.present, ("présent·e", "présent·e·s"),
                             self.registered, ("inscrit·e", "inscrit·e·s"))


def presence(
    con: db.Connection, seminar_id: int = DEFAULT_SEMINAR, now: dt.datetime | None = None
) -> Presence:
    """Return the seminar's count of participants present today (at ``now``) among the registered ones."""
    row = db.query(
        con,
        f"SELECT count(*) FILTER (WHERE {PRESENT_SQL}) AS present, count(*) AS registered "
        "FROM participants p WHERE p.seminar_id = ?",
        [*today_window(con, now), seminar_id],
    )[0]
    return Presence(row["present"], row["registered"])


def read_participants(
    con: db.Connection, data: bytes, filename: str = "", seminar_id: int = DEFAULT_SEMINAR
) -> imports.Preview:
    """Read and check a participants file (CSV or .xlsx); return the rows to add, or raise ImportRejected.

    Columns: ``nom``, ``structure``, ``type de participant`` (code or French label), ``territoire``, and
    optionally ``email``. Every bad row is reported with its line number; a person already registered
    (same name and structure) or listed twice is a bad row. The Preview's rows are dicts with ``line``,
    ``name``, ``structure``, ``kind``, ``territory``, ``email``; its ``source`` names the sheet read.
    """
    table = imports.read_table(data, filename, required=IMPORT_COLUMNS, optional=IMPORT_OPTIONAL,
                                 sheet=IMPORT_SHEET)
    existing = {
        (header_key(r["name"]), header_key(r["structure"] or ""))
        for r in db.query(con, "SELECT name, structure FROM participants WHERE seminar_id = ?", [seminar_id])
    }
    rows, bad = check_rows(
        table,
        lambda row: clean_participant({
            "name": row["nom"], "structure": row["structure"], "kind": row["type de participant"],
            "territory": row["territoire"], "email": row["email"],
        }),
        key=lambda cleaned: (header_key(cleaned["name"]), header_key(cleaned["structure"] or "")),
        duplicate=lambda cleaned, line: f"{cleaned['name']} figure déjà ligne {line}.",
        stored=lambda cleaned, key: (f"{cleaned['name']} ({cleaned['structure'] or 'sans structure'}) est "
                                     "déjà inscrit·e." if key in existing else None),
    )
    if bad:
        lines = french.plural(len(bad), "ligne", "lignes")
        raise table.rejected(f"Fichier refusé : {lines} à corriger, aucune personne n'a été inscrite.", bad)
    if not rows:
        raise ImportRejected("Le fichier ne contient aucune personne à inscrire.", rows=[])
    return imports.Preview(rows, table.source)


def import_participants(
    con: db.Connection, actor: Actor, data: bytes, filename: str = "",
    seminar_id: int = DEFAULT_SEMINAR,
) -> list[Registered]:
    """Register every person of a file in one transaction (all or nothing); return them (with ``line``),
    or raise ImportRejected with every bad line."""
    access.require(actor, Permission.PARTICIPANTS_WRITE)
    rows = read_participants(con, data, filename, seminar_id).rows
    backup.before_import(con)
    with db.transaction(con, db.Topic.PEOPLE) as cur:
        created = _insert(cur, seminar_id, rows, self_registered=False)
        db.audit(cur, actor, "participants", None, "import", None, {"file": filename, "rows": len(created)})
    return created


def import_template() -> bytes:
    """Return the CSV template of the participants import (French Excel: UTF-8 BOM, ``;``)."""
    return imports.template_csv(
        (*IMPORT_COLUMNS, *IMPORT_OPTIONAL),
        [("Camille Durand", "PTCE Pays de Morlaix", "PTCE", "Bretagne", "camille.durand@exemple.org")],
    )
