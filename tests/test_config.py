"""The configuration read from the environment: defaults, parsed values, and loud French refusals."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from labo_dash import backup, config
from labo_dash.config import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_when_nothing_is_set():
    settings = config.load({"HOME": "/root", "LABO_BACKUP_KEEP": "  "})  # blank is unset
    assert settings == config.Config()
    assert settings.database == ROOT / "data" / "labo.duckdb" and settings.backup_keep == 30
    assert settings.base_url is None and settings.backup_dir is None and settings.now is None


def test_every_variable_is_parsed():
    settings = config.load({
        "LABO_DB": "/tmp/seminaire.duckdb",
        "LABO_BASE_URL": " https://vote.labo-ess.org/ ",
        "LABO_BASE_URL_DETECTED": "1",
        "LABO_BACKUP_DIR": "/tmp/sauvegardes",
        "LABO_BACKUP_KEEP": "7",
        "LABO_NOW": "2026-10-01T00:30:00+02:00",
        "LABO_PILOTAGE_PASSCODE_HASH": " scrypt:1:2:3:abc:def ",
        "LABO_PARTENAIRE_PASSCODE_HASH": "",
        "OTHER_PASSCODE_HASH": "ignored",
    })
    assert settings.database == Path("/tmp/seminaire.duckdb")
    assert settings.base_url == "https://vote.labo-ess.org" and settings.base_url_detected
    assert settings.backup_dir == Path("/tmp/sauvegardes") and settings.backup_keep == 7
    assert settings.now == dt.datetime(2026, 9, 30, 22, 30, tzinfo=dt.UTC)
    assert settings.passcode_hashes == {"LABO_PILOTAGE_PASSCODE_HASH": "scrypt:1:2:3:abc:def"}


@pytest.mark.parametrize("keep", ["abc", "-1", "0", "2.5"])
def test_a_bad_backup_keep_is_refused_in_french_naming_the_variable(keep):
    with pytest.raises(ConfigError, match=f"LABO_BACKUP_KEEP vaut « {keep} » : .*au moins 1"):
        config.load({"LABO_BACKUP_KEEP": keep})


def test_a_bad_labo_now_is_refused_naming_the_variable():
    with pytest.raises(ConfigError, match=r"LABO_NOW est invalide : .*n'indique pas son fuseau"):
        config.load({"LABO_NOW": "2026-10-01T00:30"})


def test_current_follows_a_change_of_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LABO_BACKUP_KEEP", "3")
    assert config.current().backup_keep == 3
    monkeypatch.setenv("LABO_BACKUP_DIR", str(tmp_path))
    assert config.current().backup_dir == tmp_path
    assert backup.default_dir(tmp_path / "base.duckdb") == tmp_path


def test_the_backup_keep_count_prunes_automatic_backups(fresh_db, monkeypatch, tmp_path):
    from labo_dash import db

    monkeypatch.setenv("LABO_BACKUP_DIR", str(tmp_path / "auto"))
    monkeypatch.setenv("LABO_BACKUP_KEEP", "2")
    con = db.open_database(fresh_db)
    try:
        for reason in ("a", "b", "c"):
            backup.snapshot(con, reason)
    finally:
        con.close()
    assert [p.name.rsplit("-", 1)[1] for p in backup.list_backups(tmp_path / "auto")] == ["b", "c"]


def run_with(variable: str, value: str, *command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, variable: value}
    return subprocess.run([sys.executable, *command], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.slow  # a real subprocess: the interpreter and the app's imports, 1.5 to 3.5 s
def test_the_server_refuses_to_start_with_a_bad_backup_keep():
    code = ("import sys; from streamlit import config; config.set_option('server.port', 8766); "
            "sys.argv = ['serve.py']; import runpy; runpy.run_path('serve.py')")
    out = run_with("LABO_BACKUP_KEEP", "abc", "-c", code)
    assert out.returncode == 1
    assert "LABO_BACKUP_KEEP vaut « abc »" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.slow  # a real subprocess: the interpreter and the app's imports, 1.5 to 3.5 s
def test_the_command_line_refuses_a_bad_backup_keep(tmp_path):
    out = run_with("LABO_BACKUP_KEEP", "-1", "-m", "labo_dash", "backup", "--to", str(tmp_path))
    assert out.returncode == 1
    assert out.stderr.startswith("Erreur : La variable d'environnement LABO_BACKUP_KEEP vaut « -1 »")
    assert list(tmp_path.iterdir()) == []


def test_a_postgresql_url_is_kept_whole_and_a_broken_one_refused_in_french():
    url = "postgresql://labo:s%40cret@base.exemple.org:5432/labo"
    assert config.load({"LABO_DB": url}).database == url  # a str: a Path would fold the "//"
    assert config.load({"LABO_DB": "postgres://base/labo"}).database == "postgres://base/labo"
    with pytest.raises(ConfigError, match="LABO_DB n'est pas une adresse PostgreSQL lisible") as info:
        config.load({"LABO_DB": "postgresql://labo:%%%@base/labo"})
    assert "%%%" not in str(info.value)  # the value may hold a password: never echoed


@pytest.mark.slow  # a real subprocess: the interpreter and the app's imports, 1.5 to 3.5 s
def test_the_command_lines_help_shows_whatever_the_environment_holds():
    env = {**os.environ, "LABO_BACKUP_KEEP": "abc"}
    shown = subprocess.run([sys.executable, "-m", "labo_dash", "backup", "--help"], capture_output=True,
                           text=True, cwd=ROOT, env=env)
    assert shown.returncode == 0 and "--to" in shown.stdout
    refused = subprocess.run([sys.executable, "-m", "labo_dash", "backup", "--to", "/tmp/jamais"],
                             capture_output=True, text=True, cwd=ROOT, env=env)
    assert refused.returncode == 1 and "LABO_BACKUP_KEEP" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.slow  # a real subprocess: the interpreter and the app's imports, 1.5 to 3.5 s
def test_the_server_refuses_to_start_on_a_postgresql_server_that_does_not_answer():
    code = ("import sys; from streamlit import config; config.set_option('server.port', 8767); "
            "sys.argv = ['serve.py']; import runpy; runpy.run_path('serve.py')")
    out = run_with("LABO_DB", "postgresql://labo:secret@127.0.0.1:1/labo", "-c", code)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "Impossible de joindre la base PostgreSQL « postgresql://labo:***@127.0.0.1:1/labo »" in out.stderr
    assert "le serveur 127.0.0.1:1 ne répond pas" in out.stderr and "secret" not in out.stderr


@pytest.mark.slow  # a real subprocess: the interpreter and the app's imports, 1.5 to 3.5 s
def test_the_command_line_never_creates_a_base_it_should_read(tmp_path):
    missing = tmp_path / "faute-de-frappe" / "labo.duckdb"
    for command in (["backup", "--db", str(missing), "--to", str(tmp_path / "bk")],
                    ["copy", "--from", str(missing), "--to", str(tmp_path / "copie.duckdb")],
                    ["export", "--db", str(missing), "--to", str(tmp_path / "export")]):
        out = subprocess.run([sys.executable, "-m", "labo_dash", *command], capture_output=True, text=True,
                             cwd=ROOT)
        assert out.returncode == 1 and f"La base « {missing} » n'existe pas" in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no folder, no file created
    out = subprocess.run([sys.executable, "-m", "labo_dash", "backup", "--db", "postgresql://%zz@h/x", "--to",
                          str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1 and "L'option --db n'est pas une adresse PostgreSQL lisible" in out.stderr
