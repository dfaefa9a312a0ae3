"""`edge-agent doctor`: is this box fit to serve? Each check says OK, WARN or FAIL, and how to fix a problem.

Checks: schema versions of the stores against this release, keys present and private, data directory
permissions, the model file's sha256 against the manifest, free disk, the audit chain, and that no
edge-agent process (the service, model servers) listens beyond the configured address.
"""
from __future__ import annotations

import ipaddress
import os
import shutil
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from edge_agent import __version__
from edge_agent.config import Settings
from edge_agent.errors import EdgeError
from edge_agent.ops.listeners import Listener, edge_agent_listeners
from edge_agent.ops.stores import key_files, schema_version, stores

OK, WARN, FAIL = "OK", "WARN", "FAIL"


@dataclass(frozen=True)
class Check:
    """One finding."""

    name: str
    status: str  # OK | WARN | FAIL
    detail: str
    fix: str = ""

    def line(self) -> str:
        """How `doctor` prints it."""
        text = f"{self.status:4} {self.name:12} {self.detail}"
        return text + (f"\n     {'':12} fix: {self.fix}" if self.fix and self.status != OK else "")


def check_versions(settings: Settings) -> list[Check]:
    """Each store's schema version against the one this release migrates to."""
    found = []
    for store in stores(settings):
        if not store.path.is_file():
            status = FAIL if store.name == "conversations" else OK
            found.append(Check("versions", status, f"{store.name}: no store yet ({store.path})",
                               "run `edge-agent init`"))
            continue
        version = schema_version(store.path)
        if version > store.latest:
            found.append(Check("versions", FAIL, f"{store.name}: schema {version}, newer than this edge-agent "
                               f"{__version__} knows ({store.latest})", "install the release that upgraded it "
                               "(or restore the backup taken before the upgrade)"))
        elif version < store.latest:
            found.append(Check("versions", WARN, f"{store.name}: schema {version} of {store.latest}",
                               "run `edge-agent backup DIR`, then `edge-agent migrate`"))
        else:
            found.append(Check("versions", OK, f"{store.name}: schema {version} (current)"))
    return found


def _private(path: Path) -> str | None:
    """Why a key file is not private to this user (None when it is)."""
    info = path.stat()
    if info.st_mode & 0o077:
        return f"mode {stat.S_IMODE(info.st_mode):04o}"
    if info.st_uid != os.geteuid():
        return f"owned by uid {info.st_uid}, not this user ({os.geteuid()})"
    return None


def check_keys(settings: Settings) -> list[Check]:
    """The audit key and staff secret exist and are private; the pseudonym key when there is one."""
    found = []
    for name, path in key_files(settings).items():
        needed = name != "pseudonym.key"
        if not path.is_file():
            if needed:
                fix = ("restore the key that signed the existing chain (a new key cannot verify it)"
                       if name == "audit.key" and settings.db_path.is_file() else "run `edge-agent init`")
                found.append(Check("keys", FAIL, f"{name} missing ({path})", fix))
            continue
        problem = _private(path)
        if problem:
            found.append(Check("keys", FAIL, f"{name}: {problem} ({path})",
                               f"chmod 600 {path} && chown $(id -un) {path}"))
        else:
            found.append(Check("keys", OK, f"{name}: present, mode 0600"))
    return found


def check_permissions(settings: Settings) -> list[Check]:
    """Nothing under the data directory readable by group or others."""
    data = settings.data_dir
    if not data.is_dir():
        return [Check("permissions", FAIL, f"data directory {data} does not exist", "run `edge-agent init`")]
    loose = [p for p in (data, *data.rglob("*")) if not p.is_symlink() and p.stat().st_mode & 0o077]
    if loose:
        shown = ", ".join(str(p.relative_to(data)) or "." for p in loose[:3])
        return [Check("permissions", FAIL, f"{len(loose)} paths under {data} are open to group or others "
                      f"({shown}{'…' if len(loose) > 3 else ''})", f"chmod -R go-rwx {data} (the unit's "
                      "UMask=0077 keeps new files private)")]
    return [Check("permissions", OK, f"{data}: private to this user")]


def check_model(settings: Settings) -> list[Check]:
    """The selected model file against the sha256 in the manifest."""
    from edge_agent.llm import manifest

    try:
        spec = manifest.resolve_model(settings)
    except (EdgeError, ValueError, OSError) as exc:
        return [Check("model", FAIL, f"cannot read the model manifest: {getattr(exc, 'message', exc)}",
                      f"restore {settings.models_dir / 'manifest.toml'} from the bundle")]
    result = manifest.verify(spec)
    if result.status == "ok":
        return [Check("model", OK, f"{spec.name}: sha256 matches the manifest ({spec.path})")]
    if result.status == "unchecked":
        return [Check("model", WARN, f"{spec.name}: no sha256 recorded for {spec.path}",
                      "add the file to models/manifest.toml with its sha256")]
    remote = " (generation runs on the model servers of llm_url)" if settings.llm_url else ""
    if result.status == "missing":
        return [Check("model", WARN if remote else FAIL, f"{spec.name}: {spec.path} is missing{remote}",
                      "run `edge-agent models prepare`, or copy the GGUF from the bundle")]
    return [Check("model", FAIL, f"{spec.name}: {spec.path} differs from the manifest's sha256 (corrupt or "
                  "replaced)", "copy the model file again from the bundle (install.sh verifies it)")]


def check_disk(settings: Settings, min_free_mb: int) -> list[Check]:
    """Free space where the data directory lives."""
    where = settings.data_dir
    while not where.exists() and where != where.parent:
        where = where.parent
    free_mb = shutil.disk_usage(where).free // (1 << 20)
    detail = f"{free_mb} MB free on {where}"
    if free_mb < min_free_mb:
        return [Check("disk", FAIL, f"{detail}, below {min_free_mb} MB",
                      "free space or move the data directory (EDGE_DATA_DIR) to a larger disk; SQLite needs room "
                      "to commit turns")]
    if free_mb < 2 * min_free_mb:
        return [Check("disk", WARN, f"{detail}, less than twice {min_free_mb} MB", "free space soon")]
    return [Check("disk", OK, detail)]


def check_chain(settings: Settings) -> list[Check]:
    """The audit chain against its checkpoints, and the knowledge entries against their signed hashes (as
    `edge-agent audit verify`)."""
    from contextlib import closing

    from edge_agent.audit.checkpoints import checkpoint_copy_path, checkpoint_path, read_checkpoints
    from edge_agent.audit.commands import AuditBroken, _connect
    from edge_agent.audit.keys import key_path, load_key
    from edge_agent.audit.verify import verify_chain

    fix = ("do not re-initialise: `edge-agent audit verify` names the first broken record; restore the data "
           "directory from a backup (`edge-agent restore`)")
    try:
        key = load_key(key_path(settings))
        own = checkpoint_path(settings)
        checkpoints = read_checkpoints(own)  # before the database snapshot (see verify_chain)
        copy = checkpoint_copy_path(settings)
        also = [read_checkpoints(copy)] if copy is not None else []
        with closing(_connect(settings)) as conn:
            report = verify_chain(conn, key, checkpoints, also=also, own_file=own)
    except AuditBroken as broken:
        return [Check("chain", FAIL, broken.message, fix)]
    except EdgeError as exc:
        return [Check("chain", FAIL, exc.message, "run `edge-agent init` (or restore the audit key)")]
    found = [Check("chain", OK if report.ok else FAIL, report.summary(), "" if report.ok else fix)]
    if report.ok and settings.chroma_dir.is_dir() and report.kb_documents is not None:
        from edge_agent.audit import kb_integrity

        knowledge = kb_integrity.compare(report.kb_documents,
                                         kb_integrity.stored_hashes(kb_integrity.open_for_reading(settings.chroma_dir)),
                                         purged=report.purged_through > 0)
        found.append(Check("knowledge", OK if knowledge.ok else FAIL, knowledge.summary(),
                           "" if knowledge.ok else "re-add the named documents with `edge-agent kb add` (or restore "
                           "the data directory from a backup)"))
    return found


def _allowed(listener: Listener, host: str) -> bool:
    """Whether a listening address stays within the configured one (loopback stays loopback)."""
    try:
        configured = ipaddress.ip_address(host)
    except ValueError:  # a host name: only loopback listeners are certainly within it
        return listener.address.is_loopback
    if configured.is_unspecified:
        return True  # the operator asked for every address
    return listener.address == configured or (configured.is_loopback and listener.address.is_loopback)


def check_listeners(settings: Settings,
                    find: Callable[[], list[Listener]] = edge_agent_listeners) -> list[Check]:
    """No edge-agent process (service, model servers) listens beyond ``host``."""
    listeners = find()
    beyond = [item for item in listeners if not _allowed(item, settings.host)]
    if beyond:
        shown = ", ".join(f"{item.where} (pid {item.pid}: {item.program})" for item in beyond)
        return [Check("listeners", FAIL, f"listening beyond host={settings.host}: {shown}",
                      "bind them to the configured address (EDGE_HOST, and --host 127.0.0.1 for model "
                      "servers), or firewall the port; then restart")]
    if not listeners:
        return [Check("listeners", OK, "no edge-agent process is listening (service not running here?)")]
    return [Check("listeners", OK, "listening only within host=" + settings.host + ": "
                  + ", ".join(sorted({item.where for item in listeners})))]


def run_checks(settings: Settings, *, min_free_mb: int = 1024) -> list[Check]:
    """Every check, in order."""
    info = Check("edge-agent", OK, f"version {__version__}, Python {sys.version.split()[0]}, data {settings.data_dir}")
    return [info, *check_versions(settings), *check_keys(settings), *check_permissions(settings),
            *check_model(settings), *check_disk(settings, min_free_mb), *check_chain(settings),
            *check_listeners(settings)]
