"""A real gunicorn, the production way (DEBUG off, a SECRET_KEY), on a free loopback port.

It serves the TEST database, so a test that uses it needs committed data (``transactional_db``)
and must stop the server before the database is flushed (use ``gunicorn`` as a context manager
inside a fixture that depends on ``transactional_db``).
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def served_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (
        f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    )
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def gunicorn(**settings: str):
    """Yields the base URL (``http://127.0.0.1:PORT``) of a gunicorn serving newsroom.wsgi."""
    with gunicorn_server(**settings) as server:
        yield server.base


class Server:
    """A running gunicorn: its ``base`` URL and what it has logged so far (``log_text()``)."""

    def __init__(self, base: str, process: subprocess.Popen, log):
        self.base, self.process, self._log = base, process, log

    def log_text(self) -> str:
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode(errors="replace")


@contextmanager
def gunicorn_server(*, ready_path: str = "/robots.txt", **settings: str):
    """``gunicorn()``, yielding a ``Server`` (the log too). Settings override the environment."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "gunicorn-test-" + "s" * 40,
        "DATABASE_URL": served_database_url(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": base,
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_MANIFEST": "false",
        "WHITENOISE_USE_FINDERS": "true",
        "CACHE_URL": "locmemcache://gunicorn-test",
        **settings,
    }
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
    command = [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application", "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--chdir", str(ROOT)]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_ready(process, port, log, path=ready_path)
        yield Server(base, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_ready(process, port: int, log, timeout: float = 60, path: str = "/robots.txt") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(f"gunicorn did not start: {log.read().decode(errors='replace')[-3000:]}")


def _wait_port(port: int, process: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


class RedisServer:
    """A redis-server of the test's own on a free loopback port (no persistence), stopped and started
    again on the same port with ``stop()`` and ``start()``."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(self.port, self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def redis_server():
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def postgres_bin() -> Path:
    """The installed PostgreSQL's binaries (the newest major version under /usr/lib/postgresql)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise RuntimeError("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
    return found[-1].parent


class PostgresCluster:
    """A PostgreSQL cluster of the test's own (``initdb`` in a temporary folder, trust auth, a free
    loopback port, no Unix socket), stopped and started again with ``stop()`` and ``start()``.

    PostgreSQL refuses to run as root: as root, the cluster is the ``postgres`` system user's (its
    folder is made with ``tempfile`` and handed over; ``runuser`` runs the binaries)."""

    def __init__(self):
        self.bin = postgres_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
        self.data = self.folder / "pgdata"
        self.port = free_port()
        self.logfile = self.folder / "postgres.log"
        self._as = []
        if os.geteuid() == 0:
            import pwd

            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")

    def _run(self, program: str, *args, check: bool = True):
        command = [*self._as, str(self.bin / program), *map(str, args)]
        return subprocess.run(command, check=check, capture_output=True, cwd=self.folder)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k '' -c fsync=off -c shared_buffers=16MB"
        self._run("pg_ctl", "-D", self.data, "-l", self.logfile, "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop", check=False)

    def createdb(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def postgres_cluster():
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()
