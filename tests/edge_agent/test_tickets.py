"""Tickets and the escalation service on a fake detector."""
import pytest

from edge_agent.errors import Conflict, NotFound
from edge_agent.escalation import EscalationService
from edge_agent.tickets import TicketStore
from guardrails.escalation import Escalation, EscalationPolicy
from guardrails.redactor import Redactor
from tests.fakes import FakeDetector


@pytest.fixture
def service(tmp_path):
    store = TicketStore(tmp_path / "tickets.sqlite3")
    yield EscalationService(EscalationPolicy(), store, Redactor(FakeDetector()), "kiosk-lobby", 3)
    store.close_connection()


def test_open_is_idempotent_per_session_and_words_the_wait(service):
    first = service.open("session-aaaa", Escalation("asked_for_human"), "zh", ["转人工"])
    again = service.open("session-aaaa", Escalation("complaint"), "zh", ["我要投诉"])
    assert first.ticket.id == again.ticket.id and first.ticket.reason == "asked_for_human"
    assert "工作人员" in first.message and "分钟" in first.message
    assert first.ticket.location == "kiosk-lobby" and first.ticket.summary.startswith("[asked_for_human]")
    second = service.open("session-bbbb", Escalation("distress"), "en", ["my father passed away"])
    assert "sorry" in second.message and "about 3 minutes" in second.message  # distress goes first: none ahead
    assert "110" not in second.message  # bereavement is not a crisis
    service.active_ticket("session-aaaa")  # both kiosks poll for a reply: their customers are still there
    service.active_ticket("session-bbbb")
    third = service.open("session-eeee", Escalation("asked_for_human"), "en", ["a person please"])
    assert "about 9 minutes" in third.message  # the distressed customer and session-aaaa are ahead
    fourth = service.open("session-ffff", Escalation("asked_for_human"), "en", ["a person please"])
    assert "about 9 minutes" in fourth.message  # session-eeee has not polled yet: not counted


def test_crisis_adds_emergency_numbers(service):
    h = service.open("session-cccc", Escalation("distress"), "zh", ["我真的不想活了"])
    assert "110" in h.message and "120" in h.message


def test_claim_reply_close_flow(service):
    h = service.open("session-dddd", Escalation("fraud_report"), "en", ["not me"])
    ticket = service.tickets.claim(h.ticket.id, "alice")
    with pytest.raises(Conflict):
        service.tickets.claim(ticket.id, "bob")  # someone else has it
    msg = service.agent_reply(ticket.id, "alice", "Hi, I've frozen card 6222021234567890128 for you.")
    assert "6222021234567890128" not in msg.text and "<CREDIT_CARD_1>" in msg.text  # the output guard ran
    assert [m.text for m in service.tickets.agent_messages_for("session-dddd")] == [msg.text]
    assert service.tickets.agent_messages_for("session-dddd", after=msg.id) == []
    with pytest.raises(Conflict):
        service.tickets.close(ticket.id, "bob", "resolved")
    closed = service.tickets.close(ticket.id, "alice", "resolved")
    assert closed.status == "closed" and service.active_ticket("session-dddd") is None
    with pytest.raises(Conflict):
        service.agent_reply(ticket.id, "alice", "late reply")  # closed tickets take no replies
    with pytest.raises(NotFound):
        service.tickets.get(999)
