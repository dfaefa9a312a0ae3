"""The sha256 of each stored knowledge entry (issue 12, Medium 9): what a kb audit event signs, so an auditor can
prove which knowledge produced an answer and `audit verify` can find an entry edited inside the store.

An entry's hash covers what the customer is shown of it: title, section and text (phrasings, embeddings and
index metadata are not quoted, and staff may add phrasings without a new document version).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Protocol


class EntryLike(Protocol):
    """A Chunk (at ingestion) or a Hit (read back from the store); both are frozen."""

    @property
    def title(self) -> str: ...

    @property
    def section(self) -> str: ...

    @property
    def text(self) -> str: ...


def entry_sha256(entry: EntryLike) -> str:
    """sha256 of an entry's title, section and text (canonical JSON, so no field can bleed into another)."""
    canonical = json.dumps([entry.title, entry.section, entry.text], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def entry_hashes(entries: Iterable[tuple[str, EntryLike]]) -> dict[str, str]:
    """Entry id -> entry_sha256, for ``(id, entry)`` pairs."""
    return {entry_id: entry_sha256(entry) for entry_id, entry in entries}
