"""Fixtures: fast fake-backed app/client/runner, and the real stack (model, Chroma, Presidio, live server)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from edge_agent.config import Settings
from edge_agent.knowledge.store import KnowledgeStore
from edge_agent.llm.backend import MockModel
from edge_agent.services import build_services
from edge_agent.web import create_app
from guardrails.redactor import Redactor
from tests.fakes import FakeDetector, HashEmbedder

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_KB = ROOT / "edge_agent" / "sample_kb"
EDGE_AGENT = str(Path(sys.executable).with_name("edge-agent"))


# --- fast: fakes for the model, detector and embedder; real Chroma and SQLite in tmp -------------
@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_mapping({"data_dir": tmp_path / "data", "models_dir": ROOT / "models",
                                  "retrieval_min_evidence_zh": 0.3, "retrieval_min_evidence_en": 0.3, "queue_size": 1,
                                  "queue_wait_s": 0.2,
                                  # the hash embedder has no meaning: these tests exercise the classic
                                  # thresholds; the calibrated hybrid path is tested on the real e5
                                  "retrieval_mode": "classic"})


@pytest.fixture(autouse=True)
def _root_logging_restored():
    """A test that runs the CLI in-process installs the service's log handlers, bound to that test's captured
    stderr; later tests would write to a closed stream. Put the root logger back after every test."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _staff_secret_key(request) -> None:
    """The app refuses to start without the staff cookie secret: tests that use ``settings`` get one made."""
    if "settings" in request.fixturenames:
        from edge_agent.auth.secret import create_secret_key, secret_key_path

        create_secret_key(secret_key_path(request.getfixturevalue("settings")))


@pytest.fixture(scope="session")
def fake_kb_template(tmp_path_factory):
    """The sample KB ingested with HashEmbedder once per session, per chunk size; returns a chroma-dir maker.

    Each call builds (first time) or reuses the ingested template and returns its directory; tests copy it,
    so every test still gets its own store and may add or remove documents freely."""
    templates: dict[int, Path] = {}

    def template(max_chars: int) -> Path:
        if max_chars not in templates:
            path = tmp_path_factory.mktemp(f"fake-kb-{max_chars}") / "chroma"
            KnowledgeStore(path, HashEmbedder()).ingest([SAMPLE_KB], max_chars)
            templates[max_chars] = path
        return templates[max_chars]

    return template


@pytest.fixture
def fake_services(settings: Settings, fake_kb_template):
    shutil.copytree(fake_kb_template(settings.chunk_max_chars), settings.chroma_dir, dirs_exist_ok=True)
    knowledge = KnowledgeStore(settings.chroma_dir, HashEmbedder())
    services = build_services(settings, model=MockModel(), redactor=Redactor(FakeDetector()), knowledge=knowledge)
    yield services
    services.store.close()


@pytest.fixture
def app(fake_services):
    return create_app(services=fake_services)


@pytest.fixture
def client(app):
    return app.test_client()


# --- real stack --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def real_data_dir(tmp_path_factory) -> Path:
    """A data directory with the sample knowledge base ingested by the real CLI."""
    data = tmp_path_factory.mktemp("real") / "data"
    subprocess.run([EDGE_AGENT, "--data-dir", str(data), "ingest", str(SAMPLE_KB)], check=True,
                   capture_output=True, timeout=300)
    subprocess.run([EDGE_AGENT, "--data-dir", str(data), "init"], check=True, capture_output=True, timeout=120)
    return data


@pytest.fixture(scope="session")
def real_settings(real_data_dir: Path) -> Settings:
    return Settings.from_mapping({"data_dir": real_data_dir, "models_dir": ROOT / "models"})


@pytest.fixture(scope="session")
def real_services(real_settings: Settings):
    """The real model, real Chroma, real Presidio detector — built once for the session."""
    services = build_services(real_settings)
    yield services
    services.store.close()


class LiveServer:
    """`edge-agent serve` in a subprocess, with its stdout/stderr captured to files."""

    def __init__(self, data_dir: Path, port: int, env: dict[str, str], ready_s: float = 180.0) -> None:
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{port}"
        self.stdout = data_dir.parent / f"serve-{port}.out"
        self.stderr = data_dir.parent / f"serve-{port}.err"
        self._out, self._err = self.stdout.open("wb"), self.stderr.open("wb")
        self.proc = subprocess.Popen(
            [EDGE_AGENT, "--data-dir", str(data_dir), "--models-dir", str(ROOT / "models"), "serve",
             "--port", str(port)], stdout=self._out, stderr=self._err, env=env)
        deadline = time.monotonic() + ready_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.stderr.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"server did not become ready in {ready_s:.0f} s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._out.close()
        self._err.close()


def start_server(data_dir: Path, *, ready_s: float = 180.0, **env_overrides: str) -> LiveServer:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGE_")}
    env.update(env_overrides)
    subprocess.run([EDGE_AGENT, "--data-dir", str(data_dir), "init"], check=True, capture_output=True, env=env,
                   timeout=120)
    return LiveServer(data_dir, free_port(), env, ready_s)


@pytest.fixture(scope="session")
def live_server(real_data_dir: Path):
    server = start_server(real_data_dir)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_server_url(live_server: LiveServer) -> str:
    return live_server.url
