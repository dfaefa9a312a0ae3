"""What the assistant says in its own words, in Chinese and English."""
from __future__ import annotations

from guardrails.entities import LANGS, SECRET, notice_names

DECLINE = {
    "zh": "抱歉，我在本机构的资料里没有找到这个问题的答案。需要为您转接人工客服吗？",
    "en": "Sorry, I couldn't find an answer to that in our information. Would you like me to get a member of staff?",
}
MASKED = {
    "zh": "为保护您的隐私，您输入的{types}已被自动遮盖。请不要在聊天中输入卡号、身份证号等敏感信息。",
    "en": "To protect your privacy, the {types} you typed was masked. Please don't type card numbers, ID numbers "
          "or other personal details into the chat.",
}
# Said after the masking notice when the customer typed authentication data (a CVV, PIN, password or code).
NEVER_TYPE = {
    "zh": "{types}已删除，不会被保存。请放心，我们的工作人员和本助手绝不会向您索要密码、验证码或卡背面的安全码，"
          "以后请不要在任何地方输入它们。",
    "en": "We have deleted the {types} without keeping any copy. Please be assured that our staff and this "
          "assistant will never ask for your PIN, password, one-time code or the security code on the back of "
          "your card, so please never type them anywhere.",
}
# The notice's name for each entity type comes from the entity registry (guardrails/entities.py).
TYPE_NAMES = {lang: notice_names(lang) for lang in LANGS}
FALLBACK_TYPE = {"zh": "个人信息", "en": "personal details"}

HANDOVER = {
    "zh": "我已请工作人员来为您处理，他们会在这里直接回复您，预计等待约{minutes}分钟。您不用重复发送问题。",
    "en": "I've asked a member of staff to take over. They'll reply to you right here, in about {minutes} "
          "minutes. You don't need to send your question again.",
}
HANDOVER_OPENING = {
    "distress": {"zh": "非常抱歉听到这样的事，请节哀，也请别着急。", "en": "I'm so sorry. Please take your time."},
    "fraud_report": {"zh": "请放心，我们会尽快帮您处理。如担心资金安全，可先在手机银行冻结卡片。",
                     "en": "We'll help you with this straight away. If you're worried about your money, you can "
                           "freeze the card in the mobile app now."},
    "complaint": {"zh": "很抱歉给您带来不好的体验。", "en": "I'm sorry about your experience."},
    "no_answer": {"zh": "这个问题我没能找到答案。", "en": "I couldn't find an answer to that."},
}
CRISIS = {
    "zh": "如果您或他人正处于危险之中，请立即拨打110或120。",
    "en": "If you or someone else is in immediate danger, please call 110 or 120 now.",
}
STILL_WAITING = {
    "zh": "您的消息已转给工作人员，请稍候，他们会在这里回复您。",
    "en": "Your message has been passed to a member of staff. Please wait; they'll reply here.",
}


def handover(lang: str, reason: str, minutes: int, crisis: bool = False) -> str:
    """Tell the customer kindly, in their language, that a person is taking over and roughly when."""
    parts = [HANDOVER_OPENING.get(reason, {}).get(lang, ""), HANDOVER[lang].format(minutes=minutes)]
    if crisis:
        parts.append(CRISIS[lang])
    return ("" if lang == "zh" else " ").join(p for p in parts if p)


def masked_notice(lang: str, entity_types: list[str]) -> str:
    """Tell the customer, in their language, what kind of data was masked."""
    names = TYPE_NAMES[lang]
    seen: list[str] = []
    for t in entity_types:
        name = names.get(t, FALLBACK_TYPE[lang])
        if name not in seen:
            seen.append(name)
    joiner = "、" if lang == "zh" else " and "
    return MASKED[lang].format(types=joiner.join(seen))


def redaction_notice(lang: str, entity_types: list[str]) -> str:
    """The masking notice, plus a kind word never to type authentication data when some was typed."""
    notice = masked_notice(lang, entity_types)
    secret = [TYPE_NAMES[lang][t] for t in dict.fromkeys(entity_types) if t in SECRET]
    if not secret:
        return notice
    joiner = "、" if lang == "zh" else " and "
    return notice + ("" if lang == "zh" else " ") + NEVER_TYPE[lang].format(types=joiner.join(secret))
