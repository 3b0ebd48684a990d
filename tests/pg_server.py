"""A throwaway PostgreSQL server for the store tests, started from Debian's binaries.

The cluster lives in a fresh temporary folder, listens on 127.0.0.1 only (and a Unix socket in
that folder), trusts loopback logins and is deleted when the tests end. initdb and pg_ctl refuse
to run as root, so as root they run as the ``postgres`` user (Debian's package creates it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

POSTGRES_LIB = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"


def binaries() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = sorted(
        (p for p in POSTGRES_LIB.glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not found:
        raise RuntimeError(
            f"no PostgreSQL server under {POSTGRES_LIB}: install Debian's postgresql package "
            "(scripts/test.sh does) or set PRICING_TEST_PG_URL to a server's admin URL"
        )
    return found[-1]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    port: int
    bin: Path
    as_owner: list[str]

    @property
    def url(self) -> str:
        """The superuser's URL, to its default database."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        result = subprocess.run(
            [*self.as_owner, *command], capture_output=True, text=True, cwd=self.folder
        )
        if result.returncode != 0:
            raise RuntimeError(f"{Path(command[0]).name} failed: {result.stdout}{result.stderr}")

    def stop(self) -> None:
        """Stop the server (fast: nothing in it is worth keeping) and delete its folder."""
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate",
                      "-w", "stop")  # fmt: skip
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Cluster:
    """initdb and start a cluster on a free loopback port; the caller stops it."""
    bin_dir = binaries()
    folder = Path(tempfile.mkdtemp(prefix="pricing-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, user=SUPERUSER)
        as_owner = ["runuser", "-u", SUPERUSER, "--"]
    cluster = Cluster(folder, free_port(), bin_dir, as_owner)
    data = folder / "data"
    try:
        # trust: initdb's pg_hba.conf only has loopback and local-socket lines, so only this
        # machine can log in, and the server listens on 127.0.0.1 alone.
        cluster._run(str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust",
                     "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        # fsync off: a throwaway cluster loses nothing worth keeping if the machine stops.
        options = (
            f"-c listen_addresses=127.0.0.1 -p {cluster.port} "
            f"-c unix_socket_directories={folder} -c fsync=off"
        )
        cluster._run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
                     "-o", options, "-w", "-t", "60", "start")  # fmt: skip
    except RuntimeError as error:
        log = folder / "server.log"
        detail = log.read_text()[-2000:] if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"{error}\n{detail}") from error
    return cluster


def connect(url: str, *, autocommit: bool = True):
    """A psycopg connection to the database of ``url``, a SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql")
    return psycopg.connect(plain.render_as_string(hide_password=False), autocommit=autocommit)


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """A new, empty database on the server of ``admin_url``; yields its URL, drops it after."""
    from sqlalchemy.engine import make_url

    name = f"scenarios_{uuid.uuid4().hex[:12]}"
    with connect(admin_url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with connect(admin_url) as admin:
            # FORCE: a store a test left open still holds connections.
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def execute(url: str, *statements: str) -> None:
    """Run SQL as the user of ``url`` (a SQLAlchemy URL), each statement committed."""
    with connect(url) as connection:
        for statement in statements:
            connection.execute(statement)
