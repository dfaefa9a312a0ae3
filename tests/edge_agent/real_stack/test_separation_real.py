"""Issue 12, Medium 7 on the real `edge-agent serve` and CLI: an admin cannot read the agent queue nor make an
auditor from the web; the auditor is made on the box; every such step is a signed staff event that
`audit verify` checks and `audit export` shows."""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.conftest import EDGE_AGENT, start_server

pytestmark = pytest.mark.slow
PASSWORD = "Correct-Horse-42-battery"


def cli(data, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_")}
    return subprocess.run([EDGE_AGENT, "--data-dir", str(data), *args], input=stdin, capture_output=True,
                          text=True, timeout=300, env=env)


def status_of(opener, url: str, data: bytes | None = None) -> tuple[int, str]:
    try:
        with opener.open(url, data=data, timeout=60) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_separation_of_duties_on_the_real_service(tmp_path):
    data = tmp_path / "data"
    assert cli(data, "init").returncode == 0
    assert cli(data, "users", "add", "boss", "--role", "admin", stdin=PASSWORD + "\n").returncode == 0
    server = start_server(data, ready_s=600, EDGE_COOKIE_SECURE="false", EDGE_ANSWER_MODE="quote")
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        token = re.search(r'name="csrf_token" value="([^"]+)"', status_of(opener, server.url + "/login")[1]).group(1)
        status_of(opener, server.url + "/login", urllib.parse.urlencode(
            {"csrf_token": token, "username": "boss", "password": PASSWORD}).encode())
        assert status_of(opener, server.url + "/agent")[0] == 403
        page = status_of(opener, server.url + "/admin/users")[1]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        status, html = status_of(opener, server.url + "/admin/users", urllib.parse.urlencode(
            {"csrf_token": token, "username": "friend", "role": "auditor", "password": PASSWORD,
             "password2": PASSWORD}).encode())
        assert status == 400 and "edge-agent users" in html
    finally:
        server.stop()
    assert "friend" not in cli(data, "users", "list").stdout
    assert cli(data, "users", "add", "checker", "--role", "auditor", stdin=PASSWORD + "\n").returncode == 0
    verify = cli(data, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    rows = [json.loads(line) for line in cli(data, "audit", "export").stdout.splitlines()]
    staff = [(r["data"]["actor"].split(":")[0], r["data"]["action"], r["data"]["subject"]) for r in rows
             if r["kind"] == "staff"]
    assert staff == [("cli", "user_add", "boss"), ("boss", "sign_in", "boss"), ("cli", "user_add", "checker"),
                     ("cli", "export", "start..now")]
