"""HTML (.html, .htm) through the standard library's parser: headings, body text, <title> and <meta>."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from edge_agent.knowledge.chunking import Block, DocMeta
from edge_agent.knowledge.loaders.document import LoadedDocument, decode_text, lang_tag
from edge_agent.knowledge.loaders.ingest_errors import ContentMismatch


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
            self.meta.setdefault("lang", lang_tag(a["lang"]))
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
