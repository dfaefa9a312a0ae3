"""When a person should take over: the customer asks, is distressed or bereaved, angry, reporting fraud,
or the knowledge base had no answer twice in a row. Runs on the *redacted* message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

# Each trigger: Chinese phrases (matched as substrings) and English patterns (word-bounded, case-insensitive).
# Order matters: the first reason that matches is the ticket's reason (fraud before anger, etc.).
TRIGGERS: dict[str, dict[str, tuple[str, ...]]] = {
    "fraud_report": {
        "zh": ("不是我本人操作", "不是本人操作", "不是我操作", "非本人操作", "盗刷", "被盗用", "被骗", "诈骗",
               "陌生交易", "我没有消费", "我没消费", "没有授权", "未经授权", "账户被盗", "钱被转走"),
        "en": (r"(?:wasn'?t|was not|not) (?:me|made by me|mine)", r"didn'?t (?:make|authori[sz]e) (?:this|that|it|these)",
               r"unauthori[sz]ed", r"fraud(?:ulent)?", r"scam(?:med)?", r"stolen (?:money|funds)",
               r"someone (?:used|is using) my (?:card|account)", r"charges? i don'?t recogni[sz]e",
               r"used abroad without"),
    },
    "asked_for_human": {
        "zh": ("转人工", "人工客服", "人工服务", "真人", "找人工", "找客服", "工作人员", "找个人", "要人工", "接人工",
               "叫经理", "找经理", "柜员"),
        "en": (r"(?:talk|speak|chat) (?:to|with) (?:a |an |some)?(?:human|person|real person|someone|agent|staff|"
               r"representative|manager)", r"human agent", r"real person", r"customer service (?:agent|rep)",
               r"(?:get|want|need) (?:a |an )?(?:human|person|agent|representative|manager)", r"operator"),
    },
    "distress": {
        "zh": ("去世", "过世", "病逝", "离世", "身故", "丧事", "遗产", "注销亲人", "注销已故", "家属去世", "想不开",
               "活不下去", "不想活", "自杀", "救命", "很绝望", "崩溃了"),
        "en": (r"passed away", r"(?:has |had )?died", r"deceased", r"bereave\w*", r"funeral", r"late (?:husband|wife|"
               r"father|mother|son|daughter)", r"estate of", r"suicid\w*", r"kill myself", r"(?:end|take) my life",
               r"can'?t go on", r"desperate", r"emergency"),
    },
    "complaint": {
        "zh": ("投诉", "太差了", "气死", "生气", "愤怒", "垃圾", "骗子", "什么破", "要曝光", "找媒体", "12315",
               "银保监", "金融监管", "不满意", "太过分"),
        "en": (r"complain\w*", r"complaint", r"unacceptable", r"ridiculous", r"terrible service", r"furious",
               r"angry", r"disgust\w*", r"worst", r"ombudsman", r"regulator", r"sue you", r"lawyer"),
    },
}
REASONS = (*TRIGGERS, "no_answer")


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
        self._en = {reason: re.compile(r"\b(?:" + "|".join(t["en"]) + r")\b", re.IGNORECASE)
                    for reason, t in TRIGGERS.items()}

    @property
    def enabled(self) -> tuple[str, ...]:
        """The triggers in force."""
        return self._enabled

    def check_message(self, redacted: str) -> Escalation | None:
        """A trigger in the customer's words (Chinese or English, in any mix)."""
        for reason in self._enabled:
            if reason == "no_answer":
                continue
            if any(p in redacted for p in TRIGGERS[reason]["zh"]) or self._en[reason].search(redacted):
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
