"""One loader per file format behind one interface: ``LOADERS[suffix](data, name) -> LoadedDocument``.

A loader gets the file's bytes (already size-checked by the caller) and a name for error messages. It
checks that the bytes are what the suffix promises, extracts headed text (``Block``s) or FAQ pairs
(``Entry``s) plus whatever the document says about itself (title, version, effective date, language),
and raises an ``IngestError`` subclass naming the file for anything it cannot read. Parsers are
imported inside the loaders, so importing this module does no work.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from typing import Any, Callable, Iterable, Sequence

from edge_agent.errors import EdgeError
from edge_agent.knowledge.chunking import Block, DocMeta, Entry, markdown_meta


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


@dataclass(frozen=True)
class LoadedDocument:
    """What a loader extracted: headed text or FAQ pairs, and the document's own metadata."""

    blocks: tuple[Block, ...] = ()
    entries: tuple[Entry, ...] = ()
    meta: DocMeta = DocMeta()

    @property
    def is_empty(self) -> bool:
        """True when there is no text to index."""
        return not any(b.text.strip() for b in self.blocks if b.level == 0) and not any(
            e.question.strip() and e.answer.strip() for e in self.entries)


Loader = Callable[[bytes, str], LoadedDocument]

# Leading bytes of formats that are never text, so a mislabelled file gets a helpful message.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF"), (b"PK\x03\x04", "a ZIP/Office file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy or password-protected Office file"),
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program"), (b"MZ", "a program"), (b"\x1f\x8b", "a gzip archive"),
)
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 covers the GBK files Chinese Windows tools write
QUESTION_HEADERS = frozenset("question questions q 问题 问 提问 常见问题 标准问题 问题描述".split())
ANSWER_HEADERS = frozenset("answer answers a 答案 答 回答 答复 解答 标准答案 回复".split())
SECTION_HEADERS = frozenset("section category topic 分类 类别 栏目 主题 章节".split())
PHRASING_HEADERS = frozenset("similarquestions similarquestion alternatives phrasings alsoaskedas 相似问题 相似问法 "
                             "类似问题 其他问法 扩展问题 相似问".split())
PHRASING_SPLIT = re.compile(r"\s*(?:\n|\||｜|；|;)\s*")  # one cell lists several phrasings
ZIP_EXPANSION_LIMIT = 10  # unpacked Office parts may be at most this many times the file size (zip bombs)


def sniff(data: bytes) -> str | None:
    """What the leading bytes say the file is ('a PDF', 'a PNG image'…), or None for no known binary."""
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), None)


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file (UTF-8, UTF-16 with BOM or GB18030); refuse binary content."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    kind = sniff(data)
    if kind or b"\x00" in data[:65536]:
        raise ContentMismatch(f"{name}: content is {kind or 'binary'}, not text as its extension says")
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ContentMismatch(f"{name}: not UTF-8 or GB18030 text")


def _date(value: Any) -> str:
    """An ISO date from a datetime (or ''), for version/effective fallbacks."""
    return value.date().isoformat() if isinstance(value, datetime) else ""


def _lang(value: str) -> str:
    """'zh'/'en' from a language tag like zh-CN or en-GB, '' otherwise."""
    tag = value.strip().lower()[:2]
    return tag if tag in ("zh", "en") else ""


# --- Markdown and plain text -------------------------------------------------------------------
def load_markdown(data: bytes, name: str) -> LoadedDocument:
    """Markdown or plain text with optional `key: value` front matter (title, version, effective, lang)."""
    meta, blocks = markdown_meta(decode_text(data, name))
    return LoadedDocument(blocks=tuple(blocks), meta=DocMeta(
        title=meta.get("title", ""), version=meta.get("version", ""), effective=meta.get("effective", ""),
        lang=_lang(meta.get("lang", ""))))


# --- HTML -------------------------------------------------------------------------------------
class _HtmlText(HTMLParser):
    """Collect headings and body text; skip scripts, styles and navigation."""

    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "nav"})
    BREAKS = frozenset({"p", "div", "li", "ul", "ol", "br", "tr", "table", "section", "article", "blockquote",
                        "pre", "dd", "dt", "hr", "main", "aside", "form", "figure", "figcaption", "address",
                        "header", "footer", "details", "summary"})
    META_KEYS = {"version": "version", "effective": "effective", "effective-date": "effective",
                 "dc.date": "effective", "date": "effective", "last-modified": "effective",
                 "article:modified_time": "effective"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.meta: dict[str, str] = {}
        self._buffer: list[str] = []
        self._heading = 0
        self._skip = 0
        self._in_title = False
        self._title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.meta.setdefault("lang", _lang(a["lang"]))
        elif tag == "meta":
            key = self.META_KEYS.get((a.get("name") or a.get("property") or "").lower())
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"].strip()[:10] if key == "effective" else a["content"].strip())
        if tag == "title":
            self._in_title = True
        elif tag in self.SKIP:
            self._skip += 1
        elif re.fullmatch(r"h[1-6]", tag) and not self._skip:
            self._flush()
            self._heading = int(tag[1])
        elif tag in self.BREAKS:
            self._buffer.append("\n\n")
        elif tag in ("td", "th"):
            self._buffer.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif re.fullmatch(r"h[1-6]", tag) and self._heading:
            self._flush()
        elif tag in self.BREAKS:
            self._buffer.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        elif not self._skip:
            self._buffer.append(re.sub(r"[ \t\r\n\f]+", " ", data))

    def _flush(self) -> None:
        text = "".join(self._buffer)
        text = "\n\n".join(p.strip() for p in re.split(r"\n{2,}", text) if p.strip())
        if self._heading:
            if text:
                self.blocks.append(Block(re.sub(r"\s+", " ", text), self._heading))
        elif text:
            self.blocks.append(Block(text))
        self._buffer, self._heading = [], 0

    def result(self) -> LoadedDocument:
        self.close()
        self._flush()
        title = re.sub(r"\s+", " ", "".join(self._title)).strip()
        return LoadedDocument(blocks=tuple(self.blocks), meta=DocMeta(
            title=title, version=self.meta.get("version", ""), effective=self.meta.get("effective", ""),
            lang=self.meta.get("lang", "")))


def load_html(data: bytes, name: str) -> LoadedDocument:
    """HTML through the standard library's parser: <h1>-<h6> become headings, <title>/<meta> metadata."""
    text = decode_text(data, name)
    if not re.search(r"<\s*[a-zA-Z!/]", text):
        raise ContentMismatch(f"{name}: no HTML markup found; rename it to .txt if it is plain text")
    parser = _HtmlText()
    parser.feed(text)
    return parser.result()


# --- PDF --------------------------------------------------------------------------------------
def _join_pdf_lines(text: str) -> str:
    """Undo the PDF's line wrapping: join lines inside a sentence, break after sentence ends and blank lines."""
    paragraphs: list[str] = []
    current = ""
    for line in (ln.strip() for ln in text.splitlines()):
        if current and (not line or re.search(r"[。！？；.!?;:：]$", current)):
            paragraphs.append(current)
            current = ""
        if line:
            cjk_joint = bool(re.match(r"[\u3400-\u9fff]", line) and re.search(r"[\u3400-\u9fff，、]$", current))
            current = current + line if (cjk_joint or not current) else current + " " + line
    return "\n\n".join(paragraphs + ([current] if current else []))


def load_pdf(data: bytes, name: str) -> LoadedDocument:
    """PDF text layer through pypdf, one section per page; encrypted files need an empty user password."""
    if b"%PDF-" not in data[:1024]:
        raise ContentMismatch(f"{name}: content is {sniff(data) or 'not a PDF'}, not a PDF as its extension says")
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypt_empty(reader):
            raise EncryptedDocument(f"{name}: the PDF is password-protected; remove the password and try again")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise UnreadableDocument(f"{name}: cannot read the PDF ({type(exc).__name__}); is it damaged?") from None
    blocks: list[Block] = []
    for number, page in enumerate(pages, 1):
        text = _join_pdf_lines(page)
        if text:
            blocks += [Block(f"p. {number}", 2), Block(text)]
    title = modified = ""
    if info is not None:
        title = str(info.title or "").strip()
        try:
            modified = _date(info.modification_date or info.creation_date)
        except Exception:  # a malformed date string in the info dictionary
            modified = ""
    return LoadedDocument(blocks=tuple(blocks), meta=DocMeta(title=title, effective=modified, version=modified))


def _decrypt_empty(reader: Any) -> bool:
    """Open a PDF that is encrypted with an empty user password (permissions-only protection)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False


# --- Office (DOCX, XLSX) ------------------------------------------------------------------------
def _office_zip(data: bytes, name: str, member: str, what: str) -> None:
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


def _docx_level(paragraph: Any) -> int:
    """Heading level from the paragraph style (Title, Heading 1-6, 标题 1-6, or a style based on one)."""
    style = paragraph.style
    for _ in range(4):  # follow base styles a few steps
        if style is None:
            return 0
        label = (style.name or "").strip().lower()
        if label in ("title", "标题"):
            return 1
        match = re.fullmatch(r"(?:heading|标题)\s*([1-6])", label)
        if match:
            return int(match.group(1))
        style = style.base_style
    return 0


def load_docx(data: bytes, name: str) -> LoadedDocument:
    """Word .docx through python-docx: heading styles become headings; tables become rows of text."""
    _office_zip(data, name, "word/document.xml", "a Word .docx document")
    from docx import Document
    from docx.table import Table

    try:
        doc = Document(io.BytesIO(data))
        blocks: list[Block] = []
        for item in doc.iter_inner_content():
            if isinstance(item, Table):
                for row in item.rows:
                    cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
                    if cells:
                        blocks.append(Block(" | ".join(cells)))
            elif item.text.strip():
                level = _docx_level(item)
                blocks.append(Block(item.text.strip(), level))
        props = doc.core_properties
        modified = _date(props.modified)
        meta = DocMeta(title=(props.title or "").strip(), version=(props.version or "").strip() or modified,
                       effective=modified, lang=_lang(props.language or ""))
    except Exception as exc:
        raise UnreadableDocument(f"{name}: cannot read the Word document ({type(exc).__name__})") from None
    return LoadedDocument(blocks=tuple(blocks), meta=meta)


def _header_key(value: Any) -> str:
    """Normalise a header cell: NFKC, case-folded, no spaces or trailing colon."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip().casefold()
    return re.sub(r"\s+", "", text).rstrip(":")


def _cell(row: Sequence[Any], i: int | None) -> str:
    """A cell's text, '' when the column is absent or the cell empty."""
    return str(row[i]).strip() if i is not None and i < len(row) and row[i] is not None else ""


def _faq_rows(rows: Iterable[Sequence[Any]], where: str = "") -> tuple[Entry, ...] | None:
    """Entries from rows whose first non-empty row is a question/answer header; None without that header."""
    iterator = iter(rows)
    header = next((r for r in iterator if any(str(c or "").strip() for c in r)), None)
    if header is None:
        return None
    keys = [_header_key(c) for c in header]
    q = next((i for i, k in enumerate(keys) if k in QUESTION_HEADERS), None)
    a = next((i for i, k in enumerate(keys) if k in ANSWER_HEADERS), None)
    s = next((i for i, k in enumerate(keys) if k in SECTION_HEADERS), None)
    p = next((i for i, k in enumerate(keys) if k in PHRASING_HEADERS), None)
    if q is None or a is None:
        return None
    entries = []
    for row in iterator:
        if _cell(row, q) and _cell(row, a):
            phrasings = tuple(x for x in PHRASING_SPLIT.split(_cell(row, p)) if x)
            entries.append(Entry(_cell(row, q), _cell(row, a), _cell(row, s) or where, phrasings))
    return tuple(entries)


def _missing_columns(name: str, found: Sequence[Any]) -> MissingColumns:
    shown = ", ".join(str(c)[:20] for c in list(found)[:6] if str(c or "").strip()) or "none"
    return MissingColumns(f"{name}: no question and answer columns (header: {shown}); "
                          "expected e.g. question/answer, 问题/答案 or Q/A")


def load_csv(data: bytes, name: str) -> LoadedDocument:
    """FAQ table in CSV (comma, semicolon or tab separated; UTF-8 or GB18030): one entry per row."""
    text = decode_text(data, name)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise UnreadableDocument(f"{name}: malformed CSV ({exc})") from None
    entries = _faq_rows(rows)
    if entries is None:
        raise _missing_columns(name, next((r for r in rows if any(c.strip() for c in r)), []))
    return LoadedDocument(entries=entries)


def load_xlsx(data: bytes, name: str) -> LoadedDocument:
    """FAQ table in Excel .xlsx: every sheet with a question/answer header contributes its rows."""
    _office_zip(data, name, "xl/workbook.xml", "an Excel .xlsx workbook")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableDocument(f"{name}: cannot read the workbook ({type(exc).__name__})") from None
    try:
        entries: list[Entry] = []
        found_header = False
        first_header: Sequence[Any] = []
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            got = _faq_rows(rows, ws.title if len(wb.worksheets) > 1 else "")
            if got is None:
                first_header = first_header or next((r for r in rows if any(c is not None for c in r)), ())
                continue
            found_header = True
            entries += got
        props = wb.properties
        modified = _date(props.modified)
        meta = DocMeta(title=(props.title or "").strip(), version=(props.version or "").strip() or modified,
                       effective=modified)
    finally:
        wb.close()
    if not found_header:
        raise _missing_columns(name, first_header)
    return LoadedDocument(entries=tuple(entries), meta=meta)


LOADERS: dict[str, Loader] = {
    ".md": load_markdown, ".markdown": load_markdown, ".txt": load_markdown,
    ".html": load_html, ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".csv": load_csv, ".xlsx": load_xlsx,
}


def loader_for(name: str, suffix: str) -> Loader:
    """The loader registered for a file suffix, or UnsupportedFormat naming the file."""
    try:
        return LOADERS[suffix.lower()]
    except KeyError:
        raise UnsupportedFormat(f"{name}: unsupported file type '{suffix or '(none)'}'; supported: "
                                + ", ".join(sorted(LOADERS))) from None
