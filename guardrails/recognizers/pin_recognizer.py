"""PINs and passwords after their label: 取款密码834921, 密码是Abc@1234, my pin is 4821, password: hunter22.

Authentication data: the policy turns it into a bare `<PIN>` that is never kept (guardrails/policy.py).
A password is any run of printable ASCII without spaces holding at least one digit, so "密码 reset" or
"change my password please" are not passwords; a one-time "动态密码" is an OTP (its own recognizer).
"""
from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from guardrails.recognizers.context_aware_recognizer import B_END, B_START, LOOKBACK, NEGATIVE, ContextAwareRecognizer

_TRAILING = re.compile(r"[.,;:!?)\]'\"]+$")


class PinRecognizer(ContextAwareRecognizer):
    """PIN: 4–8 digits, or a password with a digit in it, right after a PIN/password label."""

    ENTITY = "PIN"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("PIN (context)", B_START + r"(?P<value>\d{4,8})" + B_END, 0.6),
        Pattern("password (context)", r"(?<![!-~])(?P<value>[!-~]{4,32})(?![!-~])", 0.55),
    )
    CONTEXT = ("密码", "取款密码", "交易密码", "支付密码", "查询密码", "登录密码", "登陆密码", "网银密码",
               "银行卡密码", "卡密码", "开机密码", "初始密码", "新密码", "旧密码", "原密码", "密码是", "口令",
               "pin", "pin code", "pin number", "my pin", "atm pin", "password", "passcode", "passwd", "pwd",
               "login password", "new password", "old password")
    NEGATIVE = ("动态密码", "一次性密码", "短信密码", "otp")  # one-time codes: the OTP recognizer's
    CONTEXT_ONLY = frozenset({"PIN (context)", "password (context)"})
    SEPARATORS = ".,;:!?)]'\""  # trailing sentence punctuation is not part of a password
    LABEL_WORD_START = True

    def label_before(self, text: str, start: int) -> int:
        """A one-time password label is not a PIN label (checked first: "动态密码" ends in "密码")."""
        if self._negative is not None and self._negative.search(text[max(0, start - LOOKBACK):start]):
            return NEGATIVE
        return super().label_before(text, start)

    def validate_result(self, pattern_text: str) -> bool:
        """A PIN is digits; a password holds at least one digit and is not only punctuation."""
        value = _TRAILING.sub("", pattern_text)
        return len(value) >= 4 and any(c.isdigit() for c in value) and any(c.isalnum() for c in value)
