"""Office Open XML packages (.docx, .xlsx): the bytes are a ZIP holding the right part, and no zip bomb."""
from __future__ import annotations

import io
import zipfile

from edge_agent.knowledge.loaders.document import sniff
from edge_agent.knowledge.loaders.ingest_errors import ContentMismatch, DocumentTooLarge, UnreadableDocument

ZIP_EXPANSION_LIMIT = 10  # unpacked Office parts may be at most this many times the file size (zip bombs)


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
