"""Issue 12, Medium 7: separation of duties. An admin manages accounts and knowledge but does not read
transcripts and cannot make, unmake or change auditors from the web (that is the CLI on the box); sign-ins,
account and role changes, ticket claims and exports are signed staff events in the audit chain."""
from __future__ import annotations

import json

import pytest

from edge_agent import cli
from edge_agent.audit.verify import verify_chain
from edge_agent.auth.services import auth_services
from edge_agent.services import Services
from tests.edge_agent.auth.conftest import ACCOUNTS, PASSWORD, login, page_token

GOOD = {"password": "Queue-Number-88", "password2": "Queue-Number-88"}


def post(client, path: str, **data: str):
    return client.post(path, data={"csrf_token": page_token(client, "/admin/users"), **data})


def staff_events(services: Services) -> list[dict]:
    return [r.payload() for r in services.store.records() if r.kind == "staff"]


@pytest.mark.parametrize("path", ["/agent", "/api/agent/tickets"])
def test_an_admin_has_no_agent_rights(client, accounts, path):
    login(client, ACCOUNTS["admin"])
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path, form", [
    ("/admin/users", {"username": "friend", "role": "auditor", **GOOD}),   # a new auditor
    ("/admin/users/agent1/role", {"role": "auditor"}),                     # someone made auditor
    ("/admin/users/admin1/role", {"role": "auditor"}),                     # … or the admin themselves
    ("/admin/users/auditor1/role", {"role": "agent"}),                     # the auditor demoted
    ("/admin/users/auditor1/remove", {"confirm": "yes"}),                  # … or removed
])
def test_the_web_cannot_make_unmake_or_change_auditors(app, client, accounts, path, form):
    store = auth_services(app).store
    login(client, ACCOUNTS["admin"])
    resp = post(client, path, **form)
    assert resp.status_code == 400 and "edge-agent users" in resp.get_data(as_text=True)
    assert store.get("friend") is None
    assert {a.name: a.role for a in store.accounts()}["auditor1"] == "auditor"
    assert store.get("agent1").role == "agent" and store.get("admin1").role == "admin"


def test_the_page_does_not_offer_auditor_and_an_admin_keeps_their_own_role(app, client, accounts):
    login(client, ACCOUNTS["admin"])
    assert 'value="auditor"' not in client.get("/admin/users").get_data(as_text=True)
    auth_services(app).store.add("admin2", "admin", auth_services(app).store.password_hash("admin1")[1])
    assert post(client, "/admin/users/admin1/role", role="agent").status_code == 400  # not yourself


def test_sign_ins_and_account_changes_are_signed_staff_events(app, client, accounts, fake_services, settings):
    login(client, ACCOUNTS["admin"])
    assert post(client, "/admin/users", username="teller.wang", role="agent", **GOOD).status_code == 303
    assert post(client, "/admin/users/teller.wang/role", role="admin").status_code == 303
    assert post(client, "/admin/users/teller.wang/remove", confirm="yes").status_code == 303
    events = [(e["actor"], e["action"], e["subject"], e["detail"]) for e in staff_events(fake_services)]
    assert events == [("admin1", "sign_in", "admin1", "admin"), ("admin1", "user_add", "teller.wang", "agent"),
                      ("admin1", "role_change", "teller.wang", "agent -> admin"),
                      ("admin1", "user_remove", "teller.wang", "")]
    fake_services.store.checkpoint()
    conn = fake_services.store._conn  # the chain, with its staff events, verifies with the key
    assert verify_chain(conn, fake_services.store._audit.key).ok


def test_a_failed_sign_in_records_nothing_and_a_claim_is_recorded(app, client, accounts, fake_services):
    login(client, ACCOUNTS["agent"], "Wrong-Password-1")
    assert staff_events(fake_services) == []
    kiosk = app.test_client()
    assert kiosk.post("/api/chat", json={"session_id": "duties-0001", "message": "转人工"}).status_code == 200
    (ticket,) = fake_services.escalations.tickets.list("open")
    login(client, ACCOUNTS["agent"], PASSWORD)
    assert client.post(f"/api/agent/tickets/{ticket.id}/claim", json={},
                       headers={"X-CSRF-Token": page_token(client, "/agent")}).status_code == 200
    (sign_in, claim) = staff_events(fake_services)
    assert (claim["actor"], claim["action"], claim["subject"], claim["detail"]) == (
        "agent1", "ticket_claim", f"ticket {ticket.id}", "asked_for_human")


def test_auditors_are_made_on_the_box_and_that_is_recorded(settings, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("Queue-Number-88\n"))
    assert cli.main(["--data-dir", str(settings.data_dir), "users", "add", "auditor2", "--role", "auditor"]) == 0
    assert cli.main(["--data-dir", str(settings.data_dir), "audit", "export"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    staff = [r["data"] for r in rows if r["kind"] == "staff"]
    assert [(s["action"], s["subject"], s["detail"]) for s in staff] == [
        ("user_add", "auditor2", "auditor"), ("export", "start..now", "jsonl")]
    assert all(s["actor"].startswith("cli:") for s in staff)
