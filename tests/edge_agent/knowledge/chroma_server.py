"""Start and stop a real `chroma run` server on 127.0.0.1 for the slow tests."""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import free_port

CHROMA = str(Path(sys.executable).with_name("chroma"))


@dataclass
class ChromaServer:
    """One `chroma run` process, its data path and log."""

    proc: subprocess.Popen
    port: int
    path: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_chroma(work: Path, timeout_s: float = 60.0) -> ChromaServer:
    """`chroma run --path work/chroma-server` on a free port; waits until its heartbeat answers."""
    port, path, log = free_port(), work / "chroma-server", work / "chroma-server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([CHROMA, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    server = ChromaServer(proc, port, path, log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(server.url + "/api/v2/heartbeat", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError("chroma run did not answer in time")
