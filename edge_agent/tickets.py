"""Escalation tickets and the messages between agent and customer (SQLite, redacted text only).

The queue is ordered by priority (fraud reports and distress first, then complaints, then the rest), oldest
first within a priority, and read a page at a time. A ticket remembers when its customer was last seen
(polling for a reply, as the kiosk does every 3 s, or writing), so the wait a customer is told counts only
tickets of customers still there, not abandoned or flooded ones that nobody polls.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from edge_agent.errors import Conflict, NotFound
from edge_agent.sqlite_db import open_db
from guardrails.backstop import mask_unexplained

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
    "ALTER TABLE tickets ADD COLUMN priority INTEGER NOT NULL DEFAULT 2",  # 0 fraud/distress, 1 complaint, 2 rest
    "ALTER TABLE tickets ADD COLUMN seen REAL",  # the customer's last poll or message
    "CREATE INDEX tickets_queue ON tickets(status, priority, id)",
)
PRIORITIES: dict[str, int] = {"fraud_report": 0, "distress": 0, "complaint": 1}  # any other reason: 2
URGENT = tuple(reason for reason, rank in PRIORITIES.items() if rank == 0)
DEFAULT_PRIORITY = 2
PAGE_SIZE = 50
SEEN_EVERY_S = 15.0  # a waiting customer's "last seen" is written at most this often
RETENTION_EVERY_S = 3600.0
DAY_S = 86_400.0
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
    priority: int = DEFAULT_PRIORITY

    def to_json(self) -> dict:
        """The API's view of a ticket."""
        return {"id": self.id, "session_id": self.session_id, "created": self.created, "reason": self.reason,
                "lang": self.lang, "location": self.location, "summary": self.summary, "status": self.status,
                "agent": self.agent, "outcome": self.outcome, "priority": self.priority}


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


_TICKET_COLUMNS = "id, session_id, created, reason, lang, location, summary, status, agent, outcome, priority"
_QUEUE_ORDER = {"open": "priority, id", "claimed": "priority, id", None: "id DESC"}


class TicketStore:
    """Tickets in their own SQLite file (WAL, synchronous=FULL); one connection behind a lock. With
    ``retention_days`` tickets (and their messages) older than that are deleted at open and then hourly,
    like the turns they summarise."""

    def __init__(self, path: Path, retention_days: int = 0) -> None:
        self._conn, _ = open_db(path, MIGRATIONS)
        self._lock = threading.Lock()
        self.retention_days = retention_days
        self._last_retention = 0.0
        self.apply_retention()

    def purge(self, before_ts: float) -> int:
        """Delete tickets created, or closed, before ``before_ts`` with their messages; returns how many."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                old = "SELECT id FROM tickets WHERE created < ? AND (status != 'closed' OR closed < ?)"
                self._conn.execute(f"DELETE FROM ticket_messages WHERE ticket_id IN ({old})", (before_ts, before_ts))
                count = self._conn.execute(f"DELETE FROM tickets WHERE id IN ({old})", (before_ts, before_ts)).rowcount
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        return count

    def apply_retention(self, now: float | None = None) -> int:
        """Purge what is older than ``retention_days`` (nothing when retention is off)."""
        now = time.time() if now is None else now
        if not self.retention_days:
            return 0
        self._last_retention = now
        return self.purge(now - self.retention_days * DAY_S)

    def _ticket(self, where: str, args: tuple) -> Ticket | None:
        row = self._conn.execute(f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE {where}", args).fetchone()
        return Ticket(*row) if row else None

    def open(self, session_id: str, reason: str, lang: str, location: str, summary: str) -> Ticket:
        """Open a ticket for a session (or return the one already open)."""
        if self.retention_days and time.time() - self._last_retention >= RETENTION_EVERY_S:
            self.apply_retention()
        with self._lock:
            found = self._ticket("session_id = ? AND status != 'closed' ORDER BY id DESC LIMIT 1", (session_id,))
            if found:
                return found
            now = time.time()
            cur = self._conn.execute(
                "INSERT INTO tickets (session_id, created, reason, lang, location, summary, priority, seen) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (session_id, now, reason, lang, location, mask_unexplained(summary),
                 PRIORITIES.get(reason, DEFAULT_PRIORITY), None))
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

    def list(self, status: str | None = None, limit: int = PAGE_SIZE, offset: int = 0) -> list[Ticket]:
        """One page of tickets: open or claimed ones by priority (fraud and distress first), oldest first
        within it; all of them, newest first, when status is None."""
        where, args = ("WHERE status = ?", (status,)) if status else ("", ())
        order = _QUEUE_ORDER.get(status, "id DESC")
        with self._lock:
            rows = self._conn.execute(f"SELECT {_TICKET_COLUMNS} FROM tickets {where} ORDER BY {order} "
                                      "LIMIT ? OFFSET ?", (*args, limit, offset)).fetchall()
        return [Ticket(*r) for r in rows]

    def count(self, status: str | None = None) -> int:
        """How many tickets have this status (all when None)."""
        where, args = ("WHERE status = ?", (status,)) if status else ("", ())
        with self._lock:
            return int(self._conn.execute(f"SELECT COUNT(*) FROM tickets {where}", args).fetchone()[0])

    def waiting_before(self, ticket_id: int, seen_since: float = 0.0) -> int:
        """Unclaimed tickets ahead of this one in the queue whose customer was seen since ``seen_since``
        (for the customer's wait estimate: abandoned and flooded tickets do not make real customers wait)."""
        with self._lock:
            row = self._conn.execute("SELECT priority FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
            priority = row[0] if row else DEFAULT_PRIORITY
            return int(self._conn.execute(
                "SELECT COUNT(*) FROM tickets WHERE status = 'open' AND id != ? AND seen >= ? "
                "AND (priority < ? OR (priority = ? AND id < ?))",
                (ticket_id, seen_since, priority, priority, ticket_id)).fetchone()[0])

    def seen(self, session_id: str, now: float | None = None) -> None:
        """The session's customer is still there (polled or wrote): note it on its open ticket, now and then."""
        now = time.time() if now is None else now
        with self._lock:
            self._conn.execute("UPDATE tickets SET seen = ? WHERE session_id = ? AND status = 'open' "
                               "AND (seen IS NULL OR seen < ?)", (now, session_id, now - SEEN_EVERY_S))

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
                                     "VALUES (?,?,?,?,?,?)", (ticket.id, ticket.session_id, now, author, agent,
                                                               mask_unexplained(text)))
            return TicketMessage(int(cur.lastrowid), ticket.id, now, author, agent, mask_unexplained(text))

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
