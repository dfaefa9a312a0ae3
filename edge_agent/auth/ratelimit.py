"""Sign-in lock-outs: after N failures for a user name (or M from one client address) refuse further
attempts for a while, doubling with each further failure. And request rates for anonymous routes (chat
per minute, escalation tickets per hour) per client address and per kiosk location. In memory, bounded,
thread-safe.
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


# --- request rates for anonymous routes (issue 12: one address flooded the agents' queue) -------------------
LOCATION_FACTOR = 10  # the kiosk location (the whole box) takes this many times one address's rate


class RateLimit:
    """Token buckets: ``rate`` requests per ``period_s`` per key (bursts up to that), a key's rate scaled by
    its weight; 0 means no limit. In memory, bounded (the stalest key is forgotten first), thread-safe."""

    def __init__(self, rate: int, period_s: float, *, capacity: int = CAPACITY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.period_s = period_s
        self.capacity = capacity
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    def _level(self, key: str, size: float, now: float) -> float:
        tokens, at = self._buckets.get(key, (size, now))
        return min(size, tokens + (now - at) * size / self.period_s)

    def take(self, keys: dict[str, int]) -> float:
        """Spend one request from every key (name -> weight) when all have one, and return 0; else spend
        nothing and return the seconds until they would."""
        if not self.rate:
            return 0.0
        now = self._clock()
        with self._lock:
            levels = {k: (self._level(k, self.rate * w, now), self.rate * w) for k, w in keys.items()}
            wait = max(((1.0 - level) * self.period_s / size for level, size in levels.values()), default=0.0)
            if wait > 0:
                return wait
            for key, (level, _) in levels.items():
                self._buckets[key] = (level - 1.0, now)
                self._buckets.move_to_end(key)
            while len(self._buckets) > self.capacity:
                self._buckets.popitem(last=False)
        return 0.0

    def tracked(self) -> int:
        """How many keys are remembered (for tests of the bound)."""
        with self._lock:
            return len(self._buckets)


def client_address() -> str:
    """The TCP peer of the current request ("local" outside one, e.g. `edge-agent ask`). Behind a reverse
    proxy this is the proxy: limits then apply to all its clients together."""
    from flask import has_request_context, request

    if not has_request_context():
        return "local"
    return request.remote_addr or "unknown"


@dataclass(frozen=True)
class RequestLimits:
    """Anonymous chat per minute and ticket creation per hour, each per client address and per location."""

    chat: RateLimit
    tickets: RateLimit
    location: str

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Callable[[], float] = time.monotonic) -> "RequestLimits":
        """The limits the settings describe (``chat_rate_per_min``, ``ticket_rate_per_hour``)."""
        return cls(RateLimit(settings.chat_rate_per_min, 60.0, clock=clock),
                   RateLimit(settings.ticket_rate_per_hour, 3600.0, clock=clock), settings.location_id)

    def check(self, limit: RateLimit, address: str, message: str) -> None:
        """Spend one request of ``limit`` for ``address`` and this location; TooManyRequests (429) when spent."""
        from edge_agent.errors import TooManyRequests

        wait = limit.take({f"addr:{address}": 1, f"loc:{self.location}": LOCATION_FACTOR})
        if wait:
            raise TooManyRequests(wait, message)
