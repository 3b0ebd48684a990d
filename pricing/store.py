"""Saved scenarios: named, versioned, never overwritten.

A scenario is plain JSON (the choices and the results), stored with SQLAlchemy: a SQLite file by
default (``scenarios.sqlite`` in the working directory, or the URL in ``PRICING_DB_URL``, e.g.
``postgresql+psycopg://user@host/db``). Every save adds a version; each save is one transaction,
and two sessions saving the same name at once both succeed with different versions (the unique
(name, version) key makes the loser retry). A corrupt or locked database raises
:class:`StoreError` with a message a user can act on.
"""

from __future__ import annotations

import json
import os
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
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

from pricing.errors import InputError, PricingError

DEFAULT_FILE = "scenarios.sqlite"
URL_VARIABLE = "PRICING_DB_URL"
MAX_NAME = 80
SAVE_ATTEMPTS = 8

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


class StoreError(PricingError):
    """The scenario database cannot be used as it is (corrupt, locked, unreachable)."""


@dataclass(frozen=True)
class Scenario:
    name: str
    version: int
    saved_at: datetime
    payload: dict


def default_url() -> str:
    return os.environ.get(URL_VARIABLE) or f"sqlite:///{Path(DEFAULT_FILE).resolve()}"


def _check_name(name: str) -> str:
    clean = " ".join(str(name).split())
    if not clean or len(clean) > MAX_NAME:
        raise InputError(
            f"scenario name must be 1 to {MAX_NAME} characters, got {name!r}",
            field="name",
            value=name,
        )
    return clean


class ScenarioStore:
    """Scenarios in a database given by a SQLAlchemy URL."""

    def __init__(self, url: str | None = None, *, busy_timeout_seconds: float = 5.0) -> None:
        self.url = url or default_url()
        # SQLite waits this long for another writer before reporting the file as locked.
        options = (
            {"connect_args": {"timeout": busy_timeout_seconds}}
            if self.url.startswith("sqlite")
            else {}
        )
        self.engine: Engine = create_engine(self.url, **options)
        self._guard(lambda: metadata.create_all(self.engine))

    def _guard(self, work):
        """Run database work, turning driver errors into messages a user can act on."""
        try:
            return work()
        except IntegrityError:
            raise  # a save racing another save: the caller retries with the next version
        except OperationalError as exc:
            text = str(exc.orig)
            if "locked" in text or "busy" in text:
                raise StoreError(
                    "the scenario database is locked by another program; try again in a moment"
                ) from exc
            raise StoreError(f"the scenario database cannot be opened ({text})") from exc
        except DatabaseError as exc:
            raise StoreError(
                f"{self.url.removeprefix('sqlite:///')} is not a usable scenario database "
                f"({exc.orig}); move it aside or point {URL_VARIABLE} elsewhere"
            ) from exc

    def save(self, name: str, payload: dict) -> Scenario:
        """Store ``payload`` as the next version of ``name``; earlier versions stay."""
        clean = _check_name(name)
        text = json.dumps(payload, allow_nan=False, sort_keys=True)
        for attempt in range(SAVE_ATTEMPTS):
            try:
                return self._guard(lambda: self._insert(clean, text))
            except IntegrityError:
                time.sleep(0.01 * (attempt + 1))  # another session took this version: retry
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
