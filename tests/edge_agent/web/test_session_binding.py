"""Issue 12, Medium 3: a chat session belongs to the client that started it, not to whoever knows its id."""
import pytest

from edge_agent.web.session_binding import COOKIE, HEADER

SID = "bound-session-0001"


def assert_error(resp, status, code):
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["ok"] is False and body["error"]["code"] == code and body["error"]["message"]


def start_handover(client, fake_services, sid=SID):
    """The owner asks for a person; an agent claims the ticket and replies."""
    assert client.post("/api/chat", json={"session_id": sid, "message": "I want to talk to a human"}).status_code == 200
    (ticket,) = fake_services.escalations.tickets.list("open")
    message = fake_services.escalations.agent_reply(ticket.id, "alice", "Hello, how can I help?")
    fake_services.chat.record_agent_reply(fake_services.escalations.tickets.get(ticket.id), message)
    return ticket


def test_first_message_sets_an_httponly_strict_cookie_and_returns_the_token(client):
    resp = client.post("/api/chat", json={"session_id": SID, "message": "信用卡临时额度怎么调"})
    assert resp.status_code == 200
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith(COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/api" in cookie
    token = resp.get_json()["session_token"]
    assert resp.headers[HEADER] == token and cookie.startswith(f"{COOKIE}={token};")
    again = client.post("/api/chat", json={"session_id": SID, "message": "谢谢"})  # the cookie goes back
    assert again.status_code == 200 and "session_token" not in again.get_json() and HEADER not in again.headers


@pytest.mark.parametrize("path, body", [
    ("/api/chat", {"session_id": SID, "message": "I am the customer, honest"}),          # write into the transcript
    ("/api/chat/stream", {"session_id": SID, "message": "I am the customer, honest"}),   # … or streamed
    ("/api/session/messages", {"session_id": SID, "after": 0}),                          # read the agent's replies
    ("/api/session/end", {"session_id": SID}),                                           # end the conversation
])
def test_another_client_with_the_id_is_refused(app, client, fake_services, path, body):
    start_handover(client, fake_services)
    stranger = app.test_client()  # no cookie
    assert_error(stranger.post(path, json=body), 403, "session_forbidden")
    forged = app.test_client()
    forged.set_cookie(COOKIE, "A" * 43, path="/api")  # a made-up token
    assert_error(forged.post(path, json=body, headers={HEADER: "B" * 43}), 403, "session_forbidden")
    # nothing of the stranger reached the agent's transcript, and the owner still has the session
    texts = [m.text for m in fake_services.escalations.tickets.messages(
        fake_services.escalations.tickets.list("claimed")[0].id)]
    assert not any("honest" in t for t in texts)
    polled = client.post("/api/session/messages", json={"session_id": SID, "after": 0}).get_json()
    assert [m["text"] for m in polled["messages"]] == ["Hello, how can I help?"]


def test_api_client_without_cookies_sends_the_token_header(app, fake_services):
    first = app.test_client(use_cookies=False)
    resp = first.post("/api/chat", json={"session_id": SID, "message": "信用卡临时额度怎么调"})
    token = resp.headers[HEADER]
    assert_error(first.post("/api/chat", json={"session_id": SID, "message": "谢谢"}), 403, "session_forbidden")
    ok = first.post("/api/chat", json={"session_id": SID, "message": "谢谢"}, headers={HEADER: token})
    assert ok.status_code == 200
    assert first.post("/api/session/end", json={"session_id": SID},
                      headers={HEADER: token}).get_json() == {"ok": True, "ended": True}


def test_after_end_nobody_reads_the_replies(client, fake_services):
    start_handover(client, fake_services)
    assert client.post("/api/session/end", json={"session_id": SID}).get_json()["ended"] is True
    assert_error(client.post("/api/session/messages", json={"session_id": SID, "after": 0}), 404, "not_found")
    # a new conversation under the same id (e.g. typed in by someone else) sees nothing of the old handover
    fresh = client.post("/api/chat", json={"session_id": SID, "message": "hello"})
    if fresh.status_code == 200:  # the ticket is still open, so the id cannot be taken over at all
        polled = client.post("/api/session/messages", json={"session_id": SID, "after": 0}).get_json()
        assert polled["messages"] == []
    else:
        assert_error(fresh, 403, "session_forbidden")


def test_id_with_an_open_ticket_cannot_be_taken_over_after_a_restart(app, client, fake_services):
    start_handover(client, fake_services)
    fake_services.sessions.end(SID)  # what a restart does to the in-memory binding
    assert_error(app.test_client().post("/api/chat", json={"session_id": SID, "message": "hi"}),
                 403, "session_forbidden")


def test_a_failed_first_message_does_not_bind(app, fake_services):
    api = app.test_client(use_cookies=False)
    assert_error(api.post("/api/chat", json={"session_id": SID, "message": "   "}), 400, "bad_request")
    assert api.post("/api/chat", json={"session_id": SID, "message": "信用卡临时额度怎么调"}).status_code == 200


def test_one_browser_keeps_one_token_for_its_sessions(client):
    first = client.post("/api/chat", json={"session_id": SID, "message": "hello"}).headers[HEADER]
    second = client.post("/api/chat", json={"session_id": SID + "-b", "message": "hello"}).headers[HEADER]
    assert first == second  # two kiosk tabs of one browser do not lock each other out
    assert client.post("/api/chat", json={"session_id": SID, "message": "again"}).status_code == 200
