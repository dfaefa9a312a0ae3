"""The `edge-agent` command on the real detector, Chroma and model files."""
from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EDGE_AGENT, ROOT, start_server
from tests.pii_values import MOBILE, RESIDENT_ID, UNIONPAY_19

pytestmark = pytest.mark.slow


def run(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([EDGE_AGENT, *args], input=stdin, capture_output=True, text=True, timeout=600, cwd=cwd)


def test_redact_plain_text():
    proc = run("redact", stdin=f"卡号{UNIONPAY_19}，手机{MOBILE}，订单号500080636083")
    assert proc.returncode == 0
    assert proc.stdout == "卡号<CREDIT_CARD_1>，手机<PHONE_NUMBER_1>，订单号500080636083"


def test_redact_jsonl_offsets_into_original_and_no_values():
    text = f"身份证 {RESIDENT_ID} 和卡 {UNIONPAY_19}"
    lines = [json.dumps({"id": 1, "text": text}, ensure_ascii=False), "not json", json.dumps({"text": ""})]
    proc = run("redact", "--jsonl", stdin="\n".join(lines) + "\n")
    assert proc.returncode == 1 and "line 2" in proc.stderr  # the bad line is reported, the rest processed
    first, bad, empty = [json.loads(line) for line in proc.stdout.splitlines()]
    assert first["redacted"] == "身份证 <CN_RESIDENT_ID_1> 和卡 <CREDIT_CARD_1>"
    spans = [(e["type"], text[e["start"]:e["end"]]) for e in first["entities"]]
    assert spans == [("CN_RESIDENT_ID", RESIDENT_ID), ("CREDIT_CARD", UNIONPAY_19)]
    assert all(set(e) == {"type", "start", "end", "score"} for e in first["entities"])
    assert "error" in bad and empty == {"text": "", "redacted": "", "entities": []}


def test_ingest_replaces_a_document(tmp_path: Path):
    doc = tmp_path / "kb" / "hours.md"
    doc.parent.mkdir()
    doc.write_text("# Hours\n\n## Weekdays\nOpen 9 to 5.\n\n## Weekends\nOpen 10 to 2.\n", encoding="utf-8")
    data = tmp_path / "data"
    assert "2 chunks; store now holds 2" in run("--data-dir", str(data), "ingest", str(doc.parent)).stdout
    doc.write_text("# Hours\n\n## Every day\nOpen 8 to 8.\n", encoding="utf-8")
    assert "1 chunks; store now holds 1" in run("--data-dir", str(data), "ingest", str(doc.parent)).stdout
    missing = run("--data-dir", str(data), "ingest", str(tmp_path / "nope"))
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_models_list_and_verify(tmp_path: Path):
    listing = run("models", "list")
    assert listing.returncode == 0 and "gemma3-270m" in listing.stdout and "present" in listing.stdout
    assert run("models", "verify").returncode == 0
    # a corrupted copy is caught
    models = tmp_path / "models"
    models.mkdir()
    (models / "manifest.toml").write_text((ROOT / "models" / "manifest.toml").read_text())
    (models / "gemma-3-270m-q4_k_m.gguf").write_bytes(b"GGUF not really")
    bad = run("--models-dir", str(models), "models", "verify")
    assert bad.returncode == 1 and "mismatch" in bad.stdout


def test_config_errors_exit_2():
    proc = subprocess.run([EDGE_AGENT, "config"], capture_output=True, text=True, env={"EDGE_PORT": "99999"})
    assert proc.returncode == 2 and "above the maximum" in proc.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_serve_prints_address_and_stops_cleanly(real_data_dir: Path, tmp_path: Path, sig):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(real_data_dir, data)
    server = start_server(data)
    server.proc.send_signal(sig)
    assert server.proc.wait(timeout=30) == 0
    server.stop()
    out = server.stdout.read_text()
    assert server.url + "/" in out and "stopped" in out


def test_encrypt_policy_end_to_end_and_reveal(tmp_path: Path):
    officer, public = tmp_path / "officer.pem", tmp_path / "data" / "keys" / "recovery.pub.pem"
    made = run("--data-dir", str(tmp_path / "data"), "keys", "recovery-keypair", "--private-out", str(officer))
    assert made.returncode == 0 and public.exists()
    import os
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("EDGE_")},
           "EDGE_REDACTION_POLICY": "CREDIT_CARD=encrypt,PHONE_NUMBER=mask",
           "EDGE_RECOVERY_PUBLIC_KEY_FILE": str(public)}
    proc = subprocess.run([EDGE_AGENT, "redact"], input=f"卡号{UNIONPAY_19}，手机{MOBILE}", capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 0 and UNIONPAY_19 not in proc.stdout and "<ENC:CREDIT_CARD:" in proc.stdout
    assert "*******5678" in proc.stdout
    back = run("reveal", "--private-key", str(officer), stdin=proc.stdout)
    assert back.stdout.startswith(f"卡号{UNIONPAY_19}，")
    missing_key = subprocess.run([EDGE_AGENT, "redact"], input="x", capture_output=True, text=True, timeout=300,
                                 env={**env, "EDGE_RECOVERY_PUBLIC_KEY_FILE": ""})
    assert missing_key.returncode == 2 and "recovery_public_key_file" in missing_key.stderr
