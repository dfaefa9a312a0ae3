"""CSRF: every form and state-changing request from a signed-in page carries the session's token."""
from __future__ import annotations

import pytest
from flask import Blueprint, jsonify

from edge_agent.auth import csrf_token, require_role
from edge_agent.auth.services import auth_services
from tests.edge_agent.auth.conftest import ACCOUNTS, PASSWORD, assert_error, csrf_from, login, page_token

NEW_USER = {"username": "newbie", "role": "agent", "password": "Another-Good-Pass-77",
            "password2": "Another-Good-Pass-77"}


@pytest.mark.parametrize("token", [None, "", "wrong-token-" + "x" * 40], ids=["missing", "empty", "wrong"])
def test_admin_form_without_the_right_token_is_refused(app, client, accounts, token):
    login(client, ACCOUNTS["admin"])
    data = dict(NEW_USER, **({"csrf_token": token} if token is not None else {}))
    assert_error(client.post("/admin/users", data=data), 403, "csrf_failed")
    assert auth_services(app).store.get("newbie") is None


def test_admin_form_with_the_token_works(app, client, accounts):
    login(client, ACCOUNTS["admin"])
    token = page_token(client, "/admin/users")
    resp = client.post("/admin/users", data=dict(NEW_USER, csrf_token=token))
    assert resp.status_code == 303
    assert auth_services(app).store.get("newbie").role == "agent"


def test_token_of_another_session_is_refused(app, accounts):
    first, second = app.test_client(), app.test_client()
    login(first, ACCOUNTS["admin"])
    login(second, ACCOUNTS["admin"])
    stolen = page_token(second, "/admin/users")
    assert stolen != page_token(first, "/admin/users")
    assert_error(first.post("/admin/users", data=dict(NEW_USER, csrf_token=stolen)), 403, "csrf_failed")


def test_login_form_needs_the_token(client, accounts):
    client.get("/login")
    resp = client.post("/login", data={"username": ACCOUNTS["admin"], "password": PASSWORD})
    assert_error(resp, 403, "csrf_failed")


def test_token_changes_at_sign_in(client, accounts):
    before = page_token(client)
    login(client, ACCOUNTS["auditor"])
    assert page_token(client, "/audit") != before


def test_logout_needs_the_token(client, accounts):
    login(client, ACCOUNTS["auditor"])
    assert_error(client.post("/logout"), 403, "csrf_failed")
    assert client.get("/audit").status_code == 200  # still signed in
    resp = client.post("/logout", data={"csrf_token": page_token(client, "/audit")})
    assert resp.status_code == 303 and resp.headers["Location"] == "/login"
    assert client.get("/audit").status_code == 302


def test_json_api_takes_the_token_in_a_header(app, client, accounts):
    bp = Blueprint("probe", __name__)

    @bp.post("/api/agent/probe")
    @require_role("agent")
    def probe():
        return jsonify({"ok": True})

    @bp.get("/agent/probe-page")
    @require_role("agent")
    def probe_page():
        return csrf_token()

    app.register_blueprint(bp)
    assert_error(client.post("/api/agent/probe", json={}), 401, "sign_in_required")
    login(client, ACCOUNTS["agent"])
    token = client.get("/agent/probe-page").get_data(as_text=True)
    assert_error(client.post("/api/agent/probe", json={}), 403, "csrf_failed")
    assert_error(client.post("/api/agent/probe", json={}, headers={"X-CSRF-Token": token[:-1]}), 403, "csrf_failed")
    assert client.post("/api/agent/probe", json={}, headers={"X-CSRF-Token": token}).get_json() == {"ok": True}


def test_kiosk_api_needs_no_token(client):
    resp = client.post("/api/session/end", json={"session_id": "kiosk-session-0001"})
    assert resp.status_code == 200


def test_forms_on_staff_pages_all_carry_the_token(client, accounts):
    login(client, ACCOUNTS["admin"])
    html = client.get("/admin/users").get_data(as_text=True)
    forms = html.count('method="post"')
    assert forms >= 3 and html.count('name="csrf_token"') >= forms
    assert csrf_from(html)
