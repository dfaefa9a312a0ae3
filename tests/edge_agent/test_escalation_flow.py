"""Escalation through the chat API on fakes: triggers open a ticket, the customer is told, replies come back."""
import dataclasses

SID = "escalation-session-1"


def chat(client, message, sid=SID):
    resp = client.post("/api/chat", json={"session_id": sid, "message": message})
    assert resp.status_code == 200, resp.data
    return resp.get_json()


def test_asking_for_a_person_opens_a_ticket(client, fake_services):
    chat(client, "我的卡号6222021234567890128丢了")
    body = chat(client, "转人工")
    assert body["answer_kind"] == "escalated" and "工作人员" in body["answer"] and body["sources"] == []
    (ticket,) = fake_services.escalations.tickets.list("open")
    assert ticket.reason == "asked_for_human" and ticket.lang == "zh" and ticket.session_id == SID
    assert "6222021234567890128" not in ticket.summary and "<CREDIT_CARD_1>" in ticket.summary
    turns = fake_services.store.turns(SID)
    assert turns[-1]["escalation"] == "asked_for_human" and turns[0]["escalation"] == "none"
    # while a person has the conversation, the assistant does not answer on its own
    again = chat(client, "信用卡临时额度怎么调")
    assert again["answer_kind"] == "escalated" and len(fake_services.escalations.tickets.list("open")) == 1


def test_fraud_report_in_english(client, fake_services):
    body = chat(client, "There's a charge I don't recognise, it wasn't me", sid="escalation-session-2")
    assert body["answer_kind"] == "escalated" and "freeze" in body["answer"]
    assert fake_services.escalations.tickets.list("open")[0].reason == "fraud_report"


def test_no_answer_twice_escalates(client, fake_services):
    fake_services.chat.settings = dataclasses.replace(fake_services.settings, retrieval_min_evidence_en=1.5,
                                                      retrieval_min_evidence_zh=1.5)
    first = chat(client, "zzzz qqqq xxxx", sid="escalation-session-3")
    second = chat(client, "yyyy wwww vvvv", sid="escalation-session-3")
    assert first["answer_kind"] == "declined" and second["answer_kind"] == "escalated"
    assert fake_services.escalations.tickets.list("open")[0].reason == "no_answer"


def test_agent_reply_reaches_the_customer_session(client, fake_services):
    chat(client, "I want to talk to a human", sid="escalation-session-4")
    (ticket,) = fake_services.escalations.tickets.list("open")
    message = fake_services.escalations.agent_reply(ticket.id, "alice", "Hello, call me back on 13912345678?")
    fake_services.chat.record_agent_reply(fake_services.escalations.tickets.get(ticket.id), message)
    polled = client.post("/api/session/messages", json={"session_id": "escalation-session-4", "after": 0}).get_json()
    assert polled["handover"] == "claimed"
    assert [m["text"] for m in polled["messages"]] == ["Hello, call me back on <PHONE_NUMBER_1>?"]
    assert fake_services.store.turns("escalation-session-4")[-1]["answer_kind"] == "agent"
    later = client.post("/api/session/messages", json={"session_id": "escalation-session-4",
                                                       "after": polled["messages"][-1]["id"]}).get_json()
    assert later["messages"] == []
    bad = client.post("/api/session/messages", json={"session_id": "escalation-session-4", "after": -1})
    assert bad.status_code == 400
