"""What our redaction operators compute: last-four masks, keyed pseudonyms, recoverable encryption.

Plain functions (typed placeholders come from the session's vault). The presidio-anonymizer ``Operator``
classes wrapping them are in guardrails/presidio_operators.py, imported only when a value is first
replaced: importing this module, the policy or the redactor loads neither Presidio nor spaCy, so
`edge-agent --help`, `config` and `audit verify` start at once. Which operator applies to which entity type
is the deployment's policy (guardrails/policy.py).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from guardrails.vault import value_key

ENCRYPTED_TOKEN = re.compile(r"<ENC:([A-Z][A-Z0-9_]*):([A-Za-z0-9_\-]+={0,2})>")
_HKDF_INFO = b"edge-agent recoverable value v1"


def mask_last_four(value: str, mask_char: str = "*") -> str:
    """Mask every letter and digit except the last four digits; values with < 8 digits are masked whole."""
    digits = sum(ch.isdigit() for ch in value)
    keep = 4 if digits >= 8 else 0
    out: list[str] = []
    for ch in reversed(value):
        if ch.isdigit() and keep:
            out.append(ch)
            keep -= 1
        elif ch.isalnum():
            out.append(mask_char)
        else:
            out.append(ch)
    return "".join(reversed(out))


def pseudonym(entity_type: str, value: str, key: bytes) -> str:
    """Keyed HMAC-SHA256 of the normalised value: the same value gives the same pseudonym on this deployment."""
    digest = hmac.new(key, value_key(entity_type, value).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"<{entity_type}:{digest[:16]}>"


def _derive(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(shared)


def encrypt_value(entity_type: str, value: str, public_key: X25519PublicKey) -> str:
    """AES-256-GCM under a one-off key agreed (X25519) with the compliance officer's public key."""
    ephemeral = X25519PrivateKey.generate()
    key = _derive(ephemeral.exchange(public_key))
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, value.encode("utf-8"), entity_type.encode("ascii"))
    eph = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return f"<ENC:{entity_type}:{base64.urlsafe_b64encode(eph + nonce + sealed).decode('ascii')}>"


def decrypt_token(entity_type: str, token: str, private_key: X25519PrivateKey) -> str:
    """Recover a value from an `<ENC:…>` token with the private key kept off the box."""
    blob = base64.urlsafe_b64decode(token)
    eph, nonce, sealed = X25519PublicKey.from_public_bytes(blob[:32]), blob[32:44], blob[44:]
    key = _derive(private_key.exchange(eph))
    plain: bytes = AESGCM(key).decrypt(nonce, sealed, entity_type.encode("ascii"))
    return plain.decode("utf-8")


def decrypt_text(text: str, private_key: X25519PrivateKey) -> str:
    """Replace every `<ENC:…>` token in text with its value (tokens that fail to decrypt are left as they are)."""
    def one(m: re.Match[str]) -> str:
        try:
            return decrypt_token(m.group(1), m.group(2), private_key)
        except Exception:
            return m.group(0)
    return ENCRYPTED_TOKEN.sub(one, text)
