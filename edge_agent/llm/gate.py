"""Callers share the model's slots (one in-process, or one per model server), a bounded wait queue, and an
honest Retry-After when full."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from edge_agent.errors import Busy

_RECHECK_S = 0.25  # a waiter re-reads a changing capacity (a model server coming back) this often


class ModelGate:
    """Up to ``capacity`` callers at once, at most ``queue_size`` waiters; callers beyond that get ``Busy`` at once.

    ``capacity`` is a number, or a function read on every admission (model servers that go down and come back).
    """

    def __init__(self, queue_size: int, wait_s: float, capacity: int | Callable[[], int] = 1) -> None:
        self._cond = threading.Condition()
        self._queue_size = queue_size
        self._wait_s = wait_s
        fixed = max(1, int(capacity)) if not callable(capacity) else 0
        self._capacity: Callable[[], int] = capacity if callable(capacity) else (lambda: fixed)
        self._in_flight = 0
        self._waiting = 0
        self._avg_s = 2.0  # running estimate of one generation, for Retry-After

    @property
    def busy(self) -> bool:
        """Whether every slot is taken now (a new caller would wait)."""
        return self._in_flight >= self._capacity()

    @property
    def in_flight(self) -> int:
        """Generations running now."""
        return self._in_flight

    @property
    def waiting(self) -> int:
        """Callers queued for the model."""
        return self._waiting

    def retry_after(self) -> int:
        """Seconds a refused caller should wait: the queue ahead of it times one generation, over the slots."""
        return max(1, round((self._waiting + 1) * self._avg_s / max(1, self._capacity())))

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one model slot for one generation; raise Busy when the queue is full or the wait runs out."""
        with self._cond:
            if self._in_flight >= self._capacity() or self._waiting:
                if self._waiting >= self._queue_size:
                    raise Busy(self.retry_after())
                self._waiting += 1
                try:
                    deadline = time.monotonic() + self._wait_s
                    while self._in_flight >= self._capacity():
                        remaining = deadline - time.monotonic()
                        if remaining <= 0:
                            raise Busy(self.retry_after())
                        self._cond.wait(min(remaining, _RECHECK_S))
                finally:
                    self._waiting -= 1
            self._in_flight += 1
        started = time.monotonic()
        try:
            yield
        finally:
            with self._cond:
                self._avg_s = 0.8 * self._avg_s + 0.2 * (time.monotonic() - started)
                self._in_flight -= 1
                self._cond.notify()
