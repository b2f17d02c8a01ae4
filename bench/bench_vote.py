"""Benchmark: many voters submit their ballot at once to the running app, by two paths side by side.

- ``html``: the light phone ballot (``GET /vote?code=CODE`` then ``POST /bulletin``), as a phone does;
- ``streamlit``: the Streamlit page ``/vote``, driven through Streamlit's agent API
  (``server.enableAgentApi``): one session per voter, the page loaded, then the form submitted.

Each voter first loads its ballot; then all submit either at once (``rafale``) or spread evenly over
60 s (``étalé``). The latency is measured from the submit to the server's answer, which comes after the
ballot's transaction has committed. Afterwards the database is checked: one current ballot per voter.

    .venv/bin/python bench/bench_vote.py [--voters 200] [--burst 100] [--spread 60]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from labo_dash import db, participants, rounds  # noqa: E402
from labo_dash.access import SYSTEM  # noqa: E402
from labo_dash.demo import build_demo  # noqa: E402
from labo_dash.rounds import RoundRules  # noqa: E402
from tests.conftest import free_port  # noqa: E402


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the 303 after a POST is the answer we time
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def prepare(path: Path, voters: int) -> tuple[int, list[dict]]:
    """Build the demo, register voters up to ``voters`` and open a dot-voting round; return it and them."""
    con = db.open_database(path)
    build_demo(con, seed=42)
    missing = voters - len(participants.list_participants(con))
    if missing > 0:
        lines = "".join(f"Votant·e {i};Structure {i % 40};ptce;Bretagne\n" for i in range(missing))
        data = ("nom;structure;type de participant;territoire\n" + lines).encode()
        participants.import_participants(con, SYSTEM, data, "banc.csv")
    items = [c.id for c in rounds.candidate_items(con, "challenges")]
    round_id = rounds.create_round(con, SYSTEM, RoundRules("Banc d'essai", dots_per_voter=3), items)
    rounds.set_status(con, SYSTEM, round_id, "open")
    people = db.query(con, "SELECT id, code FROM participants ORDER BY id LIMIT ?", [voters])
    con.execute("CHECKPOINT")
    con.close()
    return round_id, [{**p, "items": [items[p["id"] % 10], items[(p["id"] + 3) % 10]]} for p in people]


def start(path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "LABO_DB": str(path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--server.enableAgentApi", "true",
         "--server.agentWaitTimeout", "300", "--server.agentMaxSessions", "1000"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("le serveur n'a pas démarré")


def post(url: str, data: bytes, content_type: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type}, method="POST")
    try:
        with OPENER.open(request, timeout=300) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:  # 303 (no redirect followed), or a refusal
        return exc.code, exc.read()


class HtmlVoter:
    def __init__(self, url: str, round_id: int, person: dict) -> None:
        self.url, self.round_id, self.person = url, round_id, person

    def load(self) -> None:
        with urllib.request.urlopen(f"{self.url}/vote?code={self.person['code']}", timeout=300) as page:
            assert "Enregistrer mon vote" in page.read().decode()

    def submit(self) -> bool:
        fields = [("code", self.person["code"]), ("round", str(self.round_id))]
        fields += [("v", str(i)) for i in self.person["items"]]
        status, _ = post(f"{self.url}/bulletin", urllib.parse.urlencode(fields).encode(),
                         "application/x-www-form-urlencoded")
        return status == 303


class StreamlitVoter:
    def __init__(self, url: str, round_id: int, person: dict) -> None:
        self.url, self.round_id, self.person = url, round_id, person
        self.session: str | None = None
        self.trigger: str | None = None

    def _interact(self, body: dict) -> dict:
        url = f"{self.url}/_stcore/agent/interact"
        status, raw = post(url, json.dumps(body).encode(), "application/json")
        if status != 200:
            raise RuntimeError(f"agent API {status}: {raw[:200]!r}")
        return json.loads(raw)

    def load(self) -> None:
        answer = self._interact({"page": "vote", "query_params": {"code": [self.person["code"]]}})
        self.session = answer["session_id"]
        self.trigger = next(
            a["key"] for a in answer["actions"]
            if a["type"] == "form_submit_button" and a["key"].startswith("FormSubmitter:ballot-")
        )

    def submit(self) -> bool:
        prefix = f"ballot-{self.round_id}-{self.person['id']}-v-"
        state = {f"{prefix}{item}": True for item in self.person["items"]}
        answer = self._interact({"session_id": self.session, "widget_state": state,
                                 "trigger": {"key": self.trigger}})
        return "Votre vote est enregistré" in json.dumps(answer, ensure_ascii=False)


def run(path_name: str, voters: list, spread: float) -> dict:
    """Load every ballot, then submit them all (at once, or spread over ``spread`` seconds)."""
    loaded = threading.Barrier(len(voters) + 1)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def voter(index: int, v) -> None:
        try:
            v.load()
        except Exception as exc:  # a benchmark reports every failure instead of stopping
            failures.append(f"chargement : {exc}")
            loaded.wait()
            return
        loaded.wait()
        time.sleep(spread * index / len(voters))
        t0 = time.perf_counter()
        try:
            ok = v.submit()
        except Exception as exc:  # idem
            ok = False
            failures.append(f"envoi : {exc}")
        elapsed = time.perf_counter() - t0
        with lock:
            (latencies.append(elapsed) if ok else failures.append("bulletin non confirmé"))

    threads = [threading.Thread(target=voter, args=(i, v)) for i, v in enumerate(voters)]
    for thread in threads:
        thread.start()
    loaded.wait()
    t0 = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t0
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")

    return {"chemin": path_name, "votants": len(voters), "durée": wall, "bulletins/s": len(latencies) / wall,
            "p50": pct(0.50), "p95": pct(0.95), "max": latencies[-1] if latencies else float("nan"),
            "échecs": len(failures), "exemple": failures[:1]}


def recorded(path: Path, round_id: int) -> int:
    con = db.open_database(path)
    try:
        return db.query(con, "SELECT count(DISTINCT participant_id) AS n FROM ballots WHERE round_id = ?",
                        [round_id])[0]["n"]
    finally:
        con.close()


def scenario(kind: str, n: int, spread: float, workdir: Path) -> dict:
    path = workdir / f"{kind}-{n}-{int(spread)}.duckdb"
    round_id, people = prepare(path, n)
    process, url = start(path)
    try:
        cls = HtmlVoter if kind == "html" else StreamlitVoter
        row = run(kind, [cls(url, round_id, p) for p in people], spread)
    finally:
        process.terminate()
        process.wait(timeout=30)
    row["scénario"] = f"étalé sur {spread:.0f} s" if spread else "rafale"
    row["en base"] = recorded(path, round_id)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=200, help="votants du scénario étalé (défaut 200)")
    parser.add_argument("--burst", type=int, default=100, help="votants de la rafale (défaut 100)")
    parser.add_argument("--spread", type=float, default=60.0, help="durée de l'étalement en s (défaut 60)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("html", "streamlit"):
            for n, spread in ((args.burst, 0.0), (args.voters, 0.0), (args.voters, args.spread)):
                rows.append(scenario(kind, n, spread, Path(tmp)))
                print(json.dumps(rows[-1], ensure_ascii=False, default=str), file=sys.stderr, flush=True)
    print(f"{'chemin':<10} {'scénario':<16} {'votants':>7} {'durée s':>8} {'bulletins/s':>11} "
          f"{'p50 s':>7} {'p95 s':>7} {'max s':>7} {'échecs':>6} {'en base':>7}")
    for r in rows:
        print(f"{r['chemin']:<10} {r['scénario']:<16} {r['votants']:>7} {r['durée']:>8.1f} "
              f"{r['bulletins/s']:>11.1f} {r['p50']:>7.3f} {r['p95']:>7.3f} {r['max']:>7.3f} "
              f"{r['échecs']:>6} {r['en base']:>7}")


if __name__ == "__main__":
    main()
