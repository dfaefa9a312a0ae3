"""The secret that signs staff session cookies: 32 random bytes, hex, in a file (mode 0600) outside the code.

The service refuses to start without it. `edge-agent users init-secret` creates it (never overwriting);
tests point ``secret_key_file`` at a file they made.
"""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from edge_agent.auth.errors import SecretKeyError
from edge_agent.config import Settings

SECRET_BYTES = 32
SETTING = "secret_key_file (EDGE_SECRET_KEY_FILE)"
CREATE_HINT = "create it with `edge-agent init` (or `edge-agent users init-secret`)"


def secret_key_path(settings: Settings) -> Path:
    """Where the secret lives: ``secret_key_file``, else ``<data_dir>/keys/secret.key``."""
    return settings.secret_key_file or settings.data_dir / "keys" / "secret.key"


def create_secret_key(path: Path) -> bool:
    """Write a new random secret to ``path`` (mode 0600); False (and no change) when the file exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    try:
        os.write(fd, (secrets.token_bytes(SECRET_BYTES).hex() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(path, 0o600)
    return True


def load_secret_key(settings: Settings) -> bytes:
    """The secret of ``settings``; SecretKeyError naming the setting when it is missing or unsafe."""
    path = secret_key_path(settings)
    try:
        info = path.stat()
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise SecretKeyError(f"the secret key file {path} is missing (setting {SETTING}): {CREATE_HINT}, "
                             "or point the setting at an existing key file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretKeyError(f"cannot read the secret key file {path} (setting {SETTING}): "
                             f"{type(exc).__name__}") from None
    if info.st_mode & stat.S_IRWXO:
        raise SecretKeyError(f"the secret key file {path} (setting {SETTING}) is accessible to other users "
                             f"(mode {stat.S_IMODE(info.st_mode):04o}): run `chmod 600 {path}`")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise SecretKeyError(f"the secret key file {path} (setting {SETTING}) does not hold a hex key: "
                             f"{CREATE_HINT}") from None
    if len(key) < SECRET_BYTES:
        raise SecretKeyError(f"the secret key in {path} (setting {SETTING}) is shorter than {SECRET_BYTES} bytes")
    return key
