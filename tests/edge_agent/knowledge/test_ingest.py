"""Add/replace/remove/list on real Chroma with the HashEmbedder and FakeDetector (fast)."""
from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import pytest

from edge_agent.knowledge.chunk_hashes import entry_sha256
from edge_agent.knowledge.ingest import (
    IngestOptions,
    KbChange,
    PersonalDataRejected,
    ServiceNumberFilter,
    UnknownDocument,
    add_paths,
    list_documents,
    prepare_file,
    remove_documents,
)
from edge_agent.knowledge.store import KnowledgeStore
from guardrails.types import Detection
from tests.edge_agent.knowledge.builders import write_docx, write_pdf, write_xlsx
from tests.pii_values import scan

CARD = "6222021234567890128"
MOBILE = "13912345678"


def stored_texts(store: KnowledgeStore, doc_id: str) -> list[str]:
    res = store._col.get(where={"doc_id": doc_id}, include=["documents"])
    return res["documents"]


def test_every_format_is_added_with_metadata_and_listed(store, redactor, options, kb: Path):
    (kb / "hours.en.md").write_text("---\ntitle: Hours\nversion: 3\neffective: 2026-11-01\n---\n# Hours\n\n"
                                    "## Weekdays\nOpen 9 to 5.\n", encoding="utf-8")
    (kb / "notes.txt").write_text("营业时间：周一至周五。", encoding="utf-8")
    (kb / "fees.html").write_text("<h1>Fees</h1><h2>Cards</h2><p>No annual fee.</p>", encoding="utf-8")
    write_pdf(kb / "guide.pdf", [["临时额度有效期30天。"]])
    write_docx(kb / "open.docx", [("h1", "开户"), ("h2", "材料"), ("p", "请带身份证。")], version="v9")
    (kb / "faq.csv").write_text("问题,答案\n怎么挂失？,拨打95321。\n", encoding="utf-8")
    write_xlsx(kb / "faq2.xlsx", {"FAQ": [["Q", "A"], ["Opening hours?", "8 to 5."]]})
    os.utime(kb / "notes.txt", (1_767_225_600, 1_767_225_600))  # 2026-01-01 UTC: the mtime fallback
    report = add_paths(store, [kb], options, redactor)
    assert report.errors == () and report.documents == 7
    docs = {d.doc_id: d for d in list_documents(store)}
    assert set(docs) == {"hours.en.md", "notes.txt", "fees.html", "guide.pdf", "open.docx", "faq.csv", "faq2.xlsx"}
    assert (docs["hours.en.md"].version, docs["hours.en.md"].effective) == ("3", "2026-11-01")
    assert docs["notes.txt"].effective in ("2026-01-01", "2025-12-31")  # local date of the mtime
    assert docs["open.docx"].version == "v9" and docs["open.docx"].effective == "2026-03-01"
    assert docs["fees.html"].title == "Fees" and docs["faq.csv"].chunks == 1
    meta = store._col.get(where={"doc_id": "faq2.xlsx"}, include=["metadatas"])["metadatas"][0]
    assert meta["title"] == "Opening hours?" and meta["source"].endswith("faq2.xlsx")
    assert {"version", "effective", "section", "sha256", "source"} <= set(meta)


def test_change_records_are_frozen_and_hash_the_bytes(store, redactor, options, kb: Path):
    doc = kb / "a.md"
    doc.write_text("# A\n\n## One\nFirst.\n", encoding="utf-8")
    first = add_paths(store, [doc], options, redactor).changes[0]
    assert (first.action, first.doc_id, first.chunks) == ("add", "a.md", 1)
    assert first.sha256 == hashlib.sha256(doc.read_bytes()).hexdigest() and first.time.tzinfo is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.chunks = 5  # type: ignore[misc]
    assert set(first.to_json()) == {"action", "doc_id", "chunks", "sha256", "time", "chunk_sha256"}
    (entry,) = store.document_entries("a.md")  # the signed hash is the one of what the store holds
    assert first.chunk_sha256 == {"a.md#0": entry_sha256(entry)}
    doc.write_text("# A\n\n## One\nFirst.\n\n## Two\nSecond.\n", encoding="utf-8")
    second = add_paths(store, [doc], options, redactor).changes[0]
    assert second.action == "replace" and second.chunks == 2 and second.sha256 != first.sha256
    assert set(second.chunk_sha256) == {"a.md#0", "a.md#1"}
    assert second.chunk_sha256["a.md#0"] == first.chunk_sha256["a.md#0"]  # the unchanged entry keeps its hash


def test_reingest_replaces_and_search_sees_it_at_once(store, redactor, options, kb: Path):
    doc = kb / "hours.md"
    doc.write_text("# Hours\n\n## Weekdays\nOpen 9 to 5.\n\n## Weekends\nOpen 10 to 2.\n", encoding="utf-8")
    add_paths(store, [kb], options, redactor)
    assert store.count() == 2
    doc.write_text("# Hours\n\n## Every day\nOpen 8 to 8 every single day.\n", encoding="utf-8")
    add_paths(store, [kb], options, redactor)
    assert store.count() == 1 and stored_texts(store, "hours.md") == ["Open 8 to 8 every single day."]
    assert store.search("Open 8 to 8 every single day", 1)[0].text == "Open 8 to 8 every single day."


def test_remove_and_unknown_ids(store, redactor, options, kb: Path):
    (kb / "a.md").write_text("Alpha text.", encoding="utf-8")
    (kb / "b.md").write_text("Beta text.", encoding="utf-8")
    add_paths(store, [kb], options, redactor)
    sha_a = list_documents(store)[0].sha256
    with pytest.raises(UnknownDocument, match="nope.md"):
        remove_documents(store, ["a.md", "nope.md"])
    assert store.count() == 2  # nothing removed when one id is unknown
    (change,) = remove_documents(store, ["a.md"])
    assert isinstance(change, KbChange) and (change.action, change.chunks, change.sha256) == ("remove", 1, sha_a)
    assert [d.doc_id for d in list_documents(store)] == ["b.md"]
    assert all(h.doc_id == "b.md" for h in store.search("Alpha text", 3))


def test_personal_data_is_redacted_in_stored_chunks_and_counted(store, redactor, options, kb: Path, tmp_path):
    write_docx(kb / "staff.docx", [("h1", "联系方式"), ("p", f"联系人张三，手机{MOBILE}，备用{MOBILE}。")])
    (kb / "faq.csv").write_text(f"question,answer\nWho is Alice Smith?,Card {CARD} belongs to Alice Smith.\n",
                                encoding="utf-8")
    report = add_paths(store, [kb], options, redactor)
    by_file = {f.doc_id: {c.entity_type: c.count for c in f.redactions} for f in report.files}
    assert by_file == {"staff.docx": {"PERSON": 1, "PHONE_NUMBER": 2}, "faq.csv": {"PERSON": 2, "CREDIT_CARD": 1}}
    assert stored_texts(store, "staff.docx") == ["联系人<PERSON_1>，手机<PHONE_NUMBER_1>，备用<PHONE_NUMBER_1>。"]
    meta = store._col.get(where={"doc_id": "faq.csv"}, include=["metadatas"])["metadatas"][0]
    assert meta["title"] == "Who is <PERSON_1>?"
    del store  # let Chroma flush before scanning its files
    files = [p for p in (tmp_path / "chroma").rglob("*") if p.is_file()]
    assert files and scan(files, [MOBILE, CARD, "张三", "Alice Smith"]) == []


def test_reject_policy_refuses_the_file_and_names_types_not_values(store, redactor, kb: Path):
    (kb / "ok.md").write_text("Nothing personal.", encoding="utf-8")
    (kb / "bad.md").write_text(f"Call {MOBILE}.", encoding="utf-8")
    report = add_paths(store, [kb], IngestOptions(pii_policy="reject"), redactor)
    (bad,) = report.errors
    assert bad.error_code == PersonalDataRejected.code and "bad.md" in bad.error and "PHONE_NUMBER×1" in bad.error
    assert MOBILE not in bad.error and [d.doc_id for d in list_documents(store)] == ["ok.md"]


def test_service_numbers_are_not_personal_data():
    class Phones:
        def detect(self, text):
            import re
            return [Detection("PHONE_NUMBER", m.start(), m.end(), 1.0, "x") for m in re.finditer(r"[\d-]{3,}", text)]

    text = "热线95321、96330、110、120、12320、400-820-8820，或联系13912345678"
    kept = [text[d.start:d.end] for d in ServiceNumberFilter(Phones()).detect(text)]
    assert kept == ["13912345678"]


# --- bad input: a clear error naming the file, and nothing of it stored ---------------------------
def _bad_cases(kb: Path) -> dict[str, str]:
    from tests.edge_agent.knowledge.builders import write_encrypted_pdf

    write_encrypted_pdf(kb / "locked.pdf", [["secret"]], user_password="pw")
    (kb / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")
    (kb / "empty.md").write_bytes(b"")
    (kb / "blank.txt").write_text("   \n\n  ", encoding="utf-8")
    (kb / "text.pdf").write_text("just text pretending to be a PDF", encoding="utf-8")
    (kb / "fake.docx").write_text("not a word file", encoding="utf-8")
    write_xlsx(kb / "renamed.docx", {"S": [["q", "a"]]})  # a real ZIP, but a workbook
    (kb / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    (kb / "plain.html").write_text("no markup at all", encoding="utf-8")
    (kb / "program.exe").write_bytes(b"MZ\x90\x00")
    (kb / "nocols.csv").write_text("name,phone\nfoo,bar\n", encoding="utf-8")
    write_xlsx(kb / "nocols.xlsx", {"S": [["标题", "内容"], ["x", "y"]]})
    return {"locked.pdf": "encrypted_document", "broken.pdf": "unreadable_document", "empty.md": "empty_document",
            "blank.txt": "empty_document", "text.pdf": "content_mismatch", "fake.docx": "content_mismatch",
            "renamed.docx": "content_mismatch", "image.txt": "content_mismatch", "plain.html": "content_mismatch",
            "program.exe": "unsupported_format", "nocols.csv": "missing_columns", "nocols.xlsx": "missing_columns"}


def test_each_bad_input_gets_a_clear_error_and_stores_nothing(store, redactor, options, kb: Path):
    expected = _bad_cases(kb)
    (kb / "good.md").write_text("Good content.", encoding="utf-8")
    report = add_paths(store, [kb], options, redactor)
    errors = {f.doc_id: f for f in report.errors}
    assert {d: f.error_code for d, f in errors.items()} == expected
    assert all(str(kb / d) in f.error for d, f in errors.items())  # each message names its file
    assert [d.doc_id for d in list_documents(store)] == ["good.md"] and store.count() == 1


def test_a_200_mb_file_is_refused_before_reading(store, redactor, kb: Path, monkeypatch):
    huge = kb / "huge.pdf"
    with huge.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    opened = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k))
    report = add_paths(store, [huge], IngestOptions(), redactor)
    (err,) = report.errors
    assert err.error_code == "document_too_large" and "huge.pdf" in err.error and "ingest_max_bytes" in err.error
    assert huge not in opened and store.count() == 0


def test_failed_replace_keeps_the_old_version(store, redactor, options, kb: Path, monkeypatch):
    doc = kb / "a.md"
    doc.write_text("# A\n\n## One\nOld one.\n\n## Two\nOld two.\n", encoding="utf-8")
    add_paths(store, [doc], options, redactor)
    doc.write_text("# A\n\n## One\nNew one.\n\n## Two\nNew two.\n\n## Three\nNew three.\n", encoding="utf-8")

    calls = []

    def half_then_fail(**kw):  # the first write stores part of the new chunks, then dies like a full disk
        calls.append(1)
        if len(calls) > 1:
            return real_upsert(**kw)  # the rollback's write goes through
        real_upsert(**{k: v[:1] for k, v in kw.items()})
        raise OSError("disk full")

    real_upsert = store._col.upsert
    monkeypatch.setattr(store._col, "upsert", half_then_fail)
    with pytest.raises(OSError):
        store.replace_document("a.md", prepare_file(doc, "a.md", options, redactor).chunks)
    monkeypatch.setattr(store._col, "upsert", real_upsert)
    assert sorted(stored_texts(store, "a.md")) == ["Old one.", "Old two."]


def test_failed_embedding_keeps_the_old_version_and_reports(store, redactor, options, kb: Path, monkeypatch):
    doc = kb / "a.md"
    doc.write_text("Old text.", encoding="utf-8")
    add_paths(store, [doc], options, redactor)
    doc.write_text("New text.", encoding="utf-8")
    monkeypatch.setattr(store._embedder, "embed_passages", lambda texts: [])  # wrong count: refused before writing
    with pytest.raises(RuntimeError):
        add_paths(store, [doc], options, redactor)
    assert stored_texts(store, "a.md") == ["Old text."]


def test_missing_path_raises(store, redactor, options, tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        add_paths(store, [tmp_path / "nope"], options, redactor)


def test_store_ingest_delegates(store, kb: Path):
    (kb / "a.md").write_text("# A\n\n## S\nText.", encoding="utf-8")
    report = store.ingest([kb], 600)
    assert (report.documents, report.chunks, report.skipped) == (1, 1, ())
    assert report.files[0].scanned is False  # no redactor given: the report says the file was not scanned
