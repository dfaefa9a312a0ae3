"""Greetings, thanks and acknowledgements: answered kindly, without retrieval, and without losing the topic.

A message is small talk only when it is *nothing but* such words (punctuation, emoji and spaces aside):
"ok thanks" is; "ok, and when does it expire" is a follow-up and goes to retrieval.
"""
from __future__ import annotations

import re
import unicodedata

GREETING, THANKS, ACK, BYE = "greeting", "thanks", "ack", "bye"
WORDS: dict[str, tuple[str, ...]] = {
    GREETING: ("你好", "您好", "你们好", "在吗", "在不在", "有人吗", "哈喽", "嗨", "早上好", "下午好",
               "晚上好", "hi", "hello", "hey", "good morning", "good afternoon", "good evening", "anyone there"),
    THANKS: ("谢谢", "谢谢你", "谢谢您", "多谢", "感谢", "非常感谢", "太感谢了", "谢了", "辛苦了", "thanks",
             "thank you", "thank you very much", "thanks a lot", "many thanks", "cheers", "thx", "ty"),
    ACK: ("好", "好的", "好吧", "嗯", "嗯嗯", "哦", "哦哦", "噢", "行", "可以", "明白", "明白了", "知道了", "懂了",
          "了解", "收到", "没问题", "ok", "okay", "okey", "got it", "i see", "understood", "alright", "all right",
          "sure", "fine", "great", "cool", "noted", "right"),
    BYE: ("再见", "拜拜", "没事了", "没有了", "不用了", "bye", "goodbye", "bye bye", "that's all", "nothing else",
          "no thanks"),
}
REPLY = {
    GREETING: {"zh": "您好！请问有什么可以帮您？", "en": "Hello! How can I help you?"},
    THANKS: {"zh": "不客气！还有什么可以帮您？", "en": "You're welcome! Is there anything else I can help with?"},
    ACK: {"zh": "好的。还有什么想了解的，请随时问我。", "en": "All right. Ask me anything else whenever you like."},
    BYE: {"zh": "感谢您的咨询，再见！", "en": "Thank you for asking. Goodbye!"},
}
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
_PHRASES = sorted({w for words in WORDS.values() for w in words}, key=len, reverse=True)
_SPLIT = re.compile("|".join(re.escape(w.replace(" ", "")) for w in _PHRASES))
_KIND = {w.replace(" ", ""): kind for kind, words in WORDS.items() for w in words}


def kind_of(message: str) -> str | None:
    """The small-talk kind when the message is only greetings/thanks/acknowledgements, else None."""
    text = _NOISE.sub("", unicodedata.normalize("NFKC", message).casefold())
    if not text or len(text) > 24:
        return None
    pieces = _SPLIT.findall(text)
    if not pieces or "".join(pieces) != text:
        return None
    kinds = [_KIND[p] for p in pieces]
    for kind in (BYE, THANKS, GREETING):  # "ok thanks" thanks; "hi, bye" says goodbye
        if kind in kinds:
            return kind
    return ACK


def reply(kind: str, lang: str) -> str:
    """The kind answer for a small-talk kind, in the customer's language."""
    return REPLY[kind].get(lang, REPLY[kind]["en"])
