"""Issue 12, Medium 6 on the real `edge-agent serve`: an admin uploads a 60 KB PDF that would cost pypdf minutes;
the parse runs in a limited child, is killed at EDGE_INGEST_TIMEOUT_S and refused; chat answers meanwhile and
after, and no junk entries reach the store."""
from __future__ import annotations

import http.cookiejar
import json
import re
import subprocess
import threading
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.conftest import EDGE_AGENT, start_server
from tests.edge_agent.knowledge.hostile_files import pdf_bomb

pytestmark = pytest.mark.slow
PASSWORD = "Correct-Horse-42-battery"


def multipart(fields: dict[str, str], files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
              f"Content-Type: application/octet-stream\r\n\r\n".encode() + body + b"\r\n" for name, body in files]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def chat(url: str, sid: str) -> int:
    body = json.dumps({"session_id": sid, "message": "你好"}).encode()
    req = urllib.request.Request(url + "/api/chat", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return resp.status


def test_a_pdf_bomb_upload_is_refused_and_chat_keeps_answering(tmp_path):
    data = tmp_path / "data"
    assert subprocess.run([EDGE_AGENT, "--data-dir", str(data), "init"], capture_output=True).returncode == 0
    assert subprocess.run([EDGE_AGENT, "--data-dir", str(data), "users", "add", "kb-admin", "--role", "admin"],
                          input=PASSWORD + "\n", capture_output=True, text=True).returncode == 0
    server = start_server(data, EDGE_COOKIE_SECURE="false", EDGE_INGEST_TIMEOUT_S="5", EDGE_ANSWER_MODE="quote")
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = opener.open(server.url + "/login", timeout=30).read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        opener.open(server.url + "/login", data=urllib.parse.urlencode(
            {"csrf_token": token, "username": "kb-admin", "password": PASSWORD}).encode(), timeout=30).read()
        page = opener.open(server.url + "/admin/kb", timeout=30).read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body, content_type = multipart({"csrf_token": token}, [("bomb.pdf", pdf_bomb(2_000_000))])
        outcome: dict[str, object] = {}

        def upload() -> None:
            req = urllib.request.Request(server.url + "/admin/kb/upload", data=body,
                                         headers={"Content-Type": content_type})
            try:
                opener.open(req, timeout=300)
            except urllib.error.HTTPError as err:
                outcome["status"], outcome["page"] = err.code, err.read().decode()
        worker = threading.Thread(target=upload)
        worker.start()
        during = chat(server.url, "during-bomb-0001")  # answered while the bomb is being parsed
        worker.join(300)
        assert during == 200
        assert outcome["status"] == 400 and "parsing needed more" in str(outcome["page"])
        assert chat(server.url, "after-bomb-0001") == 200
    finally:
        server.stop()
    listing = subprocess.run([EDGE_AGENT, "--data-dir", str(data), "kb", "list"], capture_output=True, text=True)
    assert "bomb.pdf" not in listing.stdout
