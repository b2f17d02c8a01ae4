"""Backups: taken safely, verified against their manifest, pruned, restored; refused while held."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from labo_dash import backup, clock, db
from labo_dash.errors import DatabaseLocked, LaboError
from tests.conftest import hold_database

ROOT = Path(__file__).resolve().parents[1]


def test_snapshot_and_restore_round_trip_keeps_every_row(demo_db, tmp_path):
    con = db.open_database(demo_db)
    before = backup.table_fingerprints(con)
    folder = backup.snapshot(con, "test", to=tmp_path / "saves")
    with db.transaction(con) as cur:
        cur.execute("DELETE FROM decisions")
    assert backup.table_fingerprints(con)["decisions"].rows == 0
    con.close()

    manifest = backup.verify(folder)
    assert manifest.tables == before and manifest.tables["participants"].rows == 80
    safety = backup.restore(demo_db, folder)
    con = db.open_database(demo_db)
    assert backup.table_fingerprints(con) == before
    con.close()
    assert backup.verify(safety).tables["decisions"].rows == 0  # the replaced state was kept


def test_tampered_or_missing_backup_is_refused(demo_db, tmp_path):
    con = db.open_database(demo_db)
    folder = backup.snapshot(con, "test", to=tmp_path / "saves")
    before = backup.table_fingerprints(con)
    con.close()
    if isinstance(demo_db, Path):
        copy = db.open_database(folder / backup.DB_FILE, migrate=False)
        copy.execute("UPDATE decisions SET text = 'falsifié' WHERE id = 1")
        copy.close()
    else:
        with (folder / backup.PG_FILE).open("ab") as dump:
            dump.write(b"falsifi\xc3\xa9")
    with pytest.raises(LaboError, match="altérée"):
        backup.restore(demo_db, folder)
    with pytest.raises(LaboError, match="n'est pas une sauvegarde"):
        backup.restore(demo_db, tmp_path)
    assert fingerprints(demo_db) == before


def fingerprints(target) -> dict[str, backup.Fingerprint]:
    con = db.open_database(target)
    try:
        return backup.table_fingerprints(con)
    finally:
        con.close()


def test_prune_keeps_the_newest(fresh_db, tmp_path):
    con = db.open_database(fresh_db)
    folders = [backup.snapshot(con, f"n{i}", to=tmp_path / "saves") for i in range(4)]
    con.close()
    deleted = backup.prune(tmp_path / "saves", keep=2)
    assert deleted == folders[:2]
    assert backup.list_backups(tmp_path / "saves") == folders[2:]


def test_daily_backup_once_per_day(fresh_db, monkeypatch, tmp_path):
    monkeypatch.setenv("LABO_BACKUP_DIR", str(tmp_path / "daily"))
    con = db.open_database(fresh_db)
    day = dt.datetime.now(dt.UTC).date()  # backups are named and counted by UTC day
    assert backup.ensure_daily(con, day) is not None
    assert backup.ensure_daily(con, day) is None
    con.close()
    assert len(backup.list_backups(tmp_path / "daily")) == 1


def test_a_new_migration_is_preceded_by_a_backup(fresh_db, monkeypatch, tmp_path):
    monkeypatch.setenv("LABO_BACKUP_DIR", str(tmp_path / "auto"))
    files = db.migration_files()
    extra = ("9999_test", "CREATE TABLE extra (x INTEGER);")
    monkeypatch.setattr(db, "migration_files", lambda: [*files, extra])
    con = db.open_database(fresh_db)
    con.close()
    saved = backup.list_backups(tmp_path / "auto")
    assert len(saved) == 1 and saved[0].name.endswith("avant-migration")
    assert "9999_test" not in backup.verify(saved[0]).migrations


OPENS = """
import sys
from labo_dash import dbfile
from labo_dash.errors import DatabaseLocked
try:
    dbfile.open_file(sys.argv[1]).close()
except DatabaseLocked as exc:
    print(exc.pid)
else:
    print("ouverte")
"""  # another process opening the file as the app and the command line do


@pytest.mark.duckdb_only
def test_the_app_keeps_its_lock_on_the_file_after_its_own_backups(fresh_db, monkeypatch, tmp_path):
    """A backup copies the file without opening it in the app's process: closing any descriptor of the file
    there would release DuckDB's POSIX lock, and another process could open the base while the app writes."""
    monkeypatch.setenv("LABO_BACKUP_DIR", str(tmp_path / "auto"))
    files = db.migration_files()
    monkeypatch.setattr(db, "migration_files", lambda: [*files, ("9999_test", "CREATE TABLE extra (x INT);")])
    con = db.open_database(fresh_db)  # the new migration is preceded by a backup
    try:
        backup.snapshot(con, "quotidienne")
        backup.before_import(con)
        assert len(backup.list_backups(tmp_path / "auto")) == 3
        other = subprocess.run([sys.executable, "-c", OPENS, str(fresh_db)], capture_output=True, text=True,
                               cwd=ROOT, check=True)
        assert other.stdout.strip() == str(os.getpid())  # refused: this process holds the file
    finally:
        con.close()


@pytest.mark.duckdb_only
def test_restore_is_refused_while_another_process_holds_the_database(demo_db, tmp_path):
    con = db.open_database(demo_db)
    folder = backup.snapshot(con, "test", to=tmp_path / "saves")
    con.close()
    with hold_database(demo_db) as pid:
        with pytest.raises(DatabaseLocked, match="Restauration refusée"):
            backup.restore(demo_db, folder)
        cli = subprocess.run(
            [sys.executable, "-m", "labo_dash", "restore", "--db", str(demo_db), "--from", str(folder)],
            capture_output=True, text=True, cwd=ROOT,
        )
        assert cli.returncode == 1
        assert "Restauration refusée" in cli.stderr and f"PID {pid}" in cli.stderr


@pytest.mark.slow  # a real subprocess: the interpreter and the app's imports, 1.5 to 3.5 s
def test_command_line_backup_then_restore(demo_db, request, tmp_path):
    saves = tmp_path / "saves"
    out = subprocess.run(
        [sys.executable, "-m", "labo_dash", "backup", "--db", str(demo_db), "--to", str(saves)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    assert "Sauvegarde" in out.stdout
    (folder,) = backup.list_backups(saves)
    postgres_target = not isinstance(demo_db, Path)
    target = request.getfixturevalue("fresh_db") if postgres_target else tmp_path / "restored.duckdb"
    subprocess.run(
        [sys.executable, "-m", "labo_dash", "restore", "--db", str(target), "--from", str(folder)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    assert fingerprints(demo_db) == fingerprints(target)


def test_backups_are_named_in_utc_by_the_real_clock(fresh_db, tmp_path):
    con = db.open_database(fresh_db)
    try:
        before = dt.datetime.now(dt.UTC).replace(microsecond=0)
        with clock.frozen("2026-09-30T22:30:00Z"):  # a frozen app clock does not name backups
            first = backup.snapshot(con, "manuelle", tmp_path / "b")
            second = backup.snapshot(con, "manuelle", tmp_path / "b")
        after = dt.datetime.now(dt.UTC)
    finally:
        con.close()
    assert first != second
    named = dt.datetime.strptime(first.name[:22], "%Y%m%d-%H%M%S-%f").replace(tzinfo=dt.UTC)
    assert before <= named <= after
    taken_at = backup.verify(first).taken_at
    assert taken_at.endswith("Z") and before <= dt.datetime.fromisoformat(taken_at) <= after


def test_manifest_records_the_engines_version_and_the_copys_sha256(fresh_db, tmp_path):
    con = db.open_database(fresh_db)
    folder = backup.snapshot(con, "test", to=tmp_path / "saves")
    con.close()
    manifest = backup.verify(folder)
    if isinstance(fresh_db, Path):
        assert (manifest.engine, manifest.duckdb_version) == ("duckdb", duckdb.__version__)
    else:
        assert manifest.engine == "postgresql" and manifest.server_version.startswith("15.")
        assert manifest.source == fresh_db and manifest.duckdb_version is None
    digest = hashlib.sha256((folder / manifest.copy_name).read_bytes()).hexdigest()
    assert manifest.sha256 == digest and len(digest) == 64


def test_restore_refuses_a_copy_whose_sha256_differs_and_changes_nothing(demo_db, tmp_path):
    con = db.open_database(demo_db)
    folder = backup.snapshot(con, "test", to=tmp_path / "saves")
    with db.transaction(con) as cur:
        cur.execute("DELETE FROM decisions")
    con.close()
    manifest = json.loads((folder / backup.MANIFEST).read_text(encoding="utf-8"))
    manifest["sha256"] = "0" * 64  # the copy's rows still match; only its recorded digest differs
    (folder / backup.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    before = fingerprints(demo_db)
    with pytest.raises(LaboError, match=r"Restauration refusée, rien n'a été modifié\. .*SHA-256"):
        backup.restore(demo_db, folder)
    assert fingerprints(demo_db) == before
    assert backup.list_backups(backup.default_dir(demo_db)) == []  # not even a safety copy


def test_an_older_backup_comes_back_whole_over_a_newer_schema(fresh_db, monkeypatch, tmp_path):
    monkeypatch.setenv("LABO_BACKUP_DIR", str(tmp_path / "auto"))
    files = db.migration_files()
    extra = ("9999_test", "CREATE TABLE extra (x INTEGER);")
    monkeypatch.setattr(db, "migration_files", lambda: [*files, extra])
    db.open_database(fresh_db).close()
    (older,) = backup.list_backups(tmp_path / "auto")  # taken before 9999_test
    backup.restore(fresh_db, older)
    con = db.open_database(fresh_db)  # 9999_test applies again on the restored base
    try:
        assert "9999_test" in db.applied_migrations(con)
        assert backup.table_fingerprints(con)["extra"].rows == 0
    finally:
        con.close()


def test_a_backup_restores_on_its_own_engine_only(fresh_db, tmp_path):
    con = db.open_database(fresh_db)
    folder = backup.snapshot(con, "test", to=tmp_path / "saves")
    con.close()
    other = "postgresql://labo@127.0.0.1:1/ailleurs" if isinstance(fresh_db, Path) else tmp_path / "x.duckdb"
    with pytest.raises(LaboError, match=r"ne se restaure que sur le même moteur.*labo_dash copy"):
        backup.restore(other, folder)
    assert not (tmp_path / "x.duckdb").exists()


@pytest.mark.duckdb_only
def test_a_backup_made_before_the_engine_independent_checksum_is_still_verified(fresh_db, tmp_path):
    con = db.open_database(fresh_db)
    folder = backup.snapshot(con, "test", to=tmp_path / "saves")
    con.close()
    copy = duckdb.connect(str(folder / backup.DB_FILE), read_only=True)
    legacy = {name: {"rows": n, "checksum": int(checksum or 0)} for name, n, checksum in (
        (name, *copy.execute("SELECT count(*), bit_xor(hash(r)) FROM query_table(?) r", [name]).fetchone())
        for (name,) in copy.execute("SELECT table_name FROM duckdb_tables()").fetchall())}
    copy.close()
    manifest = json.loads((folder / backup.MANIFEST).read_text(encoding="utf-8"))
    for key in ("checksum", "engine", "server_version", "sha256"):
        manifest.pop(key)
    manifest["tables"] = legacy
    (folder / backup.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert backup.verify(folder).tables["seminars"].rows == 1
    legacy["seminars"]["checksum"] += 1
    (folder / backup.MANIFEST).write_text(json.dumps({**manifest, "tables": legacy}), encoding="utf-8")
    with pytest.raises(LaboError, match="altérée"):
        backup.verify(folder)


@pytest.mark.postgres
def test_postgresql_backups_need_pg_dump_and_a_readable_archive(pg_databases, pg_templates, monkeypatch,
                                                                tmp_path):
    url = pg_databases.copy(pg_templates["fresh"])
    con = db.open_database(url)
    try:
        folder = backup.snapshot(con, "test", to=tmp_path / "saves")
        monkeypatch.setattr(backup, "PG_BIN", tmp_path / "absent")
        monkeypatch.setenv("PATH", str(tmp_path / "absent"))
        with pytest.raises(LaboError, match=r"« pg_dump » de PostgreSQL est introuvable.*postgresql-client"):
            backup.snapshot(con, "test", to=tmp_path / "others")
        assert list((tmp_path / "others").iterdir()) == []  # no partial folder left
    finally:
        con.close()
        pg_databases.drop(url)
    monkeypatch.undo()
    manifest = json.loads((folder / backup.MANIFEST).read_text(encoding="utf-8"))
    (folder / backup.MANIFEST).write_text(json.dumps({**manifest, "sha256": None}), encoding="utf-8")
    dump = folder / backup.PG_FILE
    dump.write_bytes(dump.read_bytes()[:200])
    with pytest.raises(LaboError, match="est illisible : pg_restore a échoué"):
        backup.verify(folder)


@pytest.mark.postgres
def test_a_running_app_process_reads_the_restored_postgresql_base(pg_databases, pg_templates, monkeypatch,
                                                                  tmp_path):
    monkeypatch.setenv("LABO_BACKUP_DIR", str(tmp_path / "auto"))  # the safety backup
    url = pg_databases.copy(pg_templates["demo"])
    app = db.open_database(url)  # as a serving process: its pool stays connected through the restore
    try:
        folder = backup.snapshot(app, "test", to=tmp_path / "saves")
        count = "SELECT count(*) AS n FROM decisions"
        for _ in range(8):  # past psycopg's threshold: the statement is prepared on the server
            assert db.query(app, count)[0]["n"] == 18
        with db.transaction(app) as cur:
            cur.execute("DELETE FROM decisions")
        assert db.query(app, count)[0]["n"] == 0
        safety = backup.restore(url, folder)
        assert db.query(app, count)[0]["n"] == 18
        assert backup.table_fingerprints(app) == backup.verify(folder).tables
        assert safety.parent == tmp_path / "auto" and backup.verify(safety).tables["decisions"].rows == 0
    finally:
        app.close()
        pg_databases.drop(url)


def test_postgresql_backups_go_to_labo_backup_dir_else_to_backups_by_database_name(monkeypatch, tmp_path):
    monkeypatch.delenv("LABO_BACKUP_DIR", raising=False)
    url = "postgresql://labo:secret@db.example:5432/seminaire?sslmode=require"
    assert backup.default_dir(url) == ROOT / "backups" / "seminaire"
    assert backup.default_dir(tmp_path / "labo.duckdb") == tmp_path / "backups" / "labo"
    monkeypatch.setenv("LABO_BACKUP_DIR", str(tmp_path / "ailleurs"))
    assert backup.default_dir(url) == tmp_path / "ailleurs"
