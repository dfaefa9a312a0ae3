"""The knowledge store on a Chroma server shared by every edge-agent process (setting ``chroma_url``).

Searches always go to the server, so they see every process's changes. What each process keeps in memory (the
BM25 index and the collection map) is dropped when another process has changed the store: every write stores
a new random *generation* mark in a collection of its own, and readers compare it with the one they last saw
(at most every ``CHECK_EVERY_S``).
"""
from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from edge_agent.errors import KnowledgeUnavailable
from edge_agent.knowledge.embedder import Embedder
from edge_agent.knowledge.store import KnowledgeStore

GENERATION = "edge_agent_generation"
MARK_ID = "generation"
CHECK_EVERY_S = 0.25  # a change by another process is seen by the next question after this long


def http_client(url: str) -> Any:
    """A ``chromadb.HttpClient`` for ``url`` (http[s]://host[:port], telemetry off); KnowledgeUnavailable
    when the server does not answer."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/"):
        raise ValueError(f"chroma_url must be http[s]://host[:port], not {url!r}")
    try:
        return chromadb.HttpClient(host=parts.hostname, port=parts.port or 8000, ssl=parts.scheme == "https",
                                   settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False))
    except Exception as exc:  # chromadb raises ValueError/ConnectionError/httpx errors for an absent server
        raise KnowledgeUnavailable(f"the Chroma server at {url} does not answer ({type(exc).__name__}); "
                                   f"start it with `chroma run --path DIR --host {parts.hostname} "
                                   f"--port {parts.port or 8000}`") from None


class SharedKnowledgeStore(KnowledgeStore):
    """A KnowledgeStore on a Chroma server; notices changes other processes make (see the module docstring)."""

    def __init__(self, url: str, embedder: Embedder) -> None:
        client = http_client(url)
        super().__init__(Path(url), embedder, client=client)  # the path is not used with a client
        self.url = url
        self._mark = client.get_or_create_collection(GENERATION, embedding_function=None)
        self._mark_lock = threading.Lock()
        self._seen = self._generation()
        self._checked = time.monotonic()

    def _generation(self) -> str:
        res = self._mark.get(ids=[MARK_ID], include=["documents"])
        return str(res["documents"][0]) if res["ids"] else ""

    def _drop_caches(self) -> None:
        with self._write_lock:
            self._lexical = self._collections = self._by_collection = None

    def _fresh(self, *, force: bool = False) -> None:
        """Drop what this process keeps in memory if another process changed the store since."""
        now = time.monotonic()
        with self._mark_lock:
            if not force and now - self._checked < CHECK_EVERY_S:
                return
            self._checked = now
            current = self._generation()
            changed, self._seen = current != self._seen, current
        if changed:
            self._drop_caches()

    def _changed(self) -> None:
        """After this process's own write: catch up with others' first, then announce a new generation."""
        self._fresh(force=True)
        with self._mark_lock:
            self._seen = uuid.uuid4().hex
            self._mark.upsert(ids=[MARK_ID], embeddings=[[1.0]], documents=[self._seen])

    def _load_maps(self):  # type: ignore[override]
        self._fresh()
        return super()._load_maps()

    def _members(self):  # type: ignore[override]
        self._fresh()
        return super()._members()

    def replace_document(self, *args: Any, **kwargs: Any) -> int:
        """KnowledgeStore.replace_document, then a new generation mark."""
        try:
            return super().replace_document(*args, **kwargs)
        finally:
            self._changed()

    def remove_document(self, *args: Any, **kwargs: Any) -> int:
        """KnowledgeStore.remove_document, then a new generation mark."""
        try:
            return super().remove_document(*args, **kwargs)
        finally:
            self._changed()

    def set_phrasings(self, *args: Any, **kwargs: Any) -> int:
        """KnowledgeStore.set_phrasings, then a new generation mark."""
        try:
            return super().set_phrasings(*args, **kwargs)
        finally:
            self._changed()
