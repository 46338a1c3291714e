"""A real PostgreSQL server for the postgres kind's tests: initdb on a temporary data directory,
listening on 127.0.0.1 on a free port, stopped (``pg_ctl stop -m fast``) when the tests end.

    with PostgresServer() as server:
        dsn = server.create_database("t1")      # postgresql://postgres:<password>@127.0.0.1:<port>/t1

`make test` installs the server binaries (the Makefile's ``postgres-server`` target: apt-get
``postgresql``). When they are missing or the server does not start, the tests using it fail
with the reason; they are never skipped. initdb refuses to run as root, so as root the server
runs as the ``postgres`` system user (``runuser``) on a data directory chowned to it.

Host connections need a password (scram-sha-256), so a wrong password is a real auth failure.
The server's time zone is Europe/Helsinki: timestamps come back with a +02/+03 offset and the
kind has to convert them to UTC.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

PG_USER = "postgres"  # the database superuser initdb creates, and the system user it runs as
START_TIMEOUT_S = 60


@pytest.fixture(scope="session", name="pg_server")
def pg_server_fixture():
    """One real server per test session (import this into a test module to use ``pg_server``).
    A missing or failing server fails the tests that use it, with the reason; never a skip."""
    try:
        server = PostgresServer().__enter__()
    except PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL server not available: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


class PostgresUnavailable(RuntimeError):
    """The server binaries are missing or the server did not start (the message says why)."""


def find_bin_dir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin with pg_ctl, or the one on PATH."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if candidates:
        return Path(candidates[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise PostgresUnavailable(
        "PostgreSQL server binaries (pg_ctl, initdb) not found: run `make postgres-server` "
        "(apt-get install postgresql) or put pg_ctl on PATH."
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.bin_dir = find_bin_dir()
        self.password = "pw-" + secrets.token_hex(8)
        self.port = free_port()
        self.root: Path | None = None
        self.started = False

    # --- running the server binaries, as the postgres user when we are root
    def _run(self, *args: str, timeout: float = START_TIMEOUT_S) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", PG_USER, "--", *command]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise PostgresUnavailable(
                f"{' '.join(args[:2])} did not finish in {timeout} s{self._log_tail()}"
            ) from None
        if done.returncode != 0:
            log = self._log_tail()
            raise PostgresUnavailable(
                f"{' '.join(args[:2])} failed (exit {done.returncode}): "
                f"{(done.stderr or done.stdout).strip()}{log}"
            )

    def _log_tail(self) -> str:
        log = self.root / "server.log" if self.root else None
        if log and log.exists():
            return "\nserver log:\n" + "\n".join(log.read_text().splitlines()[-20:])
        return ""

    def start(self) -> PostgresServer:
        self.root = Path(tempfile.mkdtemp(prefix="cxlink-pg-"))
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam(PG_USER)
            except KeyError:
                raise PostgresUnavailable(
                    f"running as root, the server runs as the {PG_USER} system user, which does "
                    "not exist: install the postgresql package (`make postgres-server`)."
                ) from None
            for path in (self.root, pwfile):
                os.chown(path, user.pw_uid, user.pw_gid)
        data = self.root / "data"
        self._run(
            "initdb", "-D", str(data), "-U", PG_USER, f"--pwfile={pwfile}", "-E", "UTF8",
            "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.root} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c timezone=Europe/Helsinki -c max_connections=40"
        )
        self._run(
            "pg_ctl", "start", "-D", str(data), "-l", str(self.root / "server.log"),
            "-o", options, "-w", "-t", str(START_TIMEOUT_S),
        )  # fmt: skip
        self.started = True
        atexit.register(self.stop)  # also when the session ends without the fixture's teardown
        return self

    def stop(self) -> None:
        try:
            if self.started:
                self._run("pg_ctl", "stop", "-D", str(self.root / "data"), "-m", "fast", "-w")
                self.started = False
        finally:
            if self.root is not None:
                shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- for the tests
    def dsn(self, database: str = "postgres", password: str | None = None) -> str:
        secret = self.password if password is None else password
        return f"postgresql://{PG_USER}:{secret}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A fresh, empty database; its DSN."""
        with psycopg.connect(self.dsn(), autocommit=True) as con:
            con.execute(f'drop database if exists "{name}"')
            con.execute(f'create database "{name}"')
        return self.dsn(name)

    def execute(self, dsn: str, sql: str, params=None) -> None:
        with psycopg.connect(dsn, autocommit=True) as con:
            con.execute(sql, params)
