"""Backups of the database: taken safely by the process that holds it, kept, verified, restored.

A backup is a folder holding a copy of the DuckDB file, taken after a CHECKPOINT while the process's
write lock is held (so no transaction is half-written), and a ``manifest.json`` (:class:`Manifest`) with the
DuckDB version that wrote it, the SHA-256 of the copy, and the row count and an order-independent checksum
of every table; a restore checks both before replacing anything. The app takes one before every migration
and import and one per day while it runs; the command line takes one on demand and restores one.

Folder names and the manifest's ``taken_at`` are UTC instants (``20261130-223000-000000-...`` is 22:30
UTC; ``taken_at`` ends with ``Z``), and "once a day" means once per UTC day: backups are a technical
record, independent of the seminar's time zone setting, and their names sort in time order. They use the
real clock, never the app's frozen one (``clock.frozen`` / ``LABO_NOW``): two backups taken under a frozen
clock would otherwise get the same name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from labo_dash import config, dbfile
from labo_dash.errors import DatabaseLocked, LaboError

MANIFEST = "manifest.json"
DB_FILE = "labo.duckdb"
_NAME = re.compile(r"^\d{8}-\d{6}-\d{6}-[a-z0-9-]+$")
_daily_checked: dict[str, dt.date] = {}


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A table's row count and the order-independent checksum of its rows (``bit_xor(hash(row))``)."""

    rows: int
    checksum: int


@dataclass(frozen=True, slots=True)
class Manifest:
    """What ``manifest.json`` records: ``taken_at`` is a UTC instant ending with ``Z``; ``sha256`` is the
    hex digest of the copy (None in backups made before it was recorded); ``tables`` maps a table's name
    to its fingerprint."""

    taken_at: str
    reason: str
    source: str
    migrations: list[str]
    tables: dict[str, Fingerprint]
    duckdb_version: str | None = None
    sha256: str | None = None

    def to_json(self) -> str:
        """Return the manifest as the JSON text of ``manifest.json``."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Read a ``manifest.json``."""
        data = json.loads(path.read_text(encoding="utf-8"))
        tables = {name: Fingerprint(**value) for name, value in data.pop("tables").items()}
        return cls(tables=tables, **data)


def default_dir(db_path: Path) -> Path:
    """Return where backups go: ``LABO_BACKUP_DIR`` or ``backups/<file name>/`` beside the database."""
    return config.current().backup_dir or db_path.parent / "backups" / db_path.stem


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 digest of the file at ``path``."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, Fingerprint]:
    """Return, for every table, its row count and an order-independent checksum of its rows."""
    cur = con.cursor()
    names = [
        row[0]
        for row in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "ORDER BY table_name"
        ).fetchall()
    ]
    result = {}
    for name in names:
        count, checksum = cur.execute(
            "SELECT count(*), bit_xor(hash(r)) FROM query_table(?) r", [name]
        ).fetchall()[0]
        result[name] = Fingerprint(int(count), int(checksum or 0))
    return result


def _real_now() -> dt.datetime:
    """Return the real current instant in UTC (backups ignore the app's frozen clock)."""
    return dt.datetime.now(dt.UTC)


def snapshot(con: duckdb.DuckDBPyConnection, reason: str, to: Path | None = None) -> Path:
    """Back up the database held by ``con`` into a new folder under ``to``; return the folder."""
    source = Path(dbfile.database_path(con))
    target_root = Path(to) if to else default_dir(source)
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-") or "manuelle"
    taken = _real_now()
    folder = target_root / f"{taken:%Y%m%d-%H%M%S-%f}-{slug}"
    partial = folder.with_name(folder.name + ".partielle")  # renamed only once complete
    partial.mkdir(parents=True, exist_ok=False)
    try:
        with dbfile.write_lock():
            cur = con.cursor()
            cur.execute("CHECKPOINT")
            shutil.copy2(source, partial / DB_FILE)
            manifest = Manifest(
                taken_at=taken.isoformat(timespec="seconds").replace("+00:00", "Z"),
                reason=reason,
                source=str(source),
                migrations=dbfile.applied_migrations(con),
                tables=table_fingerprints(con),
                duckdb_version=duckdb.__version__,
                sha256=file_sha256(partial / DB_FILE),
            )
        (partial / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if to is None:
        prune(target_root, config.current().backup_keep)
    return folder


def before_import(con: duckdb.DuckDBPyConnection) -> Path:
    """Back up the database before an accepted file is imported; refuse the import if the copy fails."""
    try:
        return snapshot(con, "avant-import")
    except OSError as exc:
        raise LaboError(
            f"La sauvegarde automatique avant l'import a échoué ({exc.strerror or exc}) : rien n'a été "
            "importé. Libérez de la place sur le disque ou vérifiez le dossier LABO_BACKUP_DIR."
        ) from exc


def list_backups(root: Path) -> list[Path]:
    """Return the backup folders under ``root``, oldest first."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and _NAME.match(p.name) and (p / MANIFEST).exists())


def prune(root: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups under ``root``; return the deleted folders."""
    old = list_backups(root)[:-keep] if keep > 0 else []
    for folder in old:
        shutil.rmtree(folder)
    return old


def ensure_daily(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> Path | None:
    """Take today's backup if none exists yet (checked once a day per process); return it when taken.

    ``today`` is a UTC date, like the folder names (default: today's UTC date).
    """
    today = today or _real_now().date()
    source = Path(dbfile.database_path(con))
    key = str(source)
    if _daily_checked.get(key) == today:
        return None
    _daily_checked[key] = today
    prefix = f"{today:%Y%m%d}-"
    if any(p.name.startswith(prefix) for p in list_backups(default_dir(source))):
        return None
    return snapshot(con, "quotidienne")


def verify(folder: Path) -> Manifest:
    """Check that a backup folder holds a copy matching its manifest (SHA-256, then every table's
    fingerprint); return the manifest. Raises LaboError (French) otherwise."""
    folder = Path(folder)
    manifest_path, copy = folder / MANIFEST, folder / DB_FILE
    if not manifest_path.exists() or not copy.exists():
        raise LaboError(
            f"« {folder} » n'est pas une sauvegarde : il y manque {MANIFEST} ou {DB_FILE}."
        )
    manifest = Manifest.read(manifest_path)
    if manifest.sha256 is not None and file_sha256(copy) != manifest.sha256:
        raise LaboError(
            f"La sauvegarde « {folder} » est altérée : le fichier {DB_FILE} ne correspond plus à "
            "l'empreinte SHA-256 de son manifeste."
        )
    con = duckdb.connect(str(copy), read_only=True)
    try:
        found = table_fingerprints(con)
    finally:
        con.close()
    if found != manifest.tables:
        raise LaboError(
            f"La sauvegarde « {folder} » est altérée : son contenu ne correspond plus à son manifeste."
        )
    return manifest


def restore(db_path: Path, folder: Path) -> Path | None:
    """Replace the database at ``db_path`` by a verified backup; the current file is backed up first.

    Refuses, changing nothing, a backup that does not match its manifest (LaboError, :func:`verify`) and
    (DatabaseLocked) while another process, such as the running app, holds the database. Returns the
    safety backup of the replaced database, if there was one.
    """
    db_path, folder = Path(db_path), Path(folder)
    try:
        verify(folder)
    except LaboError as exc:
        raise LaboError(f"Restauration refusée, rien n'a été modifié. {exc}") from None
    safety = None
    if db_path.exists():
        try:
            con = dbfile.open_file(db_path)
        except DatabaseLocked as exc:
            refused = "Restauration refusée, rien n'a été modifié."
            raise DatabaseLocked(str(db_path), exc.pid, refused=refused) from None
        try:
            safety = snapshot(con, "avant-restauration")
        finally:
            con.close()
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists():
        wal.unlink()
    tmp = db_path.with_name(db_path.name + ".restauration")
    shutil.copy2(folder / DB_FILE, tmp)
    os.replace(tmp, db_path)
    return safety
