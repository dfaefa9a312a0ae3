"""One writer for the embedded knowledge store: `serve` holds data_dir/serve.lock for its lifetime, and
`kb add|remove` refuse while it does (a change written behind a running server's back is never seen by it and
can corrupt its index; see DESIGN.md). With a Chroma server (``chroma_url``) every process shares the store,
so servers hold the lock shared and the CLI writes through the Chroma server at once.
"""
from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from edge_agent.config import Settings
from edge_agent.errors import Conflict

LOCK_FILE = "serve.lock"


@dataclass
class ServeLock:
    """The open lock file of a running server; released when the process ends or on ``release``."""

    fd: int

    def release(self) -> None:
        """Let go of the data directory (idempotent)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _open(settings: Settings) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return os.open(settings.data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)


def _holder(fd: int) -> str:
    """Who holds the lock, as the server wrote it ('' when unknown)."""
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except ValueError:
        return ""
    return f" (pid {info['pid']}, port {info['port']})" if {"pid", "port"} <= info.keys() else ""


def hold_for_serve(settings: Settings) -> ServeLock:
    """Take the data directory for a server: alone with the embedded store, shared with a Chroma server."""
    fd = _open(settings)
    exclusive = not settings.chroma_url
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        os.close(fd)
        raise Conflict(f"{settings.data_dir} is in use by another edge-agent process{holder}: the embedded knowledge "
                       "store allows one. Stop it, or run every process against one Chroma server (chroma_url, "
                       "EDGE_CHROMA_URL).") from None
    if exclusive:
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "port": settings.port}).encode(), 0)
    return ServeLock(fd)


@contextmanager
def knowledge_writer(settings: Settings, action: str) -> Iterator[None]:
    """Around a CLI change to the knowledge store: refused while a server holds the embedded store (and a server
    cannot start meanwhile); with a Chroma server, nothing to wait for."""
    if settings.chroma_url:
        yield
        return
    fd = _open(settings)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Conflict(
                f"`edge-agent serve` is running on {settings.data_dir}{_holder(fd)}. `kb {action}` now would change "
                "the embedded knowledge store behind its back: the running service would not see the change "
                "until restart. Use the staff page /admin/kb of the running service, stop the service first, or "
                "run the service and the CLI against a Chroma server (chroma_url, EDGE_CHROMA_URL).") from None
        yield
    finally:
        os.close(fd)
