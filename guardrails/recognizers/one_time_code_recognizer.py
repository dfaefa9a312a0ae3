"""One-time codes after their label: 验证码是482915, 动态码, 短信验证码, OTP, verification code.

Authentication data: the policy turns it into a bare `<OTP>` that is never kept (guardrails/policy.py).
"""
from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from guardrails.recognizers.context_aware_recognizer import B_END, B_START, ContextAwareRecognizer


class OneTimeCodeRecognizer(ContextAwareRecognizer):
    """OTP: 4–8 digits right after a one-time-code label."""

    ENTITY = "OTP"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("one-time code (context)", B_START + r"(?P<value>\d{4,8})" + B_END, 0.6),
    )
    CONTEXT = ("验证码", "短信验证码", "手机验证码", "动态码", "动态验证码", "动态密码", "一次性密码", "短信码",
               "短信密码", "授权码", "认证码", "确认码", "otp", "otp code", "one-time code", "one time code",
               "one-time password", "one time password", "one-time passcode", "verification code",
               "sms code", "text code", "security code sent", "auth code", "authentication code",
               "login code", "2fa code", "confirmation code sent")
    CONTEXT_ONLY = frozenset({"one-time code (context)"})
    SEPARATORS = ""
    LABEL_WORD_START = True

    def validate_result(self, pattern_text: str) -> bool:
        """Four to eight digits."""
        return pattern_text.isdigit() and 4 <= len(pattern_text) <= 8
