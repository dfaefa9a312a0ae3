"""Our operators as presidio-anonymizer ``Operator`` classes (``AnonymizerEngine.add_anonymizer``).

Importing this module loads presidio-anonymizer (and with it presidio-analyzer and spaCy, about a second):
the policy imports it on the first replacement, never at import time. The arithmetic is in
guardrails/operators.py.
"""
from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from presidio_anonymizer.entities import InvalidParamError
from presidio_anonymizer.operators import Operator, OperatorType

from guardrails.operators import encrypt_value, mask_last_four, pseudonym
from guardrails.vault import SessionVault

Params = dict[str, Any] | None  # Presidio passes each operator its parameters as a dict


def _need(params: Params, *names: str) -> dict[str, Any]:
    params = params or {}
    missing = [n for n in names if params.get(n) is None]
    if missing:
        raise InvalidParamError(f"missing operator parameters: {', '.join(missing)}")
    return params


class TypedPlaceholder(Operator):
    """`<CREDIT_CARD_1>`: numbered per conversation through the session's vault (the default)."""

    def operate(self, text: str = "", params: Params = None) -> str:
        p = _need(params, "entity_type", "vault")
        vault: SessionVault = p["vault"]
        return vault.placeholder_for(p["entity_type"], text)

    def validate(self, params: Params = None) -> None:
        _need(params, "entity_type", "vault")

    def operator_name(self) -> str:
        return "typed_placeholder"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


class MaskLastFour(Operator):
    """`**** **** **** **** 0128`: PCI's rule — never more than the last four digits in anything stored."""

    def operate(self, text: str = "", params: Params = None) -> str:
        return mask_last_four(text, (params or {}).get("mask_char", "*"))

    def validate(self, params: Params = None) -> None:
        char = (params or {}).get("mask_char", "*")
        if not isinstance(char, str) or len(char) != 1:
            raise InvalidParamError("mask_char must be one character")

    def operator_name(self) -> str:
        return "mask_last4"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


class HmacPseudonym(Operator):
    """`<CREDIT_CARD:3f9a…>`: links records about the same value without revealing it."""

    def operate(self, text: str = "", params: Params = None) -> str:
        p = _need(params, "entity_type", "key")
        return pseudonym(p["entity_type"], text, p["key"])

    def validate(self, params: Params = None) -> None:
        p = _need(params, "entity_type", "key")
        if not isinstance(p["key"], bytes) or len(p["key"]) < 32:
            raise InvalidParamError("pseudonym key must be at least 32 bytes")

    def operator_name(self) -> str:
        return "hmac_pseudonym"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


class RecoverableEncrypt(Operator):
    """`<ENC:CREDIT_CARD:…>`: only the holder of the off-box private key can read the value back."""

    def operate(self, text: str = "", params: Params = None) -> str:
        p = _need(params, "entity_type", "public_key")
        return encrypt_value(p["entity_type"], text, p["public_key"])

    def validate(self, params: Params = None) -> None:
        p = _need(params, "entity_type", "public_key")
        if not isinstance(p["public_key"], X25519PublicKey):
            raise InvalidParamError("public_key must be an X25519 public key")

    def operator_name(self) -> str:
        return "recoverable_encrypt"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize


OPERATOR_CLASSES: tuple[type[Operator], ...] = (TypedPlaceholder, MaskLastFour, HmacPseudonym, RecoverableEncrypt)
# The policy's names for them (EDGE_REDACTION_POLICY=CREDIT_CARD=mask); keys match policy.OPERATOR_NAMES.
BY_POLICY_NAME: dict[str, type[Operator]] = {
    "placeholder": TypedPlaceholder, "mask": MaskLastFour, "pseudonym": HmacPseudonym, "encrypt": RecoverableEncrypt,
}
