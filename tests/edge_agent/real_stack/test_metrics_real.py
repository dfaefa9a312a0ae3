"""The real `edge-agent serve` scraped over HTTP: a turn through the real model, Chroma and Presidio shows up in
/metrics, with no customer text or session id in it."""
from __future__ import annotations

import json
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.slow
SID = "metrics-real-session-42"


def scrape(url: str) -> tuple[str, dict]:
    with urllib.request.urlopen(url + "/metrics", timeout=30) as resp:
        assert resp.status == 200
        text = resp.read().decode()
    found = {(s.name, tuple(sorted(s.labels.items()))): s.value
             for family in text_string_to_metric_families(text) for s in family.samples}
    return text, found


def test_a_real_turn_is_counted_and_timed(live_server_url):
    _, before = scrape(live_server_url)
    body = json.dumps({"session_id": SID, "message": "我叫张伟，手机13812345678，信用卡临时额度怎么调？"}).encode()
    request = urllib.request.Request(live_server_url + "/api/chat", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as resp:
        kind = json.loads(resp.read())["answer_kind"]
    text, after = scrape(live_server_url)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("edge_agent_http_requests_total", route="/api/chat", method="POST", status="200") == 1
    assert delta("edge_agent_answers_total", kind=kind) == 1
    for stage in ("guard", "retrieve", "record"):
        assert delta("edge_agent_stage_seconds_count", stage=stage) >= 1, stage
        assert delta("edge_agent_stage_seconds_sum", stage=stage) > 0, stage
    assert after[("edge_agent_knowledge_chunks", ())] > 0
    assert ("edge_agent_queue_depth", ()) in after and ("edge_agent_tickets", (("status", "open"),)) in after
    for secret in (SID, "张伟", "13812345678", "额度"):
        assert secret not in text
