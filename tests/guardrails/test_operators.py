"""Redaction operators and policy: placeholder, last-four mask, keyed pseudonym, recoverable encryption."""
import os
import stat

import pytest
from cryptography.exceptions import InvalidTag
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

from guardrails.keys import generate_recovery_keypair, load_or_create_secret, load_private_key, load_public_key
from guardrails.operators import decrypt_text, decrypt_token, encrypt_value, mask_last_four, pseudonym
from guardrails.policy import PolicyError, RedactionPolicy, parse_rules
from guardrails.presidio_operators import OPERATOR_CLASSES
from guardrails.redactor import Redactor
from tests.fakes import FakeDetector

CARD = "6222021234567890128"
KEY = b"k" * 32


@pytest.mark.parametrize("value, masked", [
    ("6222021234567890128", "***************0128"),         # 19-digit card: last four only
    ("6222 0212 3456 7890 128", "**** **** **** ***0 128"),  # grouping kept, still four digits
    ("11010519491231002X", "*************1002*"),           # resident ID: check letter masked too
    ("+86 139-1234-5678", "+** ***-****-5678"),             # phone: country code masked too
    ("1234567", "*******"),                                  # under 8 digits: nothing kept
    ("欧阳明轩", "****"),                                      # a name: nothing kept
])
def test_mask_last_four_table(value, masked):
    assert mask_last_four(value) == masked
    assert sum(c.isdigit() for c in mask_last_four(value)) <= 4


def test_pseudonyms_link_without_revealing():
    a = pseudonym("CREDIT_CARD", CARD, KEY)
    assert a == pseudonym("CREDIT_CARD", "6222 0212 3456 7890 128", KEY)  # same value, other format
    assert a != pseudonym("CREDIT_CARD", CARD, b"x" * 32)                 # another deployment's key
    assert a != pseudonym("PHONE_NUMBER", CARD, KEY)                      # type is part of the input
    assert CARD not in a and a.startswith("<CREDIT_CARD:")


def test_encryption_recovers_only_with_the_private_key(tmp_path):
    generate_recovery_keypair(tmp_path / "officer.pem", tmp_path / "box.pub.pem")
    assert stat.S_IMODE(os.stat(tmp_path / "officer.pem").st_mode) == 0o600
    public, private = load_public_key(tmp_path / "box.pub.pem"), load_private_key(tmp_path / "officer.pem")
    token = encrypt_value("CREDIT_CARD", CARD, public)
    assert CARD not in token and token != encrypt_value("CREDIT_CARD", CARD, public)  # fresh key per value
    assert decrypt_text(f"card {token} ok", private) == f"card {CARD} ok"
    generate_recovery_keypair(tmp_path / "other.pem", tmp_path / "other.pub.pem")
    wrong = load_private_key(tmp_path / "other.pem")
    _, entity, blob = token.strip("<>").split(":")
    with pytest.raises(InvalidTag):
        decrypt_token(entity, blob, wrong)
    with pytest.raises(InvalidTag):  # the entity type is authenticated
        decrypt_token("PHONE_NUMBER", blob, private)


@pytest.mark.parametrize("spec, error", [
    ("CREDIT_CARD=shred", "bad redaction rule"),   # unknown operator
    ("CREDIT_CARD", "bad redaction rule"),         # no operator
    ("=mask", "bad redaction rule"),               # no type
])
def test_policy_parse_errors(spec, error):
    with pytest.raises(PolicyError, match=error):
        parse_rules(spec)


def test_policy_needs_its_keys():
    with pytest.raises(PolicyError, match="pseudonym key"):
        RedactionPolicy(parse_rules("CREDIT_CARD=pseudonym"))
    with pytest.raises(PolicyError, match="recovery public key"):
        RedactionPolicy(parse_rules("CREDIT_CARD=encrypt"))


def test_redactor_applies_the_policy_per_type():
    policy = RedactionPolicy(parse_rules("credit_card=mask, PHONE_NUMBER=pseudonym"), pseudonym_key=KEY)
    result = Redactor(FakeDetector(), policy=policy).redact(f"卡{CARD} 电话13912345678 张三")
    assert result.text == f"卡***************0128 电话{pseudonym('PHONE_NUMBER', '13912345678', KEY)} <PERSON_1>"
    assert [e.placeholder for e in result.entities][0] == "***************0128"


def test_operators_plug_into_presidio_anonymizer_engine():
    engine = AnonymizerEngine()
    for cls in OPERATOR_CLASSES:
        engine.add_anonymizer(cls)
    out = engine.anonymize(text=f"card {CARD}", analyzer_results=[RecognizerResult("CREDIT_CARD", 5, 24, 0.9)],
                           operators={"CREDIT_CARD": OperatorConfig("mask_last4", {})})
    assert out.text == "card ***************0128"


def test_secret_file_created_0600_and_reused(tmp_path):
    path = tmp_path / "keys" / "pseudonym.key"
    first = load_or_create_secret(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and load_or_create_secret(path) == first
