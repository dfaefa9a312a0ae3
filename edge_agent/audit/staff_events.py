"""Staff actions as signed ``staff`` events in the audit chain (issue 12, Medium 7): sign-ins, account and role
changes (from /admin/users or `edge-agent users`), ticket claims and exports. An auditor sees in the chain who
gave whom which rights and who took which data out; the actions happen only if they can be recorded.
"""
from __future__ import annotations

import dataclasses
import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from edge_agent.config import Settings


class Recorder(Protocol):
    """Chains one staff action."""

    def __call__(self, action: str, subject: str, detail: str = "") -> None: ...


def cli_actor() -> str:
    """Who acts from the command line on the box: ``cli:<OS user>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return f"cli:uid-{os.getuid()}"


def record_in_request(actor: str, action: str, subject: str, detail: str = "") -> None:
    """Chain an action taken through the web app, in the running service's conversation store."""
    from flask import current_app

    current_app.extensions["edge_agent"].store.record_staff_event(actor, action, subject, detail)


@contextmanager
def cli_recorder(settings: Settings) -> Iterator[Recorder]:
    """A recorder for one command, by ``cli:<OS user>``; the audit store is opened as `edge-agent init` does (the
    key is created only on an empty chain) and closed after the block."""
    from edge_agent.conversations import ConversationStore, audit_options

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    options = dataclasses.replace(audit_options(settings, create_key=True), retention_days=0)
    store = ConversationStore(settings.db_path, options)
    actor = cli_actor()

    def record(action: str, subject: str, detail: str = "") -> None:
        store.record_staff_event(actor, action, subject, detail)
    try:
        yield record
    finally:
        store.close()
