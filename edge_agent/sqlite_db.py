"""One way to open our SQLite files: WAL, synchronous=FULL, a busy timeout, and migrations as a plain list."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Sequence

from edge_agent.errors import EdgeError

BUSY_TIMEOUT_MS = 10_000


class SchemaTooNew(EdgeError):
    """A database was migrated by a newer edge-agent than this one: running on it could misread or damage it."""

    code = "schema_too_new"
    default_message = "The database was written by a newer edge-agent."


def migrate(conn: sqlite3.Connection, migrations: Sequence[str]) -> int:
    """Apply the migrations not applied yet, each in its own transaction; return the version found.
    A version beyond the list (a newer release's database) raises SchemaTooNew instead of running on it."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(migrations):
        name = conn.execute("PRAGMA database_list").fetchone()[2]
        raise SchemaTooNew(f"{name} has schema version {version} but this edge-agent knows only "
                           f"{len(migrations)}: it was upgraded by a newer release; install that release "
                           "again (or restore a backup taken before the upgrade)")
    for number, statement in enumerate(migrations[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(statement)
            conn.execute(f"PRAGMA user_version={number}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return version


def open_db(path: Path, migrations: Sequence[str], *, foreign_keys: bool = False,
            busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> tuple[sqlite3.Connection, int]:
    """Open (creating) a database for use from several threads behind the caller's lock; returns it and the
    schema version it had before migrating."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    if foreign_keys:
        conn.execute("PRAGMA foreign_keys=ON")
    try:
        return conn, migrate(conn, migrations)
    except BaseException:
        conn.close()
        raise
