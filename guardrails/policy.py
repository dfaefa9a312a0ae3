"""The deployment's redaction policy: which operator each entity type gets (default: typed placeholders).

Authentication data (the registry's secret types: CVV, CARD_EXPIRY, PIN, OTP) is outside the policy:
PCI DSS forbids storing it after authorisation, masked, hashed or encrypted, so it always becomes a bare
`<CVV>` with no index and never enters the session's vault (nothing can reveal or link it).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from guardrails.entities import SECRET
from guardrails.vault import SessionVault

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    from presidio_anonymizer.operators import Operator

# Operators a policy may name; their Presidio classes are in guardrails/presidio_operators.py.
OPERATORS: tuple[str, ...] = ("placeholder", "mask", "pseudonym", "encrypt")


@functools.cache
def operator(name: str) -> Operator:
    """The presidio-anonymizer operator for a policy name (imports Presidio on first use, not at import)."""
    from guardrails.presidio_operators import BY_POLICY_NAME

    return BY_POLICY_NAME[name]()


class PolicyError(ValueError):
    """The policy names an unknown operator, or lacks the key an operator needs."""


def parse_rules(spec: str) -> dict[str, str]:
    """Read 'CREDIT_CARD=mask, US_SSN=pseudonym' into {type: operator}."""
    rules: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        entity_type, sep, name = (s.strip() for s in part.partition("="))
        if not sep or not entity_type or name not in OPERATORS:
            raise PolicyError(f"bad redaction rule {part!r}: use TYPE=one of {', '.join(OPERATORS)}")
        rules[entity_type.upper()] = name
    return rules


@dataclass(frozen=True)
class RedactionPolicy:
    """Entity type → operator name, plus the keys the chosen operators need."""

    rules: Mapping[str, str] = field(default_factory=dict)
    pseudonym_key: bytes | None = field(default=None, repr=False)
    recovery_key: X25519PublicKey | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        used = set(self.rules.values())
        if "pseudonym" in used and not self.pseudonym_key:
            raise PolicyError("the pseudonym operator needs a pseudonym key")
        if "encrypt" in used and self.recovery_key is None:
            raise PolicyError("the encrypt operator needs the recovery public key (recovery_public_key_file)")

    def operator_name(self, entity_type: str) -> str:
        """The operator for an entity type."""
        return self.rules.get(entity_type, "placeholder")

    def replace(self, entity_type: str, value: str, vault: SessionVault) -> str:
        """The text that stands in for a value under this policy (a bare <TYPE> for authentication data)."""
        if entity_type in SECRET:
            return f"<{entity_type}>"
        name = self.operator_name(entity_type)
        params: dict[str, Any] = {"entity_type": entity_type, "vault": vault, "key": self.pseudonym_key,
                                  "public_key": self.recovery_key}
        return operator(name).operate(value, params)


DEFAULT_POLICY = RedactionPolicy()
