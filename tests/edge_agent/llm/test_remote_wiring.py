"""With llm_url set the service generates on model servers: no GGUF loaded in-process, /healthz shows them."""
from __future__ import annotations

import dataclasses
import shutil

import pytest

from edge_agent.errors import ModelError
from edge_agent.knowledge.store import KnowledgeStore
from edge_agent.llm.remote import RemoteModel
from edge_agent.services import build_services
from edge_agent.web import create_app
from guardrails.redactor import Redactor
from tests.edge_agent.llm.fake_server import Behaviour, start_fake_server
from tests.edge_agent.llm.test_remote import closed_port_url
from tests.fakes import FakeDetector, HashEmbedder


@pytest.fixture
def fake_server():
    server = start_fake_server(Behaviour(pieces=("The card", " limit", " [1]")))
    yield server
    server.close()


@pytest.fixture
def remote_services(settings, fake_kb_template, fake_server, monkeypatch):
    def no_local_model(*args, **kwargs):
        raise AssertionError("the GGUF must not be loaded in-process when llm_url is set")

    monkeypatch.setattr("edge_agent.services.LlamaModel", no_local_model)
    settings = dataclasses.replace(settings, llm_url=f"{closed_port_url()},{fake_server.url}",
                                   answer_mode="generate", grounding_check=False)
    shutil.copytree(fake_kb_template(settings.chunk_max_chars), settings.chroma_dir, dirs_exist_ok=True)
    services = build_services(settings, redactor=Redactor(FakeDetector()),
                              knowledge=KnowledgeStore(settings.chroma_dir, HashEmbedder()))
    yield services
    services.store.close()


def test_generation_goes_to_the_servers_and_healthz_shows_them(remote_services, fake_server):
    assert isinstance(remote_services.model, RemoteModel)
    assert remote_services.model.model_id == "gemma3-270m"
    client = create_app(services=remote_services).test_client()
    reply = client.post("/api/chat", json={"session_id": "remote-wiring-1", "message": "信用卡临时额度怎么调"})
    assert reply.status_code == 200, reply.get_json()
    body = reply.get_json()
    assert body["answer_kind"] == "generated" and body["answer"] == "The card limit [1]"
    assert fake_server.requests and fake_server.requests[0][0] == "/v1/completions"
    health = client.get("/healthz").get_json()
    dead, alive = health["model_servers"]
    assert dead["state"] == "down" and alive["state"] == "up" and alive["served"] == 1
    assert health["model"] == "gemma3-270m" and health["model_busy"] is False


def test_a_bad_url_stops_start_up_with_a_clear_error(settings):
    with pytest.raises(ModelError, match="llm_url"):
        build_services(dataclasses.replace(settings, llm_url="localhost:8000"),
                       redactor=Redactor(FakeDetector()), knowledge=KnowledgeStore(settings.chroma_dir, HashEmbedder()))
