"""The admin's /admin/users page: list, add, change role, remove — with the guard rails."""
from __future__ import annotations

from edge_agent.auth.services import auth_services
from tests.edge_agent.auth.conftest import ACCOUNTS, PASSWORD, login, page_token

GOOD = {"password": "Queue-Number-88", "password2": "Queue-Number-88"}


def post(client, path: str, **data: str):
    return client.post(path, data={"csrf_token": page_token(client, "/admin/users"), **data})


def test_lists_users_with_bilingual_labels(client, accounts):
    login(client, ACCOUNTS["admin"])
    html = client.get("/admin/users").get_data(as_text=True)
    for name in accounts.values():
        assert f'data-user="{name}"' in html
    assert "用户管理" in html and "Users" in html and "$argon2" not in html


def test_add_change_role_and_remove(app, client, accounts):
    store = auth_services(app).store
    login(client, ACCOUNTS["admin"])
    resp = post(client, "/admin/users", username="teller.wang", role="agent", password="Queue-Number-88",
                password2="Queue-Number-88")
    assert resp.status_code == 303
    assert "Added teller.wang" in client.get("/admin/users").get_data(as_text=True)
    assert post(client, "/admin/users/teller.wang/role", role="admin").status_code == 303
    assert store.get("teller.wang").role == "admin"
    assert post(client, "/admin/users/teller.wang/remove").status_code == 400  # no confirmation
    assert post(client, "/admin/users/teller.wang/remove", confirm="yes").status_code == 303
    assert store.get("teller.wang") is None


def test_refusals_show_on_the_page(app, client, accounts):
    login(client, ACCOUNTS["admin"])
    resp = post(client, "/admin/users", username="x", role="agent", **GOOD)
    assert resp.status_code == 400 and "用户名" in resp.get_data(as_text=True)
    resp = post(client, "/admin/users", username="weak", role="agent", password="short", password2="short")
    assert resp.status_code == 400 and 'value="weak"' in resp.get_data(as_text=True)
    resp = post(client, "/admin/users", username="typo", role="agent", password=GOOD["password"],
                password2="Queue-Number-89")
    assert resp.status_code == 400 and "differ" in resp.get_data(as_text=True)
    resp = post(client, "/admin/users", username="agent1", role="agent", **GOOD)
    assert resp.status_code == 409
    resp = post(client, "/admin/users", username="boss", role="kiosk", **GOOD)
    assert resp.status_code == 400
    assert auth_services(app).store.get("boss") is None


def test_admin_cannot_remove_self_or_demote_the_last_admin(app, client, accounts):
    store = auth_services(app).store
    login(client, ACCOUNTS["admin"])
    assert post(client, "/admin/users/admin1/remove", confirm="yes").status_code == 400
    assert post(client, "/admin/users/admin1/role", role="agent").status_code == 400
    assert store.get("admin1").role == "admin"
    store.add("admin2", "admin", store.password_hash("admin1")[1])
    assert post(client, "/admin/users/admin2/role", role="agent").status_code == 303


def test_removed_user_loses_their_session(app, accounts):
    admin, agent = app.test_client(), app.test_client()
    login(admin, ACCOUNTS["admin"])
    login(agent, ACCOUNTS["agent"], PASSWORD)
    assert agent.get("/agent").status_code == 200
    assert post(admin, "/admin/users/agent1/remove", confirm="yes").status_code == 303
    assert agent.get("/agent").status_code == 302
