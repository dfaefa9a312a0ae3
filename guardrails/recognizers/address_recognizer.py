"""Home addresses (ADDRESS): Chinese administrative/street forms and English street addresses.

Chinese: a run of address parts — 省/自治区, 市, 区/县, 街道/镇/乡, a road (路/街/大道/巷/弄/胡同) with
its 号, an estate (小区/花园/公寓/苑/大厦…), 栋/幢/号楼, 单元, 室. Without a cue it needs a street
number part (…号, …栋, …单元, …室) and at least three parts in all; after a cue (住址, 地址, 家住, 住在,
寄到, 送到…) two parts or one numbered part are enough.

English: house number + one to three capitalised words + a street suffix (St, Rd, Ave…), then an
optional unit, city, state and ZIP; after a cue ("I live at", "address:", "ship to") any case, and any
suffix-less "number + words" up to the end of the clause.

Organisation addresses are kept: an address followed by, or containing, what the organisation publishes
(支行, 分行, 营业厅, 医院, 门诊, branch, clinic…), and asked about without a personal cue ("你们XX支行在
人民路88号吗") is the knowledge base's own text, not the customer's home.
"""
from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from guardrails.recognizers.context_aware_recognizer import drop_contained

# Han characters a place name may hold: not the function words around it ("我家在", "寄到", "的").
_P = r"[\u4e00-\u9fff--[我你您他她的在是住到于了请帮把给想要去从往址送寄改为]]"
_NUM = r"(?:\d{1,5}|[一二三四五六七八九十百零]{1,4})"
CN_PARTS: tuple[tuple[str, str], ...] = (
    ("province", _P + r"{2,6}?(?:省|自治区)"),
    ("city", _P + r"{2,4}?市"),
    ("district", r"(?:" + _P + r"{1,4}?(?:区|县|旗)){1,2}"),
    ("town", _P + r"{2,4}?(?:街道|镇|乡)"),
    ("road", _P + r"{1,8}?(?:大道|路|街|巷|胡同|弄|里)(?:" + _NUM + r"[段巷弄])?"),
    ("number", _NUM + r"(?:-\d{1,4})?号(?:院)?"),
    ("estate", _P + r"{2,8}(?:小区|花园|公寓|家园|苑|大厦|广场|新村|社区|村|庄园|名都|华庭|国际|城)"),
    ("building", r"(?:" + _NUM + r"|[A-Za-z])(?:号楼|栋|幢|座|号院)"),
    ("unit", _NUM + r"单元"),
    ("floor", r"\d{1,3}(?:楼|层)(?!盘)"),
    ("room", r"\d{1,5}(?:室|房|号房)|\d{3,5}(?![\d号])"),
)
NUMBERED: frozenset[str] = frozenset({"number", "building", "unit", "floor", "room"})
CN_CUES = (r"家庭住址|家庭地址|居住地址|现住址|现居住地|户籍地址|收货地址|邮寄地址|送货地址|联系地址|通讯地址|住址|"
           r"地址|家住|我家在|我住在|住在|现住|寄到|寄往|送到|邮寄到|搬到|搬去|改成|改为|住的是")
ORG_WORDS = (r"支行|分行|总行|银行|营业厅|营业部|网点|医院|门诊|诊所|卫生院|卫生服务中心|服务中心|办事处|政务|"
             r"分理处|储蓄所|药房|药店|政府|派出所|branch|clinic|hospital|office|centre|center|bank|pharmacy|"
             r"surgery|practice|station|school|university|library|headquarters|hq")
PERSONAL_CUES = r"家住|我家|我住|住址|家庭|现住|居住|收货|寄到|邮寄|送到|搬到|live|home"

EN_SUFFIX = (r"Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|"
             r"Crescent|Cres|Close|Square|Sq|Highway|Hwy|Parkway|Pkwy|Circle|Cir|Trail|Trl|Row|Mews|Alley|Walk|"
             r"Gardens|Grove|Hill|Park|Loop|Run|Pike|Plaza|Ridge|View|Heights")
_EN_UNIT = r"(?:,?[ \t]*(?:Apt|Apartment|Unit|Suite|Ste|Flat|Room|Rm|#)\.?[ \t]*#?[A-Za-z0-9\-]{1,6})?"
_EN_TAIL = (r"(?:,?[ \t\n]*[A-Z][a-z]+(?:[ \t][A-Z][a-z]+){0,2})?(?:,?[ \t]*[A-Z]{2}[ \t]*\d{5}(?:-\d{4})?)?"
            r"(?:,?[ \t]*(?:[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}))?")
EN_ADDRESS = regex.compile(
    r"(?<![A-Za-z0-9])\d{1,5}[A-Za-z]?[ \t]+(?:[NSEW]\.?[ \t]+)?(?:[A-Z][a-z]+[ \t]+){1,3}(?:" + EN_SUFFIX
    + r")\.?(?![A-Za-z])" + _EN_UNIT + _EN_TAIL)
EN_CUES = (r"(?i:(?:home |mailing |postal |street |delivery |billing |residential )?address(?: is|:)?|i live at|"
           r"i live on|lives at|living at|reside at|resides at|ship (?:it )?to|send (?:it|the card|the letter) to|"
           r"mail (?:it )?to|deliver (?:it )?to|moved to|my home is)")
EN_CUED = regex.compile(EN_CUES + r"[ \t:：,]*(?P<value>\d{1,5}[A-Za-z]?[ \t]+[A-Za-z][A-Za-z0-9 .#'\-]{2,60}?"
                        r"(?:,[ \t]*[A-Za-z0-9 .#\-]{2,30}){0,3})(?=[.;!?\n]|$|[ \t]+(?:and|please|thanks|thank)\b)")


def _cn_address_regex() -> regex.Pattern[str]:
    """One optional group per part, in order; at least one part must match."""
    body = "".join(f"(?P<{name}>{rx})?" for name, rx in CN_PARTS)
    return regex.compile(r"(?P<addr>" + body + r")", regex.V1)


class AddressRecognizer(EntityRecognizer):
    """ADDRESS: Chinese and English home addresses (structured form, or after an address cue)."""

    ENTITY = "ADDRESS"
    name: str
    SCORE: ClassVar[float] = 0.75
    _CN = _cn_address_regex()
    _CN_CUE = regex.compile(r"(?:" + CN_CUES + r")[\s:：是为在]*$")
    _ORG_AFTER = regex.compile(r"^[\s的]{0,2}(?:[\u4e00-\u9fff]{0,6}?)(?:" + ORG_WORDS + r")", regex.IGNORECASE)
    _ORG_INSIDE = regex.compile(ORG_WORDS, regex.IGNORECASE)
    _PERSONAL = regex.compile(PERSONAL_CUES, regex.IGNORECASE)
    _EN_CUE_BEFORE = regex.compile(EN_CUES + r"[ \t:：,]*$")

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__,
                         supported_language=supported_language)

    def load(self) -> None:
        """Nothing to load: patterns only."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Chinese and English addresses in `text`, minus an organisation's own."""
        if entities and self.ENTITY not in entities:
            return []
        spans = self._chinese(text) + self._english(text)
        results = [self._result(s, e) for s, e in spans if not self.organisation(text, s, e)]
        return drop_contained(results)

    def _chinese(self, text: str) -> list[tuple[int, int]]:
        """Runs of Chinese address parts: three with a number part, or fewer right after a cue."""
        if not regex.search(r"[省市区县镇乡路街道巷弄号栋幢单元室苑]", text):
            return []
        spans: list[tuple[int, int]] = []
        pos = 0
        while pos < len(text):
            match = self._CN.match(text, pos)
            if not match or match.end() == pos:
                pos += 1
                continue
            parts = [name for name, _ in CN_PARTS if match.group(name)]
            numbered = any(p in NUMBERED for p in parts)
            cued = self._CN_CUE.search(text[max(0, pos - 12):pos]) is not None
            if (len(parts) >= 3 and numbered) or (cued and (len(parts) >= 2 or numbered)):
                if spans and spans[-1][1] == pos:  # the address goes on where the last one stopped
                    pos = spans.pop()[0]
                spans.append((pos, match.end()))
                pos = match.end()
            else:
                pos += 1
        return spans

    def _english(self, text: str) -> list[tuple[int, int]]:
        """Street addresses with a suffix, and any number-led address right after an address cue."""
        if not regex.search(r"\d", text) or not regex.search(r"[A-Za-z]{2}", text):
            return []
        spans = [m.span() for m in EN_ADDRESS.finditer(text)]
        starts = {s for s, _ in spans}  # a structured match says where the address ends
        spans += [m.span("value") for m in EN_CUED.finditer(text) if m.start("value") not in starts]
        return [(s, s + len(text[s:e].rstrip(" ,.\t\n"))) for s, e in spans]

    def organisation(self, text: str, start: int, end: int) -> bool:
        """True for an organisation's published address asked about without a personal cue."""
        before = text[max(0, start - 24):start]
        if self._PERSONAL.search(before):
            return False
        return bool(self._ORG_INSIDE.search(text[start:end]) or self._ORG_AFTER.search(text[end:end + 12])
                    or self._ORG_INSIDE.search(before))

    def _result(self, start: int, end: int) -> RecognizerResult:
        """An ADDRESS result carrying this recognizer's name."""
        return RecognizerResult(entity_type=self.ENTITY, start=start, end=end, score=self.SCORE,
                                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id})
