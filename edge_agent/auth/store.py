"""Staff accounts and their sign-in sessions in SQLite (``<data_dir>/users.sqlite3``, WAL, synchronous=FULL).

Passwords are stored as argon2id hashes only. A session is a random token held (signed) in the staff
cookie; the database keeps only its sha256, so a copy of the database cannot be replayed as a cookie.
Removing a user ends their sessions (ON DELETE CASCADE); a role change applies on their next request.
"""
from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

from edge_agent.auth.errors import NameTaken, UserError
from edge_agent.auth.roles import ADMIN, STAFF_ROLES, User
from edge_agent.config import Settings
from edge_agent.errors import NotFound
from edge_agent.sqlite_db import open_db

MIGRATIONS: tuple[str, ...] = (
    f"""CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ({', '.join(repr(r) for r in STAFF_ROLES)})),
        password_hash TEXT NOT NULL,     -- argon2id PHC string
        created REAL NOT NULL,
        updated REAL NOT NULL
    )""",
    """CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,     -- sha256 of the cookie's token
        name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        created REAL NOT NULL,
        last_seen REAL NOT NULL
    )""",
    "CREATE INDEX sessions_name ON sessions(name)",
)
TOUCH_EVERY_S = 15.0  # write last_seen at most this often per session
T = TypeVar("T")


@dataclass(frozen=True)
class Account:
    """A stored user without the password hash (for listing)."""

    name: str
    role: str
    created: float
    updated: float


def users_db_path(settings: Settings) -> Path:
    """Where staff accounts live."""
    return settings.data_dir / "users.sqlite3"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class UserStore:
    """Users and sessions; one connection guarded by a lock (every statement is short)."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._conn, _ = open_db(path, MIGRATIONS, foreign_keys=True)
        self._lock = threading.Lock()

    def _write(self, work: Callable[[], T]) -> T:
        """Run ``work`` in one BEGIN IMMEDIATE transaction (caller holds the lock)."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            result = work()
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        return result

    # --- accounts ---------------------------------------------------------------------------------
    def add(self, name: str, role: str, password_hash: str) -> None:
        """Create an account (name and role already checked); Conflict when the name is taken."""
        now = self._clock()
        with self._lock:
            try:
                self._write(lambda: self._conn.execute(
                    "INSERT INTO users (name, role, password_hash, created, updated) VALUES (?,?,?,?,?)",
                    (name, role, password_hash, now, now)))
            except sqlite3.IntegrityError:
                raise NameTaken(f"A user named {name} already exists. 用户 {name} 已存在。") from None

    def password_hash(self, name: str) -> tuple[str, str] | None:
        """(role, password hash) of a user, or None."""
        with self._lock:
            row = self._conn.execute("SELECT role, password_hash FROM users WHERE name = ?", (name,)).fetchone()
        return (row[0], row[1]) if row else None

    def accounts(self) -> list[Account]:
        """Every account, by name."""
        with self._lock:
            rows = self._conn.execute("SELECT name, role, created, updated FROM users ORDER BY name").fetchall()
        return [Account(*r) for r in rows]

    def get(self, name: str) -> Account | None:
        """One account, or None."""
        with self._lock:
            row = self._conn.execute("SELECT name, role, created, updated FROM users WHERE name = ?",
                                     (name,)).fetchone()
        return Account(*row) if row else None

    def _require(self, name: str) -> str:
        row = self._conn.execute("SELECT role FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(f"There is no user named {name}. 没有名为 {name} 的用户。")
        return str(row[0])

    def _admins_besides(self, name: str) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM users WHERE role = ? AND name != ?",
                                      (ADMIN, name)).fetchone()[0])

    def set_role(self, name: str, role: str, *, keep_an_admin: bool = True) -> None:
        """Change a user's role; with ``keep_an_admin`` the last admin cannot be demoted."""
        def work() -> None:
            old = self._require(name)
            if keep_an_admin and old == ADMIN and role != ADMIN and not self._admins_besides(name):
                raise UserError("The last admin cannot be demoted. 不能降级最后一位管理员。")
            self._conn.execute("UPDATE users SET role = ?, updated = ? WHERE name = ?", (role, self._clock(), name))

        with self._lock:
            self._write(work)

    def set_password_hash(self, name: str, password_hash: str, *, end_sessions: bool = True) -> None:
        """Replace a user's password hash (by default also ending their sessions)."""
        def work() -> None:
            self._require(name)
            self._conn.execute("UPDATE users SET password_hash = ?, updated = ? WHERE name = ?",
                               (password_hash, self._clock(), name))
            if end_sessions:
                self._conn.execute("DELETE FROM sessions WHERE name = ?", (name,))

        with self._lock:
            self._write(work)

    def remove(self, name: str, *, keep_an_admin: bool = True) -> None:
        """Delete a user and their sessions; with ``keep_an_admin`` the last admin cannot be removed."""
        def work() -> None:
            old = self._require(name)
            if keep_an_admin and old == ADMIN and not self._admins_besides(name):
                raise UserError("The last admin cannot be removed. 不能删除最后一位管理员。")
            self._conn.execute("DELETE FROM users WHERE name = ?", (name,))

        with self._lock:
            self._write(work)

    # --- sessions ---------------------------------------------------------------------------------
    def start_session(self, name: str, max_age_s: float) -> str:
        """A new session token for ``name`` (expired sessions are swept at the same time)."""
        token = secrets.token_urlsafe(32)
        now = self._clock()

        def work() -> None:
            self._conn.execute("DELETE FROM sessions WHERE created < ?", (now - max_age_s,))
            self._conn.execute("INSERT INTO sessions (token_hash, name, created, last_seen) VALUES (?,?,?,?)",
                               (_digest(token), name, now, now))

        with self._lock:
            self._write(work)
        return token

    def session_user(self, token: str, idle_s: float, max_age_s: float) -> User | None:
        """The user a live session token belongs to; an idle or too old session is ended and gives None."""
        digest, now = _digest(token), self._clock()
        with self._lock:
            row = self._conn.execute(
                "SELECT u.name, u.role, s.created, s.last_seen FROM sessions s JOIN users u ON u.name = s.name "
                "WHERE s.token_hash = ?", (digest,)).fetchone()
            if row is None:
                return None
            name, role, created, last_seen = row
            if now - last_seen > idle_s or now - created > max_age_s:
                self._conn.execute("DELETE FROM sessions WHERE token_hash = ?", (digest,))
                return None
            if now - last_seen >= TOUCH_EVERY_S:
                self._conn.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (now, digest))
        return User(name, role)

    def end_session(self, token: str) -> None:
        """Forget one session (sign-out)."""
        with self._lock:
            self._conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))

    def session_count(self, name: str | None = None) -> int:
        """Live session rows (of one user, or all)."""
        with self._lock:
            if name is None:
                return int(self._conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
            return int(self._conn.execute("SELECT COUNT(*) FROM sessions WHERE name = ?", (name,)).fetchone()[0])

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()
