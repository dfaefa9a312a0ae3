"""One caller at a time for the model, a bounded wait queue, and an honest Retry-After when full."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

from edge_agent.errors import Busy


class ModelGate:
    """A lock with at most ``queue_size`` waiters; callers beyond that get ``Busy`` at once."""

    def __init__(self, queue_size: int, wait_s: float) -> None:
        self._cond = threading.Condition()
        self._queue_size = queue_size
        self._wait_s = wait_s
        self._busy = False
        self._waiting = 0
        self._avg_s = 2.0  # running estimate of one generation, for Retry-After

    @property
    def busy(self) -> bool:
        """Whether a generation is running now."""
        return self._busy

    @property
    def waiting(self) -> int:
        """Callers queued for the model."""
        return self._waiting

    def retry_after(self) -> int:
        """Seconds a refused caller should wait: the queue ahead of it times one generation."""
        return max(1, round((self._waiting + 1) * self._avg_s))

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold the model for one generation; raise Busy when the queue is full or the wait runs out."""
        with self._cond:
            if self._busy or self._waiting:
                if self._waiting >= self._queue_size:
                    raise Busy(self.retry_after())
                self._waiting += 1
                try:
                    deadline = time.monotonic() + self._wait_s
                    while self._busy:
                        remaining = deadline - time.monotonic()
                        if remaining <= 0 or not self._cond.wait(remaining):
                            if self._busy:
                                raise Busy(self.retry_after())
                finally:
                    self._waiting -= 1
            self._busy = True
        started = time.monotonic()
        try:
            yield
        finally:
            with self._cond:
                self._avg_s = 0.8 * self._avg_s + 0.2 * (time.monotonic() - started)
                self._busy = False
                self._cond.notify()
