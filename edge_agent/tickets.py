"""Escalation tickets and the messages between agent and customer (SQLite, redacted text only)."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from edge_agent.errors import Conflict, NotFound
from edge_agent.sqlite_db import open_db

MIGRATIONS: tuple[str, ...] = (
    """CREATE TABLE tickets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL,
        created REAL NOT NULL,
        reason TEXT NOT NULL,
        lang TEXT NOT NULL,
        location TEXT NOT NULL,
        summary TEXT NOT NULL,           -- redacted
        status TEXT NOT NULL DEFAULT 'open',   -- open | claimed | closed
        agent TEXT,
        claimed REAL,
        outcome TEXT,
        closed REAL
    )""",
    "CREATE INDEX tickets_status ON tickets(status, id)",
    "CREATE INDEX tickets_session ON tickets(session_id, status)",
    """CREATE TABLE ticket_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        session_id TEXT NOT NULL,
        ts REAL NOT NULL,
        author TEXT NOT NULL,            -- customer | agent
        agent TEXT,
        text TEXT NOT NULL               -- redacted
    )""",
    "CREATE INDEX ticket_messages_session ON ticket_messages(session_id, id)",
)
OUTCOMES = ("resolved", "referred", "no_response", "duplicate", "other")


@dataclass(frozen=True)
class Ticket:
    """One escalation."""

    id: int
    session_id: str
    created: float
    reason: str
    lang: str
    location: str
    summary: str
    status: str
    agent: str | None
    outcome: str | None

    def to_json(self) -> dict:
        """The API's view of a ticket."""
        return {"id": self.id, "session_id": self.session_id, "created": self.created, "reason": self.reason,
                "lang": self.lang, "location": self.location, "summary": self.summary, "status": self.status,
                "agent": self.agent, "outcome": self.outcome}


@dataclass(frozen=True)
class TicketMessage:
    """A message in a ticket's conversation with a person."""

    id: int
    ticket_id: int
    ts: float
    author: str
    agent: str | None
    text: str

    def to_json(self) -> dict:
        """The API's view of a message."""
        return {"id": self.id, "ticket_id": self.ticket_id, "ts": self.ts, "author": self.author,
                "agent": self.agent, "text": self.text}


_TICKET_COLUMNS = "id, session_id, created, reason, lang, location, summary, status, agent, outcome"


class TicketStore:
    """Tickets in their own SQLite file (WAL, synchronous=FULL); one connection behind a lock."""

    def __init__(self, path: Path) -> None:
        self._conn, _ = open_db(path, MIGRATIONS)
        self._lock = threading.Lock()

    def _ticket(self, where: str, args: tuple) -> Ticket | None:
        row = self._conn.execute(f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE {where}", args).fetchone()
        return Ticket(*row) if row else None

    def open(self, session_id: str, reason: str, lang: str, location: str, summary: str) -> Ticket:
        """Open a ticket for a session (or return the one already open)."""
        with self._lock:
            found = self._ticket("session_id = ? AND status != 'closed' ORDER BY id DESC LIMIT 1", (session_id,))
            if found:
                return found
            cur = self._conn.execute(
                "INSERT INTO tickets (session_id, created, reason, lang, location, summary) VALUES (?,?,?,?,?,?)",
                (session_id, time.time(), reason, lang, location, summary))
            return self._ticket("id = ?", (cur.lastrowid,))

    def active_for(self, session_id: str) -> Ticket | None:
        """The session's ticket that is not closed yet, if any."""
        with self._lock:
            return self._ticket("session_id = ? AND status != 'closed' ORDER BY id DESC LIMIT 1", (session_id,))

    def get(self, ticket_id: int) -> Ticket:
        """A ticket by id (NotFound if there is none)."""
        with self._lock:
            found = self._ticket("id = ?", (ticket_id,))
        if found is None:
            raise NotFound("There is no such ticket.")
        return found

    def list(self, status: str | None = None, limit: int = 200) -> list[Ticket]:
        """Tickets, oldest open first; all of them when status is None."""
        with self._lock:
            if status:
                rows = self._conn.execute(f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE status = ? ORDER BY id "
                                          "LIMIT ?", (status, limit)).fetchall()
            else:
                rows = self._conn.execute(f"SELECT {_TICKET_COLUMNS} FROM tickets ORDER BY id DESC LIMIT ?",
                                          (limit,)).fetchall()
        return [Ticket(*r) for r in rows]

    def waiting_before(self, ticket_id: int) -> int:
        """Unclaimed tickets opened before this one (for the customer's wait estimate)."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM tickets WHERE status = 'open' AND id < ?",
                                          (ticket_id,)).fetchone()[0])

    def claim(self, ticket_id: int, agent: str) -> Ticket:
        """An agent takes a ticket; Conflict if another agent has it or it is closed."""
        with self._lock:
            cur = self._conn.execute("UPDATE tickets SET status = 'claimed', agent = ?, claimed = ? "
                                     "WHERE id = ? AND (status = 'open' OR (status = 'claimed' AND agent = ?))",
                                     (agent, time.time(), ticket_id, agent))
            found = self._ticket("id = ?", (ticket_id,))
        if found is None:
            raise NotFound("There is no such ticket.")
        if cur.rowcount == 0:
            raise Conflict("This ticket is closed or another agent has claimed it.")
        return found

    def add_message(self, ticket: Ticket, author: str, text: str, agent: str | None = None) -> TicketMessage:
        """Append a (redacted) message to a ticket's conversation."""
        with self._lock:
            now = time.time()
            cur = self._conn.execute("INSERT INTO ticket_messages (ticket_id, session_id, ts, author, agent, text) "
                                     "VALUES (?,?,?,?,?,?)", (ticket.id, ticket.session_id, now, author, agent, text))
            return TicketMessage(int(cur.lastrowid), ticket.id, now, author, agent, text)

    def messages(self, ticket_id: int) -> list[TicketMessage]:
        """A ticket's messages, oldest first."""
        with self._lock:
            rows = self._conn.execute("SELECT id, ticket_id, ts, author, agent, text FROM ticket_messages "
                                      "WHERE ticket_id = ? ORDER BY id", (ticket_id,)).fetchall()
        return [TicketMessage(*r) for r in rows]

    def agent_messages_for(self, session_id: str, after: int = 0) -> list[TicketMessage]:
        """Agent replies to a session newer than message id ``after`` (what the kiosk polls for)."""
        with self._lock:
            rows = self._conn.execute("SELECT id, ticket_id, ts, author, agent, text FROM ticket_messages "
                                      "WHERE session_id = ? AND author = 'agent' AND id > ? ORDER BY id",
                                      (session_id, after)).fetchall()
        return [TicketMessage(*r) for r in rows]

    def close(self, ticket_id: int, agent: str, outcome: str) -> Ticket:
        """Close a ticket the agent holds, with an outcome."""
        if outcome not in OUTCOMES:
            raise Conflict(f"outcome must be one of {', '.join(OUTCOMES)}")
        with self._lock:
            cur = self._conn.execute("UPDATE tickets SET status = 'closed', outcome = ?, closed = ? "
                                     "WHERE id = ? AND status = 'claimed' AND agent = ?",
                                     (outcome, time.time(), ticket_id, agent))
            found = self._ticket("id = ?", (ticket_id,))
        if found is None:
            raise NotFound("There is no such ticket.")
        if cur.rowcount == 0:
            raise Conflict("Claim the ticket before closing it.")
        return found

    def close_connection(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()
