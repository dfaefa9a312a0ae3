"""Build small PDF, DOCX and XLSX fixtures at test time (no binary fixtures in the repository)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Sequence


def pdf_bytes(pages: Sequence[Sequence[str]], title: str = "", mod_date: str = "") -> bytes:
    """A PDF whose text layer holds the given lines (any script): a Type0 font with a ToUnicode map.

    The font has no glyphs, so viewers show boxes, but text extraction reads it exactly like a real
    PDF's text layer — which is all the loader needs.
    """
    chars = sorted({ch for page in pages for line in page for ch in line})
    cid = {ch: i + 1 for i, ch in enumerate(chars)}
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    bf = []
    for i in range(0, len(chars), 100):
        part = chars[i:i + 100]
        bf.append(f"{len(part)} beginbfchar\n".encode() + b"".join(
            f"<{cid[c]:04X}> <{ord(c):04X}>\n".encode() for c in part) + b"endbfchar\n")
    cmap = (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + b"".join(bf)
            + b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    descriptor = add(b"<< /Type /FontDescriptor /FontName /Fixture /Flags 4 /FontBBox [0 0 1000 1000] "
                     b"/ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 >>")
    cidfont = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Fixture /CIDSystemInfo << /Registry (Adobe) "
                  b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 >>" % descriptor)
    tounicode = add(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /Fixture /Encoding /Identity-H "
               b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cidfont, tounicode))
    kids = []
    for page in pages:
        ops = [b"BT /F1 10 Tf 14 TL 40 800 Td"]
        for line in page:
            ops.append(b"<" + "".join(f"{cid[c]:04X}" for c in line).encode() + b"> Tj T*")
        ops.append(b"ET")
        content = b"\n".join(ops)
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_obj, stream, font)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                              + b"] /Count %d >>" % len(kids))
    info_parts = []
    if title:
        info_parts.append(b"/Title <FEFF" + title.encode("utf-16-be").hex().upper().encode() + b">")
    if mod_date:
        info_parts.append(b"/ModDate (" + mod_date.encode() + b")")
    info = add(b"<< " + b" ".join(info_parts) + b" >>")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, info, xref)
    return bytes(out)


def write_pdf(path: Path, pages: Sequence[Sequence[str]], **kw: str) -> Path:
    path.write_bytes(pdf_bytes(pages, **kw))
    return path


def write_encrypted_pdf(path: Path, pages: Sequence[Sequence[str]], user_password: str) -> Path:
    """An AES-256 encrypted copy (owner password always set; user password may be empty)."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def write_docx(path: Path, items: Sequence[tuple[str, str]], *, title: str = "", version: str = "",
               table: Sequence[Sequence[str]] = (), modified: datetime | None = None) -> Path:
    """items: (style, text) with style 'title', 'h1'..'h3' or 'p'."""
    from docx import Document

    doc = Document()
    for style, text in items:
        if style == "title":
            doc.add_heading(text, level=0)
        elif style.startswith("h"):
            doc.add_heading(text, level=int(style[1:]))
        else:
            doc.add_paragraph(text)
    if table:
        t = doc.add_table(rows=0, cols=len(table[0]))
        for row in table:
            cells = t.add_row().cells
            for cell, value in zip(cells, row):
                cell.text = value
    doc.core_properties.title = title
    doc.core_properties.version = version
    doc.core_properties.modified = modified or datetime(2026, 3, 1, 9, 0)
    doc.save(str(path))
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[object]]], *, title: str = "") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.properties.title = title
    wb.save(str(path))
    return path
