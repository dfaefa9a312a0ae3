"""Issue 12, Low: the command line creates databases, checkpoints and exports readable by their owner only
(umask 0077), whatever umask it was started with; the systemd unit sets UMask=0077 too."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from edge_agent.cli import main
from tests.conftest import ROOT


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_private_even_under_a_loose_umask(tmp_path, capsys):
    data = tmp_path / "data"
    before = os.umask(0o022)
    try:
        assert main(["--data-dir", str(data), "init"]) == 0
        assert main(["--data-dir", str(data), "audit", "export", "-o", str(tmp_path / "export.jsonl")]) == 0
        assert os.umask(0o022) == 0o022  # main() gives the caller its umask back
    finally:
        os.umask(before)
    capsys.readouterr()
    for path in (data / "edge-agent.sqlite3", data / "audit" / "checkpoints.jsonl", tmp_path / "export.jsonl",
                 *data.glob("*.sqlite3-*")):
        assert mode(path) & 0o077 == 0, (path, oct(mode(path)))
    assert mode(data / "audit") & 0o077 == 0


def test_the_systemd_unit_sets_a_private_umask():
    unit = (ROOT / "deploy" / "edge-agent.service").read_text()
    assert "\nUMask=0077\n" in unit
