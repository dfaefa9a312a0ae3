"""Start and stop real `llama_cpp.server` processes on 127.0.0.1 for the slow tests."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT, free_port

DEFAULT_GGUF = ROOT / "models" / "gemma-3-270m-q4_k_m.gguf"
LAUNCHER = Path(__file__).with_name("offline_llama_server.py")


@dataclass
class LlamaServer:
    """One model server process and its log."""

    proc: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL, as a crashed server would go."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def start_llama_server(log_dir: Path, model: Path = DEFAULT_GGUF, *, n_threads: int = 1, cpu: int | None = None,
                       extra: tuple[str, ...] = (), timeout_s: float = 120.0) -> LlamaServer:
    """A llama_cpp.server on a free port (optionally pinned to one CPU with taskset); waits until it answers."""
    port = free_port()
    log = log_dir / f"llama-server-{port}.log"
    command = [sys.executable, str(LAUNCHER), "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
               "--n_threads", str(n_threads), "--n_threads_batch", str(n_threads),
               # the server's default computes logits for every prompt token (for logprobs): over Gemma 3's
               # 262k-word vocabulary that doubles prompt time; the in-process model does not do it either
               "--logits_all", "false", *extra]
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    server = LlamaServer(proc, port, log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited: {server.log_text()[-2000:]}")
        try:
            with urllib.request.urlopen(server.url + "/v1/models", timeout=2) as r:
                if r.status == 200 and json.load(r).get("data"):
                    return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError("llama_cpp.server did not answer in time")
