"""Office Open XML packages (.docx, .xlsx): the bytes are a ZIP holding the right part, no zip bomb, no DTD."""
from __future__ import annotations

import io
import zipfile

from edge_agent.knowledge.loaders.document import sniff
from edge_agent.knowledge.loaders.ingest_errors import (
    ContentMismatch,
    DocumentTooLarge,
    UnreadableDocument,
    UnsafeDocument,
)

ZIP_EXPANSION_LIMIT = 10  # unpacked Office parts may be at most this many times the file size (zip bombs)
ZIP_MEMBER_LIMIT = 10_000  # parts in one package (a real workbook or document has tens)
DTD_MARKERS = (b"<!doctype", b"<!entity")  # Office never writes a DTD: entity expansion bombs need one


def check_office_zip(data: bytes, name: str, member: str, what: str) -> None:
    """Check the bytes are an Office Open XML package holding `member`, and not a zip bomb."""
    if not data.startswith(b"PK\x03\x04"):
        kind = sniff(data)
        hint = " (save it again without a password, as .docx/.xlsx)" if kind and "Office" in kind else ""
        raise ContentMismatch(f"{name}: content is {kind or 'not a ZIP package'}, not {what}{hint}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            unpacked = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise UnreadableDocument(f"{name}: damaged ZIP package; is the file complete?") from None
    if member not in names:
        raise ContentMismatch(f"{name}: this ZIP package is not {what}")
    if unpacked > ZIP_EXPANSION_LIMIT * max(len(data), 1_000_000):
        raise DocumentTooLarge(f"{name}: unpacks to {unpacked // 1_000_000} MB, too large to read safely")
    if len(names) > ZIP_MEMBER_LIMIT:
        raise DocumentTooLarge(f"{name}: {len(names):,} parts in the package, too many to read safely")
    _refuse_dtds(data, name)


def _refuse_dtds(data: bytes, name: str) -> None:
    """No XML part may declare a DTD or entities (billion laughs, external entities): UnsafeDocument."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            tail = b""
            try:
                with z.open(info) as part:  # streamed: the sizes were checked above
                    while block := part.read(1 << 20):
                        window = (tail + block).lower()
                        if any(marker in window for marker in DTD_MARKERS):
                            raise UnsafeDocument(f"{name}: the part {info.filename} declares a DTD or entities, "
                                                 "which Office never writes; save the file again from Office")
                        tail = window[-16:]
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
                raise UnreadableDocument(f"{name}: damaged ZIP package ({type(exc).__name__})") from None
