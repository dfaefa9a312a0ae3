"""The audit key: 32 random bytes, hex, in a file outside the database, created with mode 0600."""
from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from edge_agent.config import Settings
from edge_agent.errors import EdgeError
from guardrails.keys import KeyFileProblem, read_hex_key, write_new_hex_key

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
    key = write_new_hex_key(path, KEY_BYTES)
    if key is None:
        raise AuditKeyError(f"audit key file {path} already exists; not overwriting it")
    return key


def load_key(path: Path) -> bytes:
    """Read the key; raises AuditKeyError with what to do when it is missing or unsafe."""
    try:
        key = read_hex_key(path, KEY_BYTES)
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & (stat.S_IRWXG | stat.S_IRWXO):  # the group may not read it either: it can forge the chain
            raise KeyFileProblem("exposed", mode=mode)
        return key
    except KeyFileProblem as problem:
        raise AuditKeyError(_PROBLEMS[problem.kind].format(path=path, mode=problem.mode, cause=problem.cause,
                                                           size=KEY_BYTES)) from None


_PROBLEMS = {
    "missing": "audit key file {path} is missing: run `edge-agent init` "
               "(or restore the key that signed the existing audit chain)",
    "unreadable": "cannot read audit key file {path}: {cause}",
    "exposed": "audit key file {path} is accessible to its group or other users (mode {mode:04o}): "
               "run `chmod 600 {path}`",
    "malformed": "audit key file {path} does not hold a hex key",
    "short": "audit key in {path} is shorter than {size} bytes",
}


def obtain_key(path: Path, *, create: bool) -> KeyFile:
    """Load the key, or create it when ``create`` and the file does not exist yet."""
    if create and not path.exists():
        return KeyFile(path, create_key(path), created=True)
    return KeyFile(path, load_key(path), created=False)
