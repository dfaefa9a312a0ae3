"""Our presidio-anonymizer operators: typed placeholders, last-four masks, keyed pseudonyms, recoverable encryption.

Each is a Presidio ``Operator`` registered with ``AnonymizerEngine.add_anonymizer``; which one applies to
which entity type is the deployment's policy (guardrails/policy.py).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from typing import Any, Dict

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from presidio_anonymizer.entities import InvalidParamError
from presidio_anonymizer.operators import Operator, OperatorType

from guardrails.vault import SessionVault, value_key

ENCRYPTED_TOKEN = re.compile(r"<ENC:([A-Z][A-Z0-9_]*):([A-Za-z0-9_\-]+={0,2})>")
_HKDF_INFO = b"edge-agent recoverable value v1"


def _need(params: Dict[str, Any] | None, *names: str) -> Dict[str, Any]:
    params = params or {}
    missing = [n for n in names if params.get(n) is None]
    if missing:
        raise InvalidParamError(f"missing operator parameters: {', '.join(missing)}")
    return params


class TypedPlaceholder(Operator):
    """`<CREDIT_CARD_1>`: numbered per conversation through the session's vault (the default)."""

    def operate(self, text: str = None, params: Dict = None) -> str:  # noqa: RUF013 (Presidio's signature)
        p = _need(params, "entity_type", "vault")
        vault: SessionVault = p["vault"]
        return vault.placeholder_for(p["entity_type"], text)

    def validate(self, params: Dict = None) -> None:
        _need(params, "entity_type", "vault")

    def operator_name(self) -> str:
        return "typed_placeholder"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


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


class MaskLastFour(Operator):
    """`**** **** **** **** 0128`: PCI's rule — never more than the last four digits in anything stored."""

    def operate(self, text: str = None, params: Dict = None) -> str:  # noqa: RUF013
        return mask_last_four(text, (params or {}).get("mask_char", "*"))

    def validate(self, params: Dict = None) -> None:
        char = (params or {}).get("mask_char", "*")
        if not isinstance(char, str) or len(char) != 1:
            raise InvalidParamError("mask_char must be one character")

    def operator_name(self) -> str:
        return "mask_last4"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


def pseudonym(entity_type: str, value: str, key: bytes) -> str:
    """Keyed HMAC-SHA256 of the normalised value: the same value gives the same pseudonym on this deployment."""
    digest = hmac.new(key, value_key(entity_type, value).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"<{entity_type}:{digest[:16]}>"


class HmacPseudonym(Operator):
    """`<CREDIT_CARD:3f9a…>`: links records about the same value without revealing it."""

    def operate(self, text: str = None, params: Dict = None) -> str:  # noqa: RUF013
        p = _need(params, "entity_type", "key")
        return pseudonym(p["entity_type"], text, p["key"])

    def validate(self, params: Dict = None) -> None:
        p = _need(params, "entity_type", "key")
        if not isinstance(p["key"], bytes) or len(p["key"]) < 32:
            raise InvalidParamError("pseudonym key must be at least 32 bytes")

    def operator_name(self) -> str:
        return "hmac_pseudonym"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


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
    return AESGCM(key).decrypt(nonce, sealed, entity_type.encode("ascii")).decode("utf-8")


def decrypt_text(text: str, private_key: X25519PrivateKey) -> str:
    """Replace every `<ENC:…>` token in text with its value (tokens that fail to decrypt are left as they are)."""
    def one(m: re.Match) -> str:
        try:
            return decrypt_token(m.group(1), m.group(2), private_key)
        except Exception:
            return m.group(0)
    return ENCRYPTED_TOKEN.sub(one, text)


class RecoverableEncrypt(Operator):
    """`<ENC:CREDIT_CARD:…>`: only the holder of the off-box private key can read the value back."""

    def operate(self, text: str = None, params: Dict = None) -> str:  # noqa: RUF013
        p = _need(params, "entity_type", "public_key")
        return encrypt_value(p["entity_type"], text, p["public_key"])

    def validate(self, params: Dict = None) -> None:
        p = _need(params, "entity_type", "public_key")
        if not isinstance(p["public_key"], X25519PublicKey):
            raise InvalidParamError("public_key must be an X25519 public key")

    def operator_name(self) -> str:
        return "recoverable_encrypt"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


OPERATOR_CLASSES: tuple[type[Operator], ...] = (TypedPlaceholder, MaskLastFour, HmacPseudonym, RecoverableEncrypt)
