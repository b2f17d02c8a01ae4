"""Backups of the database: taken safely, kept, verified, restored, on either engine.

A backup is a folder holding a copy of the database and a ``manifest.json`` (:class:`Manifest`) with the
engine's version, the migrations applied, the SHA-256 of the copy, and the row count and an
order-independent checksum of every table (:func:`table_fingerprints`); a restore checks them before
replacing anything. The app takes one before every migration and import and one per day while it runs; the
command line takes one on demand and restores one.

- A DuckDB file is copied (``labo.duckdb``) after a CHECKPOINT while the process's write lock is held, so no
  transaction is half-written (one process holds the file).
- A PostgreSQL database is dumped by ``pg_dump`` in its custom format (``labo.dump``), reading the snapshot
  that a REPEATABLE READ transaction exports (``pg_export_snapshot``): the dump and the manifest's
  fingerprints see the same committed state, while other app processes keep writing.

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
import subprocess
import urllib.parse
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from labo_dash import config, dbfile, fingerprints, postgres
from labo_dash.errors import DatabaseLocked, LaboError
from labo_dash.fingerprints import Fingerprint as Fingerprint  # the manifest's record
from labo_dash.fingerprints import table_fingerprints
from labo_dash.postgres import Connection

MANIFEST = "manifest.json"
DB_FILE = "labo.duckdb"  # the copy of a DuckDB file
PG_FILE = "labo.dump"  # the pg_dump archive (custom format) of a PostgreSQL database
CHECKSUM = "blake2b64-xor"  # the checksum of table_fingerprints; None in manifests before issue 17
PG_BIN = Path("/usr/lib/postgresql/15/bin")  # Debian's postgresql-client-15; else the tools on PATH
# Either engine's connection and cursor (labo_dash.db.Connection sits above this module).
_NAME = re.compile(r"^\d{8}-\d{6}-\d{6}-[a-z0-9-]+$")
_daily_checked: dict[str, dt.date] = {}
# Before a restore, everything in the database's schema goes, so that an older backup (fewer migrations)
# comes back whole: psql runs each generated DROP (\gexec) in the restore's single transaction.
_EMPTY_SCHEMA = """
SELECT format('DROP VIEW IF EXISTS %s CASCADE', string_agg(format('%I', viewname), ', '))
FROM pg_views WHERE schemaname = current_schema() HAVING count(*) > 0 \\gexec
SELECT format('DROP TABLE IF EXISTS %s CASCADE', string_agg(format('%I', tablename), ', '))
FROM pg_tables WHERE schemaname = current_schema() HAVING count(*) > 0 \\gexec
SELECT format('DROP SEQUENCE IF EXISTS %s CASCADE', string_agg(format('%I', sequencename), ', '))
FROM pg_sequences WHERE schemaname = current_schema() HAVING count(*) > 0 \\gexec
"""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What ``manifest.json`` records: ``taken_at`` is a UTC instant ending with ``Z``; ``engine`` is
    ``duckdb`` or ``postgresql``, with ``duckdb_version`` or the PostgreSQL ``server_version``; ``source``
    names the database (a URL without its password); ``sha256`` is the hex digest of the copy (None in
    backups made before it was recorded); ``tables`` maps a table's name to its fingerprint, computed as
    ``checksum`` says (None: DuckDB's ``bit_xor(hash(row))``, in backups made before issue 17)."""

    taken_at: str
    reason: str
    source: str
    migrations: list[str]
    tables: dict[str, Fingerprint]
    duckdb_version: str | None = None
    sha256: str | None = None
    engine: str = "duckdb"
    server_version: str | None = None
    checksum: str | None = None

    def to_json(self) -> str:
        """Return the manifest as the JSON text of ``manifest.json``."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Read a ``manifest.json``. Raises ValueError, TypeError or KeyError when it is not one."""
        data = json.loads(path.read_text(encoding="utf-8"))
        tables = {name: Fingerprint(**value) for name, value in data.pop("tables").items()}
        return cls(tables=tables, **data)

    @property
    def copy_name(self) -> str:
        """The file name of the copy beside the manifest."""
        return PG_FILE if self.engine == "postgresql" else DB_FILE


def default_dir(target: Path | str) -> Path:
    """Return where backups go: ``LABO_BACKUP_DIR``, else ``backups/<file name>/`` beside a DuckDB file, or
    ``backups/<database name>/`` in the project's folder for a PostgreSQL URL (no file to sit beside)."""
    chosen = config.current().backup_dir
    if chosen:
        return chosen
    if postgres.is_url(target):
        name = urllib.parse.urlsplit(str(target)).path.strip("/") or "postgres"
        return config.PROJECT_ROOT / "backups" / name
    path = Path(target)
    return path.parent / "backups" / path.stem


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 digest of the file at ``path``."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_outside(source: Path, copy: Path) -> None:
    """Copy the file ``source`` to ``copy`` in a child process (``cp``), never opening it in this one.

    DuckDB's lock on its file is a POSIX record lock, released when its process closes ANY descriptor of
    the file: a copy made here would drop it, and another process could open the base while this one
    writes. Raises OSError (French) when the copy fails.
    """
    done = subprocess.run(["cp", "--preserve=mode,timestamps", "--", str(source), str(copy)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise OSError(f"copie de « {source} » impossible ({done.stderr.strip()})")


def _real_now() -> dt.datetime:
    """Return the real current instant in UTC (backups ignore the app's frozen clock)."""
    return dt.datetime.now(dt.UTC)


def _target(con: Connection) -> Path | str:
    """The database behind ``con``: a PostgreSQL URL, or a DuckDB file's path."""
    return con.url if isinstance(con, postgres.PgConnection) else Path(dbfile.database_path(con))


def pg_tool(name: str) -> str:
    """Return the path of PostgreSQL's client tool ``name`` (pg_dump, pg_restore, psql): Debian's
    postgresql-client-15 folder, else PATH. Raises LaboError (French) when it is not installed."""
    found = PG_BIN / name
    if found.exists():
        return str(found)
    on_path = shutil.which(name)
    if on_path is None:
        raise LaboError(
            f"L'outil « {name} » de PostgreSQL est introuvable : installez le paquet postgresql-client-15 "
            f"(apt-get install postgresql-client-15) ou mettez {name} dans le PATH."
        )
    return on_path


def _run_tool(name: str, *args: str, stdin: bytes | None = None) -> bytes:
    """Run a PostgreSQL client tool; return its output. Raises LaboError (French) when it fails."""
    done = subprocess.run([pg_tool(name), *args], input=stdin, capture_output=True, check=False)
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise LaboError(f"{name} a échoué : {detail[-1] if detail else f'code {done.returncode}'}")
    return done.stdout


def snapshot(con: Connection, reason: str, to: Path | None = None) -> Path:
    """Back up the database held by ``con`` (either engine) into a new folder under ``to`` (default:
    :func:`default_dir`, then pruned to ``LABO_BACKUP_KEEP``); return the folder.

    Raises OSError when the folder cannot be written, LaboError (French) when pg_dump is missing or fails.
    """
    source = _target(con)
    target_root = Path(to) if to else default_dir(source)
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-") or "manuelle"
    taken = _real_now()
    folder = target_root / f"{taken:%Y%m%d-%H%M%S-%f}-{slug}"
    partial = folder.with_name(folder.name + ".partielle")  # renamed only once complete
    partial.mkdir(parents=True, exist_ok=False)
    try:
        common = {"taken_at": taken.isoformat(timespec="seconds").replace("+00:00", "Z"), "reason": reason,
                  "checksum": CHECKSUM}
        if isinstance(con, postgres.PgConnection):
            manifest = _dump(con, partial / PG_FILE, common)
        else:
            manifest = _copy_file(con, Path(source), partial / DB_FILE, common)
        (partial / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if to is None:
        prune(target_root, config.current().backup_keep)
    return folder


def _copy_file(con: duckdb.DuckDBPyConnection, source: Path, copy: Path, common: dict[str, Any]) -> Manifest:
    """Copy the DuckDB file, checkpointed, under the process's write lock (no write in between)."""
    with dbfile.write_lock():
        cur = con.cursor()
        cur.execute("CHECKPOINT")
        copy_outside(source, copy)
        return Manifest(
            **common, source=str(source), migrations=dbfile.applied_migrations(con),
            tables=table_fingerprints(con), duckdb_version=duckdb.__version__, sha256=file_sha256(copy),
        )


def _dump(con: postgres.PgConnection, copy: Path, common: dict[str, Any]) -> Manifest:
    """pg_dump the snapshot exported by a read transaction, and fingerprint that same snapshot.

    The migrations are read just before: they change only when an app process starts on a new version.
    """
    migrations = dbfile.applied_migrations(con)
    with fingerprints.reading(con) as cur:
        ((exported,),) = cur.execute("SELECT pg_export_snapshot()").fetchall()
        _run_tool("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={exported}",
                  f"--file={copy}", f"--dbname={con.url}")
        tables = fingerprints.fingerprints(cur)
        ((version,),) = cur.execute("SELECT current_setting('server_version')").fetchall()
    return Manifest(
        **common, source=postgres.safe_url(con.url), migrations=migrations, tables=tables,
        sha256=file_sha256(copy), engine="postgresql", server_version=version,
    )


def before_import(con: Connection) -> Path:
    """Back up the database before an accepted file is imported; refuse the import if the copy fails."""
    try:
        return snapshot(con, "avant-import")
    except OSError as exc:
        raise LaboError(
            f"La sauvegarde automatique avant l'import a échoué ({exc.strerror or exc}) : rien n'a été "
            "importé. Libérez de la place sur le disque ou vérifiez le dossier LABO_BACKUP_DIR."
        ) from exc
    except LaboError as exc:
        raise LaboError(f"La sauvegarde automatique avant l'import a échoué ({exc}) : rien n'a été "
                        "importé.") from exc


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


def ensure_daily(con: Connection, today: dt.date | None = None) -> Path | None:
    """Take today's backup if none exists yet (checked once a day per process); return it when taken.

    ``today`` is a UTC date, like the folder names (default: today's UTC date).
    """
    today = today or _real_now().date()
    source = _target(con)
    key = str(source)
    if _daily_checked.get(key) == today:
        return None
    _daily_checked[key] = today
    prefix = f"{today:%Y%m%d}-"
    if any(p.name.startswith(prefix) for p in list_backups(default_dir(source))):
        return None
    return snapshot(con, "quotidienne")


def verify(folder: Path) -> Manifest:
    """Check that a backup folder holds a copy matching its manifest; return the manifest.

    Checks the copy's SHA-256, then its content: every table's fingerprint in a DuckDB copy; for a pg_dump
    archive, that pg_restore reads it and finds the data of every table of the manifest (its rows are
    fingerprinted once restored, :func:`restore`). Raises LaboError (French) otherwise.
    """
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    try:
        manifest = Manifest.read(manifest_path)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        manifest = None
    if manifest is None or not (folder / manifest.copy_name).exists():
        raise LaboError(
            f"« {folder} » n'est pas une sauvegarde : il y manque un {MANIFEST} lisible ou la copie de la "
            f"base ({DB_FILE} ou {PG_FILE})."
        )
    copy = folder / manifest.copy_name
    if manifest.sha256 is not None and file_sha256(copy) != manifest.sha256:
        raise LaboError(
            f"La sauvegarde « {folder} » est altérée : le fichier {copy.name} ne correspond plus à "
            "l'empreinte SHA-256 de son manifeste."
        )
    if manifest.engine == "postgresql":
        _check_archive(folder, copy, manifest)
        return manifest
    con = duckdb.connect(str(copy), read_only=True)
    try:
        legacy = manifest.checksum != CHECKSUM
        found = fingerprints.legacy_fingerprints(con) if legacy else table_fingerprints(con)
    finally:
        con.close()
    if found != manifest.tables:
        raise LaboError(
            f"La sauvegarde « {folder} » est altérée : son contenu ne correspond plus à son manifeste."
        )
    return manifest


def _check_archive(folder: Path, copy: Path, manifest: Manifest) -> None:
    """pg_restore must read the archive's table of contents and find each table's data in it."""
    try:
        listing = _run_tool("pg_restore", "--list", str(copy)).decode("utf-8", "replace")
    except LaboError as exc:
        raise LaboError(f"La sauvegarde « {folder} » est illisible : {exc}") from None
    with_data = set(re.findall(r"TABLE DATA \S+ (\S+) ", listing))
    if not set(manifest.tables) <= with_data:
        raise LaboError(
            f"La sauvegarde « {folder} » est altérée : son archive ne contient pas toutes les tables de son "
            "manifeste."
        )


def restore(target: Path | str, folder: Path) -> Path | None:
    """Replace the database ``target`` (a DuckDB file's path or a PostgreSQL URL) by a verified backup of the
    same engine; the current database is backed up first. Returns that safety backup, if there was a
    database to save.

    Refuses, changing nothing: a backup that does not match its manifest or is foreign (LaboError,
    :func:`verify`), a backup of the other engine (LaboError: ``python -m labo_dash copy`` moves data across),
    and, for a DuckDB file, while another process such as the running app holds it (DatabaseLocked).

    PostgreSQL: ``pg_restore`` writes the archive as SQL, which ``psql --single-transaction`` runs into the
    database named by the URL after dropping every table, view and sequence of its schema: one transaction,
    so the database is either wholly the backup or untouched, the URL, owner and grants of the database
    stay, the running app processes keep their connections (their statements wait for the restore's locks,
    then read the restored data) and no CREATEDB right is needed, unlike restoring into a fresh database then
    swapping names (which would also have to cut every app process's connections). Dropping the whole
    schema first, rather than ``pg_restore --clean`` (which drops only what the archive holds), lets an older
    backup come back whole: a table added by a later migration would otherwise survive and block that
    migration when it runs again. The restored rows are then checked against the manifest.
    """
    folder = Path(folder)
    try:
        manifest = verify(folder)
    except LaboError as exc:
        raise LaboError(f"Restauration refusée, rien n'a été modifié. {exc}") from None
    to_postgres = postgres.is_url(target)
    if to_postgres != (manifest.engine == "postgresql"):
        kinds = {"postgresql": "d'une base PostgreSQL", "duckdb": "d'un fichier DuckDB"}
        raise LaboError(
            f"Restauration refusée, rien n'a été modifié. « {folder} » est la sauvegarde "
            f"{kinds[manifest.engine]} : elle ne se restaure que sur le même moteur. Pour passer d'un moteur "
            "à l'autre : python -m labo_dash copy --from ... --to ..."
        )
    if to_postgres:
        return _restore_postgres(str(target), folder, manifest)
    return _restore_file(Path(target), folder)


def _restore_file(db_path: Path, folder: Path) -> Path | None:
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


def _restore_postgres(url: str, folder: Path, manifest: Manifest) -> Path | None:
    con = postgres.connect(url)
    try:
        safety = snapshot(con, "avant-restauration") if dbfile.applied_migrations(con) else None
        script = _run_tool("pg_restore", "--no-owner", "--no-privileges", "--file=-", str(folder / PG_FILE))
        _run_tool("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", f"--dbname={url}",
                  stdin=_EMPTY_SCHEMA.encode("utf-8") + script)
        found = table_fingerprints(con)
    finally:
        con.close()
    if found != manifest.tables:
        saved = f" La version précédente est dans {safety}." if safety else ""
        raise LaboError(f"La base restaurée depuis « {folder} » ne correspond pas à son manifeste.{saved}")
    return safety
