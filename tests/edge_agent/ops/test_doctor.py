"""`edge-agent doctor`: a healthy data directory passes; each problem is found and comes with its fix."""
from __future__ import annotations

import ipaddress
import sqlite3
import subprocess
import sys
import time

import pytest

from edge_agent.cli import main
from edge_agent.config import Settings
from edge_agent.ops import doctor
from edge_agent.ops.listeners import Listener, edge_agent_listeners, parse_address
from edge_agent.ops.stores import stores
from tests.conftest import ROOT


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, _ = capsys.readouterr()
    return code, out


@pytest.fixture
def box(tmp_path, capsys) -> Settings:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "init"]) == 0
    capsys.readouterr()
    return Settings.from_mapping({"data_dir": data, "models_dir": ROOT / "models"})


def doctor_of(capsys, settings: Settings, *extra: str) -> tuple[int, str]:
    return run(capsys, "--data-dir", str(settings.data_dir), "--models-dir", str(settings.models_dir), "doctor",
               *extra)


def test_a_fresh_box_passes(capsys, box):
    code, out = doctor_of(capsys, box)
    assert code == 0, out
    assert "0 failed" in out and "FAIL" not in out.replace("0 failed", "")
    for name in ("versions", "keys", "permissions", "model", "disk", "chain", "listeners"):
        assert f"OK   {name}" in out, name


def test_an_open_key_is_found_with_its_fix(capsys, box):
    (box.data_dir / "keys" / "audit.key").chmod(0o644)
    code, out = doctor_of(capsys, box)
    assert code == 1 and "FAIL keys" in out and "audit.key: mode 0644" in out and "fix: chmod 600" in out


def test_a_missing_audit_key_says_restore_it_not_recreate_it(capsys, box):
    (box.data_dir / "keys" / "audit.key").unlink()
    code, out = doctor_of(capsys, box)
    assert code == 1 and "audit.key missing" in out and "restore the key that signed" in out


def test_files_open_to_others_are_found(capsys, box):
    box.db_path.chmod(0o644)
    code, out = doctor_of(capsys, box)
    assert code == 1 and "FAIL permissions" in out and "edge-agent.sqlite3" in out and "chmod -R go-rwx" in out


def test_a_broken_chain_is_found(capsys, box):
    from edge_agent.conversations import open_store
    from tests.edge_agent.audit.helpers import turn

    store = open_store(box)
    for i in range(3):
        store.append(turn(i))
    store.close()
    conn = sqlite3.connect(str(box.db_path))
    conn.execute("UPDATE turns SET answer = 'edited' WHERE id = 2")
    conn.commit()
    conn.close()
    code, out = doctor_of(capsys, box)
    assert code == 1 and "FAIL chain" in out and "BROKEN" in out and "edge-agent restore" in out


def test_a_corrupt_or_missing_model_is_found(capsys, box, tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    manifest = (ROOT / "models" / "manifest.toml").read_text(encoding="utf-8")
    (models / "manifest.toml").write_text(manifest, encoding="utf-8")
    box = Settings.from_mapping({"data_dir": box.data_dir, "models_dir": models})
    code, out = doctor_of(capsys, box)
    assert code == 1 and "FAIL model" in out and "missing" in out and "models prepare" in out
    (models / box_model_file(box)).write_bytes(b"GGUF not really")
    code, out = doctor_of(capsys, box)
    assert code == 1 and "differs from the manifest's sha256" in out


def box_model_file(settings: Settings) -> str:
    from edge_agent.llm.manifest import resolve_model

    return resolve_model(settings).path.name


def test_little_free_disk_is_found(capsys, box):
    code, out = doctor_of(capsys, box, "--min-free-mb", str(10 ** 9))
    assert code == 1 and "FAIL disk" in out and "below" in out


@pytest.mark.parametrize("offset, status, words", [
    (-1, "WARN", "edge-agent migrate"),    # the previous release's schema: migrate (after a backup)
    (0, "OK", ""),                         # this release's
    (3, "FAIL", "install the release"),    # a newer release's: never run on it
])
def test_schema_versions_are_told_apart(box, offset, status, words):
    from edge_agent.tickets import TicketStore

    TicketStore(box.tickets_path).close_connection()
    latest = next(s.latest for s in stores(box) if s.name == "tickets")
    conn = sqlite3.connect(str(box.tickets_path))
    conn.execute(f"PRAGMA user_version={latest + offset}")
    conn.close()
    (check,) = [c for c in doctor.check_versions(box) if c.detail.startswith("tickets")]
    assert check.status == status and words in check.fix


@pytest.mark.parametrize("text, address, port", [
    ("0100007F:1F90", "127.0.0.1", 8080),                                # IPv4 loopback
    ("00000000:0050", "0.0.0.0", 80),                                    # IPv4 every address
    ("00000000000000000000000001000000:1F90", "::1", 8080),              # IPv6 loopback
    ("00000000000000000000000000000000:1F90", "::", 8080),               # IPv6 every address
    ("0000000000000000FFFF00000100007F:1F90", "127.0.0.1", 8080),        # IPv4-mapped loopback
])
def test_proc_net_addresses_are_read(text, address, port):
    assert parse_address(text) == (ipaddress.ip_address(address), port)


@pytest.mark.parametrize("host, address, allowed", [
    ("127.0.0.1", "127.0.0.1", True),    # as configured
    ("127.0.0.1", "::1", True),          # loopback stays loopback
    ("127.0.0.1", "0.0.0.0", False),     # every address, though only loopback was configured
    ("127.0.0.1", "10.0.0.5", False),    # a LAN address
    ("10.0.0.5", "10.0.0.5", True),      # the kiosk LAN address, as configured
    ("10.0.0.5", "0.0.0.0", False),      # wider than configured
    ("0.0.0.0", "10.0.0.5", True),       # the operator asked for every address
])
def test_listeners_within_the_configured_host(host, address, allowed):
    listener = Listener(ipaddress.ip_address(address), 8080, 1, "edge-agent")
    settings = Settings.from_mapping({"host": host})
    (check,) = doctor.check_listeners(settings, find=lambda: [listener])
    assert (check.status == "OK") is allowed


def _listen(address: str) -> subprocess.Popen:
    """A process whose command line says edge-agent, listening on ``address`` (port chosen by the kernel)."""
    code = ("import socket,sys,time; s=socket.socket(); s.bind((sys.argv[1],0)); s.listen(); "
            "print(s.getsockname()[1],flush=True); time.sleep(60)")
    return subprocess.Popen([sys.executable, "-c", code, address, "edge-agent-doctor-test"], stdout=subprocess.PIPE,
                            text=True)


def test_a_real_process_listening_on_every_address_is_found(capsys, box):
    wide, narrow = _listen("0.0.0.0"), _listen("127.0.0.1")
    try:
        wide_port, narrow_port = int(wide.stdout.readline()), int(narrow.stdout.readline())
        time.sleep(0.1)
        found = {(str(item.address), item.port) for item in edge_agent_listeners()}
        assert ("0.0.0.0", wide_port) in found and ("127.0.0.1", narrow_port) in found
        code, out = doctor_of(capsys, box)
        assert code == 1 and f"0.0.0.0:{wide_port} (pid {wide.pid}" in out and f":{narrow_port} (" not in out
    finally:
        for proc in (wide, narrow):
            proc.kill()
            proc.wait()
