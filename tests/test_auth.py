"""Passcode hashes, lockout, the grant registry, e-mail roles, settings and `passcode-hash`."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from labo_dash import auth, db, settings
from labo_dash.access import ANONYMOUS, ORGANISER, PARTNER, STEERING, Actor
from labo_dash.errors import PermissionDenied, ValidationError
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def hashes() -> dict[str, str]:
    return {
        ORGANISER: auth.hash_passcode("organisation-2026"),
        STEERING: auth.hash_passcode("pilotage-2026"),
        PARTNER: auth.hash_passcode("partenaire-2026"),
    }


def test_hash_is_salted_and_carries_its_parameters():
    first, second = auth.hash_passcode("un-code-secret"), auth.hash_passcode("un-code-secret")
    assert first != second, "a fresh salt each time"
    scheme, n, r, p, _salt, _digest = first.split(":")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P)
    assert "un-code-secret" not in first and "$" not in first
    assert auth.verify_passcode("un-code-secret", first) and auth.verify_passcode("un-code-secret", second)
    assert not auth.verify_passcode("un-code-secreT", first)
    assert not auth.verify_passcode("", first)


@pytest.mark.parametrize(
    "encoded",
    ["", "un-code-en-clair", "scrypt:16384:8:1:xx", "bcrypt:16384:8:1:AAAA:AAAA", "scrypt:a:b:c:AAAA:AAAA",
     "scrypt:16384:8:1:!!!:???", "scrypt:99999999999:8:1:AAAA:AAAA"],
)
def test_malformed_hashes_never_match(encoded):
    assert not auth.verify_passcode("un-code-en-clair", encoded)
    assert not auth.is_valid_hash(encoded) or encoded.startswith("scrypt:")


def test_short_passcode_is_refused_in_french():
    with pytest.raises(ValidationError, match="au moins 8 caractères"):
        auth.hash_passcode("court")


def test_match_role_picks_the_role_of_the_passcode(hashes):
    assert auth.match_role("pilotage-2026", hashes) == STEERING
    assert auth.match_role("partenaire-2026", hashes) == PARTNER
    assert auth.match_role("organisation-2026", hashes) == ORGANISER
    assert auth.match_role("rien-du-tout", hashes) is None
    assert auth.match_role("pilotage-2026", {PARTNER: hashes[PARTNER]}) is None


def test_repeated_wrong_passcode_locks_the_client_out_even_for_the_right_one(hashes):
    limiter = auth.FailureLimiter(max_failures=3, window=60, lockout=120)
    for _ in range(2):
        with pytest.raises(ValidationError, match="incorrect"):
            auth.check_passcode("mauvais-code", hashes, limiter, "10.0.0.7")
    with pytest.raises(PermissionDenied, match="bloquée pendant 2 minutes"):
        auth.check_passcode("mauvais-code", hashes, limiter, "10.0.0.7")
    with pytest.raises(PermissionDenied, match="encore"):
        auth.check_passcode("pilotage-2026", hashes, limiter, "10.0.0.7")
    assert auth.check_passcode("pilotage-2026", hashes, limiter, "10.0.0.8") == STEERING, "other clients"


def test_lockout_ends_and_grows_on_repeat():
    limiter = auth.FailureLimiter(max_failures=2, window=60, lockout=10)
    assert limiter.failure("c", now=0) == 0
    assert limiter.failure("c", now=1) == 10
    assert limiter.remaining_lockout("c", now=5) == 6, "locked at t=1 for 10 s"
    assert limiter.remaining_lockout("c", now=12) == 0
    limiter.failure("c", now=20)
    assert limiter.failure("c", now=21) == 20, "the second lockout lasts twice as long"
    limiter.success("c")
    assert limiter.remaining_lockout("c", now=22) == 0


def test_failures_outside_the_window_are_forgotten():
    limiter = auth.FailureLimiter(max_failures=2, window=60, lockout=10)
    limiter.failure("c", now=0)
    assert limiter.failure("c", now=100) == 0


def test_a_wrong_passcode_waits_before_answering(hashes):
    limiter = auth.FailureLimiter()
    started = time.monotonic()
    with pytest.raises(ValidationError):
        auth.check_passcode("mauvais-code", hashes, limiter, "c", delay=0.3)
    assert time.monotonic() - started >= 0.3


def test_grant_registry_binds_a_token_to_its_session():
    registry = auth.GrantRegistry()
    token = registry.issue(STEERING, "Paul", "session-a")
    grant = registry.lookup(token, "session-a")
    assert grant is not None and (grant.role, grant.name) == (STEERING, "Paul")
    assert registry.lookup(token, "session-b") is None, "a token copied into another session is useless"
    assert registry.lookup("organisateur", "session-a") is None
    assert registry.lookup({"role": ORGANISER}, "session-a") is None
    registry.revoke(token)
    assert registry.lookup(token, "session-a") is None


def test_grants_expire():
    registry = auth.GrantRegistry(lifetime=0.0)
    token = registry.issue(ORGANISER, "Marie", "s")
    assert registry.lookup(token, "s") is None


def test_role_for_email_exact_address_wins_over_domain():
    roles = {
        ORGANISER: ["marie@labo-ess.org"],
        STEERING: ["@labo-ess.org", "paul@exemple.fr"],
        PARTNER: "@quevolterre.org",
    }
    assert auth.role_for_email("Marie@Labo-ESS.org", roles) == ORGANISER
    assert auth.role_for_email("jean@labo-ess.org", roles) == STEERING
    assert auth.role_for_email("paul@exemple.fr", roles) == STEERING
    assert auth.role_for_email("ana@quevolterre.org", roles) == PARTNER
    assert auth.role_for_email("ana@sous.quevolterre.org", roles) is None
    assert auth.role_for_email("intrus@ailleurs.fr", roles) is None
    assert auth.role_for_email(None, roles) is None


def test_clean_name():
    assert auth.clean_name("  Marie   Curie ") == "Marie Curie"
    with pytest.raises(ValidationError) as exc:
        auth.clean_name("   ")
    assert "name" in exc.value.fields
    with pytest.raises(ValidationError):
        auth.clean_name("x" * 81)


@pytest.mark.slow
def test_passcode_hash_command_reads_stdin_and_prints_a_working_hash():
    result = subprocess.run(
        [sys.executable, "-m", "labo_dash", "passcode-hash"], input="mon code à moi\n",
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    encoded = result.stdout.strip()
    assert auth.is_valid_hash(encoded) and auth.verify_passcode("mon code à moi", encoded)
    short = subprocess.run(
        [sys.executable, "-m", "labo_dash", "passcode-hash"], input="court\n",
        capture_output=True, text=True, cwd=ROOT,
    )
    assert short.returncode == 1 and "au moins 8 caractères" in short.stderr and not short.stdout


def test_every_setting_is_documented():
    for name, setting in settings.SETTINGS.items():
        assert setting.name == name and setting.label and len(setting.help) > 20


def test_settings_default_store_and_audit(fresh_db):
    con = db.open_database(fresh_db)
    try:
        assert settings.get_setting(con, "public_projection") is False
        organiser = Actor(ORGANISER, "Marie")
        assert settings.set_setting(con, organiser, "public_projection", True) is True
        assert settings.get_setting(con, "public_projection") is True
        assert settings.set_setting(con, organiser, "public_projection", True) is False
        log = db.query(con, "SELECT actor, role, entity, before, after FROM audit_log")
        assert len(log) == 1 and log[0]["actor"] == "Marie" and log[0]["entity"] == "settings"
        for role in (STEERING, PARTNER, ANONYMOUS):
            with pytest.raises(PermissionDenied):
                settings.set_setting(con, Actor(role, "x"), "public_projection", False)
        assert settings.get_setting(con, "public_projection") is True
        with pytest.raises(ValidationError):
            settings.set_setting(con, organiser, "public_projection", "oui")
    finally:
        con.close()
