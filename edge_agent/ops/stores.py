"""The SQLite stores of a data directory, the schema version this code migrates each to, and the files a
backup treats specially (keys, the checkpoint file)."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from edge_agent.config import Settings

SQLITE_MAGIC = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's own companions: never copied, the backup API reads through them


@dataclass(frozen=True)
class Store:
    """One SQLite store: its file under the data directory and the migrations that build it."""

    name: str
    path: Path
    migrations: Sequence[str]

    @property
    def latest(self) -> int:
        """The schema version this code migrates the store to."""
        return len(self.migrations)


def stores(settings: Settings) -> tuple[Store, ...]:
    """Every versioned store of a data directory (imported lazily: the CLI starts fast)."""
    from edge_agent import conversations, tickets
    from edge_agent.auth import store as users
    from edge_agent.insights import index as insights

    return (Store("conversations", settings.db_path, conversations.MIGRATIONS),
            Store("tickets", settings.tickets_path, tickets.MIGRATIONS),
            Store("users", users.users_db_path(settings), users.MIGRATIONS),
            Store("insights", insights.index_path(settings.data_dir), insights.MIGRATIONS))


def schema_version(path: Path) -> int:
    """``PRAGMA user_version`` of a database, read-only (0 when it does not exist)."""
    if not path.is_file():
        return 0
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def is_sqlite(path: Path) -> bool:
    """Whether a file is an SQLite database (by its header)."""
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def key_files(settings: Settings) -> dict[str, Path]:
    """The secrets of a box, by the name they have in a backup: audit HMAC key, staff cookie secret, pseudonym
    key (each may live outside the data directory)."""
    from edge_agent.audit.keys import key_path
    from edge_agent.auth.secret import secret_key_path

    return {"audit.key": key_path(settings), "secret.key": secret_key_path(settings),
            "pseudonym.key": settings.pseudonym_key_file or settings.data_dir / "keys" / "pseudonym.key"}
