"""Why a document was refused: one ``IngestError`` subclass per reason, each with its HTTP status and code.

Messages name the file and the reason, never the document's contents.
"""
from __future__ import annotations

from edge_agent.errors import EdgeError


class IngestError(EdgeError):
    """A document could not be ingested; the message names the file, never its contents."""

    status = 422
    code = "ingest_failed"


class UnsupportedFormat(IngestError):
    status, code = 415, "unsupported_format"


class ContentMismatch(IngestError):
    status, code = 415, "content_mismatch"


class DocumentTooLarge(IngestError):
    status, code = 413, "document_too_large"


class EmptyDocument(IngestError):
    code = "empty_document"


class UnreadableDocument(IngestError):
    code = "unreadable_document"


class EncryptedDocument(IngestError):
    code = "encrypted_document"


class MissingColumns(IngestError):
    code = "missing_columns"


class UnsafeDocument(IngestError):
    """A file built to attack its parser (a DTD in an Office part): refused as a bad request."""

    status, code = 400, "unsafe_document"


class DocumentTooComplex(IngestError):
    """Parsing the document needed more time or memory than ingestion allows (issue 12, Medium 6)."""

    code = "document_too_complex"


def error_for_code(code: str) -> type[IngestError]:
    """The IngestError subclass with this code (IngestError itself for an unknown one)."""
    pending: list[type[IngestError]] = [IngestError]
    while pending:
        cls = pending.pop()
        if cls.code == code:
            return cls
        pending += cls.__subclasses__()
    return IngestError
