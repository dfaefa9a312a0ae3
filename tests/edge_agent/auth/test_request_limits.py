"""Issue 12, High 2: an anonymous flood of 转人工 cannot push real fraud reports out of the agents' queue.
Chat per minute and tickets per hour are limited per client address (and per kiosk location) with 429 and
Retry-After in the standard error shape; fraud and distress tickets come first; the queue is paged; the wait
a customer is told counts only customers still there."""
from __future__ import annotations

import dataclasses
import time

import pytest

from edge_agent.auth.ratelimit import LOCATION_FACTOR, RateLimit
from tests.edge_agent.auth.conftest import assert_error, login

FRAUD = "There's a charge I don't recognise, it wasn't me"


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, chat_rate_per_min=5, ticket_rate_per_hour=3)


def chat(client, message: str, sid: str, address: str = "127.0.0.1"):
    return client.post("/api/chat", json={"session_id": sid, "message": message},
                       environ_base={"REMOTE_ADDR": address})


def test_chat_rate_per_address_answers_429_with_retry_after(client):
    for i in range(5):
        assert chat(client, "信用卡临时额度怎么调", f"rate-session-{i:02d}").status_code == 200
    refused = chat(client, "信用卡临时额度怎么调", "rate-session-99")
    assert_error(refused, 429, "too_many_requests")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    stream = client.post("/api/chat/stream", json={"session_id": "rate-session-98", "message": "hi"})
    assert_error(stream, 429, "too_many_requests")
    assert chat(client, "信用卡临时额度怎么调", "rate-session-50", address="10.0.0.7").status_code == 200
    assert client.post("/api/session/messages", json={"session_id": "rate-session-01"}).status_code == 200


def test_ticket_rate_per_address_but_fraud_is_never_refused(client, fake_services):
    for i in range(3):
        assert chat(client, "转人工", f"flood-session-{i:02d}", address="10.0.0.9").get_json()["answer_kind"] \
            == "escalated"
    refused = chat(client, "转人工", "flood-session-77", address="10.0.0.9")
    assert_error(refused, 429, "too_many_requests")
    assert "柜台" in refused.get_json()["error"]["message"] and int(refused.headers["Retry-After"]) > 60
    assert fake_services.escalations.tickets.count("open") == 3
    body = chat(client, FRAUD, "fraud-session-01", address="10.0.0.9").get_json()
    assert body["answer_kind"] == "escalated"
    assert fake_services.escalations.tickets.count("open") == 4


def test_zero_turns_a_limit_off(client, fake_services):
    fake_services.escalations.limits.chat.rate = 0
    for i in range(8):
        assert chat(client, "你好", f"unlimited-{i:02d}").status_code == 200


def test_location_takes_ten_times_one_address():
    now = [0.0]
    limit = RateLimit(2, 60.0, clock=lambda: now[0])
    keys = lambda a: {f"addr:{a}": 1, "loc:lobby": LOCATION_FACTOR}  # noqa: E731
    taken = sum(limit.take(keys(f"10.0.0.{i}")) == 0 for i in range(50) for _ in range(3))
    assert taken == 2 * LOCATION_FACTOR  # each address got at most 2; the location stopped at 20
    now[0] += 6.0  # the location's bucket refills 20 per minute: two more
    assert limit.take(keys("10.0.1.1")) == 0 and limit.take(keys("10.0.1.2")) == 0
    assert limit.take(keys("10.0.1.3")) > 0


def test_buckets_are_bounded():
    limit = RateLimit(1, 60.0, capacity=100)
    for i in range(1000):
        limit.take({f"addr:{i}": 1})
    assert limit.tracked() == 100


def test_fraud_and_distress_first_in_a_paged_queue(client, fake_services, accounts):
    tickets = fake_services.escalations.tickets
    fake_services.escalations.limits.chat.rate = 0
    fake_services.escalations.limits.tickets.rate = 0
    for i in range(120):
        tickets.open(f"flood-{i:04d}", "asked_for_human", "zh", "kiosk-1", "[asked_for_human] 转人工")
    chat(client, FRAUD, "fraud-session-02")
    chat(client, "我真的不想活了", "distress-session-1")
    login(client, accounts["agent"])
    first = client.get("/api/agent/tickets?status=open").get_json()
    assert [t["reason"] for t in first["tickets"][:2]] == ["fraud_report", "distress"]
    assert first["total"] == 122 and first["pages"] == 3 and len(first["tickets"]) == 50
    last = client.get("/api/agent/tickets?status=open&page=3").get_json()
    assert len(last["tickets"]) == 22 and last["tickets"][-1]["session_id"] == "flood-0119"
    assert_error(client.get("/api/agent/tickets?page=0"), 400, "bad_request")


def test_the_wait_counts_only_customers_still_there(client, fake_services):
    tickets = fake_services.escalations.tickets
    for i in range(40):  # flooded: nobody polls these
        tickets.open(f"gone-{i:04d}", "asked_for_human", "zh", "kiosk-1", "[asked_for_human] 转人工")
    for i in range(5):  # polled, then abandoned ten minutes ago
        tickets.open(f"left-{i:04d}", "asked_for_human", "zh", "kiosk-1", "[asked_for_human] 转人工")
        tickets.seen(f"left-{i:04d}", time.time() - 600)
    body = chat(client, "转人工", "real-customer-1").get_json()
    assert body["answer_kind"] == "escalated" and "约3分钟" in body["answer"]  # not 46 tickets × 3 minutes
    assert client.post("/api/session/messages", json={"session_id": "real-customer-1"}).status_code == 200
    for i in range(40):
        tickets.seen(f"gone-{i:04d}")
    body = chat(client, "转人工", "real-customer-2").get_json()
    assert "约126分钟" in body["answer"]  # (40 + real-customer-1 ahead + 1) × 3 had they been there
