"""The chat API's collection and choice fields, and small talk, on fakes (statuses and recorded turns)."""
from __future__ import annotations

import json

import pytest

from tests.edge_agent.web.test_api import SID, assert_error, chat


def test_collection_limits_answers_to_one_scope(client, fake_services):
    resp = client.post("/api/chat", json={"session_id": SID, "message": "信用卡临时额度怎么调", "collection": "clinic"})
    assert resp.status_code == 200
    assert all(s["id"].startswith("clinic/") for s in resp.get_json()["sources"])
    resp = client.post("/api/chat", json={"session_id": SID, "message": "信用卡临时额度怎么调", "collection": "bank"})
    assert resp.get_json()["sources"][0]["id"].startswith("bank/")


@pytest.mark.parametrize("collection", ["nowhere", 7, ["bank"]])
def test_unknown_collection_is_400_naming_the_known_ones(client, collection):
    resp = client.post("/api/chat", json={"session_id": SID, "message": "hello there", "collection": collection})
    assert_error(resp, 400, "bad_request")
    assert "bank" in resp.get_json()["error"]["message"]


@pytest.mark.parametrize("choice", ["bank/credit-card.zh.md#0", "", 3])
def test_a_choice_that_was_not_offered_is_400(client, choice):
    resp = client.post("/api/chat", json={"session_id": SID, "choice": choice})
    assert_error(resp, 400, "bad_request")


def test_an_offered_choice_is_answered_from_that_entry(client, fake_services):
    session = fake_services.chat.sessions.get(SID)
    session.choices = ("bank/credit-card.zh.md#1", "bank/credit-limit-travel.zh.md#0")
    resp = client.post("/api/chat", json={"session_id": SID, "choice": "bank/credit-limit-travel.zh.md#0"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["sources"][0]["id"] == "bank/credit-limit-travel.zh.md#0" and body["answer_kind"] in ("quoted",
                                                                                                     "generated")
    assert session.choices == () and session.topic_doc == "bank/credit-limit-travel.zh.md"
    (turn,) = fake_services.store.turns(SID)
    assert json.loads(turn["sources"])[0]["id"] == "bank/credit-limit-travel.zh.md#0"
    # the same choice again is no longer on offer
    assert_error(client.post("/api/chat", json={"session_id": SID, "choice": "bank/credit-limit-travel.zh.md#0"}),
                 400, "bad_request")


def test_thanks_is_small_talk_and_keeps_the_topic(client, fake_services):
    session = fake_services.chat.sessions.get(SID)
    session.topic, session.topic_doc = "信用卡临时额度怎么调", "bank/credit-limit-travel.zh.md"
    resp = chat(client, "好的谢谢")
    body = resp.get_json()
    assert resp.status_code == 200 and body["answer_kind"] == "smalltalk" and body["sources"] == []
    assert session.topic == "信用卡临时额度怎么调" and session.declined_in_a_row == 0
    (turn,) = fake_services.store.turns(SID)
    assert turn["answer_kind"] == "smalltalk"


def test_a_chosen_entry_whose_title_sounds_like_a_report_is_answered_not_escalated(client, fake_services):
    """The label of a pick is the entry's own title (「银行卡丢了或被偷了…」), never read as the customer's words."""
    entry = next(h.chunk_id for h in fake_services.knowledge.document_entries("bank/lost-card.zh.md")
                 if "被偷" in h.section)
    fake_services.chat.sessions.get(SID).choices = (entry,)
    body = client.post("/api/chat", json={"session_id": SID, "choice": entry}).get_json()
    assert body["answer_kind"] in ("quoted", "generated") and body["sources"][0]["id"] == entry
