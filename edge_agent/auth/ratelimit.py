"""Sign-in lock-outs: after N failures for a user name (or M from one client address) refuse further
attempts for a while, doubling with each further failure. In memory, bounded, thread-safe.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from edge_agent.config import Settings

CAPACITY = 10_000  # most user names (and, separately, addresses) remembered; the stalest is forgotten


@dataclass(frozen=True)
class Limits:
    """How many failures lock a key, and for how long."""

    max_failures: int
    base_s: float
    max_s: float

    def lockout(self, failures: int) -> float:
        """Seconds locked after ``failures`` failures in a row (0 below the threshold)."""
        over = failures - self.max_failures
        if over < 0:
            return 0.0
        return min(self.max_s, self.base_s * 2.0 ** min(over, 40))


@dataclass
class _Entry:
    failures: int = 0
    last: float = 0.0
    locked_until: float = 0.0


class _Window:
    """Failure counts for one kind of key (user names or addresses)."""

    def __init__(self, limits: Limits, capacity: int) -> None:
        self.limits = limits
        self.capacity = capacity
        self.entries: OrderedDict[str, _Entry] = OrderedDict()

    def _fresh(self, key: str, now: float) -> _Entry | None:
        entry = self.entries.get(key)
        # A key quiet for longer than the longest lock-out (and not locked) starts again from zero.
        if entry is not None and entry.locked_until <= now and now - entry.last > self.limits.max_s:
            del self.entries[key]
            return None
        return entry

    def retry_after(self, key: str, now: float) -> float:
        entry = self._fresh(key, now)
        return max(0.0, entry.locked_until - now) if entry else 0.0

    def fail(self, key: str, now: float) -> None:
        entry = self._fresh(key, now) or _Entry()
        entry.failures += 1
        entry.last = now
        lock = self.limits.lockout(entry.failures)
        if lock:
            entry.locked_until = now + lock
        self.entries[key] = entry
        self.entries.move_to_end(key)
        while len(self.entries) > self.capacity:
            self.entries.popitem(last=False)

    def clear(self, key: str) -> None:
        self.entries.pop(key, None)


class LoginLimiter:
    """Per user name and per client address failure counts with exponential lock-outs."""

    def __init__(self, by_name: Limits, by_address: Limits, *, capacity: int = CAPACITY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._names = _Window(by_name, capacity)
        self._addresses = _Window(by_address, capacity)
        self._clock = clock
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> "LoginLimiter":
        """The limiter the settings describe."""
        return cls(Limits(settings.login_max_failures, settings.login_lockout_s, settings.login_lockout_max_s),
                   Limits(settings.login_max_failures_per_address, settings.login_lockout_s,
                          settings.login_lockout_max_s))

    def retry_after(self, name: str, address: str) -> float:
        """Seconds until ``name`` may try again from ``address`` (0: now)."""
        now = self._clock()
        with self._lock:
            return max(self._names.retry_after(name, now), self._addresses.retry_after(address, now))

    def failure(self, name: str, address: str) -> None:
        """Count a failed sign-in."""
        now = self._clock()
        with self._lock:
            self._names.fail(name, now)
            self._addresses.fail(address, now)

    def success(self, name: str) -> None:
        """A successful sign-in clears the name's failures (the address keeps its count)."""
        with self._lock:
            self._names.clear(name)

    def tracked(self) -> tuple[int, int]:
        """How many names and addresses are remembered (for tests of the bound)."""
        with self._lock:
            return len(self._names.entries), len(self._addresses.entries)
