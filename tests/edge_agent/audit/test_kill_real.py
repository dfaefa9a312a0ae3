"""The real `edge-agent serve` (model, Chroma, Presidio) killed with SIGKILL a few times while answering:
every acknowledged turn is in `edge-agent audit export`, and `edge-agent audit verify` passes."""
from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import EDGE_AGENT, start_server

pytestmark = pytest.mark.slow
CYCLES = 3


def cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EDGE_AGENT, "--data-dir", str(data), *args], capture_output=True, text=True, timeout=300)


def chat(url: str, session: str, message: str) -> bool:
    body = json.dumps({"session_id": session, "message": message}).encode()
    token = f"token-{session}".ljust(43, "0")  # this client's session token, sent from the first message on
    request = urllib.request.Request(url + "/api/chat", data=body, headers={"Content-Type": "application/json",
                                                                           "X-Session-Token": token})
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:
            return resp.status == 200 and json.loads(resp.read())["ok"] is True
    except (OSError, ValueError):
        return False


def test_serve_refuses_to_start_without_the_audit_key(tmp_path):
    data = tmp_path / "data"
    assert cli(data, "users", "init-secret").returncode == 0  # only the staff secret: no audit key
    proc = cli(data, "serve", "--port", "1")
    assert proc.returncode == 1 and "audit key file" in proc.stderr and "edge-agent init" in proc.stderr
    assert not (data / "keys" / "audit.key").exists()


def test_real_serve_killed_with_sigkill_keeps_every_acknowledged_turn(real_data_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(real_data_dir, data, ignore=shutil.ignore_patterns("*.sqlite3*", "keys", "audit"))
    assert cli(data, "init").returncode == 0  # audit key and staff secret
    acked: list[str] = []
    for cycle in range(CYCLES):
        server = start_server(data, EDGE_ANSWER_MODE="quote", EDGE_CHECKPOINT_EVERY_RECORDS="2")
        for i in range(3):
            nonce = f"real-kill-{cycle}-{i}"
            if chat(server.url, f"real-kill-session-{cycle}", f"[{nonce}] 信用卡临时额度怎么调？"):
                acked.append(nonce)
        server.proc.kill()  # SIGKILL: no shutdown, no final checkpoint
        server.proc.wait(timeout=30)
        server.stop()
        verify = cli(data, "audit", "verify")
        assert verify.returncode == 0, verify.stdout + verify.stderr
    assert len(acked) == CYCLES * 3
    export = cli(data, "audit", "export")
    questions = [json.loads(line)["question"] for line in export.stdout.splitlines()]
    assert all(any(f"[{n}]" in q for q in questions) for n in acked), questions
    assert "intact" in verify.stdout and "checkpoint" in verify.stdout
