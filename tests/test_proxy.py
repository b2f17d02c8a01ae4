"""The reverse proxy of docs/deploiement.md: deploy/nginx.conf (Debian's nginx) in front of two app processes
sharing one PostgreSQL database. New visitors spread over both processes, websockets pass, a browser session
stays on one process, a phone ballot taken by one process is stored and shown by the other, and when one
process is killed its visitors and their ballots go to the other."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from labo_dash import db, participants, results, rounds, voting
from labo_dash.access import SYSTEM
from labo_dash.rounds import RoundRules
from tests.conftest import ROOT, Server, free_port, screenshot, wait_ready

pytestmark = pytest.mark.browser
NGINX = "/usr/sbin/nginx"
TEMPLATE = ROOT / "deploy" / "nginx.conf"
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "fr-FR", "is_mobile": True, "has_touch": True}
WAIT = 30_000  # ms: a shared 2-core machine under load can take seconds to rerun a page
COOKIE = "labo_upstream"  # the sticky-session cookie the proxy sets (deploy/nginx.conf)
WEBSOCKET = re.compile(r'"GET /_stcore/stream HTTP/1\.1" 101 ')  # an access log line of Streamlit's websocket


def render(listen: int, upstreams: list[str]) -> str:
    """Return deploy/nginx.conf with its placeholders filled: the proxy's port and the app processes'
    ``HOST:PORT`` addresses."""
    servers = " ".join(f"server {address};" for address in upstreams)
    return TEMPLATE.read_text().replace("@LISTEN@", f"127.0.0.1:{listen}").replace("@UPSTREAMS@", servers)


# The main configuration around the template for a non-root run: every path nginx writes (pid, logs, request
# bodies and buffered responses) in one folder; in the foreground, so the test owns the process.
MAIN = """daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/labo.conf;
    access_log {folder}/access.log labo;
}}
"""


class Proxy:
    """nginx in the foreground on a free loopback port, with deploy/nginx.conf rendered for ``upstreams``."""

    def __init__(self, upstreams: list[str]) -> None:
        if not Path(NGINX).exists():
            pytest.fail("nginx manquant : lancez « make test », qui l'installe (apt-get install nginx).")
        # Not under pytest's 0700 temp folders: when the tests run as root, nginx's workers run as an
        # unprivileged user and must reach the folders where they buffer large responses.
        self.folder = Path(tempfile.mkdtemp(prefix="labo-nginx-"))
        self.folder.chmod(0o755)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = self.folder / "access.log"
        (self.folder / "labo.conf").write_text(render(self.port, upstreams))
        config = self.folder / "nginx.conf"
        config.write_text(MAIN.format(folder=self.folder))
        command = [NGINX, "-p", str(self.folder), "-c", str(config), "-e", str(self.folder / "error.log")]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.folder / 'error.log').read_text()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("nginx did not start within 15 s")

    def upstream_of(self, key: str | None) -> str:
        """Return the app process (``127.0.0.1:PORT``) the proxy sends a request with this sticky key (None:
        a first visit, without the cookie) to, read from the ``X-Upstream`` header the config adds (when a
        process failed first: every process tried, ``A, B``)."""
        request = urllib.request.Request(f"{self.url}/_stcore/health")
        if key is not None:
            request.add_header("Cookie", f"{COOKIE}={key}")
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            return response.headers["X-Upstream"]

    def log_lines(self, key: str) -> list[str]:
        """Return the access log's lines of the requests that carried this sticky key."""
        return [line for line in self.access_log.read_text().splitlines() if f" key={key} " in line]

    def stop(self) -> None:
        """Stop nginx (SIGQUIT: let it finish its requests and write its logs), print its errors and warnings,
        and remove its folder."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        errors = [line for line in (self.folder / "error.log").read_text().splitlines()
                  if "[error]" in line or "[warn]" in line]
        print("\n".join(["nginx errors and warnings:", *errors]))  # shown by pytest when a test fails
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def running_proxy(servers: list[Server]) -> Iterator[Proxy]:
    proxy = Proxy([f"127.0.0.1:{server.port}" for server in servers])
    try:
        yield proxy
    finally:
        proxy.stop()


def open_round(url: str) -> tuple[int, list[str], list[rounds.CandidateItem]]:
    """Open a dot-voting round on the défis of the database at ``url``; return its id, four participants'
    codes and its items."""
    con = db.open_database(url)
    try:
        items = rounds.candidate_items(con, "challenges")
        rules = RoundRules("Positionnement en direct")
        round_id = rounds.create_round(con, SYSTEM, rules, [i.id for i in items])
        rounds.set_status(con, SYSTEM, round_id, "open")
        codes = [r["code"] for r in db.query(con, "SELECT code FROM participants ORDER BY id LIMIT 4")]
    finally:
        con.close()
    return round_id, codes, items


def current_ballot(url: str, round_id: int, code: str) -> dict[int, tuple[int, bool]] | None:
    """Return the current ballot (item id -> (dots, contribute)) of the participant with ``code``."""
    con = db.open_database(url)
    try:
        person = participants.participant_by_code(con, code)
        assert person is not None
        return voting.current_ballot(con, round_id, person.id)
    finally:
        con.close()


@pytest.fixture(scope="module")
def deployment(pg_databases, pg_templates, start_module_server):
    """Two app processes on one PostgreSQL copy of the demo with an open dot-voting round, behind the proxy.

    Yields (proxy, servers, database URL, round id, four participants' codes, the round's items).
    """
    url = pg_databases.copy(pg_templates["demo"])
    round_id, codes, items = open_round(url)
    servers = [start_module_server(url), start_module_server(url)]
    with running_proxy(servers) as proxy:
        yield proxy, servers, url, round_id, codes, items
    for server in servers:
        server.stop()  # before the database is dropped
    pg_databases.drop(url)


def keys_by_upstream(proxy: Proxy, servers: list[Server]) -> dict[str, str]:
    """Return one sticky key per app process (``127.0.0.1:PORT`` -> key), found by asking the proxy."""
    found: dict[str, str] = {}
    for n in range(200):
        found.setdefault(proxy.upstream_of(f"essai-{n}"), f"essai-{n}")
        if len(found) == len(servers):
            return found
    raise AssertionError(f"200 keys all went to {sorted(found)}")


def test_new_visitors_spread_over_both_processes_and_each_sticks_to_its_own(deployment):
    proxy, servers, *_ = deployment
    # A first visit gets a random key: 20 of them all on one of two processes would be a 1 in 500 000 fluke.
    first_visits = {proxy.upstream_of(None) for _ in range(20)}
    assert first_visits == {f"127.0.0.1:{server.port}" for server in servers}
    for upstream, key in keys_by_upstream(proxy, servers).items():
        assert [proxy.upstream_of(key) for _ in range(5)] == [upstream] * 5


def test_the_app_connects_through_the_proxy_and_its_session_stays_on_one_process(deployment, browser):
    proxy, servers, *_ = deployment
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    tab.set_default_timeout(90_000)
    for path in ("actions", "actions", "suivi"):  # three page loads, three websockets
        tab.goto(f"{proxy.url}/{path}")
        wait_ready(tab)  # the websocket (/_stcore/stream) connected through the proxy and the page ran
        expect(tab.get_by_role("heading", level=1).first).to_be_visible()
        expect(tab.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(tab, "proxy-suivi")
    (key,) = [c["value"] for c in context.cookies() if c["name"] == COOKIE]
    context.close()  # closes the websockets: nginx logs a websocket when it ends
    deadline = time.monotonic() + 15
    while len(websockets := [line for line in proxy.log_lines(key) if WEBSOCKET.search(line)]) < 3:
        assert time.monotonic() < deadline, proxy.log_lines(key)
        time.sleep(0.2)
    lines = proxy.log_lines(key)
    assert len(lines) > len(websockets)  # the page's files came through the proxy too
    upstreams = {re.search(r" upstream=(\S+) ", line).group(1) for line in lines}
    assert len(upstreams) == 1 and upstreams <= {f"127.0.0.1:{server.port}" for server in servers}, lines


def phone_on(browser, proxy: Proxy, key: str):
    """Return a phone's page whose requests carry this sticky key (so reach that key's app process)."""
    context = browser.new_context(**PHONE)
    context.add_cookies([{"name": COOKIE, "value": key, "url": proxy.url}])
    phone = context.new_page()
    phone.set_default_timeout(WAIT)
    return phone


def vote(phone, proxy: Proxy, code: str, titles: list[str]):
    """Vote on the light ballot, a dot on each of ``titles``; return the POST's response."""
    phone.goto(f"{proxy.url}/vote?code={code}")
    for title in titles:
        phone.get_by_role("checkbox", name=title).check()
    with phone.expect_response(f"{proxy.url}/bulletin") as posted:  # the POST (303), before its redirect
        phone.get_by_role("button", name="Enregistrer mon vote").click()
    expect(phone.get_by_text("Merci ! Votre vote est enregistré")).to_be_visible(timeout=WAIT)
    return posted.value


def test_a_phone_ballot_through_the_proxy_is_counted_and_shown_by_the_other_process(deployment, browser):
    proxy, servers, url, round_id, codes, items = deployment
    item_ids, titles = [i.id for i in items], [i.title for i in items]
    (voter, reader), (voter_key, reader_key) = zip(*keys_by_upstream(proxy, servers).items(), strict=True)
    phone = phone_on(browser, proxy, voter_key)
    posted = vote(phone, proxy, codes[0], [titles[0], titles[2]])
    assert posted.status == 303 and posted.headers["x-upstream"] == voter
    screenshot(phone, "proxy-vote-telephone")
    phone.context.close()
    assert current_ballot(url, round_id, codes[0]) == {item_ids[0]: (1, False), item_ids[2]: (1, False)}
    con = db.open_database(url)
    try:
        assert results.turnout(con, round_id).voters == 1
    finally:
        con.close()

    # The same participant's ballot page, served by the other process, shows the ballot that counts.
    again = phone_on(browser, proxy, reader_key)
    with again.expect_response(f"{proxy.url}/vote?code={codes[0]}") as shown:
        again.goto(f"{proxy.url}/vote?code={codes[0]}")
    assert shown.value.headers["x-upstream"] == reader
    checked = [title for title in titles if again.get_by_role("checkbox", name=title).is_checked()]
    assert checked == [titles[0], titles[2]]
    screenshot(again, "proxy-vote-autre-processus")
    again.context.close()


def test_when_a_process_dies_its_visitors_and_their_ballots_go_to_the_other(
        pg_databases, pg_templates, start_server, browser):
    url = pg_databases.copy(pg_templates["demo"])
    servers: list[Server] = []
    try:
        round_id, codes, items = open_round(url)
        item_ids, titles = [i.id for i in items], [i.title for i in items]
        servers = [start_server(url), start_server(url)]
        with running_proxy(servers) as proxy:
            (dead, alive), (dead_key, _) = zip(*keys_by_upstream(proxy, servers).items(), strict=True)
            victim = next(server for server in servers if f"127.0.0.1:{server.port}" == dead)
            victim.process.kill()  # SIGKILL: the machine or the process is gone
            victim.process.wait()
            # nginx passes the request on to the other process ($upstream_addr lists every process tried)
            assert proxy.upstream_of(dead_key).split(", ")[-1] == alive
            phone = phone_on(browser, proxy, dead_key)
            posted = vote(phone, proxy, codes[1], [titles[1], titles[3]])
            assert posted.status == 303 and posted.headers["x-upstream"].split(", ")[-1] == alive
            phone.context.close()
        assert current_ballot(url, round_id, codes[1]) == {item_ids[1]: (1, False), item_ids[3]: (1, False)}
    finally:
        for server in servers:
            server.stop()  # before the database is dropped
        pg_databases.drop(url)
