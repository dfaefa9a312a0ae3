"""`edge-agent migrate`: bring every store of a data directory to this release's schema.

Migrations are versioned (``PRAGMA user_version`` = how many entries of the store's MIGRATIONS list ran) and
run in order, each in its own transaction. The conversation store is opened through ConversationStore, so its
integrity checks run first and a migration never signs turns it finds. A store written by a newer release is
refused (SchemaTooNew), never run on.
"""
from __future__ import annotations

from dataclasses import dataclass

from edge_agent.config import Settings
from edge_agent.ops.stores import schema_version, stores
from edge_agent.sqlite_db import open_db


@dataclass(frozen=True)
class Migrated:
    """One store's schema version before and after."""

    name: str
    before: int
    after: int

    def line(self) -> str:
        """How `migrate` reports it."""
        change = f"{self.before} → {self.after}" if self.before != self.after else f"{self.after} (current)"
        return f"{self.name:14} schema {change}"


def migrate_all(settings: Settings) -> list[Migrated]:
    """Migrate each store that exists (a missing one is created on first use); report the versions."""
    from edge_agent.conversations import open_store

    done = []
    for store in stores(settings):
        if not store.path.is_file():
            continue
        before = schema_version(store.path)
        if store.name == "conversations":
            open_store(settings, create_key=False).close()
        else:
            conn, _ = open_db(store.path, store.migrations, foreign_keys=store.name == "users")
            conn.close()
        done.append(Migrated(store.name, before, schema_version(store.path)))
    return done
