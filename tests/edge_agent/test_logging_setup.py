"""The service log rotates at log_max_bytes and keeps log_backups old files; every line is redacted."""
from __future__ import annotations

import logging

from edge_agent.config import Settings
from edge_agent.logging_setup import setup_logging


def test_the_service_log_rotates_and_keeps_only_its_backups(tmp_path):
    settings = Settings.from_mapping({"data_dir": tmp_path / "data", "log_max_bytes": 64 * 1024, "log_backups": 2})
    setup_logging(settings, lambda s: s.replace("13812345678", "<PHONE_NUMBER>"))
    log = logging.getLogger("edge_agent.test_rotation")
    for i in range(2000):  # ~200 KB: three rotations' worth
        log.warning("line %05d caller 13812345678 %s", i, "x" * 60)
    for handler in logging.getLogger().handlers:
        handler.flush()
    files = sorted(p.name for p in settings.log_dir.iterdir())
    assert files == ["edge-agent.log", "edge-agent.log.1", "edge-agent.log.2"]
    for path in settings.log_dir.iterdir():
        text = path.read_text(encoding="utf-8")
        assert path.stat().st_size <= 64 * 1024
        assert "13812345678" not in text and "<PHONE_NUMBER>" in text
    assert "line 01999" in (settings.log_dir / "edge-agent.log").read_text(encoding="utf-8")
