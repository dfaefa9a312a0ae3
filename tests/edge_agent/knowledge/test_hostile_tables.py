"""Issue 12, Low: hostile or careless tables. A CSV without a header never echoes its first row (a customer's
name, phone, ID); an XLSX whose parts declare a DTD is refused as unsafe (400), and a damaged sheet is a clear
per-file error: the rest of the batch is ingested, nothing answers 500."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from edge_agent.knowledge.ingest import add_paths
from edge_agent.knowledge.loaders import UnsafeDocument, load_xlsx
from tests.edge_agent.knowledge.builders import write_xlsx
from tests.pii_values import MOBILE, RESIDENT_ID

LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


def rewrite_part(xlsx: Path, part: str, edit) -> None:
    """Rewrite one part of an xlsx package in place."""
    with zipfile.ZipFile(xlsx) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts[part] = edit(parts[part])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for filename, data in parts.items():
            z.writestr(filename, data)
    xlsx.write_bytes(buffer.getvalue())


def test_csv_without_header_names_no_cell(store, redactor, options, kb: Path):
    (kb / "customers.csv").write_text(f"张伟,{MOBILE},{RESIDENT_ID}\n李娜,13800000000,x\n", encoding="utf-8")
    (result,) = add_paths(store, [kb], options, redactor).files
    assert result.error_code == "missing_columns" and "customers.csv" in result.error
    assert "3 filled cells" in result.error
    for value in ("张伟", MOBILE, RESIDENT_ID, "李娜"):
        assert value not in result.error


@pytest.mark.parametrize("part, edit", [
    ("xl/worksheets/sheet1.xml", lambda xml: LAUGHS + xml.replace(b"<c ", b"<c x='&lol3;' ", 1)),  # laughs
    ("xl/workbook.xml", lambda xml: b'<!DOCTYPE x SYSTEM "file:///etc/passwd">' + xml),        # external DTD
    ("[Content_Types].xml", lambda xml: b"<!doctype x>" + xml),                                 # lower case
])
def test_xlsx_with_a_dtd_is_refused_as_unsafe_and_the_batch_goes_on(store, redactor, options, kb: Path,
                                                                    part, edit):
    bomb = write_xlsx(kb / "bomb.xlsx", {"FAQ": [("问题", "答案"), ("怎么挂失？", "拨打95588。")]})
    rewrite_part(bomb, part, edit)
    (kb / "good.md").write_text("# Hours\n\n## Weekdays\nOpen 9 to 5.\n", encoding="utf-8")
    with pytest.raises(UnsafeDocument) as err:
        load_xlsx(bomb.read_bytes(), "bomb.xlsx")
    assert err.value.status == 400 and "DTD" in err.value.message
    report = add_paths(store, [kb], options, redactor)
    by_name = {Path(f.path).name: f for f in report.files}
    assert by_name["bomb.xlsx"].error_code == "unsafe_document" and by_name["good.md"].ok


def test_xlsx_with_a_damaged_sheet_is_a_clear_error(store, redactor, options, kb: Path):
    broken = write_xlsx(kb / "broken.xlsx", {"FAQ": [("问题", "答案"), ("怎么挂失？", "拨打95588。")]})
    rewrite_part(broken, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])  # cut in half
    (result,) = add_paths(store, [kb], options, redactor).files
    assert result.error_code == "unreadable_document" and "broken.xlsx" in result.error
