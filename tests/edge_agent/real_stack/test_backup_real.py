"""The real `edge-agent serve` answers a stream of turns from a thread while `edge-agent backup` runs; the backup
restores into an empty data directory, `edge-agent audit verify` passes there, and every turn acknowledged
before the backup started is in the restored store (turns acknowledged during it may or may not be)."""
from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import EDGE_AGENT, start_server

pytestmark = pytest.mark.slow
MAX_TURNS = 400  # the load thread stops by itself


def cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EDGE_AGENT, "--data-dir", str(data), *args], capture_output=True, text=True, timeout=300)


def post(url: str, session: str, message: str) -> bool:
    body = json.dumps({"session_id": session, "message": message}).encode()
    request = urllib.request.Request(url + "/api/chat", data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:
            return resp.status == 200 and json.loads(resp.read())["ok"] is True
    except (OSError, ValueError):
        return False


def test_backup_under_load_restores_every_acknowledged_turn(real_data_dir, tmp_path):
    data = tmp_path / "data"
    # a consistent copy of the session's ingested data directory (its KB entries, their signed kb events, keys)
    seeded = cli(real_data_dir, "backup", "--include-keys", str(tmp_path / "seed"))
    assert seeded.returncode == 0, seeded.stderr
    assert cli(data, "restore", str(tmp_path / "seed")).returncode == 0
    server = start_server(data, ready_s=600, EDGE_ANSWER_MODE="quote", EDGE_CHAT_RATE_PER_MIN="0",
                          EDGE_CHECKPOINT_EVERY_RECORDS="5")
    acked: list[tuple[str, float]] = []  # (nonce, when the server acknowledged it)
    stop = threading.Event()

    def load() -> None:
        for i in range(MAX_TURNS):
            if stop.is_set():
                return
            nonce = f"bk-load-{i:04d}"
            # one session per turn: each message is its session's first (no session token to carry)
            if post(server.url, f"backup-load-{i:04d}", f"[{nonce}] 信用卡临时额度怎么调？"):
                acked.append((nonce, time.monotonic()))

    thread = threading.Thread(target=load, daemon=True)
    try:
        thread.start()
        deadline = time.monotonic() + 120
        while len(acked) < 10 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(acked) >= 10, server.stderr.read_text()[-2000:]
        backup_started = time.monotonic()
        made = cli(data, "backup", "--include-keys", str(tmp_path / "bk"))
        backup_ended = time.monotonic()
        assert made.returncode == 0, made.stdout + made.stderr
        time.sleep(1.0)  # the service keeps answering after the backup
    finally:
        stop.set()
        thread.join(timeout=150)
        server.stop()
    before = [n for n, t in acked if t < backup_started]
    during = [n for n, t in acked if backup_started <= t <= backup_ended]
    assert len(acked) > len(before)  # turns went on during or after the backup: it did not stop the service

    restored = tmp_path / "restored"
    done = cli(restored, "restore", str(tmp_path / "bk"))
    assert done.returncode == 0, done.stdout + done.stderr
    verify = cli(restored, "audit", "verify")
    assert verify.returncode == 0 and "intact" in verify.stdout, verify.stdout + verify.stderr
    export = cli(restored, "audit", "export")
    questions = "\n".join(json.loads(line).get("question") or "" for line in export.stdout.splitlines())
    lost = [n for n in before if f"[{n}]" not in questions]
    assert not lost, f"acknowledged before the backup but not restored: {lost}"
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["audit"]["turns"] >= len(before)
    print(f"turns acknowledged before the backup: {len(before)}, during it: {len(during)}, "
          f"restored: {manifest['audit']['turns']}")
