"""The audit key file: created 0600 and never overwritten; clear errors when missing or unsafe; the
service refuses to start a chain without the key unless told to create it."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from edge_agent.audit.keys import AuditKeyError, create_key, key_path, load_key
from edge_agent.config import Settings
from edge_agent.conversations import audit_options
from tests.edge_agent.audit.helpers import turn


def settings_for(tmp_path: Path, **values) -> Settings:
    return Settings.from_mapping({"data_dir": tmp_path / "data", **values})


def test_created_key_is_private_random_and_not_overwritten(tmp_path):
    path = tmp_path / "keys" / "audit.key"
    key = create_key(path)
    assert len(key) == 32 and load_key(path) == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert create_key(tmp_path / "other.key") != key
    with pytest.raises(AuditKeyError, match="already exists"):
        create_key(path)
    assert load_key(path) == key


def test_default_and_configured_paths(tmp_path):
    assert key_path(settings_for(tmp_path)) == tmp_path / "data" / "keys" / "audit.key"
    assert key_path(settings_for(tmp_path, audit_key_file=str(tmp_path / "k"))) == tmp_path / "k"


@pytest.mark.parametrize("content, mode, message", [
    (None, 0o600, "missing: run `edge-agent init`"),          # no file
    ("ab" * 32 + "\n", 0o644, "chmod 600"),                   # readable by everyone
    ("not hex at all\n", 0o600, "does not hold a hex key"),   # garbage
    ("abcd\n", 0o600, "shorter than 32 bytes"),               # too short
])
def test_bad_key_files_are_clear_errors(tmp_path, content, mode, message):
    path = tmp_path / "audit.key"
    if content is not None:
        path.write_text(content)
        os.chmod(path, mode)
    with pytest.raises(AuditKeyError, match=message):
        load_key(path)


def test_group_readable_key_is_refused(tmp_path):
    path = tmp_path / "audit.key"
    path.write_text("cd" * 32)
    os.chmod(path, 0o640)  # anyone in the group could sign forged records
    with pytest.raises(AuditKeyError, match="group or other users.*chmod 600"):
        load_key(path)
    os.chmod(path, 0o600)
    assert load_key(path) == bytes.fromhex("cd" * 32)


def test_serving_without_a_key_is_refused_unless_autocreate(tmp_path):
    from edge_agent.services import build_services

    settings = settings_for(tmp_path)
    with pytest.raises(AuditKeyError, match="edge-agent init.*AUTOCREATE"):
        build_services(settings, create_audit_key=False)  # refuses before loading anything
    assert not key_path(settings).exists()
    options = audit_options(settings, create_key=True)
    assert load_key(key_path(settings)) == options.key


def test_a_lost_key_is_never_silently_replaced(tmp_path):
    from edge_agent.conversations import ConversationStore

    settings = settings_for(tmp_path)
    store = ConversationStore(settings.db_path, audit_options(settings, create_key=True))
    store.append(turn(1))
    store.close()
    key_path(settings).unlink()
    with pytest.raises(AuditKeyError, match="holds 2 records and turns: restore the key"):
        audit_options(settings, create_key=True)
    assert not key_path(settings).exists()


def test_options_never_show_the_key(tmp_path):
    options = audit_options(settings_for(tmp_path), create_key=True)
    assert options.key.hex() not in repr(options) and str(options.key) not in repr(options)
