"""Vault, redactor, stream guard and log filter on a fake detector (the real detector has its own tests)."""
import logging

import pytest

from guardrails.logfilter import RedactingFilter, mask_digit_runs
from guardrails.redactor import Redactor
from guardrails.stream import StreamGuard
from guardrails.vault import SessionVault, value_key
from tests.fakes import FakeDetector

CARD = "6222021234567890123"


@pytest.fixture(scope="module")
def redactor():
    return Redactor(FakeDetector())


def test_placeholders_are_stable_within_a_session(redactor):
    vault = SessionVault()
    first = redactor.redact(f"卡号{CARD}，电话13912345678", vault)
    second = redactor.redact(f"还是这张卡{CARD}", vault)
    assert first.text == "卡号<CREDIT_CARD_1>，电话<PHONE_NUMBER_1>"
    assert second.text == "还是这张卡<CREDIT_CARD_1>"
    assert [(c.entity_type, c.count) for c in first.counts] == [("CREDIT_CARD", 1), ("PHONE_NUMBER", 1)]
    assert vault.reveal(second.text) == f"还是这张卡{CARD}"


def test_entities_keep_offsets_not_values(redactor):
    text = f"card {CARD} please"
    result = redactor.redact(text)
    (e,) = result.entities
    assert (e.start, e.end, text[e.start:e.end]) == (5, 5 + len(CARD), CARD)
    assert CARD not in repr(result.entities) or "placeholder" in repr(e)  # entities never store the value
    assert not any(CARD == getattr(e, f) for f in ("entity_type", "placeholder", "recognizer"))


def test_same_value_different_format_same_placeholder():
    assert value_key("PHONE_NUMBER", "+86 139-1234-5678") == value_key("PHONE_NUMBER", "13912345678")
    assert value_key("CREDIT_CARD", "６２２２ ０２１２") == value_key("CREDIT_CARD", "62220212")


def test_vault_wipe_and_repr_hide_values(redactor):
    vault = SessionVault()
    redactor.redact(f"卡号{CARD}", vault)
    assert CARD not in repr(vault) and len(vault) == 1
    vault.wipe()
    assert len(vault) == 0 and vault.reveal("<CREDIT_CARD_1>") == "<CREDIT_CARD_1>"


def test_vault_is_bounded():
    vault = SessionVault(max_values=2)
    for n in range(5):
        vault.placeholder_for("PHONE_NUMBER", f"1391234567{n}")
    assert len(vault) == 2


@pytest.mark.parametrize("chunks", [
    ["My card is 6222", "0212345678", "90123 thanks, and the rest of the sentence is long enough"],
    [c for c in f"one char at a time {CARD} and then more words to push it out of the window"],
    ["phone 139", "1234", "5678 " * 1, "x" * 80],
])
def test_stream_guard_catches_values_split_across_chunks(redactor, chunks):
    vault = SessionVault()
    guard = StreamGuard(lambda s: redactor.redact(s, vault), holdback=24)
    out = "".join(guard.feed(c) for c in chunks) + guard.finish()
    raw = "".join(chunks)
    assert out == redactor.redact(raw, vault).text
    assert CARD not in out and "13912345678" not in out


def test_stream_guard_emits_before_the_end(redactor):
    guard = StreamGuard(lambda s: redactor.redact(s), holdback=16)
    early = [guard.feed(w + " ") for w in "plain words flow through the guard long before the stream ends".split()]
    assert "".join(early)  # something was released early
    assert all(len(e) < 80 for e in early)


def test_log_filter_redacts_message_args_and_tracebacks(redactor):
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "customer %s said %s", ("张三", CARD), None)
    try:
        raise ValueError(f"bad card {CARD}")
    except ValueError:
        import sys
        record.exc_info = sys.exc_info()
    RedactingFilter(lambda s: redactor.redact(s).text).filter(record)
    text = logging.Formatter().format(record)
    assert CARD not in text and "张三" not in text and "ValueError" in text


def test_digit_backstop():
    assert mask_digit_runs("ref 1234 5678 9012 ok") == "ref <NUMBER> ok"
    assert mask_digit_runs("order 1234") == "order 1234"
