"""A throw-away PostgreSQL 15 cluster for the tests and the benchmarks (Debian's `postgresql` package).

``initdb`` in a temp folder, run as an unprivileged user when we are root (PostgreSQL refuses to run as root),
listening on a free loopback port with trust authentication, and stopped (its folder removed) at the end.
Durability settings are off: the cluster lives for one test session. Run alone, it prints its URL and waits::

    python -m tests.pg_cluster   # prints postgresql://labo@127.0.0.1:PORT/postgres; Ctrl-C or kill stops it
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")
USER = "labo"  # the cluster's superuser role


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as() -> dict[str, int]:
    """Return ``subprocess`` arguments that drop root to the `postgres` (or `nobody`) account."""
    if os.geteuid() != 0:
        return {}
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return {"user": entry.pw_uid, "group": entry.pw_gid}
    raise RuntimeError("no unprivileged account (postgres or nobody) to run PostgreSQL")


class Cluster:
    """One running cluster: ``url(name)`` gives the URL of database ``name`` on it."""

    def __init__(self) -> None:
        if not (BIN / "initdb").exists():
            raise RuntimeError(f"PostgreSQL 15 is not installed ({BIN}): `make test` installs it (apt-get)")
        self.folder = Path(tempfile.mkdtemp(prefix="labo-pg-"))
        self.port = _free_port()
        account = _run_as()
        if account:
            os.chown(self.folder, account["user"], account["group"])
        data = self.folder / "data"
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        common: dict = {"check": True, "capture_output": True, "env": env, "cwd": self.folder, **account}
        subprocess.run(
            [BIN / "initdb", "-D", data, "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
             "--no-sync"], **common,
        )
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=300 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=64MB"
        )
        subprocess.run(
            [BIN / "pg_ctl", "-D", data, "-o", options, "-l", self.folder / "server.log", "-w", "start"],
            **common,
        )
        self._data, self._common = data, common
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not start on port {self.port}")

    def url(self, name: str = "postgres") -> str:
        """Return the URL of database ``name`` (``postgresql://labo@127.0.0.1:PORT/name``)."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        """Stop the server immediately and remove its folder."""
        subprocess.run([BIN / "pg_ctl", "-D", self._data, "-m", "immediate", "stop"],
                       **{**self._common, "check": False})
        shutil.rmtree(self.folder, ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)  # `kill PID` stops the cluster too (Ctrl-C is ignored in a
    signal.signal(signal.SIGINT, _interrupt)  # background job), and removes its folder
    cluster = Cluster()
    print(cluster.url(), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
