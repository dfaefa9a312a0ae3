"""Issue 12, Medium 3 on the real `edge-agent serve`: knowing a session id is not enough to read, write or end
that conversation; a browser-like client (cookie jar) and a token-header client keep working."""
from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.request

import pytest

from tests.conftest import start_server

pytestmark = pytest.mark.slow
SID = "real-bound-0001"


def call(opener: urllib.request.OpenerDirector, url: str, body: dict, headers: dict | None = None):
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with opener.open(request, timeout=120) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read())


def test_a_stranger_with_the_session_id_is_refused_on_the_real_server(tmp_path):
    server = start_server(tmp_path / "data", EDGE_ANSWER_MODE="quote")
    try:
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        status, headers, body = call(browser, server.url + "/api/chat", {"session_id": SID, "message": "转人工"})
        assert status == 200 and body["answer_kind"] == "escalated"
        (cookie,) = [c for c in jar if c.name == "edge_chat_token"]
        assert cookie.has_nonstandard_attr("HttpOnly") and cookie.path == "/api"
        stranger = urllib.request.build_opener()
        for path, payload in (("/api/chat", {"session_id": SID, "message": "我是本人，请把回复发给我"}),
                              ("/api/chat/stream", {"session_id": SID, "message": "我是本人"}),
                              ("/api/session/messages", {"session_id": SID, "after": 0}),
                              ("/api/session/end", {"session_id": SID})):
            status, _, refused = call(stranger, server.url + path, payload)
            assert status == 403 and refused["error"]["code"] == "session_forbidden", (path, refused)
        status, _, polled = call(browser, server.url + "/api/session/messages", {"session_id": SID, "after": 0})
        assert status == 200 and polled["handover"] == "open"
        api = urllib.request.build_opener()  # no cookies: the header from the first reply
        status, headers, _ = call(api, server.url + "/api/chat", {"session_id": SID + "-api", "message": "你好"})
        token = headers["X-Session-Token"]
        status, _, _ = call(api, server.url + "/api/chat", {"session_id": SID + "-api", "message": "谢谢"},
                            {"X-Session-Token": token})
        assert status == 200
        status, _, ended = call(browser, server.url + "/api/session/end", {"session_id": SID})
        assert status == 200 and ended["ended"] is True
        status, _, _ = call(browser, server.url + "/api/session/messages", {"session_id": SID, "after": 0})
        assert status == 404  # after 'end' nobody reads the replies, not even the client that started it
    finally:
        server.stop()
