"""Live chat sessions in memory: the customer's vault and recent redacted turns, bounded and expiring."""
from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from edge_agent.errors import BadRequest
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


def check_session_id(session_id: object) -> str:
    """Session ids are opaque tokens chosen by the client: 8-64 letters, digits, '-' or '_'."""
    if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
        raise BadRequest("session_id must be 8-64 characters of letters, digits, '-' or '_'.")
    return session_id


class SessionRegistry:
    """Sessions by id; idle ones are wiped after ``idle_s``, and at most ``max_sessions`` are kept."""

    def __init__(self, idle_s: float, max_sessions: int) -> None:
        self._idle_s = idle_s
        self._max = max_sessions
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, ChatSession] = OrderedDict()

    def get(self, session_id: str) -> ChatSession:
        """The session for an id, created if new; touching it keeps it alive."""
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            session = self._sessions.pop(session_id, None) or ChatSession()
            session.last_seen = now
            self._sessions[session_id] = session
            while len(self._sessions) > self._max:
                _, dropped = self._sessions.popitem(last=False)
                dropped.vault.wipe()
            return session

    def end(self, session_id: str) -> bool:
        """Wipe and forget a session; False if it did not exist."""
        with self._lock:
            session = self._sessions.pop(session_id, None)
        if session is None:
            return False
        session.vault.wipe()
        session.history.clear()
        return True

    def __len__(self) -> int:
        with self._lock:
            self._expire(time.monotonic())
            return len(self._sessions)

    def _expire(self, now: float) -> None:
        while self._sessions:
            sid, oldest = next(iter(self._sessions.items()))
            if now - oldest.last_seen < self._idle_s:
                break
            del self._sessions[sid]
            oldest.vault.wipe()
            oldest.history.clear()
