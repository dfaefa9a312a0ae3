"""Issue 12, Medium 10: a model file loads only with the manifest's sha256; the check is cached for start-up."""
from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import pytest

from edge_agent.config import Settings
from edge_agent.errors import ModelError
from edge_agent.llm import manifest, model_lock
from edge_agent.llm.manifest import register_model, resolve_model

CONTENT = b"GGUF pretend weights " * 1000


@pytest.fixture
def lock_settings(tmp_path: Path) -> Settings:
    models = tmp_path / "models"
    models.mkdir()
    (models / "tiny.gguf").write_bytes(CONTENT)
    digest = hashlib.sha256(CONTENT).hexdigest()
    (models / "manifest.toml").write_text(f'[models.tiny]\nfile = "tiny.gguf"\nsha256 = "{digest}"\n')
    return Settings.load(environ={}, overrides={"data_dir": tmp_path / "data", "models_dir": models,
                                                "model": "tiny"})


@pytest.fixture
def hashed(monkeypatch) -> list[Path]:
    """Every full read of a file's hash, recorded."""
    calls: list[Path] = []
    real = model_lock.file_sha256

    def counting(path: Path) -> str:
        calls.append(path)
        return real(path)
    monkeypatch.setattr(model_lock, "file_sha256", counting)
    return calls


def test_matching_file_loads_and_the_second_start_does_not_rehash(lock_settings, hashed):
    spec = resolve_model(lock_settings)
    assert model_lock.checked_sha256(spec, lock_settings) == spec.sha256
    assert model_lock.checked_sha256(spec, lock_settings) == spec.sha256
    assert len(hashed) == 1  # the cache answered the second time
    cache = lock_settings.data_dir / model_lock.CACHE_FILE
    assert cache.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("new_content, forge_mtime", [
    (CONTENT[:-1] + b"X", False),   # same size, new content
    (CONTENT[:-1] + b"X", True),    # … and the old mtime set back (ctime still changes)
    (CONTENT + b"more", False),     # appended to
])
def test_a_replaced_file_is_refused_even_after_a_cached_check(lock_settings, hashed, new_content, forge_mtime):
    spec = resolve_model(lock_settings)
    model_lock.checked_sha256(spec, lock_settings)
    before = spec.path.stat()
    spec.path.write_bytes(new_content)
    if forge_mtime:
        os.utime(spec.path, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(ModelError) as err:
        model_lock.checked_sha256(spec, lock_settings)
    assert "does not match its manifest sha256" in err.value.message and "models add" in err.value.message
    assert len(hashed) == 2


def test_missing_file_and_unregistered_model_path_are_refused(lock_settings, tmp_path):
    own = tmp_path / "own.gguf"
    own.write_bytes(b"GGUF my own")
    settings = dataclasses.replace(lock_settings, model_path=own)
    with pytest.raises(ModelError, match="has no sha256"):
        model_lock.checked_sha256(resolve_model(settings), settings)
    gone = dataclasses.replace(lock_settings, model_path=tmp_path / "gone.gguf")
    with pytest.raises(ModelError, match="missing"):
        model_lock.checked_sha256(resolve_model(gone), gone)


def test_operator_override_loads_a_mismatch_with_a_warning(lock_settings, caplog):
    spec = resolve_model(lock_settings)
    spec.path.write_bytes(b"GGUF changed")
    allowed = dataclasses.replace(lock_settings, model_allow_unverified=True)
    assert model_lock.checked_sha256(spec, allowed) == hashlib.sha256(b"GGUF changed").hexdigest()
    assert "loading it anyway" in caplog.text


def test_models_add_registers_an_own_file_which_then_loads(lock_settings, tmp_path):
    own = tmp_path / "elsewhere" / "own.gguf"
    own.parent.mkdir()
    own.write_bytes(b"GGUF my own model")
    spec = register_model(lock_settings.models_dir, "my-model", own, chat_format="chatml", licence="Apache-2.0")
    assert spec.sha256 == hashlib.sha256(b"GGUF my own model").hexdigest() and spec.path == own.resolve()
    for settings in (dataclasses.replace(lock_settings, model="my-model"),
                     dataclasses.replace(lock_settings, model_path=own)):  # by name, or by its path
        assert model_lock.checked_sha256(resolve_model(settings), settings) == spec.sha256
    assert manifest.read_manifest(lock_settings.models_dir)["tiny"].sha256  # the shipped entries stay
    with pytest.raises(ModelError, match="already"):
        register_model(lock_settings.models_dir, "my-model", own)
    with pytest.raises(ModelError, match="model name"):
        register_model(lock_settings.models_dir, "bad name]", own)
