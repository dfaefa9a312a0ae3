"""Sign-in, sessions and sign-out: redirects, safe `next`, fixation, server-side expiry and revocation."""
from __future__ import annotations

import sqlite3

import pytest

from edge_agent.auth.services import auth_services
from edge_agent.auth.store import users_db_path
from tests.edge_agent.auth.conftest import ACCOUNTS, PASSWORD, login, page_token


@pytest.mark.parametrize("role, home", [("auditor", "/audit"), ("admin", "/admin/users"), ("agent", None)])
def test_sign_in_goes_to_the_role_page(client, accounts, role, home):
    resp = login(client, ACCOUNTS[role])
    assert resp.status_code == 303
    # The agent page is built elsewhere; until it exists an agent lands on the signed-in panel.
    assert resp.headers["Location"] in ({home} if home else {"/agent", "/login"})


def test_signed_out_page_redirects_and_comes_back(client, accounts):
    resp = client.get("/audit?entity=CREDIT_CARD")
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/login?next=/audit?entity%3DCREDIT_CARD"
    resp = login(client, ACCOUNTS["auditor"], next="/audit?entity=CREDIT_CARD")
    assert resp.headers["Location"] == "/audit?entity=CREDIT_CARD"


@pytest.mark.parametrize("target", [
    "//evil.example/x",          # scheme-relative: another host
    "https://evil.example/",     # absolute URL
    "/\\evil.example",           # backslash: some browsers read it as //
    "audit",                     # not a path
    "/audit\r\nSet-Cookie: x=1",  # header injection
])
def test_next_pointing_elsewhere_is_ignored(client, accounts, target):
    resp = login(client, ACCOUNTS["auditor"], next=target)
    assert resp.status_code == 303 and resp.headers["Location"] == "/audit"


@pytest.mark.parametrize("name, password", [("auditor1", "Wrong-password-123"), ("nobody", PASSWORD), ("", "")])
def test_bad_credentials_get_one_message(client, accounts, name, password):
    resp = login(client, name, password)
    assert resp.status_code == 401
    html = resp.get_data(as_text=True)
    assert "Wrong user name or password" in html and PASSWORD not in html
    assert client.get("/audit").status_code == 302


def test_session_cookie_is_replaced_at_sign_in(client, accounts):
    client.get("/login")
    before = client.get_cookie("edge_staff").value
    login(client, ACCOUNTS["auditor"])
    assert client.get_cookie("edge_staff").value != before


def test_sign_out_ends_the_session_on_the_server(app, client, accounts):
    login(client, ACCOUNTS["auditor"])
    stolen = client.get_cookie("edge_staff").value
    client.post("/logout", data={"csrf_token": page_token(client, "/audit")})
    replay = app.test_client()
    replay.set_cookie("edge_staff", stolen)
    assert replay.get("/audit").status_code == 302
    assert auth_services(app).store.session_count() == 0


def test_removed_user_is_signed_out_at_once(app, client, accounts):
    login(client, ACCOUNTS["auditor"])
    auth_services(app).store.remove(ACCOUNTS["auditor"])
    assert client.get("/audit").status_code == 302


def test_role_change_applies_to_the_next_request(app, client, accounts):
    login(client, ACCOUNTS["auditor"])
    auth_services(app).store.set_role(ACCOUNTS["auditor"], "agent")
    assert client.get("/audit").status_code == 403


@pytest.mark.parametrize("column", ["last_seen", "created"])
def test_idle_or_old_session_expires(app, settings, client, accounts, column):
    login(client, ACCOUNTS["auditor"])
    with sqlite3.connect(users_db_path(settings)) as conn:
        conn.execute(f"UPDATE sessions SET {column} = {column} - ?", (settings.staff_session_max_s + 1,))
    assert client.get("/audit").status_code == 302


def test_login_page_shows_who_is_signed_in(client, accounts):
    login(client, ACCOUNTS["auditor"])
    html = client.get("/login").get_data(as_text=True)
    assert 'data-user="auditor1"' in html and 'href="/audit"' in html


def test_staff_pages_are_not_cached_or_framed(client, accounts):
    login(client, ACCOUNTS["auditor"])
    resp = client.get("/audit")
    assert resp.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_password_is_rehashed_when_parameters_change(app, client, accounts):
    from argon2 import PasswordHasher

    from edge_agent.auth.passwords import hasher

    auth_services(app).hasher = hasher()  # the production parameters, not the fixture accounts' fast ones
    store = auth_services(app).store
    store.set_password_hash(ACCOUNTS["agent"], PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD))
    assert login(client, ACCOUNTS["agent"]).status_code == 303
    assert store.password_hash(ACCOUNTS["agent"])[1].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
