"""Issue 12, Low: tickets.sqlite3 (redacted summaries and agent/customer messages) is purged by retention
like the turns it summarises: at open, hourly while running, and by `edge-agent audit purge`."""
from __future__ import annotations

import time

from edge_agent.cli import main
from edge_agent.tickets import TicketStore


def fill(store: TicketStore, old_ts: float) -> None:
    for sid in ("old-session-01", "old-session-02", "new-session-01"):
        ticket = store.open(sid, "asked_for_human", "zh", "kiosk-1", "[asked_for_human] 转人工")
        store.add_message(ticket, "customer", "还在吗")
    store._conn.execute("UPDATE tickets SET created = ? WHERE session_id LIKE 'old-%'", (old_ts,))
    store._conn.execute("UPDATE ticket_messages SET ts = ? WHERE session_id LIKE 'old-%'", (old_ts,))


def test_retention_days_purges_old_tickets_and_their_messages_at_open(tmp_path):
    path = tmp_path / "tickets.sqlite3"
    store = TicketStore(path)
    fill(store, time.time() - 40 * 86_400)
    store.close_connection()
    store = TicketStore(path, retention_days=30)
    assert [t.session_id for t in store.list(None)] == ["new-session-01"]
    assert store._conn.execute("SELECT COUNT(*) FROM ticket_messages").fetchone()[0] == 1
    store.close_connection()


def test_audit_purge_also_purges_tickets(tmp_path, capsys):
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "init"]) == 0
    store = TicketStore(data / "tickets.sqlite3")
    fill(store, time.time() - 40 * 86_400)
    store.close_connection()
    assert main(["--data-dir", str(data), "audit", "purge", "--before", "2000-01-01"]) == 0
    assert "purged 0 escalation tickets" in capsys.readouterr().out
    before = time.strftime("%Y-%m-%d", time.localtime(time.time() - 30 * 86_400))
    assert main(["--data-dir", str(data), "audit", "purge", "--before", before]) == 0
    assert "purged 2 escalation tickets" in capsys.readouterr().out
    assert [t.session_id for t in TicketStore(data / "tickets.sqlite3").list(None)] == ["new-session-01"]
