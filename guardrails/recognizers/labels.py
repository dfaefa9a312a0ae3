"""Label vocabulary shared by the context-aware recognizers and the stored-text backstop.

Imports nothing heavy (no Presidio), so the backstop and the CLI can read it cheaply.
"""
from __future__ import annotations

import regex

# Boundaries that work next to CJK characters (Python's \b treats 卡 as a word character).
B_START = r"(?<![0-9A-Za-z])"
B_END = r"(?![0-9A-Za-z])"
# Between digit groups customers type one separator, sometimes doubled or padded: "6222  0297", "0755 - 8888".
GROUP_SEP = r"(?:[ \-.]|\s{2,3}|\s?[\-.]\s?)"

# What may stand between a label and its value: punctuation, spaces and a few filler words.
LABEL_FILLER = (
    r"(?:[\s:#=_()\[\]【】'\"“”‘’,.、/\-]|是|为|為|号码|號碼|号|號|码|碼|的|编号|"
    r"(?<![a-z])(?:is|was|are|number|num|no|nr|id|code|of|on\s+file)(?![a-z]))*"
)

# Labels of values that look like identifiers but are not personal: keep them.
NEGATIVE_CONTEXT: tuple[str, ...] = (
    "订单", "单号", "运单", "快递", "物流", "工单", "流水", "交易", "航班", "车次", "座位", "房间",
    "金额", "余额", "价格", "发票", "合同", "批次", "型号", "序列号", "条码", "验证码", "错误码",
    "错误代码", "代码", "故障码", "取件码", "提货码", "会员号", "积分", "预约号", "排队号",
    "order", "tracking", "track", "invoice", "ref", "reference", "transaction", "txn", "ticket",
    "booking", "confirmation", "flight", "error", "serial", "sku", "model", "batch", "amount",
    "shipment", "waybill", "parcel", "package", "receipt", "voucher", "coupon",
)


def label_regex(words: tuple[str, ...], word_start: bool = False) -> regex.Pattern[str] | None:
    """Compile "one of `words`, then only filler, then end of string" (None for no words).

    ``word_start``: a Latin word must start a word ("pin" is no label in "spin", "exp" none in "rexp").
    """
    if not words:
        return None
    alternatives = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    start = r"(?<![A-Za-z])" if word_start else ""
    return regex.compile(rf"{start}(?:{alternatives}){LABEL_FILLER}$", regex.IGNORECASE)
