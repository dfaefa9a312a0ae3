"""The stored-text backstop at the writers: the conversation store and the ticket store never write a long
number no recognizer explained, in a message about cards, IDs or passwords (issue 11)."""
import sqlite3

from edge_agent.conversations import AuditOptions, ConversationStore, TurnRecord
from edge_agent.tickets import TicketStore

LEFT_OVER = "我的卡号 6222 0297 0326 9638 和订单号 500080636083"  # a missed number, and a look-alike


def turn(question: str, answer: str) -> TurnRecord:
    return TurnRecord(session_id="s-backstop-1", lang="zh", question=question, answer=answer, answer_kind="quoted",
                      entities=[], output_entities=[], sources=[], model_id="m", guard_version="g", grounding="ok")


def test_conversation_store_masks_unexplained_numbers(tmp_path):
    store = ConversationStore(tmp_path / "store.sqlite3", AuditOptions(key=b"k" * 32))
    try:
        store.append(turn(LEFT_OVER, "请拨打客服电话 400-820-8820，卡号 6222029703269638 已冻结"))
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "store.sqlite3") as conn:
        question, answer = conn.execute("SELECT question, answer FROM turns").fetchone()
    assert question == "我的卡号 <NUMBER> 和订单号 500080636083"
    assert answer == "请拨打客服电话 400-820-8820，卡号 <NUMBER> 已冻结"


def test_ticket_store_masks_summary_and_messages(tmp_path):
    store = TicketStore(tmp_path / "tickets.sqlite3")
    try:
        ticket = store.open("s-backstop-2", "asked_for_human", "zh", "kiosk", LEFT_OVER)
        message = store.add_message(ticket, "customer", "密码是 83415267，帮我转人工")
        assert message.text == "密码是 <NUMBER>，帮我转人工"
    finally:
        store.close_connection()
    with sqlite3.connect(tmp_path / "tickets.sqlite3") as conn:
        summary = conn.execute("SELECT summary FROM tickets").fetchone()[0]
        texts = [r[0] for r in conn.execute("SELECT text FROM ticket_messages")]
    assert summary == "我的卡号 <NUMBER> 和订单号 500080636083" and texts == ["密码是 <NUMBER>，帮我转人工"]
