"""Hostile documents built at test time (issue 12, Medium 6): small files that cost a parser a lot."""
from __future__ import annotations

import zlib


def pdf_bomb(repeats: int) -> bytes:
    """A one-page PDF whose compressed content stream shows 'a' ``repeats`` times: ~6 KB for 200,000 repeats,
    which costs pypdf seconds of CPU and 150 MB to extract (cost grows faster than the size)."""
    content = b"BT /F1 10 Tf 40 800 Td " + b"(a) Tj 1 0 Td " * repeats + b"ET"
    packed = zlib.compress(content, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
