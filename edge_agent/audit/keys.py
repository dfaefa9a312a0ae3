"""The audit key: 32 random bytes, hex, in a file outside the database, created with mode 0600."""
from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from edge_agent.config import Settings
from edge_agent.errors import EdgeError

KEY_BYTES = 32


class AuditKeyError(EdgeError):
    """The audit key file is missing, unreadable, malformed or too widely readable."""

    code = "audit_key"
    default_message = "The audit key is not available."


@dataclass(frozen=True)
class KeyFile:
    """A loaded key and where it came from."""

    path: Path
    key: bytes
    created: bool


def key_path(settings: Settings) -> Path:
    """Where the audit key lives: ``audit_key_file``, else ``<data_dir>/keys/audit.key``."""
    return settings.audit_key_file or settings.data_dir / "keys" / "audit.key"


def create_key(path: Path) -> bytes:
    """Write a new random key to ``path`` (mode 0600); refuses to overwrite an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise AuditKeyError(f"audit key file {path} already exists; not overwriting it") from None
    try:
        os.write(fd, (key.hex() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(path, 0o600)  # in case the umask or the filesystem widened it
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return key


def load_key(path: Path) -> bytes:
    """Read the key; raises AuditKeyError with what to do when it is missing or unsafe."""
    try:
        info = path.stat()
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise AuditKeyError(f"audit key file {path} is missing: run `edge-agent init` "
                            "(or restore the key that signed the existing audit chain)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditKeyError(f"cannot read audit key file {path}: {type(exc).__name__}") from None
    if info.st_mode & (stat.S_IRWXO):
        raise AuditKeyError(f"audit key file {path} is accessible to other users "
                            f"(mode {stat.S_IMODE(info.st_mode):04o}): run `chmod 600 {path}`")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise AuditKeyError(f"audit key file {path} does not hold a hex key") from None
    if len(key) < KEY_BYTES:
        raise AuditKeyError(f"audit key in {path} is shorter than {KEY_BYTES} bytes")
    return key


def obtain_key(path: Path, *, create: bool) -> KeyFile:
    """Load the key, or create it when ``create`` and the file does not exist yet."""
    if create and not path.exists():
        return KeyFile(path, create_key(path), created=True)
    return KeyFile(path, load_key(path), created=False)
