"""20 simultaneous chats against a queue of 4: every answer is 200 or 503 + Retry-After; health stays up.

The server is told to generate (the default `auto` quotes with the base model and never queues for it), and
the per-address chat limit is off: all 20 come from 127.0.0.1 and the model queue is what is under test."""
from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import start_server

pytestmark = pytest.mark.slow


@pytest.fixture
def generating_server(real_data_dir: Path, tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(real_data_dir, data)
    server = start_server(data, EDGE_ANSWER_MODE="generate", EDGE_CHAT_RATE_PER_MIN="0")
    yield server
    server.stop()


def test_twenty_at_once(generating_server):
    live_server = generating_server
    results: list[tuple[int, str | None]] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def one(i: int) -> None:
        body = json.dumps({"session_id": f"concurrency-{i:03d}", "message": "信用卡临时额度怎么调？"}).encode()
        req = urllib.request.Request(live_server.url + "/api/chat", data=body,
                                     headers={"Content-Type": "application/json"})
        start.wait()
        try:
            with urllib.request.urlopen(req, timeout=300) as r:
                outcome = (r.status, None)
        except urllib.error.HTTPError as e:
            outcome = (e.code, e.headers.get("Retry-After"))
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    health: list[tuple[float, dict]] = []
    while any(t.is_alive() for t in threads):
        t0 = time.monotonic()
        with urllib.request.urlopen(live_server.url + "/healthz", timeout=10) as r:
            health.append((time.monotonic() - t0, json.loads(r.read())))
        time.sleep(0.2)
    for t in threads:
        t.join()
    assert len(results) == 20
    assert all(status == 200 or (status == 503 and retry and int(retry) >= 1) for status, retry in results), results
    assert any(status == 200 for status, _ in results) and any(status == 503 for status, _ in results)
    # health answered while a generation was running: it is not queued behind the model
    assert any(h["model_busy"] for _, h in health)
    assert live_server.proc.poll() is None  # the process stayed up
    print(json.dumps({"healthz_ms_max": round(max(d for d, _ in health) * 1000, 1),
                      "ok": sum(s == 200 for s, _ in results), "busy": sum(s == 503 for s, _ in results)}))
