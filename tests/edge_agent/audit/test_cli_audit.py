"""`edge-agent init` and `edge-agent audit verify|export|purge`, run in-process through the CLI's main()."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import stat
from pathlib import Path

import pytest

from edge_agent.cli import main
from edge_agent.config import Settings
from edge_agent.conversations import ConversationStore, audit_options
from tests.edge_agent.audit.helpers import connect, turn


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def fill(data: Path, n: int) -> list[float]:
    settings = Settings.from_mapping({"data_dir": data, "checkpoint_every_records": 4})
    store = ConversationStore(settings.db_path, audit_options(settings, create_key=False))
    for i in range(n):
        store.append(turn(i))
    times = [r.ts for r in store.records()]
    store.close()
    return times


def test_init_creates_a_private_key_once(capsys, data):
    code, out, _ = run(capsys, "--data-dir", str(data), "init")
    key = data / "keys" / "audit.key"
    assert code == 0 and "audit key: " in out and "created, mode 0600" in out
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and (data / "edge-agent.sqlite3").is_file()
    before = key.read_text()
    code, out, _ = run(capsys, "--data-dir", str(data), "init")
    assert code == 0 and "created" not in out and key.read_text() == before


def test_verify_intact_then_broken(capsys, data):
    run(capsys, "--data-dir", str(data), "init")
    fill(data, 9)
    code, out, _ = run(capsys, "--data-dir", str(data), "audit", "verify")
    assert code == 0 and out.count("\n") == 1 and out.startswith("audit chain intact: 9 records")
    conn = connect(data / "edge-agent.sqlite3")
    conn.execute("UPDATE turns SET answer = 'edited' WHERE id = 5")
    conn.close()
    code, out, _ = run(capsys, "--data-dir", str(data), "audit", "verify")
    assert code == 1 and out.strip() == ("audit chain BROKEN at record 5 (turn 5): the stored turn does not "
                                         "match its audit record (edited)")


def test_verify_against_the_auditors_copy_catches_a_truncated_tail(capsys, data, tmp_path):
    run(capsys, "--data-dir", str(data), "init")
    fill(data, 8)
    copy = tmp_path / "auditor-checkpoints.jsonl"
    copy.write_bytes((data / "audit" / "checkpoints.jsonl").read_bytes())
    conn = connect(data / "edge-agent.sqlite3")
    conn.execute("DELETE FROM turns WHERE id > 6")
    conn.execute("DELETE FROM audit_log WHERE seq > 6")
    conn.close()
    (data / "audit" / "checkpoints.jsonl").write_text("")  # the intruder also empties the box's copy
    code, out, _ = run(capsys, "--data-dir", str(data), "audit", "verify")
    assert code == 1 and "records 7..8 are missing" in out  # the database recorded the checkpoints too
    code, out, _ = run(capsys, "--data-dir", str(data), "audit", "verify", "--checkpoint", str(copy))
    assert code == 1 and "BROKEN at record 7: records 7..8 are missing" in out


def test_verify_errors_are_clear(capsys, data, tmp_path):
    code, _, err = run(capsys, "--data-dir", str(data), "audit", "verify")
    assert code == 1 and "edge-agent init" in err
    run(capsys, "--data-dir", str(data), "init")
    code, _, err = run(capsys, "--data-dir", str(data), "audit", "verify", "--checkpoint", str(tmp_path / "nope"))
    assert code == 1 and "checkpoint file not found" in err


def test_export_jsonl_and_csv_with_a_range(capsys, data, tmp_path):
    run(capsys, "--data-dir", str(data), "init")
    fill(data, 4)
    code, out, err = run(capsys, "--data-dir", str(data), "audit", "export")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and "exported 5 audit events" in err and [r["seq"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[4]["kind"] == "staff" and rows[4]["data"]["action"] == "export"  # the export is in its own output
    rows = rows[:4]
    first = rows[0]
    assert first["kind"] == "turn" and first["question"] == turn(0).question and first["escalation"] == "none"
    assert first["entities"] == [{"type": "CREDIT_CARD", "count": 1}] and first["model_sha256"] == turn(0).model_sha256
    assert rows[1]["prev_hash"] == first["hash"] and "T" in first["time"]
    out_file = tmp_path / "export.csv"
    code, _, err = run(capsys, "--data-dir", str(data), "audit", "export", "--format", "csv", "-o", str(out_file),
                       "--since", "2000-01-01", "--until", "2999-12-31")
    table = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    assert code == 0 and [r["kind"] for r in table] == ["turn"] * 4 + ["staff"] * 2
    assert table[0]["question"] == turn(0).question
    code, out, err = run(capsys, "--data-dir", str(data), "audit", "export", "--until", "2000-01-01")
    assert code == 0 and out == "" and "exported 0" in err
    code, _, err = run(capsys, "--data-dir", str(data), "audit", "export", "--since", "yesterday")
    assert code == 1 and "ISO date" in err


def test_csv_export_defuses_formulas(capsys, data, tmp_path):
    run(capsys, "--data-dir", str(data), "init")
    settings = Settings.from_mapping({"data_dir": data})
    store = ConversationStore(settings.db_path, audit_options(settings, create_key=False))
    store.append(dataclasses.replace(turn(1), question='=HYPERLINK("http://x")'))
    store.close()
    code, out, _ = run(capsys, "--data-dir", str(data), "audit", "export", "--format", "csv")
    assert code == 0 and "'=HYPERLINK" in out


def test_purge_command_keeps_the_chain_verifiable(capsys, data):
    run(capsys, "--data-dir", str(data), "init")
    fill(data, 6)
    code, _, err = run(capsys, "--data-dir", str(data), "audit", "purge")
    assert code == 1 and "--before" in err  # retention_days is 0: nothing happens by accident
    code, out, _ = run(capsys, "--data-dir", str(data), "audit", "purge", "--before", "2999-01-01")
    assert code == 0 and "purged 6 audit records (6 turns) through record 6; purge event is record 7" in out
    code, out, _ = run(capsys, "--data-dir", str(data), "audit", "verify")
    assert code == 0 and "1..6 purged by retention" in out
    code, out, _ = run(capsys, "--data-dir", str(data), "audit", "export")
    event, export = [json.loads(line) for line in out.splitlines()]
    assert export["kind"] == "staff" and export["data"]["action"] == "export"
    assert event["kind"] == "purge" and event["data"]["through_seq"] == 6 and event["turn_id"] is None
