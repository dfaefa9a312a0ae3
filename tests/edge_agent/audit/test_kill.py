"""kill -9 while chats are written: every turn that got its HTTP 200 (or its `done` event) is stored, and the
chain — checkpoints included — verifies after every crash. The app, store and chain are the real ones; the
model, detector and embedder are fakes, because the durability under test is SQLite's and ours."""
from __future__ import annotations

import http.client
import json
import os
import random
import re
import selectors
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from edge_agent.audit.checkpoints import checkpoint_path, read_checkpoints
from edge_agent.audit.keys import key_path, load_key
from edge_agent.audit.verify import verify_chain
from tests.conftest import ROOT, free_port
from tests.edge_agent.audit.fake_server import prepare, settings_for
from tests.edge_agent.audit.helpers import connect

KILL_CYCLES = 50
NONCE = re.compile(r"\[(k\d+-\d+-\d+)\]")


@dataclass
class Load:
    """Clients sending chats until stopped; remembers which nonces were acknowledged."""

    url: str
    cycle: int
    acked: list[str] = field(default_factory=list)
    sent: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, path: str, body: dict, token: str) -> urllib.request.Request:
        return urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method="POST",
                                      headers={"Content-Type": "application/json", "X-Session-Token": token})

    def client(self, n: int, stream: bool) -> None:
        session = f"kill-c{self.cycle}-t{n}"
        token = f"kill-token-c{self.cycle}-t{n}-".ljust(43, "0")  # the client's own token, sent from the start
        i = 0
        while not self.stop.is_set():
            nonce = f"k{self.cycle}-{n}-{i}"
            i += 1
            body = {"session_id": session, "message": f"[{nonce}] 我的信用卡丢了怎么挂失？ lost card"}
            with self.lock:
                self.sent += 1
            try:
                with urllib.request.urlopen(self.post("/api/chat/stream" if stream else "/api/chat", body, token),
                                            timeout=10) as resp:
                    text = resp.read().decode()
                    ok = resp.status == 200 and (("event: done" in text and text.endswith("\n\n")) if stream
                                                 else json.loads(text)["ok"] is True)
            except (OSError, ValueError, http.client.HTTPException):  # killed mid-request: not acknowledged
                continue
            if ok:
                with self.lock:
                    self.acked.append(nonce)


def start_server(data: Path, log: Path) -> subprocess.Popen:
    port = free_port()
    with log.open("ab") as err:
        proc = subprocess.Popen([sys.executable, "-m", "tests.edge_agent.audit.fake_server", str(data), str(port)],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=err)
    with selectors.DefaultSelector() as sel:  # not select(): a long test session holds fds above 1024
        sel.register(proc.stdout, selectors.EVENT_READ)
        ready = sel.select(timeout=60)
    line = proc.stdout.readline() if ready else b""
    if line.strip() != b"READY":
        proc.kill()
        raise RuntimeError(f"fake server did not start: {log.read_text(errors='replace')[-2000:]}")
    proc.url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    return proc


def stored_nonces(db: Path) -> set[str]:
    conn = connect(db)
    try:
        return {m.group(1) for (q,) in conn.execute("SELECT question FROM turns") if (m := NONCE.search(q))}
    finally:
        conn.close()


@pytest.mark.slow  # 50 server processes started and killed: about two minutes
def test_kill_9_loop_loses_no_acknowledged_turn(tmp_path):
    settings = settings_for(tmp_path / "data")
    prepare(settings)
    key = load_key(key_path(settings))
    rng = random.Random(9)
    acked: list[str] = []
    sent = 0
    log = tmp_path / "server.err"
    for cycle in range(KILL_CYCLES):
        proc = start_server(settings.data_dir, log)
        load = Load(proc.url, cycle)  # type: ignore[attr-defined]
        clients = [threading.Thread(target=load.client, args=(n, n == 3)) for n in range(4)]
        for c in clients:
            c.start()
        time.sleep(rng.uniform(0.15, 0.7))
        os.kill(proc.pid, signal.SIGKILL)
        load.stop.set()  # requests in flight at the kill still run into it
        proc.wait(timeout=30)
        proc.stdout.close()
        for c in clients:
            c.join(timeout=30)
        acked += load.acked
        sent += load.sent
        checkpoints = read_checkpoints(checkpoint_path(settings))  # before the database: see verify_chain
        conn = connect(settings.db_path)
        report = verify_chain(conn, key, checkpoints)
        conn.close()
        assert report.ok, f"cycle {cycle}: {report.summary()}"
        lost = set(load.acked) - stored_nonces(settings.db_path)
        assert not lost, f"cycle {cycle}: acknowledged turns missing after kill -9: {sorted(lost)[:5]}"
    stored = stored_nonces(settings.db_path)
    print(f"\nkill -9 cycles: {KILL_CYCLES}; requests {sent}; acknowledged {len(acked)} (all stored); "
          f"stored {len(stored)} (+{len(stored) - len(acked)} committed but cut off before the reply); "
          f"{report.summary()}")
    assert len(acked) >= KILL_CYCLES * 3 and set(acked) <= stored
