"""When a person should take over: the customer asks, is distressed or bereaved, angry, reporting fraud,
or the knowledge base had no answer twice in a row. Runs on the *redacted* message.

The phrasings are data in guardrails/escalation_phrases.py (``TRIGGERS``, ``TOPICS``, ``INFO_QUESTION``,
``CRISIS``; re-exported here). Chinese patterns match anywhere (Chinese has no word boundaries); English
ones are word-bounded and case-insensitive. Before matching, text is NFKC-normalised (full-width letters,
「！」), curly apostrophes are straightened, a few traditional characters are mapped to simplified, and
spaces between Chinese characters (ASR output) are dropped.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from guardrails.escalation_phrases import CRISIS, INFO_QUESTION, TOPICS, TRIGGERS

__all__ = ["CRISIS", "INFO_QUESTION", "REASONS", "TOPICS", "TRIGGERS", "Escalation", "EscalationPolicy",
           "is_crisis", "parse_triggers"]

REASONS = (*TRIGGERS, "no_answer")

_TRADITIONAL = str.maketrans("轉騙詐帳賬戶錢讓碼驗證會遠製說這們領導負責員個買賣撐過離沒殺經從給還麼嗎託臺話電線務詢問"
"號幫見聽機謝煩來對點長帶單賺盜凍結調輕尋絕開關報兒媽爺處鐘將歡嚇傷殺擊氣滿難顧護醫專業權戲遺囑喪後亡紹鄰屬親眾軟體載裝"
"螢遙碼銷騷擾盜",
                             "转骗诈账账户钱让码验证会远制说这们领导负责员个买卖撑过离没杀经从给还么吗托台话电线务询问"
                             "号帮见听机谢烦来对点长带单赚盗冻结调轻寻绝开关报儿妈爷处钟将欢吓伤杀击气满难顾护医专业权"
                             "戏遗嘱丧后亡绍邻属亲众软体载装萤遥码销骚扰盗")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return _CJK_GAP.sub("", text.translate(_TRADITIONAL))


def _compile(zh: Iterable[str], en: Iterable[str]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    zh, en = tuple(zh), tuple(en)
    return (re.compile("|".join(f"(?:{p})" for p in zh), re.IGNORECASE) if zh else None,
            re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in en) + r")(?!\w)", re.IGNORECASE) if en else None)


def _search(patterns: tuple[re.Pattern[str] | None, re.Pattern[str] | None], text: str) -> bool:
    return any(p is not None and p.search(text) for p in patterns)


_CRISIS = _compile(CRISIS["zh"], CRISIS["en"])


def is_crisis(redacted: str) -> bool:
    """Suicidal ideation or hopelessness in the customer's words (the handover adds emergency numbers)."""
    return _search(_CRISIS, _normalise(redacted))


@dataclass(frozen=True)
class Escalation:
    """Why a conversation goes to a person."""

    reason: str  # one of REASONS


class EscalationPolicy:
    """Decides on escalation from a redacted message and how many answers in a row were 'no answer'."""

    def __init__(self, enabled: Iterable[str] = REASONS, no_answer_limit: int = 2) -> None:
        unknown = set(enabled) - set(REASONS)
        if unknown:
            raise ValueError(f"unknown escalation triggers: {', '.join(sorted(unknown))}; known: {', '.join(REASONS)}")
        self._enabled = tuple(r for r in REASONS if r in set(enabled))
        self._no_answer_limit = no_answer_limit
        self._always = {reason: _compile(t["zh"], t["en"]) for reason, t in TRIGGERS.items()}
        self._topics = {reason: _compile(t["zh"], t["en"]) for reason, t in TOPICS.items()}
        self._info = _compile(INFO_QUESTION["zh"], INFO_QUESTION["en"])

    @property
    def enabled(self) -> tuple[str, ...]:
        """The triggers in force."""
        return self._enabled

    def check_message(self, redacted: str) -> Escalation | None:
        """A trigger in the customer's words (Chinese or English, in any mix)."""
        text = _normalise(redacted)
        if "distress" in self._enabled and _search(_CRISIS, text):
            return Escalation("distress")
        info: bool | None = None  # computed once, only if a topic word is present
        for reason in self._enabled:
            if reason == "no_answer":
                continue
            if _search(self._always[reason], text):
                return Escalation(reason)
            if reason in self._topics and _search(self._topics[reason], text):
                if info is None:
                    info = _search(self._info, text)
                if not info:
                    return Escalation(reason)
        return None

    def check_no_answer(self, declined_in_a_row: int) -> Escalation | None:
        """The knowledge base had no good answer this many times in a row."""
        if "no_answer" in self._enabled and declined_in_a_row >= self._no_answer_limit:
            return Escalation("no_answer")
        return None


def parse_triggers(spec: str) -> tuple[str, ...]:
    """Read the enabled triggers from a comma-separated setting ('all' or '' for every one, 'none' for none)."""
    text = spec.strip().lower()
    if text in ("", "all"):
        return REASONS
    if text == "none":
        return ()
    return tuple(p.strip() for p in text.split(",") if p.strip())
