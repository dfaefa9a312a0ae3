"""`edge-agent backup` and `restore` in-process: a snapshot of a live store restores into an empty data
directory, the audit chain verifies there, and every refusal (non-empty target, changed file, newer schema)
happens before anything is written."""
from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from edge_agent.cli import main
from edge_agent.config import Settings
from edge_agent.conversations import MIGRATIONS, ConversationStore, audit_options
from edge_agent.knowledge import kb_cli
from edge_agent.knowledge.store import KnowledgeStore
from edge_agent.ops import backup as backup_module
from edge_agent.ops.backup import sha256_of
from edge_agent.tickets import TicketStore
from guardrails.redactor import Redactor
from tests.conftest import SAMPLE_KB
from tests.edge_agent.audit.helpers import turn
from tests.fakes import FakeDetector, HashEmbedder


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def live(tmp_path: Path, capsys, monkeypatch):
    """An initialised data directory with turns, a ticket, a KB (added by `kb add`, so its entries are signed)
    and calibration; its store stays open."""
    monkeypatch.setattr(kb_cli, "_store", lambda settings: KnowledgeStore(settings.chroma_dir, HashEmbedder()))
    monkeypatch.setattr(kb_cli, "build_ingest_redactor", lambda settings: Redactor(FakeDetector()))
    data = tmp_path / "data"
    assert run(capsys, "--data-dir", str(data), "init")[0] == 0
    assert run(capsys, "--data-dir", str(data), "kb", "add", str(SAMPLE_KB / "bank"))[0] == 0
    settings = Settings.from_mapping({"data_dir": data, "checkpoint_every_records": 3})
    store = ConversationStore(settings.db_path, audit_options(settings, create_key=False))
    for i in range(10):
        store.append(turn(i, session=f"backup-session-{i % 3:02d}"))
    TicketStore(settings.tickets_path).open("backup-session-00", "asked_for_human", "zh", "kiosk-1", "转人工")
    settings.calibration_path.write_text('{"fake": true}', encoding="utf-8")
    (settings.log_dir).mkdir(parents=True, exist_ok=True)
    (settings.log_dir / "edge-agent.log").write_text("a log line\n", encoding="utf-8")
    yield settings, store
    store.close()


def rows(db: Path, table: str) -> list[tuple]:
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    finally:
        conn.close()


def test_backup_while_open_restores_into_an_empty_dir_and_verifies(capsys, live, tmp_path):
    settings, store = live
    code, out, _ = run(capsys, "--data-dir", str(settings.data_dir), "backup", str(tmp_path / "bk"))
    assert code == 0 and "10 turns" in out and "keys not included" in out
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    paths = {f["path"] for f in manifest["files"]}
    assert {"data/edge-agent.sqlite3", "data/tickets.sqlite3", "data/chroma/chroma.sqlite3",
            "data/calibration.json", "checkpoints.jsonl"} <= paths
    assert not any(p.startswith(("keys/", "data/keys/", "data/logs/")) or p.endswith("-wal") for p in paths)
    for f in manifest["files"]:
        assert sha256_of(tmp_path / "bk" / f["path"]) == f["sha256"]
    assert manifest["audit"]["turns"] == 10 and manifest["audit"]["head_seq"] == store.head().seq
    assert manifest["schema_versions"]["conversations"] == len(MIGRATIONS)

    target = tmp_path / "restored"
    code, out, _ = run(capsys, "--data-dir", str(target), "restore", str(tmp_path / "bk"))
    assert code == 0 and "no audit key restored" in out
    (target / "keys").mkdir(mode=0o700)
    for name in ("audit.key", "secret.key"):  # the operator's separately kept keys
        (target / "keys" / name).write_bytes((settings.data_dir / "keys" / name).read_bytes())
        (target / "keys" / name).chmod(0o600)
    code, out, _ = run(capsys, "--data-dir", str(target), "audit", "verify")
    assert code == 0, out
    assert rows(target / "edge-agent.sqlite3", "turns") == rows(settings.db_path, "turns")
    assert rows(target / "tickets.sqlite3", "tickets") == rows(settings.tickets_path, "tickets")
    assert KnowledgeStore(target / "chroma", HashEmbedder()).count() == KnowledgeStore(
        settings.chroma_dir, HashEmbedder()).count() > 0
    assert not (target / "logs").exists()
    assert stat.S_IMODE((target / "edge-agent.sqlite3").stat().st_mode) == 0o600


def test_include_keys_restores_them_private_and_the_chain_verifies(capsys, live, tmp_path):
    settings, _ = live
    assert run(capsys, "--data-dir", str(settings.data_dir), "backup", "--include-keys", str(tmp_path / "bk"))[0] == 0
    assert stat.S_IMODE((tmp_path / "bk" / "keys" / "audit.key").stat().st_mode) == 0o600
    target = tmp_path / "restored"
    code, out, _ = run(capsys, "--data-dir", str(target), "restore", str(tmp_path / "bk"))
    assert code == 0 and "keys: audit.key, secret.key" in out
    assert (target / "keys" / "audit.key").read_bytes() == (settings.data_dir / "keys" / "audit.key").read_bytes()
    assert stat.S_IMODE((target / "keys" / "audit.key").stat().st_mode) == 0o600
    assert run(capsys, "--data-dir", str(target), "audit", "verify")[0] == 0
    assert run(capsys, "--data-dir", str(target), "init")[0] == 0  # the restored box opens its trail


def test_checkpoints_written_after_the_snapshot_are_left_out(capsys, live, tmp_path, monkeypatch):
    """Turns (and their checkpoints) that land between the store's snapshot and the copy of the checkpoint
    file must not make the restored chain look truncated."""
    settings, store = live
    real_head = backup_module._chain_head

    def head_then_more_turns(db):
        found = real_head(db)
        for i in range(7):  # the service goes on answering: 7 more records, 2 more checkpoints
            store.append(turn(100 + i))
        return found

    monkeypatch.setattr(backup_module, "_chain_head", head_then_more_turns)
    assert run(capsys, "--data-dir", str(settings.data_dir), "backup", "--include-keys", str(tmp_path / "bk"))[0] == 0
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["audit"]["turns"] == 10 and manifest["audit"]["checkpoints_after_head_left_out"] >= 1
    target = tmp_path / "restored"
    assert run(capsys, "--data-dir", str(target), "restore", str(tmp_path / "bk"))[0] == 0
    code, out, _ = run(capsys, "--data-dir", str(target), "audit", "verify")
    assert code == 0, out


def test_a_kb_change_during_the_backup_is_taken_with_its_signed_event(capsys, live, tmp_path, monkeypatch):
    """A document added between the store's snapshot and Chroma's copy: the backup starts again, so the restored
    knowledge base and its signed kb events agree (`audit verify` compares them)."""
    settings, _ = live
    extra = tmp_path / "extra.md"
    extra.write_text("# 新业务\n\n## 怎么办理新业务？\n请到柜台办理新业务。\n", encoding="utf-8")
    real_copy = backup_module._copy_chroma
    calls = []

    def copy_after_a_kb_add(source, target):
        calls.append(target)
        if len(calls) == 1:  # an admin adds a document right now
            assert main(["--data-dir", str(settings.data_dir), "kb", "add", str(extra)]) == 0
        return real_copy(source, target)

    monkeypatch.setattr(backup_module, "_copy_chroma", copy_after_a_kb_add)
    assert run(capsys, "--data-dir", str(settings.data_dir), "backup", "--include-keys", str(tmp_path / "bk"))[0] == 0
    assert len(calls) == 2
    target = tmp_path / "restored"
    assert run(capsys, "--data-dir", str(target), "restore", str(tmp_path / "bk"))[0] == 0
    code, out, _ = run(capsys, "--data-dir", str(target), "audit", "verify")
    assert code == 0, out
    assert "extra.md" in {d.doc_id for d in KnowledgeStore(target / "chroma", HashEmbedder()).list_documents()}


@pytest.fixture
def made(capsys, live, tmp_path) -> Path:
    assert run(capsys, "--data-dir", str(live[0].data_dir), "backup", "--include-keys", str(tmp_path / "bk"))[0] == 0
    return tmp_path / "bk"


def test_restore_refuses_a_data_dir_that_is_not_empty(capsys, made, tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "anything").write_text("x")
    code, _, err = run(capsys, "--data-dir", str(target), "restore", str(made))
    assert code == 1 and "not empty" in err
    assert sorted(p.name for p in target.iterdir()) == ["anything"]


def test_restore_refuses_a_changed_backup_before_writing(capsys, made, tmp_path):
    db = made / "data" / "edge-agent.sqlite3"
    raw = bytearray(db.read_bytes())
    raw[-100] ^= 0xFF
    db.write_bytes(bytes(raw))
    (made / "data" / "extra.txt").write_text("slipped in")
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "new"), "restore", str(made))
    assert code == 1 and "edge-agent.sqlite3: changed" in err and "extra.txt: not in the manifest" in err
    assert not (tmp_path / "new").exists()


def test_restore_refuses_a_backup_from_a_newer_schema(capsys, made, tmp_path):
    manifest = json.loads((made / "manifest.json").read_text())
    manifest["schema_versions"]["conversations"] = 999
    (made / "manifest.json").write_text(json.dumps(manifest))
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "new"), "restore", str(made))
    assert code == 1 and "schema version 999" in err and "newer" in err
    assert not (tmp_path / "new").exists()


def test_restore_refuses_a_directory_that_is_not_a_backup(capsys, tmp_path):
    (tmp_path / "nothing").mkdir()
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "new"), "restore", str(tmp_path / "nothing"))
    assert code == 1 and "not an edge-agent backup" in err


def test_backup_refuses_a_target_that_is_not_empty(capsys, live, tmp_path):
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "old").write_text("x")
    code, _, err = run(capsys, "--data-dir", str(live[0].data_dir), "backup", str(tmp_path / "bk"))
    assert code == 1 and "not an empty directory" in err


def test_backup_of_a_dir_without_a_store_says_so(capsys, tmp_path):
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "none"), "backup", str(tmp_path / "bk"))
    assert code == 1 and "nothing to back up" in err
