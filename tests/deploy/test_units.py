"""deploy/edge-agent.service: the hardening the issue asks for is there, and systemd scores it (offline)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "edge-agent.service"
MAX_EXPOSURE = 2.0  # systemd-analyze: 0 (locked down) … 10 (unprotected); README gives the measured score


def rendered(tmp_path: Path) -> Path:
    """The unit as install.sh writes it."""
    text = UNIT.read_text(encoding="utf-8")
    for placeholder, value in (("@PREFIX@", "/opt/edge-agent"), ("@DATA_DIR@", "/var/lib/edge-agent"),
                               ("@USER@", "edge-agent")):
        text = text.replace(placeholder, value)
    path = tmp_path / "edge-agent.service"
    path.write_text(text, encoding="utf-8")
    return path


def directives(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


@pytest.mark.parametrize("key, value", [
    ("UMask", "0077"),                          # files private to the service user
    ("User", "edge-agent"),                     # a dedicated user
    ("ProtectHome", "true"),
    ("CapabilityBoundingSet", ""),              # no capabilities at all
    ("SystemCallFilter", "@system-service"),
    ("NoNewPrivileges", "true"),
    ("ProtectSystem", "strict"),
    ("ReadWritePaths", "/var/lib/edge-agent"),  # the data directory only
])
def test_hardening_directives(tmp_path, key, value):
    assert value in directives(rendered(tmp_path))[key]


def test_memory_and_task_limits(tmp_path):
    found = directives(rendered(tmp_path))
    assert re.fullmatch(r"\d+[KMG]", found["MemoryMax"][0]) and int(found["TasksMax"][0]) > 0
    assert not re.search(r"@[A-Z_]+@", rendered(tmp_path).read_text(encoding="utf-8"))  # every placeholder filled


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_security_score(tmp_path):
    proc = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(rendered(tmp_path))],
                          capture_output=True, text=True, timeout=60)
    match = re.search(r"Overall exposure level for edge-agent\.service: (\d+\.\d)", proc.stdout)
    assert match, proc.stdout[-1000:] + proc.stderr
    assert float(match.group(1)) <= MAX_EXPOSURE, proc.stdout
