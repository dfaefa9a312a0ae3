"""Real `llama_cpp.server` processes with the default GGUF: generation, failover, deadline, 503 when all busy."""
from __future__ import annotations

import dataclasses
import shutil
import threading
import time

import pytest

from edge_agent.knowledge.store import KnowledgeStore
from edge_agent.llm.backend import GenerationParams, LlamaModel
from edge_agent.llm.manifest import read_manifest
from edge_agent.llm.prompts import Prompt
from edge_agent.llm.remote import RemoteModel, ServerPool
from edge_agent.services import build_services
from edge_agent.web import create_app
from guardrails.redactor import Redactor
from tests.conftest import ROOT
from tests.edge_agent.llm.llama_servers import start_llama_server
from tests.fakes import FakeDetector, HashEmbedder

pytestmark = pytest.mark.slow

QUESTION = "信用卡临时额度怎么调"
STORY = Prompt("Here is a very long story about a dragon who lived in a library.\n\nOnce upon a time,", ())


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("llama-servers")


@pytest.fixture(scope="module")
def two_servers(log_dir):
    servers = [start_llama_server(log_dir), start_llama_server(log_dir)]
    yield servers
    for server in servers:
        server.stop()


def completions(server) -> int:
    """Completion requests the server's access log shows."""
    return server.log_text().count('"POST /v1/completions HTTP/1.1" 200')


def offline(server) -> bool:
    """The server never tried to reach anything beyond loopback (the launcher logs every attempt)."""
    return "offline: blocked" not in server.log_text()


def model_over(*urls: str, down_s: float = 30.0) -> RemoteModel:
    return RemoteModel(ServerPool(urls, 1, down_s), model_id="gemma3-270m", chat_format="plain", seed=7)


def params(timeout_s: float = 60.0, max_tokens: int = 16) -> GenerationParams:
    return GenerationParams(max_tokens=max_tokens, temperature=0.0, deadline=time.monotonic() + timeout_s)


@pytest.fixture
def remote_services(settings, fake_kb_template, two_servers, monkeypatch):
    """The chat service on both servers (fake detector and embedder: the model is what is real here)."""
    def build(*servers, **overrides):
        def no_local_model(*args, **kwargs):
            raise AssertionError("the GGUF must not be loaded in-process when llm_url is set")

        monkeypatch.setattr("edge_agent.services.LlamaModel", no_local_model)
        s = dataclasses.replace(settings, llm_url=",".join(x.url for x in servers), answer_mode="generate",
                                max_tokens=24, **overrides)
        shutil.copytree(fake_kb_template(s.chunk_max_chars), s.chroma_dir, dirs_exist_ok=True)
        services = build_services(s, redactor=Redactor(FakeDetector()),
                                  knowledge=KnowledgeStore(s.chroma_dir, HashEmbedder()))
        built.append(services)
        return services

    built: list = []
    yield build
    for services in built:
        services.store.close()


def test_a_turn_generates_on_the_server(remote_services, two_servers):
    server = two_servers[0]
    services = remote_services(server)
    before = completions(server)
    client = create_app(services=services).test_client()
    reply = client.post("/api/chat", json={"session_id": "llama-server-1", "message": QUESTION})
    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json()["answer_kind"] in ("generated", "quoted")  # quoted: the base model's draft failed
    assert completions(server) == before + 1
    (state,) = client.get("/healthz").get_json()["model_servers"]
    assert state["state"] == "up" and state["served"] == 1 and state["in_flight"] == 0
    assert offline(server)


def test_the_server_generates_what_the_in_process_model_does(two_servers):
    spec = read_manifest(ROOT / "models")["gemma3-270m"]
    prompt = Prompt("Question: What is the capital of France?\nAnswer:", ("\nQuestion",))
    local = "".join(LlamaModel(spec, n_threads=1, seed=7).stream(prompt, params()))
    remote = "".join(model_over(two_servers[0].url).stream(prompt, params()))
    assert remote and remote == local


def test_failover_when_a_server_is_killed(log_dir, two_servers):
    doomed = start_llama_server(log_dir)
    try:
        model = model_over(doomed.url, two_servers[1].url)
        assert "".join(model.stream(STORY, params(max_tokens=4)))  # both are up: the first takes it
        assert completions(doomed) == 1
        doomed.kill()
        before = completions(two_servers[1])
        for _ in range(2):
            assert "".join(model.stream(STORY, params(max_tokens=4)))
        dead, alive = model.pool.states()
        assert dead.state == "down" and dead.failures == 1  # tried once, then left out
        assert alive.state == "up" and completions(two_servers[1]) == before + 2
    finally:
        doomed.stop()


def test_deadline_closes_the_stream_and_frees_the_server(two_servers):
    server = two_servers[0]
    model = model_over(server.url)
    started = time.monotonic()
    text = "".join(model.stream(STORY, params(timeout_s=0.6, max_tokens=1500)))
    elapsed = time.monotonic() - started
    assert elapsed < 1.2, elapsed
    assert len(text) < 2000
    deadline = time.monotonic() + 10
    while "Disconnected from client" not in server.log_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Disconnected from client" in server.log_text()  # the server saw the close and stopped
    started = time.monotonic()
    assert "".join(model.stream(STORY, params(max_tokens=4)))
    assert time.monotonic() - started < 10
    assert model.pool.states()[0].state == "up"


def test_503_when_both_servers_are_busy(remote_services, two_servers):
    services = remote_services(*two_servers, queue_size=0, queue_wait_s=0.1)
    client = create_app(services=services).test_client()
    before = [completions(s) for s in two_servers]
    held = [services.chat.begin(f"llama-busy-{i}", QUESTION) for i in range(2)]  # each holds a server's slot
    try:
        assert all(t.plan == "generate" for t in held)
        health = client.get("/healthz").get_json()
        assert health["model_busy"] is True
        refused = client.post("/api/chat", json={"session_id": "llama-busy-x", "message": QUESTION})
        assert refused.status_code == 503 and refused.get_json()["error"]["code"] == "busy"
        assert int(refused.headers["Retry-After"]) >= 1
    finally:
        results: list = []
        threads = [threading.Thread(target=lambda t=t: results.append([e for e, _ in services.chat.run(t)]))
                   for t in held]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert len(results) == 2 and all(r[-1] == "done" for r in results)
    assert [completions(s) for s in two_servers] == [b + 1 for b in before]  # one turn on each
    assert all(offline(s) for s in two_servers)
