"""/admin/kb on fakes: list, upload (add/replace), remove; each change chained in the audit trail; the
search sees it at once; roles, CSRF, redaction and refusals."""
from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import sqlite3

import pytest

from edge_agent import cli
from edge_agent.audit.checkpoints import read_checkpoints
from edge_agent.audit.verify import verify_chain
from edge_agent.knowledge.chunk_hashes import entry_sha256
from edge_agent.web.kb_admin import UPLOAD_DIR, sanitise_name
from tests.edge_agent.auth.conftest import assert_error
from tests.edge_agent.web.kb_admin.conftest import ACCOUNTS, login, page_token

LOUNGE = "# Zephyr lounge\n\n## Opening hours\nThe Zephyr lounge opens at quarter past seven on Tuesdays.\n"
LOUNGE_V2 = "# Zephyr lounge\n\n## Opening hours\nThe Zephyr lounge now opens at eight on Tuesdays.\n"


def upload(client, *files: tuple[str, bytes], token: str | None = "page"):
    data: dict = {"files": [(io.BytesIO(body), name) for name, body in files]}
    if token == "page":
        token = page_token(client, "/admin/kb")
    if token is not None:
        data["csrf_token"] = token
    return client.post("/admin/kb/upload", data=data, content_type="multipart/form-data")


def remove(client, doc_id: str, confirm: bool = True):
    data = {"csrf_token": page_token(client, "/admin/kb"), "doc_id": doc_id}
    if confirm:
        data["confirm"] = "yes"
    return client.post("/admin/kb/remove", data=data)


def kb_events(services) -> list[dict]:
    return [{"seq": r.seq, "ts": r.ts, **r.payload()} for r in services.store.records() if r.kind == "kb"]


def doc_ids(services) -> list[str]:
    return [d.doc_id for d in services.knowledge.list_documents()]


def found(services, query: str) -> set[str]:
    return {h.doc_id for h in services.knowledge.search(query, 3)}


def verify(settings):
    from edge_agent.audit.keys import key_path, load_key

    checkpoints = read_checkpoints(settings.data_dir / "audit" / "checkpoints.jsonl")
    conn = sqlite3.connect(str(settings.db_path), isolation_level=None)
    try:
        return verify_chain(conn, load_key(key_path(settings)), checkpoints)
    finally:
        conn.close()


def test_lists_documents_with_bilingual_labels_and_is_linked(admin, fake_services):
    html = admin.get("/admin/kb").get_data(as_text=True)
    assert "知识库" in html and "Knowledge base" in html and "生效日期" in html and "Effective" in html
    for doc in fake_services.knowledge.list_documents()[:5]:
        assert f'data-doc="{doc.doc_id}"' in html and f"<td class=\"chunks\">{doc.chunks}</td>" in html
    assert 'href="/admin/kb"' in admin.get("/admin/users").get_data(as_text=True)
    assert 'name="csrf_token"' in html and 'enctype="multipart/form-data"' in html


def test_upload_replace_remove_take_effect_at_once_and_are_chained(admin, fake_services, settings):
    services = fake_services
    before = len(doc_ids(services))
    resp = upload(admin, ("zephyr-lounge.md", LOUNGE.encode()))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:500]
    assert 'class="report-row stored" data-doc="zephyr-lounge.md"' in html and "已添加" in html
    assert "zephyr-lounge.md" in doc_ids(services) and len(doc_ids(services)) == before + 1
    assert "zephyr-lounge.md" in found(services, "When does the Zephyr lounge open on Tuesdays?")

    resp = upload(admin, ("zephyr-lounge.md", LOUNGE_V2.encode()))
    assert resp.status_code == 200 and "已替换" in resp.get_data(as_text=True)
    hits = services.knowledge.search("When does the Zephyr lounge open on Tuesdays?", 3)
    assert any(h.doc_id == "zephyr-lounge.md" and "eight" in h.text for h in hits)
    assert not any("quarter past seven" in h.text for h in hits)

    assert remove(admin, "zephyr-lounge.md", confirm=False).status_code == 400
    assert "zephyr-lounge.md" in doc_ids(services)
    resp = remove(admin, "zephyr-lounge.md")
    assert resp.status_code == 303 and resp.headers["Location"] == "/admin/kb"
    assert "Removed zephyr-lounge.md" in admin.get("/admin/kb").get_data(as_text=True)
    assert "zephyr-lounge.md" not in doc_ids(services)
    assert "zephyr-lounge.md" not in found(services, "When does the Zephyr lounge open on Tuesdays?")

    events = kb_events(services)
    assert [(e["actor"], e["action"], e["doc_id"]) for e in events] == [
        ("admin1", "add", "zephyr-lounge.md"), ("admin1", "replace", "zephyr-lounge.md"),
        ("admin1", "remove", "zephyr-lounge.md")]
    assert events[0]["sha256"] == hashlib.sha256(LOUNGE.encode()).hexdigest()
    assert events[1]["sha256"] == events[2]["sha256"] == hashlib.sha256(LOUNGE_V2.encode()).hexdigest()
    assert events[0]["chunks"] == 1 and events[2]["chunks"] == 1 and events[0]["time"].endswith("+00:00")
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)

    report = verify(settings)
    assert report.ok and report.kb_changes == 3, report.summary()
    assert "3 knowledge-base changes" in report.summary()
    assert not any((settings.data_dir / UPLOAD_DIR).iterdir())  # the temp files are gone


def test_audit_cli_verifies_and_exports_kb_events(admin, fake_services, settings, capsys, tmp_path):
    assert upload(admin, ("zephyr-lounge.md", LOUNGE.encode())).status_code == 200
    fake_services.store.checkpoint()
    capsys.readouterr()
    # the chain is intact; the fixture's sample documents were copied into Chroma without kb events, which
    # `audit verify` names (the uploaded one is covered by its signed entry hashes)
    assert cli.main(["--data-dir", str(settings.data_dir), "audit", "verify"]) == 1
    said = capsys.readouterr().out
    assert "audit chain intact" in said and "1 knowledge-base change" in said
    assert "is in the knowledge store but no kb event records it" in said and "zephyr-lounge" not in said
    out = tmp_path / "export.jsonl"
    assert cli.main(["--data-dir", str(settings.data_dir), "audit", "export", "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    kb = [r for r in rows if r["kind"] == "kb"]
    assert len(kb) == 1 and kb[0]["turn_id"] is None and kb[0]["question"] is None
    assert kb[0]["data"] == {"actor": "admin1", "action": "add", "doc_id": "zephyr-lounge.md", "chunks": 1,
                             "sha256": hashlib.sha256(LOUNGE.encode()).hexdigest(),
                             "time": kb[0]["data"]["time"], "chunk_sha256": {
                                 "zephyr-lounge.md#0": entry_sha256(fake_services.knowledge.get_entries(
                                     ["zephyr-lounge.md#0"])["zephyr-lounge.md#0"])}}
    csv_out = tmp_path / "export.csv"
    assert cli.main(["--data-dir", str(settings.data_dir), "audit", "export", "--format", "csv",
                     "-o", str(csv_out)]) == 0
    assert "zephyr-lounge.md" in csv_out.read_text(encoding="utf-8")


def test_uploaded_personal_data_is_stored_masked_and_reported_as_counts(admin, fake_services):
    faq = "问题,答案\n怎么联系客户经理？,请找张三，电话13912345678，或拨打95588。\n".encode()
    resp = upload(admin, ("客户经理 FAQ.csv", faq))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:500]
    assert 'data-type="PHONE_NUMBER">PHONE_NUMBER × 1' in html and 'data-type="PERSON">PERSON × 1' in html
    assert "13912345678" not in html and "张三" not in html
    assert "客户经理 FAQ.csv" in doc_ids(fake_services)
    hits = [h for h in fake_services.knowledge.search("怎么联系客户经理？", 3) if h.doc_id == "客户经理 FAQ.csv"]
    assert hits and "<PHONE_NUMBER_1>" in hits[0].text and "<PERSON_1>" in hits[0].text
    assert "13912345678" not in hits[0].text and "张三" not in hits[0].text and "95588" in hits[0].text


def test_refused_file_shows_its_error_and_changes_nothing(admin, fake_services, settings):
    before, records = doc_ids(fake_services), fake_services.store.head()
    resp = upload(admin, ("rates.csv", b"name,value\nsavings,1.5%\n"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'class="report-row refused" data-doc="rates.csv"' in html
    row = html[html.index('data-doc="rates.csv"'):]
    message = row[row.index('class="error-text">') + len('class="error-text">'):row.index("</span></td>")]
    assert message.startswith("rates.csv: ") and "question" in message.lower(), message
    assert UPLOAD_DIR not in html and str(settings.data_dir) not in html  # the upload's temp path is not shown
    assert doc_ids(fake_services) == before and fake_services.store.head() == records
    assert not any((settings.data_dir / UPLOAD_DIR).iterdir())


def test_mixed_upload_stores_the_good_files(admin, fake_services):
    resp = upload(admin, ("zephyr-lounge.md", LOUNGE.encode()), ("notes.exe", b"MZ..."), ("empty.txt", b""))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "2 file(s) not ingested" in html
    assert "notes.exe: unsupported file type" in html and "empty.txt: the file is empty" in html
    assert [e["doc_id"] for e in kb_events(fake_services)] == ["zephyr-lounge.md"]


def test_upload_limits_are_those_of_kb_add(admin, fake_services):
    fake_services.settings = dataclasses.replace(fake_services.settings, ingest_max_bytes=60_000)
    body = ("# Long\n\n## Part\n" + "The Zephyr lounge serves tea. " * 1500).encode()  # ~45 KB: over a chat message
    assert len(body) > 40_000
    resp = upload(admin, ("long.md", body))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    resp = upload(admin, ("huge.md", body * 2))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "huge.md: 90," in html and "over the limit of 60,000" in html
    assert "huge.md" not in doc_ids(fake_services)


def test_unknown_document_and_empty_upload(admin, fake_services):
    resp = remove(admin, "no/such.md")
    assert resp.status_code == 404 and "no/such.md" in resp.get_data(as_text=True)
    resp = admin.post("/admin/kb/upload", data={"csrf_token": page_token(admin, "/admin/kb")},
                      content_type="multipart/form-data")
    assert resp.status_code == 400 and "Choose one or more files" in resp.get_data(as_text=True)
    assert kb_events(fake_services) == []


@pytest.mark.parametrize("role", ["agent", "auditor"])
def test_other_roles_are_refused(client, accounts, fake_services, role):
    login(client, ACCOUNTS[role])
    token = page_token(client)
    assert_error(client.get("/admin/kb"), 403, "forbidden")
    data = {"csrf_token": token, "files": [(io.BytesIO(LOUNGE.encode()), "zephyr-lounge.md")]}
    assert_error(client.post("/admin/kb/upload", data=data, content_type="multipart/form-data"), 403, "forbidden")
    doc = doc_ids(fake_services)[0]
    assert_error(client.post("/admin/kb/remove", data={"csrf_token": token, "doc_id": doc, "confirm": "yes"}),
                 403, "forbidden")
    assert doc in doc_ids(fake_services) and "zephyr-lounge.md" not in doc_ids(fake_services)


def test_signed_out_is_sent_to_sign_in(client, fake_services):
    resp = client.get("/admin/kb")
    assert resp.status_code == 302 and resp.headers["Location"] == "/login?next=/admin/kb"
    resp = client.post("/admin/kb/upload", data={"files": [(io.BytesIO(LOUNGE.encode()), "z.md")]},
                       content_type="multipart/form-data")
    assert resp.status_code == 303 and resp.headers["Location"].startswith("/login?next=")
    assert kb_events(fake_services) == []


def test_csrf_token_is_required(admin, fake_services):
    assert_error(upload(admin, ("zephyr-lounge.md", LOUNGE.encode()), token=None), 403, "csrf_failed")
    assert_error(upload(admin, ("zephyr-lounge.md", LOUNGE.encode()), token="x" * 43), 403, "csrf_failed")
    doc = doc_ids(fake_services)[0]
    assert_error(admin.post("/admin/kb/remove", data={"doc_id": doc, "confirm": "yes"}), 403, "csrf_failed")
    assert doc in doc_ids(fake_services) and "zephyr-lounge.md" not in doc_ids(fake_services)
    assert kb_events(fake_services) == []


@pytest.mark.parametrize("raw, expected", [
    ("fees.md", "fees.md"),                                   # plain
    ("../../etc/passwd.md", "passwd.md"),                     # path parts dropped
    ("C:\\Users\\li\\挂失指南.zh.md", "挂失指南.zh.md"),        # Windows path, Chinese name kept
    (".hidden.md", "hidden.md"),                              # no hidden files
    ("ｆｅｅｓ２０２５.md", "fees2025.md"),                     # full-width folded (NFKC)
    ("a<b>\x00c.md", "a_b_c.md"),                             # markup and control characters
    ("..", ""),                                               # nothing usable left
    ("x" * 300 + ".docx", "x" * 115 + ".docx"),               # long names keep their suffix
])
def test_sanitise_name(raw, expected):
    assert sanitise_name(raw) == expected
