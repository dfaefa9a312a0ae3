"""Authentication data through the real detector and redactor: bare <CVV>/<PIN>/<OTP>/<CARD_EXPIRY>, never kept."""
import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from edge_agent.chat.messages import MASKED, masked_notice, redaction_notice
from guardrails.detector import build_detector
from guardrails.entities import SECRET
from guardrails.policy import RedactionPolicy
from guardrails.redactor import Redactor
from guardrails.stream import StreamGuard
from guardrails.vault import SessionVault
from tests.pii_values import luhn_complete

CARD = luhn_complete("622202970326963")
MESSAGE = f"卡号{CARD}，有效期12/27，安全码345，取款密码834921，验证码是482915"


@pytest.fixture(scope="module")
def det():
    return build_detector(use_ner=False)


def test_secret_types_are_the_authentication_data():
    assert SECRET == {"CVV", "CARD_EXPIRY", "PIN", "OTP"}


def test_bare_placeholders_and_nothing_in_the_vault(det):
    vault = SessionVault()
    out = Redactor(det).redact(MESSAGE, vault)
    assert out.text == "卡号<CREDIT_CARD_1>，有效期<CARD_EXPIRY>，安全码<CVV>，取款密码<PIN>，验证码是<OTP>"
    assert len(vault) == 1  # the card only: authentication data never enters the vault
    assert vault.reveal(out.text).count("<CVV>") == 1  # nothing can put it back


def test_no_policy_keeps_authentication_data(det):
    policy = RedactionPolicy(rules={"CVV": "encrypt", "PIN": "mask", "CREDIT_CARD": "mask"},
                             recovery_key=X25519PrivateKey.generate().public_key())
    out = Redactor(det, policy=policy).redact("card 4111111111111111 cvv 123 pin 4821")
    assert "<CVV>" in out.text and "<PIN>" in out.text and "ENC" not in out.text and "1111" in out.text


def test_spoken_phone_is_redacted_in_the_original_characters(det):
    text = "我的电话是幺三三两拐四洞八五勾四，谢谢"
    out = Redactor(det).redact(text)
    assert out.text == "我的电话是<PHONE_NUMBER_1>，谢谢"


def test_stream_guard_keeps_a_spoken_number_whole(det):
    redactor = Redactor(det)
    guard = StreamGuard(lambda s: redactor.redact(s), holdback=8)
    text = "您好，请回电一三三二七四零八五九四，或者把验证码四八二九一五告诉我，我们的工作时间是九点到五点。"
    out = "".join(guard.feed(text[i:i + 3]) for i in range(0, len(text), 3)) + guard.finish()
    assert "一三三" not in out and "四八二" not in out and "<OTP>" in out


def test_notice_asks_kindly_never_to_type_them():
    for lang in ("zh", "en"):
        plain = redaction_notice(lang, ["CREDIT_CARD"])
        assert plain == masked_notice(lang, ["CREDIT_CARD"]) == MASKED[lang].format(
            types="银行卡号" if lang == "zh" else "card number")
        secret = redaction_notice(lang, ["CREDIT_CARD", "CVV", "PIN"])
        assert secret.startswith(masked_notice(lang, ["CREDIT_CARD", "CVV", "PIN"]))
        assert ("绝不会" in secret) if lang == "zh" else ("never ask" in secret)


def test_a_dictated_number_and_its_digits_share_a_placeholder(det):
    vault = SessionVault()
    first = Redactor(det).redact("我的电话是13327408594", vault).text
    again = Redactor(det).redact("再说一遍：一三三二七四零八五九四", vault).text
    assert first.endswith("<PHONE_NUMBER_1>") and again.endswith("<PHONE_NUMBER_1>")
