"""The sign-in services of one app, kept in ``app.extensions["edge_agent.auth"]`` (never a module global)."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from flask import Flask, current_app

from edge_agent.auth.passwords import hasher
from edge_agent.auth.ratelimit import LoginLimiter
from edge_agent.auth.store import UserStore, users_db_path
from edge_agent.config import Settings

EXTENSION = "edge_agent.auth"
VERIFY_SLOTS = 2  # argon2 verifications at once (each takes ~64 MiB and ~0.1 s of CPU)
# Verified against when a user name is unknown, so that answer takes as long as a wrong password. Its
# password was random and thrown away; an unknown name fails whatever the result.
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$26G5ofMN2laR/4S4oAberw$dFSxQEf4JszKgR0y8+A7HFx5PyouJTDDCZ7HUQphzsQ"


@dataclass
class AuthServices:
    """Users store, password hasher and sign-in limiter of one app."""

    settings: Settings
    store: UserStore
    limiter: LoginLimiter
    hasher: PasswordHasher
    verify_slots: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(VERIFY_SLOTS))


def build_auth(settings: Settings) -> AuthServices:
    """The sign-in services for ``settings``."""
    return AuthServices(settings, UserStore(users_db_path(settings)), LoginLimiter.from_settings(settings), hasher())


def auth_services(app: Flask | None = None) -> AuthServices:
    """The sign-in services of ``app`` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION]
