"""Issue 12, High 1: the audit chain cannot be forged or cut without the key by dropping tables, setting the
schema version back, deleting the newest records, or deleting records and checkpoint files. Each scenario
makes `edge-agent audit verify` exit non-zero with a clear reason, and `init`/`serve` refuse to start on it
instead of re-signing what they find."""
from __future__ import annotations

from pathlib import Path

import pytest

from edge_agent.audit.checkpoints import read_checkpoints
from edge_agent.cli import main
from edge_agent.config import Settings
from edge_agent.conversations import AUDIT_SCHEMA_VERSION, ConversationStore, audit_options
from tests.edge_agent.audit.helpers import connect, turn


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def run(capsys, data: Path, *args: str) -> tuple[int, str]:
    code = main(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out + err


def fill(data: Path, n: int, **values) -> None:
    settings = Settings.from_mapping({"data_dir": data, "checkpoint_every_records": 4, **values})
    store = ConversationStore(settings.db_path, audit_options(settings, create_key=False))
    for i in range(n):
        store.append(turn(i))
    store.close()


def sql(data: Path, *statements: str) -> None:
    conn = connect(data / "edge-agent.sqlite3")
    for statement in statements:
        conn.execute(statement)
    conn.close()


def assert_refused(capsys, data: Path, reason: str) -> None:
    """`init` and `serve` both refuse, naming the reason, and never tell the operator to run init."""
    for command in (["init"], ["serve", "--port", "1"]):
        code, out = run(capsys, data, *command)
        assert code == 1 and "refusing to open the audit trail" in out and reason in out, (command, out)


def test_drop_table_and_downgrade_is_refused_not_re_signed(capsys, data):
    assert run(capsys, data, "init")[0] == 0
    fill(data, 6)
    sql(data, "UPDATE turns SET answer = 'forged answer' WHERE id = 3", "DROP TABLE audit_log",
        f"PRAGMA user_version = {AUDIT_SCHEMA_VERSION - 1}")
    code, out = run(capsys, data, "audit", "verify")
    assert code == 1 and "BROKEN" in out and "audit table is missing" in out
    assert "edge-agent init" not in out.replace("Do not re-initialise", "")  # never points at the launderer
    assert_refused(capsys, data, "6 turns are stored without their audit table")
    conn = connect(data / "edge-agent.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == AUDIT_SCHEMA_VERSION - 1  # not migrated
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'audit_log'").fetchone() is None
    # the same with the checkpoint table dropped as well, or the version set back without dropping anything
    sql(data, "DROP TABLE audit_checkpoints")
    assert_refused(capsys, data, "6 turns are stored without their audit table")


def test_downgraded_version_with_tables_kept_is_refused(capsys, data):
    assert run(capsys, data, "init")[0] == 0
    fill(data, 3)
    sql(data, "PRAGMA user_version = 2")
    assert_refused(capsys, data, "schema version was set back to 2")


def test_a_lost_key_is_not_recreated_when_turns_exist(capsys, data):
    assert run(capsys, data, "init")[0] == 0
    fill(data, 2)
    sql(data, "DROP TABLE audit_log")
    (data / "keys" / "audit.key").unlink()
    code, out = run(capsys, data, "init")
    assert code == 1 and "restore the key" in out and not (data / "keys" / "audit.key").exists()


def test_deleting_the_newest_records_fails_verify_and_start(capsys, data):
    assert run(capsys, data, "init")[0] == 0
    fill(data, 8)  # checkpoints at records 0 (init), 4 and 8
    sql(data, "DELETE FROM turns WHERE id > 6", "DELETE FROM audit_log WHERE seq > 6")
    code, out = run(capsys, data, "audit", "verify")
    assert code == 1 and "records 7..8 are missing" in out and "newest records deleted" in out
    assert_refused(capsys, data, "ends at record 6 (newest records deleted)")


def test_cutting_records_file_and_database_alike_is_caught_by_the_off_box_copy(capsys, data, tmp_path):
    share = tmp_path / "share"
    assert run(capsys, data, "init")[0] == 0
    fill(data, 8, audit_checkpoint_copy_dir=share)
    sql(data, "DELETE FROM turns WHERE id > 4", "DELETE FROM audit_log WHERE seq > 4",
        "DELETE FROM audit_checkpoints WHERE seq = 8")
    path = data / "audit" / "checkpoints.jsonl"
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:-1]))  # the checkpoint of record 8 cut
    code, out = run(capsys, data, "audit", "verify")
    assert code == 0  # consistent on the box: this is what only a copy off the box can show
    code, out = run(capsys, data, "audit", "verify", "--checkpoint", str(share / "kiosk-1.checkpoints.jsonl"))
    assert code == 1 and "records 5..8 are missing" in out


def test_a_shrunken_checkpoint_file_fails_verify_and_start(capsys, data):
    assert run(capsys, data, "init")[0] == 0
    fill(data, 8)
    path = data / "audit" / "checkpoints.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-1]))
    code, out = run(capsys, data, "audit", "verify")
    assert code == 1 and "lacks 1 the database recorded" in out and "record 8" in out
    assert_refused(capsys, data, "file shrunk or replaced")


def test_deleting_the_checkpoint_file_fails_verify_and_start(capsys, data):
    assert run(capsys, data, "init")[0] == 0
    fill(data, 3)
    (data / "audit" / "checkpoints.jsonl").unlink()
    code, out = run(capsys, data, "audit", "verify")
    assert code == 1 and "checkpoint file" in out and "is missing" in out
    assert_refused(capsys, data, "is missing")
    assert not (data / "audit" / "checkpoints.jsonl").exists()  # init did not quietly write a new one


def test_a_fresh_data_directory_has_a_checkpoint_file_from_init(capsys, data):
    assert run(capsys, data, "init")[0] == 0
    assert [cp.seq for _, cp in read_checkpoints(data / "audit" / "checkpoints.jsonl").checkpoints] == [0]
    code, out = run(capsys, data, "audit", "verify")
    assert code == 0 and out.startswith("audit chain intact: empty")
    assert run(capsys, data, "init")[0] == 0  # re-running init is still safe
    assert len(read_checkpoints(data / "audit" / "checkpoints.jsonl").checkpoints) == 1


def test_deleting_all_records_and_the_checkpoint_file_fails_verify(capsys, data):
    assert run(capsys, data, "init")[0] == 0
    fill(data, 5)
    sql(data, "DELETE FROM turns", "DELETE FROM audit_log")
    (data / "audit" / "checkpoints.jsonl").unlink()
    code, out = run(capsys, data, "audit", "verify")
    assert code == 1 and "records 1..5 are missing" in out  # the database recorded the checkpoints
    sql(data, "DELETE FROM audit_checkpoints")  # the database's record of them too
    code, out = run(capsys, data, "audit", "verify")
    assert code == 1 and "is missing (deleted?)" in out


def test_the_off_box_copy_catches_what_local_files_cannot(capsys, data, tmp_path, monkeypatch):
    share = tmp_path / "auditor-share"
    monkeypatch.setenv("EDGE_AUDIT_CHECKPOINT_COPY_DIR", str(share))
    monkeypatch.setenv("EDGE_LOCATION_ID", "branch 7/kiosk")
    assert run(capsys, data, "init")[0] == 0
    fill(data, 8, audit_checkpoint_copy_dir=share, location_id="branch 7/kiosk")
    copy = share / "branch_7_kiosk.checkpoints.jsonl"
    assert [cp.seq for _, cp in read_checkpoints(copy).checkpoints] == [0, 4, 8]
    # the intruder deletes everything on the box, then starts over as if freshly installed
    sql(data, "DELETE FROM turns", "DELETE FROM audit_log", "DELETE FROM audit_checkpoints")
    (data / "audit" / "checkpoints.jsonl").write_text("")
    monkeypatch.delenv("EDGE_AUDIT_CHECKPOINT_COPY_DIR")
    code, out = run(capsys, data, "audit", "verify", "--checkpoint", str(copy))
    assert code == 1 and "records 1..8 are missing" in out
    monkeypatch.setenv("EDGE_AUDIT_CHECKPOINT_COPY_DIR", str(share))
    code, out = run(capsys, data, "audit", "verify")  # the configured copy is checked without --checkpoint
    assert code == 1 and "records 1..8 are missing" in out
    assert_refused(capsys, data, "saw the chain reach record 8")
