"""Fixtures for staff sign-in tests: plain-http cookies, a secret key from the settings, one account per role."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type

from edge_agent.auth.passwords import hash_password, hasher
from edge_agent.auth.secret import create_secret_key
from edge_agent.auth.services import auth_services

PASSWORD = "Correct-Horse-42-battery"
ACCOUNTS = {"agent": "agent1", "auditor": "auditor1", "admin": "admin1", "manager": "manager1"}  # role -> user name
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
# argon2id at the lowest cost: a sign-in through the views takes ~1 ms instead of ~0.2 s. Only the fixture
# accounts use it; tests of the production cost use hasher() and password_hash.
FAST_HASHER = PasswordHasher(type=Type.ID, time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def settings(settings, tmp_path: Path):
    """The shared test settings, with cookies allowed over plain http and the secret key in a named file."""
    key = tmp_path / "staff-secret.key"
    create_secret_key(key)
    return dataclasses.replace(settings, cookie_secure=False, secret_key_file=key)


@pytest.fixture(scope="session")
def password_hash() -> str:
    """PASSWORD hashed once (argon2id takes ~0.1 s)."""
    return hash_password(hasher(), PASSWORD)


@pytest.fixture(scope="session")
def fast_password_hash() -> str:
    """PASSWORD hashed once with FAST_HASHER."""
    return hash_password(FAST_HASHER, PASSWORD)


@pytest.fixture
def accounts(app, fast_password_hash) -> dict[str, str]:
    """One account per staff role, all with PASSWORD; returns role -> name.

    The app verifies (and hashes new passwords) with FAST_HASHER, so its sign-ins cost no argon2 time."""
    services = auth_services(app)
    services.hasher = FAST_HASHER
    for role, name in ACCOUNTS.items():
        services.store.add(name, role, fast_password_hash)
    return dict(ACCOUNTS)


def csrf_from(html: str) -> str:
    """The CSRF token of a rendered form."""
    match = CSRF_INPUT.search(html)
    assert match, "the page has no csrf_token field"
    return match.group(1)


def login(client, name: str, password: str = PASSWORD, **extra: str):
    """Sign in through the form (GET for the token, then POST); returns the POST's response."""
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"csrf_token": token, "username": name, "password": password, **extra})


def page_token(client, path: str = "/login") -> str:
    """The CSRF token a page carries for this client's session."""
    return csrf_from(client.get(path).get_data(as_text=True))


def assert_error(resp, status: int, code: str) -> None:
    """The standard error body with the given status and code."""
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:300])
    body = resp.get_json()
    assert body and body["ok"] is False and body["error"]["code"] == code and body["error"]["message"]
