"""Fixtures for /admin/kb: the staff fixtures of tests/auth, and a fake document guard (no Presidio)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from edge_agent.auth.passwords import hash_password, hasher
from edge_agent.auth.secret import create_secret_key
from edge_agent.auth.services import auth_services
from edge_agent.knowledge.ingest import ServiceNumberFilter
from edge_agent.web.kb_admin import INGEST_REDACTOR
from guardrails.redactor import Redactor
from tests.auth.conftest import ACCOUNTS, PASSWORD, login, page_token
from tests.fakes import FakeDetector

__all__ = ["ACCOUNTS", "PASSWORD", "login", "page_token"]


@pytest.fixture
def settings(settings, tmp_path: Path):
    """Cookies over plain http, the staff secret in a named file (as in tests/auth)."""
    key = tmp_path / "staff-secret.key"
    create_secret_key(key)
    return dataclasses.replace(settings, cookie_secure=False, secret_key_file=key)


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(hasher(), PASSWORD)


@pytest.fixture
def app(app):
    """The fake-backed app with the fake detector as the document guard."""
    app.extensions[INGEST_REDACTOR] = Redactor(ServiceNumberFilter(FakeDetector()))
    return app


@pytest.fixture
def accounts(app, password_hash) -> dict[str, str]:
    store = auth_services(app).store
    for role, name in ACCOUNTS.items():
        store.add(name, role, password_hash)
    return dict(ACCOUNTS)


@pytest.fixture
def admin(client, accounts):
    """The client, signed in as the admin."""
    assert login(client, ACCOUNTS["admin"]).status_code == 303
    return client
