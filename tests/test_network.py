"""The address in the QR codes: LABO_BASE_URL, else the machine's address on the local network."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys

import pytest

from labo_dash import network
from labo_dash.reporting import badges
from tests.apptest import open_page


def test_lan_addresses_are_reachable_ipv4_addresses():
    for address in network.lan_addresses():
        ip = ipaddress.IPv4Address(address)
        assert not ip.is_loopback and not ip.is_link_local


def test_detected_url_uses_the_bound_address_or_a_lan_address(monkeypatch):
    assert network.detect_base_url(8501, "127.0.0.1") == "http://127.0.0.1:8501"
    monkeypatch.setattr(network, "lan_addresses", lambda: ["192.168.1.20"])
    assert network.detect_base_url(8501, "") == "http://192.168.1.20:8501"
    assert network.detect_base_url(8502, "0.0.0.0") == "http://192.168.1.20:8502"
    monkeypatch.setattr(network, "lan_addresses", lambda: [])
    assert network.detect_base_url(8501) == "http://localhost:8501"


def test_labo_base_url_wins_over_detection(monkeypatch):
    monkeypatch.delenv(network.DETECTED_VARIABLE, raising=False)  # restored after the test
    monkeypatch.setenv("LABO_BASE_URL", "https://vote.labo-ess.org/")
    assert network.configure_base_url(8501) == ("https://vote.labo-ess.org", False)
    assert not network.detected() and "détectée" not in network.address_origin()  # set by organisers
    assert "vient de la variable d'environnement LABO_BASE_URL" in network.address_origin()
    monkeypatch.delenv("LABO_BASE_URL")
    monkeypatch.setattr(network, "lan_addresses", lambda: ["10.0.0.7"])
    assert network.configure_base_url(8501) == ("http://10.0.0.7:8501", True)
    assert badges.vote_link("ABCD2345") == "http://10.0.0.7:8501/vote?code=ABCD2345"
    assert network.detected() and "détectée au démarrage" in network.address_origin()


@pytest.mark.parametrize(("url", "loopback"), [
    ("http://localhost:8501", True), ("http://127.0.0.1:8501", True), ("http://[::1]:8501", True),
    ("http://192.168.1.20:8501", False), ("https://vote.labo-ess.org", False),
])
def test_loopback_urls(url, loopback):
    assert network.is_loopback_url(url) is loopback


@pytest.mark.slow  # a real subprocess: the interpreter and the app's imports, 1.5 to 3.5 s
def test_serve_prints_the_phones_address():
    """serve.py, as `make run` starts it, prints the address it put in the QR codes."""
    env = {k: v for k, v in os.environ.items() if k != "LABO_BASE_URL"}
    code = ("import sys; from streamlit import config; config.set_option('server.port', 8765); "
            "config.set_option('server.address', '127.0.0.1'); sys.argv = ['serve.py']; "
            "import runpy; runpy.run_path('serve.py')")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Adresse des téléphones (QR codes) : http://127.0.0.1:8765" in out.stdout
    assert "injoignable depuis un téléphone" in out.stdout


@pytest.mark.parametrize(
    ("url", "warned"), [("http://localhost:8501", True), ("http://192.168.1.20:8501", False)]
)
def test_admin_warns_when_the_qr_code_points_to_this_machine(app_db, monkeypatch, url, warned):
    monkeypatch.setenv("LABO_BASE_URL", url)  # set by the organisers, not detected
    monkeypatch.delenv(network.DETECTED_VARIABLE, raising=False)
    at = open_page("pages/admin.py")
    warnings = [w.value for w in at.warning]
    assert any("aucun téléphone" in w for w in warnings) is warned
    assert not any("détectée" in w for w in warnings)  # LABO_BASE_URL set: nothing was detected


def test_the_badges_say_where_the_address_comes_from(app_db, monkeypatch):
    monkeypatch.setenv("LABO_BASE_URL", "https://vote.labo-ess.org")
    monkeypatch.delenv(network.DETECTED_VARIABLE, raising=False)
    at = open_page("pages/admin.py", {"onglet": "Participant·e·s et badges"})
    captions = [c.value for c in at.caption if "Une page A4 pour 8 badges" in c.value]
    assert captions and "vient de la variable d'environnement LABO_BASE_URL" in captions[0]
    assert not any("détectée au démarrage" in c.value for c in at.caption)
    monkeypatch.setenv(network.DETECTED_VARIABLE, "1")  # as serve.py leaves it after detecting
    at = open_page("pages/admin.py", {"onglet": "Participant·e·s et badges"})
    assert any("détectée au démarrage" in c.value for c in at.caption)


