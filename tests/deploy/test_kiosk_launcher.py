"""deploy/kiosk/edge-agent-kiosk: waits for /healthz before starting the browser, starts it in kiosk mode on
the kiosk page, and starts it again when it dies; with real headless Chromium it loads the real kiosk page."""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "deploy" / "kiosk" / "edge-agent-kiosk"


class SlowToStart(BaseHTTPRequestHandler):
    """/healthz answers 503 until ``ready_at``, then 200."""

    ready_at = 0.0

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        ready = time.monotonic() >= type(self).ready_at
        self.send_response(200 if ready and self.path == "/healthz" else 503)
        self.end_headers()
        self.wfile.write(b'{"ok": true}' if ready else b"starting")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def slow_server():
    SlowToStart.ready_at = time.monotonic() + 2.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowToStart)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def launcher_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_")}
    env.update({"EDGE_KIOSK_PROFILE": str(tmp_path / "profile"), "EDGE_KIOSK_RESTART_S": "0",
                "EDGE_KIOSK_HEALTH_WAIT_S": "60", **extra})
    return env


def test_waits_for_healthz_then_restarts_a_browser_that_dies(tmp_path, slow_server):
    calls = tmp_path / "calls.txt"
    stub = tmp_path / "fake-chromium"
    stub.write_text(f'#!/bin/sh\necho "$(date +%s.%N) $*" >> {calls}\nexit 1\n')  # dies at once
    stub.chmod(0o755)
    started = time.monotonic()
    proc = subprocess.run([str(LAUNCHER), slow_server + "/?kiosk=1"], capture_output=True, text=True, timeout=60,
                          env=launcher_env(tmp_path, EDGE_KIOSK_BROWSER=str(stub), EDGE_KIOSK_MAX_STARTS="3"))
    assert proc.returncode == 0, proc.stderr
    lines = calls.read_text().splitlines()
    assert len(lines) == 3  # started, died, started again, twice
    assert time.monotonic() - started >= 2.0 and "waiting for" in proc.stderr  # not before /healthz answered
    for flag in ("--kiosk", "--noerrdialogs", "--disable-session-crashed-bubble", "--no-first-run"):
        assert flag in lines[0]
    assert lines[0].endswith(slow_server + "/?kiosk=1")
    assert proc.stderr.count("browser exited with status 1") == 3


def test_gives_up_when_the_server_never_answers(tmp_path):
    proc = subprocess.run([str(LAUNCHER), "http://127.0.0.1:9/"], capture_output=True, text=True, timeout=60,
                          env=launcher_env(tmp_path, EDGE_KIOSK_BROWSER="/bin/true", EDGE_KIOSK_HEALTH_WAIT_S="2"))
    assert proc.returncode == 3 and "did not answer" in proc.stderr


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (make browser)")
def test_real_chromium_shows_the_real_kiosk_page(tmp_path, app):
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}/"
    try:
        flags = "--headless=new --no-sandbox --disable-gpu --virtual-time-budget=3000 --dump-dom"
        proc = subprocess.run([str(LAUNCHER), url], capture_output=True, text=True, timeout=180,
                              env=launcher_env(tmp_path, EDGE_KIOSK_BROWSER="chromium", EDGE_KIOSK_FLAGS=flags,
                                               EDGE_KIOSK_MAX_STARTS="2"))
    finally:
        server.close()
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.count('id="conversation"') == 2  # the page, loaded by each of the two starts
    assert "智能客服" in proc.stdout
