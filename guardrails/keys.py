"""Keys for the privacy operators: the pseudonym secret (on the box, 0600) and the recovery key pair."""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey


class KeyFileError(ValueError):
    """A key file is missing, unreadable or of the wrong kind."""


class KeyFileProblem(Exception):
    """Why a hex key file could not be used: kind is missing, unreadable, exposed, malformed or short.

    Callers turn it into their own error with their own advice (which setting, which command)."""

    def __init__(self, kind: str, mode: int = 0, cause: str = "") -> None:
        super().__init__(kind)
        self.kind = kind
        self.mode = mode  # the file's permission bits, for kind "exposed"
        self.cause = cause  # the exception type, for kind "unreadable"


def write_new_hex_key(path: Path, size: int = 32) -> bytes | None:
    """Create ``path`` (mode 0600, folder 0700) holding a new random hex key, durably; None if it exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(size)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return None
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


def read_hex_key(path: Path, size: int = 32) -> bytes:
    """Read a hex key file that neither its group nor other users can access; KeyFileProblem says what is wrong."""
    try:
        info = path.stat()
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise KeyFileProblem("missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileProblem("unreadable", cause=type(exc).__name__) from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):  # a group member with the key signs cookies or pseudonyms
        raise KeyFileProblem("exposed", mode=stat.S_IMODE(info.st_mode))
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise KeyFileProblem("malformed") from None
    if len(key) < size:
        raise KeyFileProblem("short")
    return key


def load_or_create_secret(path: Path, size: int = 32) -> bytes:
    """Read a secret key file, creating it (mode 0600, random hex) on first use."""
    created = write_new_hex_key(path, size) if not path.exists() else None
    if created is not None:
        return created
    try:
        return read_hex_key(path, size)
    except KeyFileProblem as problem:
        if problem.kind == "exposed":
            raise KeyFileError(f"{path}: the key file is readable by its group or other users (mode "
                               f"{problem.mode:04o}); run `chmod 600 {path}`") from None
        raise KeyFileError(f"{path}: the key file is {problem.kind}") from None


def load_public_key(path: Path) -> X25519PublicKey:
    """Read the compliance officer's X25519 public key (PEM)."""
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"{path}: cannot read a public key ({type(exc).__name__})") from None
    if not isinstance(key, X25519PublicKey):
        raise KeyFileError(f"{path}: not an X25519 public key")
    return key


def load_private_key(path: Path) -> X25519PrivateKey:
    """Read the recovery private key (PEM), kept off the box and brought only to recover values."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: cannot read a private key ({type(exc).__name__})") from None
    if not isinstance(key, X25519PrivateKey):
        raise KeyFileError(f"{path}: not an X25519 private key")
    return key


def generate_recovery_keypair(private_out: Path, public_out: Path) -> None:
    """Write a new X25519 key pair: the private half (0600) to carry off the box, the public half for settings."""
    key = X25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    for path in (private_out, public_out):
        path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private_pem)
    public_out.write_bytes(public_pem)
