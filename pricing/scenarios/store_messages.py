"""What went wrong with the scenario database, said in one line a user can act on.

Driver errors are told apart by their codes where the driver gives one (PostgreSQL's SQLSTATE,
SQLite's error name), by the text of a failed connection otherwise (libpq gives those no code).
A message shows the database as ``driver://user@host:port/database`` or, for SQLite, the file's
name: never a password (the URL's or one in its query) and never a folder of the server.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from pricing.errors import StoreError

URL_VARIABLE = "PRICING_DB_URL"
URL_EXAMPLES = "sqlite:///scenarios.sqlite or postgresql+psycopg://user:password@host/database"
SHIPPED_DRIVER = "postgresql+psycopg"

# PostgreSQL SQLSTATEs (appendix A of its manual) and SQLite error names.
LOCKED = {"55P03", "40P01", "SQLITE_BUSY", "SQLITE_LOCKED"}  # lock timeout, deadlock
READ_ONLY = {"25006", "42501", "SQLITE_READONLY"}  # read-only transaction, no privilege
NOT_OURS = {"42703", "42P01", "42804"}  # a column or table that is not the app's
CORRUPT = {"SQLITE_NOTADB", "SQLITE_CORRUPT"}
SQLITE_NOT_OURS = ("no such column", "has no column named", "no such table")

# An absolute path's folders ("/srv/app/data/"), not the "//" of a URL.
FOLDERS = re.compile(r"(?<![\w/])/(?!/)(?:[^\s/\"']+/)+")
# libpq's preamble: the server and port are in the message already (a socket's name is not).
SERVER_AT = re.compile(
    r'^connection (failed|is bad): |connection to server at "[^"]*", port \d+ failed: '
)
PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")
PASSWORD_IN_QUERY = re.compile(r"(password=)[^&\s]*", re.IGNORECASE)


def _clean(text: str) -> str:
    """Driver text on one line, with passwords masked and server folders dropped."""
    line = " ".join(str(text).split("\n")[0].split())
    line = PASSWORD_IN_QUERY.sub(r"\1***", PASSWORD_IN_URL.sub(r"\1***@", line))
    return FOLDERS.sub("", line)


def shown_url(url: str | URL) -> str:
    """The database as a message may show it (see the module docstring)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return _clean(str(url))
    if parsed.get_backend_name() == "sqlite":
        return Path(parsed.database or "").name or "an in-memory SQLite database"
    user = f"{parsed.username}@" if parsed.username else ""
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.drivername}://{user}{parsed.host or ''}{port}/{parsed.database or ''}"


def url_problem(url: str, error: Exception) -> StoreError:
    """Why no engine could be made for ``url``: not a URL, an unknown database, no driver."""
    shown = shown_url(url)
    if isinstance(error, ImportError):
        kind = make_url(url).drivername
        return StoreError(
            f"the database driver for {kind}:// URLs is not installed (no Python module "
            f"{error.name!r}); install it, or use {SHIPPED_DRIVER}://, whose driver the app "
            f"installs ({URL_VARIABLE}={shown})"
        )
    if isinstance(error, NoSuchModuleError):
        return StoreError(
            f"{URL_VARIABLE} names a database or driver SQLAlchemy does not know "
            f"({make_url(url).drivername!r} in {shown}); use {URL_EXAMPLES}"
        )
    return StoreError(f"{URL_VARIABLE} is not a database URL ({shown!r}); use {URL_EXAMPLES}")


def _code(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None) or getattr(error.orig, "sqlite_errorname", None)


def _first_word(statement: str | None) -> str:
    return (statement or "").lstrip().split(" ", 1)[0].upper()


def database_problem(url: str, error: DBAPIError, connect_timeout_seconds: float) -> StoreError:
    """The message for a driver error met while using the database at ``url``."""
    where, code, text = shown_url(url), _code(error), _clean(error.orig)
    if error.statement is None:  # the connection itself failed
        return _connection_problem(where, code, str(error.orig), connect_timeout_seconds)
    if code in LOCKED:
        return StoreError(
            f"the scenario database {where} is locked by another program; try again in a moment"
        )
    if code in CORRUPT:
        return StoreError(
            f"{where} is not a usable scenario database ({text}); move it aside or point "
            f"{URL_VARIABLE} elsewhere"
        )
    if code in READ_ONLY:
        return _refused(where, _first_word(error.statement), text)
    if code in NOT_OURS or any(words in text for words in SQLITE_NOT_OURS):
        return StoreError(
            f"the scenario database {where} holds a scenario_versions table the app did not "
            f"make ({text}); point {URL_VARIABLE} at another database or drop that table"
        )
    return StoreError(f"the scenario database {where} failed ({text})")


def _refused(where: str, verb: str, text: str) -> StoreError:
    """A read-only database, or a user who may not do what was asked: say what still works."""
    if verb == "SELECT":
        return StoreError(f"the scenario database {where} refuses to be read ({text})")
    if verb == "CREATE":
        return StoreError(
            f"the scenario database {where} has no scenario table yet and may not make one "
            f"({text}); create it once with a user who may, or point {URL_VARIABLE} elsewhere"
        )
    return StoreError(
        f"the scenario database {where} can be read but refuses writes ({text}): saved "
        "scenarios open, but none can be saved or deleted"
    )


def _connection_problem(
    where: str, code: str | None, raw: str, connect_timeout_seconds: float
) -> StoreError:
    if code == "SQLITE_CANTOPEN":
        return StoreError(
            f"cannot open the scenario database file {where}: its folder is missing or the app "
            "may not write there"
        )
    # libpq: 'connection failed: connection to server at "h", port 5 failed: FATAL:  ...'
    reason = SERVER_AT.sub("", _clean(raw)).replace("FATAL: ", "").strip()
    if "Connection refused" in raw:
        reason += "; is the PostgreSQL server running and listening there?"
    elif "timeout expired" in raw:
        reason = f"no answer within {connect_timeout_seconds:g} s"
    return StoreError(f"cannot connect to the scenario database {where}: {reason}")
