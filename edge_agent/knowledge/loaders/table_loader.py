"""FAQ tables (.csv, .xlsx): one entry per row under a question/answer header, in Chinese or English.

Optional columns: a section (分类) and "similar questions" (相似问题) listing other phrasings, separated
by `|`, `；` or line breaks. openpyxl is imported when a workbook is loaded.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from typing import Any, Iterable, Sequence

from edge_agent.knowledge.chunking import DocMeta, Entry
from edge_agent.knowledge.loaders.document import LoadedDocument, decode_text, iso_date
from edge_agent.knowledge.loaders.ingest_errors import MissingColumns, UnreadableDocument
from edge_agent.knowledge.loaders.office_zip import check_office_zip

QUESTION_HEADERS = frozenset("question questions q 问题 问 提问 常见问题 标准问题 问题描述".split())
ANSWER_HEADERS = frozenset("answer answers a 答案 答 回答 答复 解答 标准答案 回复".split())
SECTION_HEADERS = frozenset("section category topic 分类 类别 栏目 主题 章节".split())
PHRASING_HEADERS = frozenset("similarquestions similarquestion alternatives phrasings alsoaskedas 相似问题 相似问法 "
                             "类似问题 其他问法 扩展问题 相似问".split())
PHRASING_SPLIT = re.compile(r"\s*(?:\n|\||｜|；|;)\s*")  # one cell lists several phrasings


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
    """The refusal names the file and counts the first row's cells, never their text: a table without a header
    starts with a customer's name, phone or ID number (issue 12, Low)."""
    filled = sum(1 for c in found if str(c or "").strip())
    first = f"its first row has {filled} filled cells, none named so" if filled else "it has no filled rows"
    return MissingColumns(f"{name}: no question and answer columns ({first}); the first row must be a header "
                          "such as question/answer, 问题/答案 or Q/A")


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
    check_office_zip(data, name, "xl/workbook.xml", "an Excel .xlsx workbook")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:  # the sandbox's memory limit, not a damaged file
        raise
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
        modified = iso_date(props.modified)
        meta = DocMeta(title=(props.title or "").strip(), version=(props.version or "").strip() or modified,
                       effective=modified)
    except MemoryError:  # the sandbox's memory limit, not a damaged file
        raise
    except Exception as exc:  # sheets are parsed lazily: a damaged part fails here, never as a 500
        raise UnreadableDocument(f"{name}: cannot read the workbook ({type(exc).__name__})") from None
    finally:
        wb.close()
    if not found_header:
        raise _missing_columns(name, first_header)
    return LoadedDocument(entries=tuple(entries), meta=meta)
