"""The knowledge store against the audit trail (issue 12, Medium 9): every entry in Chroma must be the one its
signed ``kb`` event hashed. `audit verify` runs this after the chain itself verified, so the hashes it trusts are
authentic; an entry edited, inserted or deleted inside Chroma's files is named (by id, never by content).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from edge_agent.knowledge.chunk_hashes import entry_sha256

if TYPE_CHECKING:
    from edge_agent.knowledge.store import KnowledgeStore

Signed = Mapping[str, "Mapping[str, str] | None"]  # doc id -> entry id -> sha256 (None: an event without hashes)


@dataclass(frozen=True)
class KnowledgeReport:
    """What the comparison found: the first problem (or none), notes, and what was checked."""

    problem: str = ""
    notes: tuple[str, ...] = ()
    documents: int = 0
    entries: int = 0

    @property
    def ok(self) -> bool:
        """True when every stored entry matches its signed hash."""
        return not self.problem

    def summary(self) -> str:
        """One line for the auditor."""
        if self.problem:
            return f"knowledge base does NOT match the audit trail: {self.problem}"
        return (f"knowledge base matches the audit trail: {self.documents} documents, {self.entries} entries "
                "checked against their signed hashes")


def stored_hashes(store: "KnowledgeStore") -> dict[str, dict[str, str]]:
    """Doc id -> entry id -> entry_sha256 of what the store holds now."""
    return {info.doc_id: {hit.chunk_id: entry_sha256(hit) for hit in store.document_entries(info.doc_id)}
            for info in store.list_documents()}


def _compare_document(doc_id: str, signed: Mapping[str, str], stored: Mapping[str, str]) -> str:
    for entry_id in sorted(set(signed) | set(stored)):
        if entry_id not in stored:
            return f"entry {entry_id} of {doc_id} is missing from the knowledge store (deleted outside `kb`)"
        if entry_id not in signed:
            return f"entry {entry_id} is in the knowledge store but not in {doc_id}'s signed kb event (inserted)"
        if signed[entry_id] != stored[entry_id]:
            return (f"entry {entry_id} was edited in the knowledge store: its title, section or text no longer "
                    "match the signed kb event (it must not be quoted; re-ingest the document)")
    return ""


def compare(signed: Signed, stored: Mapping[str, Mapping[str, str]], *, purged: bool) -> KnowledgeReport:
    """Compare the store with the hashes the chain's kb events left; ``purged``: retention cut older events."""
    notes: list[str] = []
    problem = ""
    for doc_id in sorted(set(signed) | set(stored)):
        hashes = signed.get(doc_id)
        if doc_id not in stored:
            if hashes:  # a document the chain says is there, with entries
                problem = problem or f"document {doc_id} is missing from the knowledge store (removed outside `kb`)"
            continue
        if doc_id not in signed:
            if purged:
                notes.append(f"{doc_id}: its kb event was purged by retention; re-ingest it to cover its entries")
            else:
                problem = problem or (f"document {doc_id} is in the knowledge store but no kb event records it "
                                      "(added outside `kb add`)")
            continue
        if hashes is None:
            notes.append(f"{doc_id}: ingested before entry hashes were recorded; re-ingest it to cover its entries")
            continue
        problem = problem or _compare_document(doc_id, hashes, stored[doc_id])
    return KnowledgeReport(problem, tuple(notes), len(stored), sum(len(e) for e in stored.values()))


class _NoEmbedder:
    """Reading entries back needs no vectors: the store is opened without loading the embedding model."""

    name = "none (audit verify)"

    def embed_query(self, text: str) -> list[float]:
        """Never called."""
        raise RuntimeError("audit verify does not embed")

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Never called."""
        raise RuntimeError("audit verify does not embed")


def open_for_reading(chroma_dir: Path, chroma_url: str = "") -> "KnowledgeStore":
    """The knowledge store, opened without its embedder (for `audit verify`): the Chroma server of
    ``chroma_url`` when one is set, else the embedded store in ``chroma_dir``."""
    if chroma_url:
        from edge_agent.knowledge.shared import SharedKnowledgeStore

        return SharedKnowledgeStore(chroma_url, _NoEmbedder())
    from edge_agent.knowledge.store import KnowledgeStore

    return KnowledgeStore(chroma_dir, _NoEmbedder())
