"""Issue 12, Low: no framing, no sniffing, JSON not cached, and JSON routes refuse non-JSON bodies (a
cross-origin text/plain post is not read as JSON)."""
from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize("path", ["/", "/healthz", "/api/nothing-here"])
def test_every_page_refuses_framing_and_sniffing(client, path):
    resp = client.get(path)
    assert resp.headers["X-Frame-Options"] == "DENY" and resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_json_answers_are_not_cached(client):
    resp = client.post("/api/chat", json={"session_id": "headers-session-1", "message": "你好"})
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"


def test_staff_pages_keep_their_strict_policy(client):
    csp = client.get("/login").headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_json_routes_refuse_other_content_types(client, fake_services, content_type):
    body = json.dumps({"session_id": "csrf-session-01", "message": "转人工"})
    headers = {"Content-Type": content_type} if content_type else {}
    resp = client.post("/api/chat", data=body, headers=headers)
    assert resp.status_code == 415 and resp.get_json()["error"]["code"] == "unsupported_media_type"
    assert fake_services.escalations.tickets.count() == 0  # nothing was read or done
