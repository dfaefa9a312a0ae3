"""The secret that signs staff session cookies: 32 random bytes, hex, in a file (mode 0600) outside the code.

The service refuses to start without it. `edge-agent users init-secret` creates it (never overwriting);
tests point ``secret_key_file`` at a file they made.
"""
from __future__ import annotations

from pathlib import Path

from edge_agent.auth.errors import SecretKeyError
from edge_agent.config import Settings
from guardrails.keys import KeyFileProblem, read_hex_key, write_new_hex_key

SECRET_BYTES = 32
SETTING = "secret_key_file (EDGE_SECRET_KEY_FILE)"
CREATE_HINT = "create it with `edge-agent init` (or `edge-agent users init-secret`)"


def secret_key_path(settings: Settings) -> Path:
    """Where the secret lives: ``secret_key_file``, else ``<data_dir>/keys/secret.key``."""
    return settings.secret_key_file or settings.data_dir / "keys" / "secret.key"


def create_secret_key(path: Path) -> bool:
    """Write a new random secret to ``path`` (mode 0600); False (and no change) when the file exists."""
    return write_new_hex_key(path, SECRET_BYTES) is not None


def load_secret_key(settings: Settings) -> bytes:
    """The secret of ``settings``; SecretKeyError naming the setting when it is missing or unsafe."""
    path = secret_key_path(settings)
    try:
        return read_hex_key(path, SECRET_BYTES)
    except KeyFileProblem as problem:
        raise SecretKeyError(_PROBLEMS[problem.kind].format(
            path=path, setting=SETTING, hint=CREATE_HINT, mode=problem.mode, cause=problem.cause,
            size=SECRET_BYTES)) from None


_PROBLEMS = {
    "missing": "the secret key file {path} is missing (setting {setting}): {hint}, "
               "or point the setting at an existing key file",
    "unreadable": "cannot read the secret key file {path} (setting {setting}): {cause}",
    "exposed": "the secret key file {path} (setting {setting}) is accessible to its group or other users "
               "(mode {mode:04o}): run `chmod 600 {path}`",
    "malformed": "the secret key file {path} (setting {setting}) does not hold a hex key: {hint}",
    "short": "the secret key in {path} (setting {setting}) is shorter than {size} bytes",
}
