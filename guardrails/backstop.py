"""The second line of defence on stored text: unexplained long numbers in a message about cards, IDs, PINs.

Every text the service persists (conversation store, tickets, audit export, logs) passes through
``mask_unexplained``: when the text names a card/phone/ID/password/account cue, any run of six or more
digits that is still there after the recognizers ran (grouped or not) is replaced with `<NUMBER>`, unless
something explains it as harmless:

* it sits inside a placeholder or token (`<CREDIT_CARD_1>`, `<ENC:…>`, `<NUMBER>`);
* a look-alike label comes right before it (order, tracking, invoice, amount, flight… numbers);
* it is an amount (¥/$ before it, 元/块/万/% after it), a date (2024-05-06, 2026-11, 20240506), a decimal
  or a version (12345.67, 3.2.1.4096);
* it is an institution's service line (400/800 numbers).

Spoken numerals (一三三…, 幺两拐) count as digits, read through the normaliser's same-length fold.

Pure and cheap (one regex pass), idempotent (`<NUMBER>` holds no digit), and imports nothing heavy.
"""
from __future__ import annotations

import datetime as dt

import regex

from guardrails.normalize import fold_numerals
from guardrails.recognizers.labels import NEGATIVE_CONTEXT, label_regex

MASK = "<NUMBER>"
CUE = regex.compile(
    r"卡|手机|电话|号码|身份证|证件|护照|通行证|密码|验证码|动态码|口令|账号|帐号|账户|帐户|社保|医保|"
    r"(?<![a-z])(?:card|phone|mobile|tel|cell|id|passport|password|passcode|pin|otp|code|account|acct|ssn"
    r"|social security|licen[cs]e)(?![a-z])", regex.IGNORECASE)
RUN = regex.compile(r"(?<![0-9A-Za-z_])\d(?:(?:[ \-._/]|\s?[\-_/.]\s?)?\d){5,}(?![0-9A-Za-z])")
TOKEN = regex.compile(r"<[A-Z][A-Za-z0-9_:\-=]{0,200}>")
LOOK_ALIKE = label_regex(NEGATIVE_CONTEXT)
_CURRENCY_BEFORE = regex.compile(r"(?:[¥￥$€£]|rmb|cny|usd|hkd)\s?$", regex.IGNORECASE)
_AMOUNT_AFTER = regex.compile(r"^\s?(?:元|块|万|亿|美元|港币|%|rmb|yuan|usd|dollars?)", regex.IGNORECASE)
_SERVICE = ("400", "800")
_DATE = regex.compile(r"^(?:19|20)\d{2}[\-/.](?:0?[1-9]|1[0-2])(?:[\-/.](?:0?[1-9]|[12]\d|3[01]))?$"
                      r"|^(?:0?[1-9]|[12]\d|3[01])[\-/.](?:0?[1-9]|1[0-2])[\-/.](?:19|20)\d{2}$")
_SHORT_DOTTED_GROUP = regex.compile(r"(?:^|\.)\d{1,2}(?:\.|$)")


def _is_date(digits: str) -> bool:
    """An 8-digit YYYYMMDD that is a real date."""
    if len(digits) != 8 or digits[:2] not in ("19", "20"):
        return False
    try:
        dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return True


def explained(text: str, start: int, end: int) -> bool:
    """True when the digit run text[start:end] is accounted for as a look-alike, amount, date or hotline."""
    before, after = text[max(0, start - 40):start], text[end:end + 8]
    run = text[start:end]
    digits = "".join(c for c in run if c.isdigit())
    if LOOK_ALIKE is not None and LOOK_ALIKE.search(before):
        return True
    if _CURRENCY_BEFORE.search(before) or _AMOUNT_AFTER.match(after):
        return True
    if _is_date(digits) or _DATE.match(run):
        return True
    if "." in run and _SHORT_DOTTED_GROUP.search(run):  # a decimal or a version: 12345.67, 3.2.1.4096
        return True
    return len(digits) == 10 and digits[:3] in _SERVICE


def mask_unexplained(text: str) -> str:
    """Mask every unexplained run of 6+ digits in a text that names a card/phone/ID/password/account cue."""
    if not text or CUE.search(text) is None:
        return text
    folded = fold_numerals(text)  # spoken numerals count as digits; same length, so offsets carry over
    tokens = [m.span() for m in TOKEN.finditer(folded)]
    out: list[str] = []
    pos = 0
    for m in RUN.finditer(folded):
        start, end = m.span()
        if any(s < end and start < e for s, e in tokens) or explained(folded, start, end):
            continue
        out += [text[pos:start], MASK]
        pos = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)
