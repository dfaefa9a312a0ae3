"""Keys for the privacy operators: the pseudonym secret (on the box, 0600) and the recovery key pair."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey


class KeyFileError(ValueError):
    """A key file is missing, unreadable or of the wrong kind."""


def load_or_create_secret(path: Path, size: int = 32) -> bytes:
    """Read a secret key file, creating it (mode 0600, random bytes) on first use."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = secrets.token_bytes(size)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    if len(data) < size:
        raise KeyFileError(f"{path}: key is shorter than {size} bytes")
    return data


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
