"""`make bundle`: dist/edge-agent-<version>-<platform>.tar.gz, everything an air-gapped box needs to install.

Run with the project's virtualenv (``.venv/bin/python deploy/bundle/build_bundle.py``): the dependency set is
read from what that environment installed for edge-agent (its runtime requirements, resolved to the installed
versions), so the bundle holds exactly what the tests ran against.

    edge-agent-<v>-<platform>/
      install.sh                 offline installer (see its --help)
      requirements.lock          every wheel pinned with its sha256 (pip --require-hashes)
      wheels/                    the wheelhouse: every dependency, llama-cpp-python built once, edge-agent itself
      models/manifest.toml, models/<default>.gguf, models/SHA256SUMS
      sample_kb/                 the sample knowledge base
      deploy/                    systemd units, kiosk launcher, example settings
      README.md, SHA256SUMS      the bundle's own files with their sha256
"""
from __future__ import annotations

import argparse
import email.parser
import hashlib
import json
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "edge-agent"
# Extras of edge-agent whose packages install.sh needs at run time (the default model ships as a file).
EXTRAS: tuple[str, ...] = ()
LEAVE_OUT = {"pip", "setuptools", "wheel"}


def log(message: str) -> None:
    print(f"bundle: {message}", flush=True)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def wheel_requirements(wheel: Path, extras: tuple[str, ...] = EXTRAS) -> list[Requirement]:
    """The runtime requirements the built edge-agent wheel declares (its METADATA: exactly what pip will ask
    for), markers evaluated for this interpreter and ``extras``."""
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(zf.read(name).decode("utf-8"))
    found = []
    for text in metadata.get_all("Requires-Dist") or []:
        req = Requirement(text)
        if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in ("", *extras)):
            found.append(req)
    return found


def runtime_closure(roots: list[Requirement]) -> dict[str, str]:
    """{distribution name: installed version} of ``roots`` and everything they require (markers evaluated for
    this interpreter), as installed in this environment: the versions the tests ran against."""
    pins: dict[str, str] = {}
    done: set[tuple[str, frozenset[str]]] = set()
    todo = [(r.name, frozenset(r.extras), r) for r in roots]
    while todo:
        name, wanted, req = todo.pop()
        key = canonicalize_name(name)
        if (key, wanted) in done or key in LEAVE_OUT:
            continue
        done.add((key, wanted))
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            raise SystemExit(f"bundle: {name} is required but not installed here (make install)") from None
        if req is not None and not req.specifier.contains(dist.version, prereleases=True):
            raise SystemExit(f"bundle: {req} is required but {name} {dist.version} is installed (make install)")
        pins[dist.metadata["Name"]] = dist.version
        for text in dist.requires or []:
            sub = Requirement(text)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in ("", *wanted)):
                todo.append((sub.name, frozenset(sub.extras), sub))
    return dict(sorted(pins.items(), key=lambda kv: canonicalize_name(kv[0])))


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def build_wheelhouse(wheels: Path) -> int:
    """edge-agent's own wheel, then every dependency it declares, pinned to the installed versions, as wheels
    (downloaded, or built once: pip's wheel cache keeps llama-cpp-python's build). Returns the count."""
    wheels.mkdir(parents=True, exist_ok=True)
    log("wheelhouse: edge-agent itself")
    pip("wheel", "--no-deps", "-w", str(wheels), str(ROOT))
    (project,) = wheels.glob("edge_agent-*.whl")
    pins = runtime_closure(wheel_requirements(project))
    pinned = wheels.parent / "pins.txt"
    pinned.write_text("".join(f"{name}=={version}\n" for name, version in pins.items()), encoding="utf-8")
    log(f"wheelhouse: {len(pins)} dependencies")
    pip("wheel", "--no-deps", "--progress-bar", "on", "-w", str(wheels), "-r", str(pinned))
    pinned.unlink()
    return len(pins)


def write_lock(wheels: Path, lock: Path) -> int:
    """requirements.lock: one ``name==version --hash=sha256:…`` line per wheel."""
    lines = []
    for wheel in sorted(wheels.glob("*.whl")):
        name, version = wheel.name.split("-")[:2]
        lines.append(f"{canonicalize_name(name)}=={version} --hash=sha256:{sha256_of(wheel)}\n")
    lock.write_text("# edge-agent bundle: pip install --no-index --find-links wheels --require-hashes "
                    "-r requirements.lock\n" + "".join(lines), encoding="utf-8")
    return len(lines)


def copy_models(target: Path) -> str:
    """The manifest, the default model file and its sha256 (checked against the manifest now)."""
    sys.path.insert(0, str(ROOT))
    from edge_agent.llm.manifest import read_manifest, verify

    spec = read_manifest(ROOT / "models")["gemma3-270m"]
    result = verify(spec)
    if result.status != "ok":
        raise SystemExit(f"bundle: the default model is {result.status}: run `make model` first")
    target.mkdir(parents=True)
    shutil.copyfile(ROOT / "models" / "manifest.toml", target / "manifest.toml")
    shutil.copyfile(spec.path, target / spec.path.name)
    (target / "SHA256SUMS").write_text(f"{spec.sha256}  {spec.path.name}\n", encoding="ascii")
    return spec.path.name


def platform_tag() -> str:
    return f"{platform.system().lower()}-{platform.machine()}-py{sys.version_info.major}{sys.version_info.minor}"


def make_tarball(stage: Path, out: Path) -> None:
    """gzip level 1: the model and most wheels are compressed already; progress by bytes."""
    from tqdm import tqdm

    files = [p for p in sorted(stage.rglob("*")) if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    with tarfile.open(out, "w:gz", compresslevel=1) as tar, \
            tqdm(total=total, unit="B", unit_scale=True, desc="bundle: tar.gz", file=sys.stdout) as bar:
        tar.add(stage, arcname=stage.name, recursive=False)
        for path in files:
            tar.add(path, arcname=str(Path(stage.name) / path.relative_to(stage)))
            bar.update(path.stat().st_size)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dist", default=str(ROOT / "dist"), help="output directory (default dist/)")
    parser.add_argument("--keep-stage", action="store_true", help="keep the unpacked bundle directory")
    args = parser.parse_args()
    started = time.monotonic()
    sys.path.insert(0, str(ROOT))
    from edge_agent import __version__

    name = f"edge-agent-{__version__}-{platform_tag()}"
    dist = Path(args.dist)
    stage = dist / name
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    timings: dict[str, float] = {}

    mark = time.monotonic()
    build_wheelhouse(stage / "wheels")
    timings["wheelhouse_s"] = time.monotonic() - mark
    count = write_lock(stage / "wheels", stage / "requirements.lock")
    log(f"requirements.lock: {count} wheels with sha256")
    model = copy_models(stage / "models")
    log(f"model: {model}")
    shutil.copytree(ROOT / "edge_agent" / "sample_kb", stage / "sample_kb")
    (stage / "deploy").mkdir()
    for path in ("edge-agent.service", "edge-agent.example.toml"):
        shutil.copyfile(ROOT / "deploy" / path, stage / "deploy" / path)
    shutil.copytree(ROOT / "deploy" / "kiosk", stage / "deploy" / "kiosk")
    shutil.copyfile(ROOT / "deploy" / "bundle" / "install.sh", stage / "install.sh")
    (stage / "install.sh").chmod(0o755)
    shutil.copyfile(ROOT / "README.md", stage / "README.md")
    sums = [f"{sha256_of(p)}  {p.relative_to(stage)}\n" for p in sorted(stage.rglob("*"))
            if p.is_file() and p.name != "SHA256SUMS"]
    (stage / "SHA256SUMS").write_text("".join(sums), encoding="utf-8")

    mark = time.monotonic()
    out = dist / f"{name}.tar.gz"
    make_tarball(stage, out)
    timings["tarball_s"] = time.monotonic() - mark
    if not args.keep_stage:
        shutil.rmtree(stage)
    timings["total_s"] = time.monotonic() - started
    report = {"bundle": str(out), "bytes": out.stat().st_size, "wheels": count,
              **{k: round(v, 1) for k, v in timings.items()}}
    (dist / f"{name}.json").write_text(json.dumps(report) + "\n", encoding="utf-8")
    log(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
