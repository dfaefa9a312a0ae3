"""Upgrading the previous release's data directory (tests/fixtures/release-0.1.0, written by that release's own
code): `edge-agent migrate` brings every store to this release's schema, nothing is re-signed, the chain
verifies, old turns, tickets and accounts read as before; a newer release's database is refused."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from edge_agent.auth.passwords import hasher, verify_password
from edge_agent.auth.store import UserStore
from edge_agent.cli import main
from edge_agent.config import Settings
from edge_agent.conversations import open_store
from edge_agent.ops.stores import schema_version, stores
from edge_agent.tickets import TicketStore
from tests.edge_agent.audit.helpers import turn

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PREVIOUS = FIXTURES / "release-0.1.0"
TEST_KEY = bytes(range(32))  # the fixture's public test key (tests/fixtures/make_release_fixture.py)
FILES = {"conversations": "edge-agent.sqlite3", "tickets": "tickets.sqlite3", "users": "users.sqlite3"}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def load_release(fixture: Path, data: Path) -> Settings:
    """A data directory rebuilt from a release fixture's SQL dumps, checkpoint file and the test key."""
    (data / "keys").mkdir(parents=True, mode=0o700)
    (data / "audit").mkdir(mode=0o700)
    for name, filename in FILES.items():
        conn = sqlite3.connect(str(data / filename))
        conn.executescript((fixture / f"{name}.sql").read_text(encoding="utf-8"))
        conn.close()
    (data / "audit" / "checkpoints.jsonl").write_bytes((fixture / "checkpoints.jsonl").read_bytes())
    key = data / "keys" / "audit.key"
    key.write_text(TEST_KEY.hex() + "\n")
    key.chmod(0o600)
    return Settings.from_mapping({"data_dir": data})


@pytest.fixture
def previous(tmp_path) -> Settings:
    return load_release(PREVIOUS, tmp_path / "data")


def released(settings: Settings):
    """The stores the release had (later ones, e.g. the insights index, are created on first use)."""
    return [s for s in stores(settings) if s.name in FILES]


def test_the_fixture_is_no_newer_than_this_release(previous):
    for store in released(previous):
        assert 0 < schema_version(store.path) <= store.latest, store.name


def test_migrate_upgrades_every_store_and_keeps_the_chain(capsys, previous):
    assert run(capsys, "--data-dir", str(previous.data_dir), "audit", "verify")[0] == 0  # as the release left it
    code, out, _ = run(capsys, "--data-dir", str(previous.data_dir), "migrate")
    assert code == 0, out
    for store in released(previous):
        assert schema_version(store.path) == store.latest, store.name
        assert store.name in out
    code, out, _ = run(capsys, "--data-dir", str(previous.data_dir), "audit", "verify")
    assert code == 0 and "intact" in out, out

    store = open_store(previous)
    try:
        old = store.turns("fixture-session-00")
        lost_card = "我的卡号<CREDIT_CARD_1>丢了，怎么挂失？"
        assert [t["question"] for t in old] == [f"{lost_card}#0", "How do I book a checkup? #3", f"{lost_card}#6"]
        assert store.count() == 9
        store.append(turn(1, session="after-upgrade-01"))  # the upgraded store takes new turns on the same chain
    finally:
        store.close()
    assert run(capsys, "--data-dir", str(previous.data_dir), "audit", "verify")[0] == 0

    tickets = TicketStore(previous.tickets_path)
    try:
        (ticket,) = tickets.list()
        assert (ticket.status, ticket.agent, ticket.reason) == ("claimed", "alice", "asked_for_human")
        assert [m.text for m in tickets.messages(ticket.id)] == ["您好，我是客服小王。"]
    finally:
        tickets.close_connection()
    users = UserStore(previous.data_dir / "users.sqlite3")
    try:
        role, stored = users.password_hash("alice")
        assert role == "agent" and verify_password(hasher(), stored, "fixture-password-1").ok
    finally:
        users.close()
    code, out, _ = run(capsys, "--data-dir", str(previous.data_dir), "migrate")
    assert code == 0 and "(current)" in out  # running it again changes nothing


def test_init_and_serve_paths_upgrade_the_same_way(capsys, previous):
    assert run(capsys, "--data-dir", str(previous.data_dir), "init")[0] == 0
    assert schema_version(previous.db_path) == stores(previous)[0].latest
    assert run(capsys, "--data-dir", str(previous.data_dir), "audit", "verify")[0] == 0


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_store_from_a_newer_release_is_refused_not_run_on(capsys, previous, name):
    path = previous.data_dir / FILES[name]
    latest = next(s.latest for s in stores(previous) if s.name == name)
    conn = sqlite3.connect(str(path))
    conn.execute(f"PRAGMA user_version={latest + 1}")
    conn.close()
    code, _, err = run(capsys, "--data-dir", str(previous.data_dir), "migrate")
    assert code == 1 and f"schema version {latest + 1}" in err and "newer release" in err, err
    assert schema_version(path) == latest + 1
