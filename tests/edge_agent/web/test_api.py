"""The HTTP API on fakes: shapes, statuses, error bodies; the database state after a turn."""
import dataclasses
import json
import threading

import pytest

SID = "test-session-0001"


def chat(client, message, sid=SID):
    return client.post("/api/chat", json={"session_id": sid, "message": message})


def assert_error(resp, status, code):
    assert resp.status_code == status
    body = resp.get_json()
    assert body["ok"] is False and body["error"]["code"] == code and body["error"]["message"]


def test_chat_answers_with_sources_and_records_redacted(client, fake_services):
    resp = chat(client, "我的卡号6222021234567890123丢了，怎么挂失？")
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) >= {"answer", "sources", "redactions", "answer_kind", "session_id", "notice"}
    assert body["answer_kind"] == "quoted"  # the mock model says nothing, so the grounding check quotes
    assert body["sources"] and {"id", "title", "score"} <= set(body["sources"][0])
    assert body["redactions"] == [{"type": "CREDIT_CARD", "count": 1}]
    assert "银行卡号" in body["notice"]
    (turn,) = fake_services.store.turns(SID)
    assert "<CREDIT_CARD_1>" in turn["question"] and "6222021234567890123" not in turn["question"]
    assert json.loads(turn["entities"]) == [{"type": "CREDIT_CARD", "count": 1}]


def test_generated_answer_passes_grounding(client, fake_services):
    hits = fake_services.knowledge.search("信用卡临时额度怎么调", 1, "zh")
    fake_services.model.enqueue(hits[0].text[:60] + " [1]")
    body = chat(client, "信用卡临时额度怎么调").get_json()
    assert body["answer_kind"] == "generated", body


def test_declined_when_nothing_matches(client, fake_services):
    fake_services.chat.settings = dataclasses.replace(fake_services.settings, retrieval_min_evidence_en=1.5)
    body = chat(client, "zzzz qqqq xxxx").get_json()
    assert body["answer_kind"] == "declined" and body["sources"] == []


@pytest.mark.parametrize("kwargs, status, code", [
    ({"data": "{not json", "content_type": "application/json"}, 400, "bad_request"),     # malformed JSON
    ({"json": ["a list"]}, 400, "bad_request"),                                          # not an object
    ({"json": {"session_id": SID}}, 400, "bad_request"),                                 # missing message
    ({"json": {"session_id": SID, "message": "   "}}, 400, "bad_request"),               # empty message
    ({"json": {"session_id": SID, "message": 42}}, 400, "bad_request"),                  # wrong type
    ({"json": {"session_id": "x", "message": "hi"}}, 400, "bad_request"),                # bad session id
    ({"json": {"session_id": SID, "message": "长" * 2001}}, 413, "message_too_long"),     # over the limit
    ({"data": "x" * 100_000, "content_type": "application/json"}, 413, "message_too_long"),  # huge body
])
def test_bad_input(client, fake_services, kwargs, status, code):
    for path in ("/api/chat", "/api/chat/stream"):
        assert_error(client.post(path, **kwargs), status, code)
    assert fake_services.model.prompts == []  # the model was never touched
    assert fake_services.store.count() == 0


def test_unknown_route_and_method(client):
    assert_error(client.get("/nope"), 404, "not_found")
    assert_error(client.get("/api/chat"), 405, "method_not_allowed")


def test_busy_is_503_with_retry_after(client, fake_services):
    gate = fake_services.gate
    release = threading.Event()
    held = threading.Event()

    def hold():
        with gate.slot():
            held.set()
            release.wait(5)

    threads = [threading.Thread(target=hold)]
    threads[0].start()
    held.wait(5)
    try:
        resp = chat(client, "信用卡临时额度怎么调")  # queue_size=1, wait 0.2 s: waits then gives up
        assert_error(resp, 503, "busy")
        assert int(resp.headers["Retry-After"]) >= 1
    finally:
        release.set()
        threads[0].join(5)


def test_500_never_echoes_exception_text(client, fake_services, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("secret 6222021234567890123")
    monkeypatch.setattr(fake_services.knowledge, "search", boom)
    resp = chat(client, "hello there")
    assert_error(resp, 500, "internal_error")
    assert b"6222" not in resp.data and b"secret" not in resp.data


def test_stream_events(client, fake_services):
    resp = client.post("/api/chat/stream", json={"session_id": SID, "message": "电话13912345678，信用卡临时额度怎么调"})
    assert resp.status_code == 200 and resp.mimetype == "text/event-stream"
    events = [block.split("\n", 1) for block in resp.get_data(as_text=True).strip().split("\n\n")]
    names = [e[0].removeprefix("event: ") for e in events]
    assert names[0] == "meta" and names[-1] == "done" and "delta" in names
    meta = json.loads(events[0][1].removeprefix("data: "))
    assert meta["redactions"] == [{"type": "PHONE_NUMBER", "count": 1}] and meta["notice"]
    done = json.loads(events[-1][1].removeprefix("data: "))
    assert done["answer"] and done["answer_kind"] in ("generated", "quoted")
    assert "13912345678" not in resp.get_data(as_text=True)


def test_session_end_wipes_vault(client, fake_services):
    chat(client, "电话13912345678")
    assert len(fake_services.sessions.get(SID).vault) == 1
    assert client.post("/api/session/end", json={"session_id": SID}).get_json() == {"ok": True, "ended": True}
    assert len(fake_services.sessions.get(SID).vault) == 0


def test_healthz(client):
    body = client.get("/healthz").get_json()
    assert body["ok"] and body["ready"] and body["model"] == "mock" and body["knowledge_chunks"] > 40


def test_kiosk_page_uses_only_local_assets(client):
    html = client.get("/").get_data(as_text=True)
    assert "<html" in html and "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
