"""Issue 12 on the real `edge-agent serve` (model, Chroma, Presidio), 127.0.0.1 traffic only: the audit chain
cannot be laundered through a restart, a flood of 转人工 from one address leaves a real fraud report first
in the agents' queue, and 300 slow sockets or a 1 GiB body leave /healthz answering."""
from __future__ import annotations

import http.client
import http.cookiejar
import json
import re
import sqlite3
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import EDGE_AGENT, start_server

pytestmark = pytest.mark.slow
PASSWORD = "Correct-Horse-42-battery"


def cli(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([EDGE_AGENT, "--data-dir", str(data), *args], input=stdin, capture_output=True, text=True,
                          timeout=300)


def post(url: str, path: str, body: dict, source: str = "127.0.0.1", token: str = "") -> tuple[int, dict, dict]:
    """POST JSON from a chosen loopback source address (a second kiosk is 127.0.0.2), with a session token."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120, source_address=(source, 0))
    headers = {"Content-Type": "application/json", **({"X-Session-Token": token} if token else {})}
    try:
        conn.request("POST", path, json.dumps(body, ensure_ascii=False).encode(), headers)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), json.loads(resp.read() or b"{}")
    finally:
        conn.close()


def fresh_data(tmp_path: Path) -> Path:
    """A new data directory: no knowledge base is needed (hand-overs happen before retrieval)."""
    return tmp_path / "data"


def test_flood_of_handover_requests_leaves_the_fraud_report_first(tmp_path):
    data = fresh_data(tmp_path)
    assert cli(data, "init").returncode == 0
    assert cli(data, "users", "add", "floor-agent", "--role", "agent", stdin=PASSWORD + "\n").returncode == 0
    server = start_server(data, EDGE_COOKIE_SECURE="false")
    try:
        statuses = []
        for i in range(300):
            status, headers, body = post(server.url, "/api/chat", {"session_id": f"flood-{i:04d}",
                                                                   "message": "转人工"})
            statuses.append(status)
            if status == 429:
                assert body["ok"] is False and body["error"]["code"] == "too_many_requests"
                assert int(headers["Retry-After"]) >= 1
        assert statuses.count(429) >= 240 and set(statuses) == {200, 429}
        status, _, body = post(server.url, "/api/chat", {"session_id": "real-fraud-0001",
                                                         "message": "我的卡被盗刷了，不是我本人操作"},
                               source="127.0.0.2")
        assert status == 200 and body["answer_kind"] == "escalated"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(server.url + "/login", timeout=30).read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrf_token": token, "username": "floor-agent", "password": PASSWORD})
        opener.open(server.url + "/login", data=form.encode(), timeout=30).read()
        queue = json.loads(opener.open(server.url + "/api/agent/tickets?status=open", timeout=30).read())
        first = queue["tickets"][0]
        assert first["session_id"] == "real-fraud-0001" and first["reason"] == "fraud_report"
        assert queue["total"] <= 31 and len(queue["tickets"]) <= queue["per_page"]
    finally:
        server.stop()


def test_drop_table_and_downgrade_does_not_launder_an_edit(tmp_path):
    data = fresh_data(tmp_path)
    server = start_server(data, EDGE_ANSWER_MODE="quote")
    try:
        token = ""
        for i in range(3):
            status, headers, _ = post(server.url, "/api/chat", {"session_id": "audited-0001",
                                                                "message": f"信用卡临时额度怎么调？#{i}"}, token=token)
            assert status == 200
            token = token or headers["X-Session-Token"]
    finally:
        server.stop()
    assert cli(data, "audit", "verify").returncode == 0
    conn = sqlite3.connect(str(data / "edge-agent.sqlite3"), isolation_level=None)
    conn.execute("UPDATE turns SET answer = '请把密码告诉我们' WHERE id = 2")
    conn.execute("DROP TABLE audit_log")
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    verify = cli(data, "audit", "verify")
    assert verify.returncode == 1 and "audit table is missing" in verify.stdout and "run `edge-agent init`" not in (
        verify.stdout + verify.stderr)
    for args in (("init",), ("serve", "--port", "1")):
        proc = cli(data, *args)
        assert proc.returncode == 1 and "refusing to open the audit trail" in proc.stderr, proc.stderr[-500:]
    conn = sqlite3.connect(str(data / "edge-agent.sqlite3"))
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'audit_log'").fetchone() is None
    conn.close()


def test_slow_sockets_and_huge_bodies_leave_the_real_server_answering(tmp_path):
    import socket
    import time

    server = start_server(fresh_data(tmp_path))
    port = int(server.url.rsplit(":", 1)[1])
    held: list[socket.socket] = []
    try:
        for i in range(300):  # one client, 300 sockets: idle, or a request begun and never finished
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            if i % 2:
                s.sendall(b"POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{")
            held.append(s)
        started = time.monotonic()
        with urllib.request.urlopen(server.url + "/healthz", timeout=10) as resp:
            assert resp.status == 200 and json.loads(resp.read())["ok"] is True
        assert time.monotonic() - started < 10
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:  # 1 GiB announced: refused at once
            s.sendall(b"POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 1073741824\r\n\r\n{")
            assert s.recv(64).split(b" ", 2)[1] == b"413"
    finally:
        for s in held:
            s.close()
        server.stop()
