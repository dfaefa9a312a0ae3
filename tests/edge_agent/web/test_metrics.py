"""GET /metrics on fakes: counters and histograms move with real turns, labels hold no customer data, and only
this machine (or a holder of the token) may read it."""
from __future__ import annotations

import dataclasses

import pytest
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from edge_agent.web import create_app

SID = "metrics-session-0001"
SECRET_WORDS = "我的卡号6222021234567890123丢了，怎么挂失？"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, keyed by name and sorted labels."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def scrape(client, **kwargs) -> dict:
    resp = client.get("/metrics", **kwargs)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.headers["Content-Type"] == CONTENT_TYPE_LATEST  # the text exposition format
    return samples(resp.get_data(as_text=True))


def test_a_turn_moves_the_request_answer_and_stage_metrics(client):
    before = scrape(client)
    assert value(before, "edge_agent_stage_seconds_count", stage="generate") == 0
    assert client.post("/api/chat", json={"session_id": SID, "message": SECRET_WORDS}).status_code == 200
    assert client.post("/api/chat", json={"session_id": SID, "message": ""}).status_code == 400
    resp = client.get("/metrics")
    text = resp.get_data(as_text=True)
    after = samples(text)
    assert value(after, "edge_agent_http_requests_total", route="/api/chat", method="POST", status="200") == 1
    assert value(after, "edge_agent_http_requests_total", route="/api/chat", method="POST", status="400") == 1
    assert value(after, "edge_agent_answers_total", kind="quoted") == 1  # the mock model's empty draft is quoted
    assert value(after, "edge_agent_stage_seconds_count", stage="guard") >= 1
    assert value(after, "edge_agent_stage_seconds_count", stage="retrieve") == 1
    assert value(after, "edge_agent_stage_seconds_count", stage="record") == 1
    assert value(after, "edge_agent_http_request_seconds_count", route="/api/chat") == 2
    for secret in (SID, "6222021234567890123", "挂失", "CREDIT_CARD"):
        assert secret not in text


def test_generation_is_timed(client, fake_services):
    hits = fake_services.knowledge.search("信用卡临时额度怎么调", 1, "zh")
    fake_services.model.enqueue(hits[0].text[:60] + " [1]")
    fake_services.chat.settings = dataclasses.replace(fake_services.settings, answer_mode="generate")
    body = client.post("/api/chat", json={"session_id": SID, "message": "信用卡临时额度怎么调"}).get_json()
    assert body["answer_kind"] == "generated"
    found = scrape(client)
    assert value(found, "edge_agent_stage_seconds_count", stage="generate") == 1
    assert value(found, "edge_agent_answers_total", kind="generated") == 1


def test_gauges_read_queue_model_and_tickets(client, fake_services):
    assert client.post("/api/chat", json={"session_id": SID, "message": "转人工"}).status_code == 200
    with fake_services.gate.slot():
        found = scrape(client)
    assert value(found, "edge_agent_model_busy") == 1 and value(found, "edge_agent_model_in_flight") == 1
    assert value(found, "edge_agent_queue_depth") == 0
    assert value(found, "edge_agent_tickets", status="open") == 1
    assert value(found, "edge_agent_answers_total", kind="escalated") == 1
    assert value(found, "edge_agent_knowledge_chunks") == fake_services.knowledge.count() > 0
    assert value(scrape(client), "edge_agent_model_busy") == 0


def test_unknown_routes_share_one_label(client):
    client.get("/no/such/page-with-" + SID)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'route="<unmatched>"' in text and SID not in text


@pytest.mark.parametrize("environ, headers, status", [
    ({"REMOTE_ADDR": "127.0.0.1"}, {}, 200),                              # this machine
    ({"REMOTE_ADDR": "::1"}, {}, 200),                                    # this machine, IPv6
    ({"REMOTE_ADDR": "10.0.0.7"}, {}, 403),                               # another machine
    ({"REMOTE_ADDR": "127.0.0.1"}, {"X-Forwarded-For": "10.0.0.7"}, 403),  # through a reverse proxy
    ({"REMOTE_ADDR": "127.0.0.1"}, {"Forwarded": "for=10.0.0.7"}, 403),    # through a reverse proxy
])
def test_without_a_token_only_this_machine_may_scrape(client, environ, headers, status):
    resp = client.get("/metrics", environ_base=environ, headers=headers)
    assert resp.status_code == status
    if status == 403:
        assert resp.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("headers, status", [
    ({"Authorization": "Bearer s3cret-scrape-token"}, 200),   # the token
    ({"Authorization": "Bearer wrong"}, 403),                 # another token
    ({}, 403),                                                # none, even from this machine
])
def test_with_a_token_it_is_required_from_anywhere(fake_services, headers, status):
    fake_services.settings = dataclasses.replace(fake_services.settings, metrics_token="s3cret-scrape-token")
    client = create_app(services=fake_services).test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.0.7"}, headers=headers).status_code == status
    assert client.get("/metrics", headers=headers).status_code == status


def test_a_second_app_on_the_same_services_keeps_one_instrumentation(fake_services):
    first, second = create_app(services=fake_services), create_app(services=fake_services)
    assert first.extensions["edge_agent_metrics"] is second.extensions["edge_agent_metrics"]
    assert type(fake_services.chat.redactor._inner).__name__ == "Redactor"  # wrapped once, not twice
