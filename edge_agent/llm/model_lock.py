"""The model lock (issue 12, Medium 10): a model file is loaded only when its sha256 is the manifest's.

Hashing a GGUF of a few hundred MB costs seconds, so a verified hash is cached in data_dir/cache/model-hashes.json
keyed on the file's path, size, inode, mtime and ctime: start-up re-hashes only a file that changed (ctime
cannot be set back without root, so a same-size edit with a forged mtime is still re-hashed). An operator's own
file is registered with `edge-agent models add NAME FILE` (its hash goes into the manifest);
``model_allow_unverified`` loads a mismatching or unregistered file anyway, with a warning.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from edge_agent.config import Settings
from edge_agent.errors import ModelError
from edge_agent.llm.manifest import ModelSpec, file_sha256

log = logging.getLogger("edge_agent.llm")
CACHE_FILE = Path("cache") / "model-hashes.json"


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns]


def _read_cache(cache: Path) -> dict[str, dict]:
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(cache: Path, entries: dict[str, dict]) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(entries, fh, indent=1, sort_keys=True)
        os.replace(tmp, cache)
    except OSError as err:  # a read-only data dir only costs the next start-up a re-hash
        log.warning("could not write the model hash cache %s: %s", cache, type(err).__name__)


def cached_sha256(path: Path, data_dir: Path) -> str:
    """sha256 of a file, from the cache when its size, inode, mtime and ctime are unchanged."""
    cache = data_dir / CACHE_FILE
    key = str(path.resolve())
    entries = _read_cache(cache)
    stamp = _stamp(path)
    found = entries.get(key)
    if isinstance(found, dict) and found.get("stamp") == stamp and isinstance(found.get("sha256"), str):
        return found["sha256"]
    digest = file_sha256(path)
    if _stamp(path) == stamp:  # unchanged while we read it
        entries[key] = {"stamp": stamp, "sha256": digest}
        _write_cache(cache, entries)
    return digest


def checked_sha256(spec: ModelSpec, settings: Settings) -> str:
    """The sha256 of the model file about to be loaded; ModelError unless it is the manifest's (or the operator
    allowed unverified files)."""
    if not spec.path.is_file():
        raise ModelError(f"model file {spec.path} is missing (`edge-agent models prepare` for the default model)")
    actual = cached_sha256(spec.path, settings.data_dir)
    if spec.sha256 and actual == spec.sha256.lower():
        return actual
    if spec.sha256:
        problem = (f"model file {spec.path} does not match its manifest sha256 (expected {spec.sha256[:12]}…, "
                   f"found {actual[:12]}…): it may have been replaced or damaged")
    else:
        problem = f"model file {spec.path} has no sha256 in {settings.models_dir / 'manifest.toml'}"
    if settings.model_allow_unverified:
        log.warning("%s; loading it anyway (model_allow_unverified)", problem)
        return actual
    raise ModelError(f"{problem}. Restore the file (`edge-agent models prepare` for the default model), or "
                     f"register your own with `edge-agent models add NAME FILE`; EDGE_MODEL_ALLOW_UNVERIFIED=true "
                     f"loads it anyway.")
