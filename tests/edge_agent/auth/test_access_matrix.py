"""Every route × every role, built from app.url_map so new routes are covered without editing this file.

Signed out: pages redirect to /login?next=…, /api/... answers 401. Wrong role: 403 in the standard error
shape. Allowed: GET pages answer 200 (404 only for a made-up id of a route this file has no sample for);
POSTs are not refused (they may reject the empty form). Public routes are listed here, deliberately.
"""
from __future__ import annotations

import pytest
from flask import Flask

from edge_agent.auth.policy import PUBLIC_ENDPOINTS, required_roles
from edge_agent.auth.roles import STAFF_ROLES
from edge_agent.conversations import TurnRecord
from tests.edge_agent.auth.conftest import ACCOUNTS, assert_error, login, page_token

# Deliberately open to anyone (kiosk customers, probes); must equal the app's own list.
PUBLIC = {"kiosk.page", "api.chat", "api.chat_stream", "api.end_session", "api.session_messages", "health.healthz",
          "static", "auth.login", "metrics.metrics", "feedback.submit",
          "media.ask_image", "media.ask_voice", "media.speak"}
# The roles of this package's routes, written out so a changed decorator shows up here.
EXPECTED = {
    "auth.logout": set(STAFF_ROLES),
    "auth.admin_users": {"admin"}, "auth.admin_add_user": {"admin"}, "auth.admin_set_role": {"admin"},
    "auth.admin_remove_user": {"admin"},
    "audit.index": {"auditor"}, "audit.session_view": {"auditor"}, "audit.export": {"auditor"},
    # a manager sees k-anonymous insights only: never /audit, a transcript or the agent queue
    "insights.page": {"manager", "admin"}, "insights.data": {"manager", "admin"},
    "insights.csv_export": {"manager", "admin"}, "kb_drafts.draft": {"admin"}, "kb_drafts.save": {"admin"},
}
SAMPLE_SESSION = "matrix-session-0001"
SAMPLE_ARGS = {"name": "sample-user", "session_id": SAMPLE_SESSION, "filename": "staff.css"}
ROLES = (None, *STAFF_ROLES)  # None: signed out (the kiosk)


def routes(app: Flask) -> list[tuple[str, str, str, bool]]:
    """(endpoint, method, url, has_made_up_args) for every non-public route, sign-out last."""
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.endswith(".static"):
            continue
        made_up = False
        values = {}
        for arg in rule.arguments:
            if arg in SAMPLE_ARGS:
                values[arg] = SAMPLE_ARGS[arg]
            else:
                made_up = True
                converter = type(rule._converters[arg]).__name__
                values[arg] = 1 if converter in ("IntegerConverter", "NumberConverter") else "sample-0001"
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, adapter.build(rule.endpoint, values, method=method), made_up))
    return sorted(found, key=lambda r: (r[0] == "auth.logout", r[0], r[1]))


def seed(app, fake_services) -> None:
    from edge_agent.auth.services import auth_services

    auth_services(app).store.add("sample-user", "agent", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaA")
    fake_services.store.append(TurnRecord(
        session_id=SAMPLE_SESSION, lang="en", question="my card <CREDIT_CARD_1>", answer="ok", answer_kind="quoted",
        entities=[{"type": "CREDIT_CARD", "count": 1}], output_entities=[], sources=[], model_id="mock",
        guard_version="test", grounding="quoted"))


def test_public_endpoints_are_exactly_the_listed_ones(app):
    assert set(PUBLIC_ENDPOINTS) == PUBLIC, "a public route was added or removed: update both lists on purpose"
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert PUBLIC <= endpoints, f"stale public entries: {PUBLIC - endpoints}"


def test_every_other_route_declares_its_roles(app):
    for endpoint, method, url, _ in routes(app):
        roles = required_roles(app.view_functions[endpoint])
        assert roles, f"{method} {url} ({endpoint}) has no require_role(): it would be refused to everyone"
        if endpoint in EXPECTED:
            assert set(roles) == EXPECTED[endpoint], endpoint
    assert {e for e, *_ in routes(app)} >= set(EXPECTED), "a route of this package disappeared"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "signed-out")
def test_route_role_matrix(app, client, fake_services, accounts, role):
    seed(app, fake_services)
    if role:
        assert login(client, ACCOUNTS[role]).status_code == 303
    token = page_token(client)
    failures = []
    for endpoint, method, url, made_up in routes(app):
        allowed = role in set(required_roles(app.view_functions[endpoint]) or ())
        kwargs = {"headers": {"X-CSRF-Token": token}}
        if method != "GET":
            kwargs.update({"json": {}} if url.startswith("/api/") else {"data": {"csrf_token": token}})
        resp = client.open(url, method=method, **kwargs)
        where = f"{role or 'signed-out'} {method} {url} -> {resp.status_code}"
        if role is None:
            if url.startswith("/api/"):
                ok = resp.status_code == 401 and resp.get_json()["error"]["code"] == "sign_in_required"
            else:
                ok = resp.status_code in (302, 303) and resp.headers["Location"].startswith("/login?next=")
        elif not allowed:
            body = resp.get_json(silent=True) or {}
            ok = resp.status_code == 403 and body.get("ok") is False and body["error"]["code"] == "forbidden"
        elif method == "GET":
            ok = resp.status_code == 200 or (made_up and resp.status_code == 404)
        else:
            location = resp.headers.get("Location", "")
            ok = resp.status_code not in (401, 403, 500) and not location.startswith("/login?next=")
        if not ok:
            failures.append(where)
    assert not failures, "\n".join(failures)


def test_route_without_a_rule_is_refused_to_everyone(app, client, accounts):
    from flask import Blueprint

    bp = Blueprint("forgotten", __name__)
    bp.add_url_rule("/forgotten", "page", lambda: "secret")
    app.register_blueprint(bp)
    assert_error(client.get("/forgotten"), 403, "forbidden")
    login(client, ACCOUNTS["admin"])
    assert_error(client.get("/forgotten"), 403, "forbidden")


def test_unknown_route_is_still_404(client):
    assert_error(client.get("/no/such/page"), 404, "not_found")
