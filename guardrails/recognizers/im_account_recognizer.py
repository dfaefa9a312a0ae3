"""WeChat, QQ and Alipay accounts (IM_ACCOUNT) after their cue: 微信号/vx/QQ号/支付宝账号…

An id alone (``zhang_wei88``, ``10086123``) is indistinguishable from an order or member number, so a
cue is required: the app's name (微信, 威信, vx, wx, WeChat, QQ, 扣扣, 支付宝, Alipay), optionally
号/账号/ID, then filler (是, 为, :, "is"). Values follow the apps' rules: a WeChat id is 6–20 letters,
digits, ``_`` or ``-`` starting with a letter; a QQ number is 5–12 digits not starting with 0; an Alipay
account is a phone number or an e-mail (those recognizers find them too; the registry's priority and
the higher score pick the more specific type). A bare word after the cue ("微信支付", "wechat pay",
"QQ group") is no id: an all-letter value must be 6+ characters and not a common word.
"""
from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from guardrails.recognizers.context_aware_recognizer import drop_contained

CUES = (r"微信号|微信账号|微信ID|微信id|微信|威信|薇信|v信|V信|vx|VX|Vx|wx|WX|weixin|"
        r"wechat(?:[ \t]*id)?|WeChat(?:[ \t]*ID)?|"
        r"QQ号码|QQ号|QQ|qq号|qq|扣扣号|扣扣|企鹅号|支付宝账号|支付宝账户|支付宝号|支付宝|alipay(?:[ \t]*account)?|"
        r"Alipay(?:[ \t]*account)?")
FILLER = r"(?:[ \t]*(?:[:：=]|是|为|就是|号是|号码是|账号是|is|:)?[ \t]*)"
VALUE = r"(?P<value>[A-Za-z0-9][A-Za-z0-9_\-.@]{3,38}[A-Za-z0-9])"
# Words that follow an app's name without being an id ("微信 pay", "QQ group", "alipay account").
NOT_IDS: frozenset[str] = frozenset(
    "account accounts number wechat alipay weixin group groups official public payment paying transfer "
    "transfers binding unbind please support service mini program scan wallet balance login logout "
    "message messages friend friends contact contacts password verify verified".split()
)


class ImAccountRecognizer(EntityRecognizer):
    """IM_ACCOUNT: a WeChat id, QQ number or Alipay account after its app's name."""

    ENTITY = "IM_ACCOUNT"
    name: str
    SCORE: ClassVar[float] = 0.8
    # A Latin cue must end a word ("wx" is no cue in "wxyz"); a Chinese one may touch the id (微信号lin_xt).
    _RX = regex.compile(r"(?<![A-Za-z])(?:" + CUES + r")(?:(?<=[^A-Za-z])|(?![a-z]))" + FILLER + VALUE
                        + r"(?![A-Za-z0-9_\-@])")

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__,
                         supported_language=supported_language)

    def load(self) -> None:
        """Nothing to load: one pattern."""

    @staticmethod
    def plausible(value: str) -> bool:
        """A WeChat id, a QQ number, or an Alipay phone/e-mail; not a word that follows an app's name."""
        value = value.rstrip(".")
        if value.lower() in NOT_IDS:
            return False
        if value.isdigit():
            return 5 <= len(value) <= 12 and value[0] != "0" or len(value) == 11
        if "@" in value:
            return regex.fullmatch(r"[^@]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+", value) is not None
        if value.isalpha():
            return len(value) >= 6 and not value.islower() or len(value) >= 8
        return 6 <= len(value) <= 20 and value[0].isalpha()

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Ids after a WeChat/QQ/Alipay cue."""
        if entities and self.ENTITY not in entities:
            return []
        results = []
        for match in self._RX.finditer(text):
            value = match.group("value").rstrip(".")
            if self.plausible(value):
                start = match.start("value")
                results.append(self._result(start, start + len(value)))
        return drop_contained(results)

    def _result(self, start: int, end: int) -> RecognizerResult:
        """An IM_ACCOUNT result carrying this recognizer's name."""
        return RecognizerResult(entity_type=self.ENTITY, start=start, end=end, score=self.SCORE,
                                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id})
