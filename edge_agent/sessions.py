"""Live chat sessions in memory: the customer's vault and recent redacted turns, bounded and expiring.

Each session belongs to the client that started it (issue 12, Medium 3): ``claim`` binds a new session to the
hash of that client's token, and later calls from another client are refused. Memory is bounded twice: at most
``max_sessions`` in all and ``max_per_address`` from one client address, so a flood of new ids from one address
evicts that address's own idlest sessions, not other customers'.
"""
from __future__ import annotations

import re
import threading
import time
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field

from edge_agent.errors import BadRequest, SessionForbidden
from guardrails.vault import SessionVault

SESSION_ID = re.compile(r"^[A-Za-z0-9_\-]{8,64}$")
HISTORY_TURNS = 4


@dataclass
class ChatSession:
    """What the service remembers about one conversation (redacted history; raw values only in the vault)."""

    vault: SessionVault = field(default_factory=SessionVault)
    history: deque[str] = field(default_factory=lambda: deque(maxlen=HISTORY_TURNS))
    last_seen: float = field(default_factory=time.monotonic)
    declined_in_a_row: int = 0  # 'no answer' replies in a row, for the escalation policy
    topic: str = ""  # the last (redacted) question that was answered: follow-ups are read with it
    topic_doc: str = ""  # the document that answered it
    choices: tuple[str, ...] = ()  # entry ids offered by the last clarifying question
    owner: str = ""  # sha256 of the token of the client that started it ("" for sessions made off the web)
    address: str = ""  # the client address that started it, for the per-address cap
    started: float = field(default_factory=time.time)  # wall clock: staff messages older than this are not its

    def wipe(self) -> None:
        """Forget the raw values and the history."""
        self.vault.wipe()
        self.history.clear()


def check_session_id(session_id: object) -> str:
    """Session ids are opaque tokens chosen by the client: 8-64 letters, digits, '-' or '_'."""
    if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
        raise BadRequest("session_id must be 8-64 characters of letters, digits, '-' or '_'.")
    return session_id


class SessionRegistry:
    """Sessions by id; idle ones are wiped after ``idle_s``; at most ``max_sessions`` in all and
    ``max_per_address`` per client address are kept (0: no per-address cap)."""

    def __init__(self, idle_s: float, max_sessions: int, max_per_address: int = 0) -> None:
        self._idle_s = idle_s
        self._max = max_sessions
        self._max_per_address = max_per_address
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, ChatSession] = OrderedDict()
        self._per_address: Counter[str] = Counter()

    def get(self, session_id: str) -> ChatSession:
        """The session for an id, created (unbound) if new; touching it keeps it alive."""
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            session = self._sessions.pop(session_id, None)
            if session is None:
                session = ChatSession()
                self._per_address[session.address] += 1
            session.last_seen = now
            self._sessions[session_id] = session
            self._enforce_caps(session.address)
            return session

    def claim(self, session_id: str, owner: str, address: str) -> bool:
        """Bind a new session to ``owner`` (True), or check an existing one belongs to it (False).

        Raises SessionForbidden when the session belongs to another client. A session made off the web
        (no owner yet) is adopted by its first client (True: it is newly bound).
        """
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            session = self._sessions.get(session_id)
            if session is not None:
                if session.owner and session.owner != owner:
                    raise SessionForbidden()
                adopted = not session.owner
                session.owner, session.last_seen = owner, now
                self._sessions.move_to_end(session_id)
                return adopted
            session = ChatSession(owner=owner, address=address)
            self._sessions[session_id] = session
            self._per_address[address] += 1
            self._enforce_caps(address)
            return True

    def owned(self, session_id: str, owner: str) -> ChatSession | None:
        """The live session if it belongs to ``owner`` (touched), None if there is none.

        Raises SessionForbidden when it belongs to another client.
        """
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if session.owner != owner:
                raise SessionForbidden()
            session.last_seen = now
            self._sessions.move_to_end(session_id)
            return session

    def end(self, session_id: str) -> bool:
        """Wipe and forget a session; False if it did not exist."""
        with self._lock:
            session = self._sessions.pop(session_id, None)
            if session is not None:
                self._forget(session)
        if session is None:
            return False
        session.wipe()
        return True

    def __len__(self) -> int:
        with self._lock:
            self._expire(time.monotonic())
            return len(self._sessions)

    def count_for(self, address: str) -> int:
        """Live sessions started from one client address."""
        with self._lock:
            return self._per_address.get(address, 0)

    def _forget(self, session: ChatSession) -> None:
        self._per_address[session.address] -= 1
        if self._per_address[session.address] <= 0:
            del self._per_address[session.address]

    def _drop(self, session_id: str) -> None:
        session = self._sessions.pop(session_id)
        self._forget(session)
        session.wipe()

    def _idlest_of(self, address: str) -> str:
        return next(sid for sid, s in self._sessions.items() if s.address == address)

    def _enforce_caps(self, address: str) -> None:
        """Past the per-address cap, drop that address's idlest; past the total, the busiest address's idlest."""
        if self._max_per_address and self._per_address[address] > self._max_per_address:
            self._drop(self._idlest_of(address))
        while len(self._sessions) > self._max:
            busiest = self._per_address.most_common(1)[0][0]
            self._drop(self._idlest_of(busiest))

    def _expire(self, now: float) -> None:
        while self._sessions:
            sid, oldest = next(iter(self._sessions.items()))
            if now - oldest.last_seen < self._idle_s:
                break
            self._drop(sid)
