"""Keeping the knowledge store current: add/replace, remove and list documents, with a per-file report.

    report = add_paths(store, [Path("kb/")], IngestOptions.from_settings(settings), redactor)
    changes = remove_documents(store, ["bank/fees.md"])

Each file is loaded, scanned by the privacy guard (personal data redacted, or the file rejected),
chunked and embedded *before* the store is touched; the store then swaps the document's chunks in
one step, so a failure leaves the previous version in place. Every add/replace/remove returns a
frozen ``KbChange`` for the audit trail, and hands it to ``on_change`` (when given) right after the store
changed, before the next file is touched: a callback that raises stops the run. Nothing here logs document
text or detected values.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Protocol, Sequence

from edge_agent.knowledge.chunk_hashes import entry_hashes
from edge_agent.knowledge.chunking import Block, Chunk, Entry, chunk_blocks, chunk_entries
from edge_agent.knowledge.loaders import (
    DocumentTooLarge,
    EmptyDocument,
    IngestError,
    LoadedDocument,
    loader_for,
)
from edge_agent.knowledge.phrasings import FILE_NAME, PhrasingOverlay
from edge_agent.knowledge.sandbox import ParseLimits, parse_isolated
from guardrails.redactor import EntityCount, Redaction
from guardrails.vault import SessionVault

if TYPE_CHECKING:
    from edge_agent.config import Settings
    from edge_agent.knowledge.store import DocumentInfo, KnowledgeStore
    from guardrails.redactor import Redactor
    from guardrails.types import Detection

PII_POLICIES = ("redact", "reject")
DEFAULT_COLLECTION = "default"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Institutional lines an organisation publishes on purpose: 400/800 service numbers, 95xxx/96xxx hotlines,
# 12xxx government hotlines (12345, 12320, 12393), 110/119/120/122 emergency numbers (digits of the span).
SERVICE_NUMBER = re.compile(r"(?:400|800)\d{7}|9[56]\d{3,4}|12\d{3}|1[12][0-9]")


class PersonalDataRejected(IngestError):
    code = "personal_data"


class UnknownDocument(IngestError):
    status = 404
    code = "unknown_document"


class DetectorLike(Protocol):
    """Anything that finds sensitive spans."""

    def detect(self, text: str) -> Sequence["Detection"]:
        """Sorted, non-overlapping spans."""
        ...


class ServiceNumberFilter:
    """Wraps a detector for documents: published service and emergency numbers are not personal data."""

    def __init__(self, detector: DetectorLike) -> None:
        self._detector = detector

    def detect(self, text: str) -> list["Detection"]:
        """The wrapped detector's spans minus PHONE_NUMBERs that are service lines."""
        return [d for d in self._detector.detect(text)
                if not (d.entity_type == "PHONE_NUMBER"
                        and SERVICE_NUMBER.fullmatch(re.sub(r"\D", "", text[d.start:d.end])))]


def build_ingest_redactor(settings: "Settings") -> "Redactor":
    """The guard as documents need it: no NER unless enabled, a stricter score, service numbers allowed."""
    from guardrails.detector import build_detector
    from guardrails.redactor import Redactor

    detector = build_detector(use_ner=settings.ingest_guard_ner)
    return Redactor(ServiceNumberFilter(detector), min_score=settings.ingest_guard_min_score)


class RedactorLike(Protocol):
    """The guard's redactor (or a fake): redacts a text, numbering placeholders in the given vault."""

    def redact(self, text: str, vault: SessionVault | None = None) -> Redaction:
        """Redacted text and what was taken out."""
        ...


@dataclass(frozen=True)
class IngestOptions:
    """How documents are ingested (see the ingest_* and chunk_max_chars settings)."""

    max_chars: int = 600
    max_bytes: int = DEFAULT_MAX_BYTES
    pii_policy: str = "redact"
    collection: str = ""  # '' = the document's top folder ("bank/fees.md" -> "bank"), else "default"
    phrasings_file: Path | None = None  # similar questions staff added on /admin/kb (knowledge.phrasings)
    limits: ParseLimits | None = None  # parse in a limited child process (None: in this one, trusted files only)
    max_chunks: int = 0  # most entries one document may add (0: no limit)

    @classmethod
    def from_settings(cls, settings: "Settings") -> "IngestOptions":
        """Options from the operator's settings: every file is parsed in a limited child process."""
        limits = ParseLimits(timeout_s=settings.ingest_timeout_s, memory_mb=settings.ingest_memory_mb,
                             max_pages=settings.ingest_max_pages,
                             max_output_chars=settings.ingest_max_chunks * settings.chunk_max_chars * 2)
        return cls(max_chars=settings.chunk_max_chars, max_bytes=settings.ingest_max_bytes,
                   pii_policy=settings.ingest_pii_policy, phrasings_file=settings.data_dir / FILE_NAME,
                   limits=limits, max_chunks=settings.ingest_max_chunks)


@dataclass(frozen=True)
class KbChange:
    """One change to the knowledge base, for the audit trail (never holds document text)."""

    action: str  # "add" | "replace" | "remove"
    doc_id: str
    chunks: int  # chunks stored (add/replace) or deleted (remove)
    sha256: str  # of the document's bytes (for remove: of the version that was removed)
    time: datetime  # UTC
    chunk_sha256: Mapping[str, str] = field(default_factory=dict)  # add/replace: entry id -> entry_sha256

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (``chunk_sha256`` only when the change stored entries)."""
        facts: dict[str, Any] = {"action": self.action, "doc_id": self.doc_id, "chunks": self.chunks,
                                 "sha256": self.sha256, "time": self.time.isoformat()}
        if self.chunk_sha256:
            facts["chunk_sha256"] = dict(self.chunk_sha256)
        return facts


@dataclass(frozen=True)
class PreparedDocument:
    """A document loaded, guarded and chunked, ready to be embedded and stored."""

    doc_id: str
    source: str
    title: str
    sha256: str
    chunks: tuple[Chunk, ...]
    redactions: tuple[EntityCount, ...]


@dataclass(frozen=True)
class FileResult:
    """What happened to one file: stored (with its change and redaction counts) or an error message."""

    path: str
    doc_id: str
    chunks: int = 0
    redactions: tuple[EntityCount, ...] = ()
    change: KbChange | None = None
    error: str = ""  # names the file; never contains document text or detected values
    error_code: str = ""
    scanned: bool = True  # False only when no redactor was given (trusted test content)

    @property
    def ok(self) -> bool:
        """True when the file was stored."""
        return self.change is not None


@dataclass(frozen=True)
class IngestReport:
    """What one add run did, file by file."""

    files: tuple[FileResult, ...]

    @property
    def documents(self) -> int:
        """Documents stored."""
        return sum(f.ok for f in self.files)

    @property
    def chunks(self) -> int:
        """Chunks stored."""
        return sum(f.chunks for f in self.files if f.ok)

    @property
    def changes(self) -> tuple[KbChange, ...]:
        """The KbChange of every stored document, in order."""
        return tuple(f.change for f in self.files if f.change is not None)

    @property
    def errors(self) -> tuple[FileResult, ...]:
        """Files that were not stored."""
        return tuple(f for f in self.files if not f.ok)

    @property
    def skipped(self) -> tuple[str, ...]:
        """One message per file that was not stored (each names its file)."""
        return tuple(f.error for f in self.errors)

    @property
    def redactions(self) -> tuple[EntityCount, ...]:
        """Redacted values by type over all stored files."""
        total: Counter[str] = Counter()
        for f in self.files:
            total.update({c.entity_type: c.count for c in f.redactions})
        return tuple(EntityCount(t, n) for t, n in total.items())


def walk(root: Path) -> Iterator[tuple[Path, str]]:
    """Files under root with their document ids (path relative to a directory argument, else the name)."""
    if root.is_dir():
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            rel = file.relative_to(root)
            if not any(part.startswith((".", "~$")) for part in rel.parts):  # hidden files, Office lock files
                yield file, rel.as_posix()
    elif root.is_file():
        yield root, root.name
    else:
        raise FileNotFoundError(f"no such file or directory: {root}")


def collection_of(doc_id: str) -> str:
    """The collection a document joins when none is given: its top folder, else "default"."""
    head, sep, _ = doc_id.partition("/")
    return head if sep and head else DEFAULT_COLLECTION


def _today(timestamp: float) -> str:
    return date.fromtimestamp(timestamp).isoformat()


def guard_document(doc: LoadedDocument, redactor: RedactorLike) -> tuple[LoadedDocument, tuple[EntityCount, ...]]:
    """Redact personal data in every text of a document (one vault: stable placeholders per document)."""
    vault = SessionVault()  # in memory for this call only; dropped when the document is done
    found: Counter[str] = Counter()

    def clean(text: str) -> str:
        if not text.strip():
            return text
        result = redactor.redact(text, vault)
        found.update(e.entity_type for e in result.entities)
        return result.text

    guarded = LoadedDocument(
        blocks=tuple(Block(clean(b.text), b.level) for b in doc.blocks),
        entries=tuple(Entry(clean(e.question), clean(e.answer), clean(e.section), tuple(clean(p) for p in e.phrasings))
                      for e in doc.entries),
        meta=replace(doc.meta, title=clean(doc.meta.title)))
    return guarded, tuple(EntityCount(t, n) for t, n in found.items())


def prepare_file(path: Path, doc_id: str, options: IngestOptions,
                 redactor: RedactorLike | None) -> PreparedDocument:
    """Load, guard and chunk one file; raises an IngestError naming the file. Touches no store."""
    loader = loader_for(str(path), path.suffix)
    stat = path.stat()
    if stat.st_size > options.max_bytes:  # before reading a byte
        raise DocumentTooLarge(f"{path}: {stat.st_size:,} bytes is over the limit of {options.max_bytes:,} "
                               "(setting ingest_max_bytes)")
    if stat.st_size == 0:
        raise EmptyDocument(f"{path}: the file is empty")
    with path.open("rb") as fh:
        data = fh.read(options.max_bytes + 1)  # the file may have grown since stat()
    if len(data) > options.max_bytes:
        raise DocumentTooLarge(f"{path}: over the limit of {options.max_bytes:,} bytes (setting ingest_max_bytes)")
    doc = loader(data, str(path)) if options.limits is None else parse_isolated(data, str(path), path.suffix,
                                                                                 options.limits)
    if doc.is_empty:
        hint = " (a scanned PDF needs OCR first)" if path.suffix.lower() == ".pdf" else ""
        raise EmptyDocument(f"{path}: no text to index{hint}")
    counts: tuple[EntityCount, ...] = ()
    if redactor is not None:
        doc, counts = guard_document(doc, redactor)
        if counts and options.pii_policy == "reject":
            listed = ", ".join(f"{c.entity_type}×{c.count}" for c in counts)
            raise PersonalDataRejected(f"{path}: personal data found ({listed}); not ingested "
                                       "(setting ingest_pii_policy=reject)")
    fallback = _today(stat.st_mtime)
    meta = replace(doc.meta, version=doc.meta.version or fallback, effective=doc.meta.effective or fallback,
                   source=str(path))
    if doc.entries:
        chunks = chunk_entries(doc_id, doc.entries, meta, options.max_chars)
    else:
        chunks = chunk_blocks(doc_id, doc.blocks, meta, options.max_chars)
    if not chunks:
        raise EmptyDocument(f"{path}: no text to index")
    if options.max_chunks and len(chunks) > options.max_chunks:
        raise DocumentTooLarge(f"{path}: {len(chunks):,} entries, over the limit of {options.max_chunks:,} "
                               "(setting ingest_max_chunks)")
    collection = options.collection or collection_of(doc_id)
    chunks = [replace(c, collection=collection) for c in chunks]
    if options.phrasings_file is not None:
        chunks = PhrasingOverlay(options.phrasings_file).apply(chunks)
    title = meta.title or (path.stem if doc.entries else chunks[0].title)
    return PreparedDocument(doc_id=doc_id, source=str(path), title=title, sha256=hashlib.sha256(data).hexdigest(),
                            chunks=tuple(chunks), redactions=counts)


def store_prepared(store: "KnowledgeStore", prepared: PreparedDocument) -> KbChange:
    """Swap a prepared document into the store (old chunks go only when the new ones are in)."""
    existed = bool(store.list_documents(prepared.doc_id))
    now = datetime.now(timezone.utc)
    stored = store.replace_document(prepared.doc_id, prepared.chunks,
                                    doc_meta={"sha256": prepared.sha256, "ingested": now.isoformat(),
                                              "doc_title": prepared.title})
    hashes = entry_hashes((c.chunk_id, c) for c in prepared.chunks)
    return KbChange("replace" if existed else "add", prepared.doc_id, stored, prepared.sha256, now, hashes)


def add_paths(store: "KnowledgeStore", paths: Iterable[Path], options: IngestOptions,
              redactor: RedactorLike | None, on_change: Callable[[KbChange], None] | None = None,
              on_file: Callable[["FileResult"], None] | None = None) -> IngestReport:
    """Add or replace every supported file under the paths; each file succeeds or fails on its own.
    ``on_file`` sees each file's result as soon as it is done (a progress bar)."""
    if options.pii_policy not in PII_POLICIES:
        raise ValueError(f"pii_policy must be one of {PII_POLICIES}")
    results: list[FileResult] = []

    def done(result: FileResult) -> None:
        results.append(result)
        if on_file is not None:
            on_file(result)

    for root in paths:
        for file, doc_id in walk(Path(root)):
            try:
                prepared = prepare_file(file, doc_id, options, redactor)
                change = store_prepared(store, prepared)
            except IngestError as exc:
                done(FileResult(str(file), doc_id, error=exc.message, error_code=exc.code,
                     scanned=redactor is not None))
                continue
            except OSError as exc:
                done(FileResult(str(file), doc_id, error=f"{file}: cannot read ({type(exc).__name__})",
                     error_code="unreadable_document", scanned=redactor is not None))
                continue
            done(FileResult(str(file), doc_id, chunks=change.chunks, redactions=prepared.redactions,
                 change=change, scanned=redactor is not None))
            if on_change is not None:
                on_change(change)
    return IngestReport(tuple(results))


def remove_documents(store: "KnowledgeStore", doc_ids: Sequence[str],
                     on_change: Callable[[KbChange], None] | None = None) -> tuple[KbChange, ...]:
    """Remove documents by id; an unknown id raises UnknownDocument before anything is removed."""
    infos = {}
    for doc_id in doc_ids:
        found = store.list_documents(doc_id)
        if not found:
            raise UnknownDocument(f"{doc_id}: no such document in the knowledge base (see `edge-agent kb list`)")
        infos[doc_id] = found[0]
    changes = []
    for doc_id, info in infos.items():
        removed = store.remove_document(doc_id)
        changes.append(KbChange("remove", doc_id, removed, info.sha256, datetime.now(timezone.utc)))
        if on_change is not None:
            on_change(changes[-1])
    return tuple(changes)


def list_documents(store: "KnowledgeStore") -> tuple["DocumentInfo", ...]:
    """Every document in the store, by id."""
    return store.list_documents()
