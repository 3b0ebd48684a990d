"""Saved scenarios: named, versioned, never overwritten.

A scenario is plain JSON (the choices and the results), stored with SQLAlchemy: a SQLite file by
default (``scenarios.sqlite`` in the working directory), or the database at the URL in
``PRICING_DB_URL``, e.g. ``postgresql+psycopg://user:password@host/db`` (the driver is in
requirements.txt). Every save adds a version; each save is one transaction, and two sessions
saving the same name at once both succeed with different versions (the unique (name, version)
key makes the loser retry). Anything that keeps the database from being used, from a URL that is
not one to a server that refuses connections, raises :class:`StoreError` with a message a user
can act on (see :mod:`pricing.scenarios.store_messages`).
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    func,
    select,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError

from pricing.errors import InputError, StoreError
from pricing.inputs.limits import check_text
from pricing.scenarios.store_messages import URL_VARIABLE, database_problem, url_problem

DEFAULT_FILE = "scenarios.sqlite"
MAX_NAME = 80
# The README promises an answer within 5 s from a locked or silent database: the wait for a lock
# stops half a second short of it, leaving time to say so.
ANSWER_WITHIN_SECONDS = 5.0
SAVE_ATTEMPTS = 8
RETRY_AFTER_SECONDS = 10.0

metadata = MetaData()
versions = Table(
    "scenario_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(MAX_NAME), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("payload", Text, nullable=False),
    UniqueConstraint("name", "version", name="one_row_per_version"),
)


@dataclass(frozen=True)
class Scenario:
    name: str
    version: int
    saved_at: datetime
    payload: dict


def default_url() -> str:
    return os.environ.get(URL_VARIABLE) or f"sqlite:///{Path(DEFAULT_FILE).resolve()}"


def _engine(url: str, busy_timeout_seconds: float, connect_timeout_seconds: float) -> Engine:
    """The engine for ``url``; a URL that is not one, or whose driver is missing, is refused."""
    try:
        parsed = make_url(url)
        options: dict = {}
        if parsed.get_backend_name() == "sqlite":
            # SQLite waits this long for another writer before reporting the file as locked.
            options = {"timeout": busy_timeout_seconds}
        elif parsed.get_driver_name() in {"psycopg", "psycopg2"}:
            # Without a connect timeout a server behind a silent firewall holds a page for
            # minutes; without a lock timeout a save waits for ever behind another program.
            options = {
                "connect_timeout": max(2, round(connect_timeout_seconds)),  # libpq: >= 2 s
                "options": f"-c lock_timeout={round(busy_timeout_seconds * 1000)}",
            }
        given = {key: value for key, value in options.items() if key not in parsed.query}
        return create_engine(parsed, connect_args=given)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise url_problem(url, exc) from exc


def _check_name(name: str) -> str:
    """A scenario name as stored: one line of visible text (NUL, which PostgreSQL refuses
    and SQLite keeps, and every other control character are refused on every database)."""
    try:
        return check_text(name, "scenario name", MAX_NAME)
    except ValueError as exc:
        raise InputError(str(exc), field="name", value=name) from None


def _made_elsewhere(exc: DBAPIError) -> bool:
    """Whether CREATE failed because another process made the table (or its type) first."""
    return isinstance(exc, IntegrityError) or "already exists" in str(exc.orig).lower()


class ScenarioStore:
    """Scenarios in a database given by a SQLAlchemy URL.

    Making one only checks the URL and its driver; the database is first reached (and its table
    made) by the first call, so a store can be kept for the life of the app while its database
    comes and goes.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        busy_timeout_seconds: float = ANSWER_WITHIN_SECONDS - 0.5,
        connect_timeout_seconds: float = 5.0,
    ) -> None:
        self.url = url or default_url()
        self.connect_timeout_seconds = connect_timeout_seconds
        self.engine: Engine = _engine(self.url, busy_timeout_seconds, connect_timeout_seconds)
        self._table_made = False
        self._table_lock = threading.Lock()  # sessions share one store: make the table once
        self._unreachable: tuple[float, str] | None = None  # when, and the message

    def _guard(self, work):
        """Run database work, turning driver errors into messages a user can act on.

        A database that could not be reached is not asked again for RETRY_AFTER_SECONDS: the
        same message is given at once, so a page that asks several times waits once.
        """
        if self._unreachable and time.monotonic() - self._unreachable[0] < RETRY_AFTER_SECONDS:
            raise StoreError(self._unreachable[1])
        try:
            self._make_table()
            return work()
        except IntegrityError:
            raise  # a save racing another save: the caller retries with the next version
        except DBAPIError as exc:
            problem = database_problem(self.url, exc, self.connect_timeout_seconds)
            if exc.statement is None:
                self._unreachable = (time.monotonic(), str(problem))
            raise problem from exc

    def _make_table(self) -> None:
        with self._table_lock:
            if self._table_made:
                return
            try:
                metadata.create_all(self.engine)
            except DBAPIError as exc:
                if exc.statement is None or not _made_elsewhere(exc):
                    raise  # unreachable or locked: asking again would only wait again
                # Another process made the table between the check and the CREATE: the check
                # now finds it.
                metadata.create_all(self.engine)
            self._table_made = True

    def save(self, name: str, payload: dict) -> Scenario:
        """Store ``payload`` as the next version of ``name``; earlier versions stay."""
        clean = _check_name(name)
        text = json.dumps(payload, allow_nan=False, sort_keys=True)
        for attempt in range(SAVE_ATTEMPTS):
            try:
                return self._guard(lambda: self._insert(clean, text))
            except IntegrityError:
                # Another session took this version: retry, at random so the losers spread out.
                time.sleep(random.uniform(0.005, 0.02) * (attempt + 1))
        raise StoreError(f"could not save {clean!r}: too many saves at the same moment")

    def _insert(self, name: str, text: str) -> Scenario:
        with self.engine.begin() as connection:
            latest = connection.execute(
                select(func.max(versions.c.version)).where(versions.c.name == name)
            ).scalar()
            version = (latest or 0) + 1
            saved_at = datetime.now(UTC)
            connection.execute(
                versions.insert().values(
                    name=name,
                    version=version,
                    saved_at=saved_at,
                    payload=text,
                )
            )
        return Scenario(name, version, saved_at, json.loads(text))

    def names(self) -> list[dict]:
        """One row per scenario: its name, latest version and when that was saved."""

        def work():
            with self.engine.connect() as connection:
                rows = connection.execute(
                    select(
                        versions.c.name, func.max(versions.c.version), func.max(versions.c.saved_at)
                    )
                    .group_by(versions.c.name)
                    .order_by(versions.c.name)
                ).all()
            return [{"name": n, "versions": v, "saved_at": s} for n, v, s in rows]

        return self._guard(work)

    def load(self, name: str, version: int | None = None) -> Scenario:
        clean = _check_name(name)

        def work():
            query = select(versions).where(versions.c.name == clean)
            query = (
                query.where(versions.c.version == version)
                if version is not None
                else query.order_by(versions.c.version.desc()).limit(1)
            )
            with self.engine.connect() as connection:
                return connection.execute(query).first()

        row = self._guard(work)
        if row is None:
            which = f" version {version}" if version is not None else ""
            raise InputError(f"no saved scenario {clean!r}{which}", field="name", value=name)
        return Scenario(row.name, row.version, row.saved_at, json.loads(row.payload))

    def delete(self, name: str) -> int:
        """Remove every version of ``name``; returns how many were removed."""
        clean = _check_name(name)

        def work():
            with self.engine.begin() as connection:
                return connection.execute(delete(versions).where(versions.c.name == clean)).rowcount

        return self._guard(work)
