"""Fixtures for /admin/kb: the staff fixtures of tests/edge_agent/auth, and a fake document guard (no Presidio).

``accounts``, ``fast_password_hash`` and ``settings`` are imported so that pytest finds those fixtures here."""
from __future__ import annotations

import pytest

from edge_agent.knowledge.ingest import ServiceNumberFilter
from edge_agent.web.kb_admin import INGEST_REDACTOR
from guardrails.redactor import Redactor
from tests.edge_agent.auth.conftest import ACCOUNTS, PASSWORD, accounts, fast_password_hash, login, page_token, settings
from tests.fakes import FakeDetector

__all__ = ["ACCOUNTS", "PASSWORD", "login", "page_token"]


@pytest.fixture
def app(app):
    """The fake-backed app with the fake detector as the document guard."""
    app.extensions[INGEST_REDACTOR] = Redactor(ServiceNumberFilter(FakeDetector()))
    return app


@pytest.fixture
def admin(client, accounts):
    """The client, signed in as the admin."""
    assert login(client, ACCOUNTS["admin"]).status_code == 303
    return client
