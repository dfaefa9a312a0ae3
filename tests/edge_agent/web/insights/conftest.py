"""Fixtures for /insights, /admin/kb/draft and /api/feedback on the fake-backed app: the staff fixtures of
tests/edge_agent/auth (imported so pytest finds them here), a fake document guard and a settable clock."""
from __future__ import annotations

import time as real_time

import pytest

from edge_agent import conversations
from edge_agent.knowledge.ingest import ServiceNumberFilter
from edge_agent.web.kb_admin import INGEST_REDACTOR
from guardrails.redactor import Redactor
from tests.edge_agent.auth.conftest import ACCOUNTS, PASSWORD, accounts, fast_password_hash, login, page_token, settings
from tests.edge_agent.insights.conftest import Clock
from tests.fakes import FakeDetector

__all__ = ["ACCOUNTS", "PASSWORD", "accounts", "fast_password_hash", "login", "page_token", "settings"]


@pytest.fixture
def app(app):
    """The fake-backed app with the fake detector as the document guard."""
    app.extensions[INGEST_REDACTOR] = Redactor(ServiceNumberFilter(FakeDetector()))
    return app


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Turns stored from now on get the clock's time."""
    fake = Clock(real_time.time())
    monkeypatch.setattr(conversations, "time", fake)
    return fake
