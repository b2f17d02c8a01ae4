"""Backups of the database: taken safely by the process that holds it, kept, verified, restored.

A backup is a folder holding a copy of the DuckDB file, taken after a CHECKPOINT while the process's
write lock is held (so no transaction is half-written), and a ``manifest.json`` with the row count and
an order-independent checksum of every table. The app takes one before every migration and import and
one per day while it runs; the command line takes one on demand and restores one.

Folder names and the manifest's ``taken_at`` are UTC instants (``20261130-223000-000000-...`` is 22:30
UTC; ``taken_at`` ends with ``Z``), and "once a day" means once per UTC day: backups are a technical
record, independent of the seminar's time zone setting, and their names sort in time order. They use the
real clock, never the app's frozen one (``clock.frozen`` / ``LABO_NOW``): two backups taken under a frozen
clock would otherwise get the same name.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb

from labo_dash import db
from labo_dash.errors import DatabaseLocked, LaboError

MANIFEST = "manifest.json"
DB_FILE = "labo.duckdb"
DEFAULT_KEEP = 30
_NAME = re.compile(r"^\d{8}-\d{6}-\d{6}-[a-z0-9-]+$")
_daily_checked: dict[str, dt.date] = {}


def database_path(con: duckdb.DuckDBPyConnection) -> Path:
    """Return the file behind a connection."""
    [(path,)] = con.cursor().execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return Path(path)


def default_dir(db_path: Path) -> Path:
    """Return where backups go: ``LABO_BACKUP_DIR`` or ``backups/<file name>/`` beside the database."""
    configured = os.environ.get("LABO_BACKUP_DIR")
    return Path(configured) if configured else db_path.parent / "backups" / db_path.stem


def keep_count() -> int:
    """Return how many automatic backups to keep (``LABO_BACKUP_KEEP``, default 30)."""
    try:
        return max(1, int(os.environ.get("LABO_BACKUP_KEEP", DEFAULT_KEEP)))
    except ValueError:
        return DEFAULT_KEEP


def table_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
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
        rows = cur.table(name).query("r", "SELECT count(*), bit_xor(hash(r)) FROM r")
        if rows is None:  # duckdb returns no relation only for a statement without a result
            raise RuntimeError(f"no count returned for the table {name}")
        [(count, checksum)] = rows.fetchall()
        result[name] = {"rows": int(count), "checksum": int(checksum or 0)}
    return result


def _real_now() -> dt.datetime:
    """Return the real current instant in UTC (backups ignore the app's frozen clock)."""
    return dt.datetime.now(dt.UTC)


def snapshot(con: duckdb.DuckDBPyConnection, reason: str, to: Path | None = None) -> Path:
    """Back up the database held by ``con`` into a new folder under ``to``; return the folder."""
    source = database_path(con)
    target_root = Path(to) if to else default_dir(source)
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-") or "manuelle"
    taken = _real_now()
    folder = target_root / f"{taken:%Y%m%d-%H%M%S-%f}-{slug}"
    partial = folder.with_name(folder.name + ".partielle")  # renamed only once complete
    partial.mkdir(parents=True, exist_ok=False)
    try:
        with db.write_lock():
            cur = con.cursor()
            cur.execute("CHECKPOINT")
            shutil.copy2(source, partial / DB_FILE)
            manifest = {
                "taken_at": taken.isoformat(timespec="seconds").replace("+00:00", "Z"),
                "reason": reason,
                "source": str(source),
                "migrations": db.applied_migrations(con),
                "tables": table_fingerprints(con),
            }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if to is None:
        prune(target_root, keep_count())
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
    source = database_path(con)
    key = str(source)
    if _daily_checked.get(key) == today:
        return None
    _daily_checked[key] = today
    prefix = f"{today:%Y%m%d}-"
    if any(p.name.startswith(prefix) for p in list_backups(default_dir(source))):
        return None
    return snapshot(con, "quotidienne")


def verify(folder: Path) -> dict[str, Any]:
    """Check that a backup folder opens and matches its manifest; return the manifest."""
    folder = Path(folder)
    manifest_path, copy = folder / MANIFEST, folder / DB_FILE
    if not manifest_path.exists() or not copy.exists():
        raise LaboError(
            f"« {folder} » n'est pas une sauvegarde : il y manque {MANIFEST} ou {DB_FILE}."
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    con = duckdb.connect(str(copy), read_only=True)
    try:
        found = table_fingerprints(con)
    finally:
        con.close()
    if found != manifest["tables"]:
        raise LaboError(
            f"La sauvegarde « {folder} » est altérée : son contenu ne correspond plus à son manifeste."
        )
    return manifest


def restore(db_path: Path, folder: Path) -> Path | None:
    """Replace the database at ``db_path`` by a verified backup; the current file is backed up first.

    Refuses (DatabaseLocked) while another process, such as the running app, holds the database.
    Returns the safety backup of the replaced database, if there was one.
    """
    db_path, folder = Path(db_path), Path(folder)
    verify(folder)
    safety = None
    if db_path.exists():
        try:
            con = db.open_database(db_path, migrate=False)
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
