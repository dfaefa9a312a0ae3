"""A live `edge-agent serve` with photo, voice and read-aloud switched on (the real OCR, Whisper and espeak-ng),
on its own data directory with the sample knowledge base."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EDGE_AGENT, SAMPLE_KB, LiveServer, start_server

INGEST_TIMEOUT_S = 1200  # e5 on a busy 2-core machine
# The entries the media tests ask about, and their nearest neighbours as distractors (a third of the sample KB:
# ingesting all of it takes over 20 minutes on a loaded 2-core box).
KB_SUBSET = ("bank/credit-limit-travel", "bank/credit-card", "bank/lost-card", "bank/fraud", "clinic/sleep-clinic",
             "clinic/appointments", "clinic/test-results", "clinic/opening-hours")


@pytest.fixture(scope="session")
def media_data_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("media")
    kb = root / "sample_kb"
    for stem in KB_SUBSET:
        for lang in ("zh", "en"):
            source = SAMPLE_KB / f"{stem}.{lang}.md"
            (kb / source.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy(source, kb / source.parent.name / source.name)
    data = root / "data"
    subprocess.run([EDGE_AGENT, "--data-dir", str(data), "ingest", str(kb)], check=True, capture_output=True,
                   timeout=INGEST_TIMEOUT_S)
    return data


@pytest.fixture(scope="session")
def media_server(media_data_dir: Path) -> LiveServer:
    server = start_server(media_data_dir, ready_s=600, EDGE_OCR="on", EDGE_ASR="on", EDGE_TTS="on")
    yield server
    server.stop()
