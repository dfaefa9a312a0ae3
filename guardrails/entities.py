"""The entity registry: every type the recognizers emit, with what each place that names it says.

One row per entity type. The detector's tie-break priority, the customer notice ("the card number you
typed was masked"), the kiosk's chip for a placeholder (`<CREDIT_CARD_1>` → "[card number hidden]")
and the README's entity table are all read from here, so a new recognizer is one new row.

    python -m guardrails.entities     # prints the README's entity table (between its entities markers)

Imports nothing heavy: the CLI, the web layer and the notice strings read it without loading Presidio.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

LANGS: tuple[str, ...] = ("zh", "en")


@dataclass(frozen=True, slots=True)
class EntityType:
    """One entity type: its name, detector priority and its words for customers in zh and en."""

    name: str  # what recognizers emit and placeholders carry: <NAME_1>
    priority: int  # higher wins when overlapping detections tie on score (the more specific type)
    notice_zh: str  # in the masking notice: 「您输入的{银行卡号}已被自动遮盖」
    notice_en: str  # "the {card number} you typed was masked"
    hidden_zh: str  # the kiosk's chip in place of a placeholder
    hidden_en: str
    found_by: str  # for the README: what is recognised and how it is checked
    secret: bool = False  # authentication data (PCI DSS): replaced by a bare <TYPE>, never kept, not even masked

    def notice(self, lang: str) -> str:
        """The type's name in the masking notice, in `lang` ("zh" or "en")."""
        return self.notice_zh if lang == "zh" else self.notice_en

    def hidden(self, lang: str) -> str:
        """The kiosk's chip text for a placeholder of this type, in `lang`."""
        return self.hidden_zh if lang == "zh" else self.hidden_en


ENTITIES: tuple[EntityType, ...] = (
    EntityType("CN_RESIDENT_ID", 9, "身份证号", "ID number", "〔身份证号已隐藏〕", "[ID number hidden]",
               "mainland resident ID, 18 characters with the GB 11643 check digit (15-digit old IDs too)"),
    EntityType("CREDIT_CARD", 8, "银行卡号", "card number", "〔卡号已隐藏〕", "[card number hidden]",
               "bank and credit cards, 13–19 digits, Luhn and issuer prefix (19-digit UnionPay included)"),
    EntityType("IBAN_CODE", 8, "账号", "account number", "〔账号已隐藏〕", "[account number hidden]",
               "IBAN, compact or grouped: mod-97 and the country's format"),
    EntityType("EMAIL_ADDRESS", 7, "电子邮箱", "e-mail address", "〔邮箱已隐藏〕", "[email hidden]",
               "e-mail addresses whose domain ends in a public suffix (bundled list, never fetched)"),
    EntityType("US_SSN", 6, "社会安全号", "social security number", "〔社会安全号已隐藏〕",
               "[social security number hidden]", "US social security numbers (Presidio's rules, label context)"),
    EntityType("CN_PASSPORT", 6, "护照号码", "passport number", "〔护照号已隐藏〕", "[passport number hidden]",
               "Chinese passports (E/G), other passports and travel permits after a label"),
    EntityType("MEDICAL_RECORD_NUMBER", 6, "病历号", "medical record number", "〔病历号已隐藏〕",
               "[medical record number hidden]",
               "hospital numbers after a label: medical record, admission, outpatient, MRN"),
    EntityType("MEDICAL_INSURANCE_NUMBER", 6, "医保卡号", "insurance number", "〔医保号已隐藏〕",
               "[insurance number hidden]",
               "medical and social insurance numbers (医保, 社保, Medicare MBI) after a label"),
    EntityType("PHONE_NUMBER", 5, "电话号码", "phone number", "〔电话号码已隐藏〕", "[phone number hidden]",
               "mainland mobiles and landlines, international and North American numbers (libphonenumber); "
               "published service numbers are kept"),
    EntityType("IP_ADDRESS", 4, "IP地址", "IP address", "〔IP地址已隐藏〕", "[IP address hidden]",
               "IPv4 and IPv6 addresses (not version numbers)"),
    EntityType("CVV", 7, "卡片安全码", "card security code", "〔安全码已删除〕", "[security code removed]",
               "CVV/CVC/CID and 安全码/校验码 (3–4 digits) after their label or right after a card number; "
               "never kept", secret=True),
    EntityType("CARD_EXPIRY", 7, "卡片有效期", "card expiry date", "〔有效期已删除〕", "[expiry date removed]",
               "card expiry (有效期12/27, exp 12/27, valid thru 12/2027) after a label or right after a card "
               "number; never kept", secret=True),
    EntityType("PIN", 7, "密码", "PIN or password", "〔密码已删除〕", "[PIN or password removed]",
               "PINs and passwords after a label (取款密码834921, 密码是…, my pin is …); never kept", secret=True),
    EntityType("OTP", 7, "验证码", "one-time code", "〔验证码已删除〕", "[one-time code removed]",
               "one-time codes after a label (验证码是482915, 动态码, OTP, verification code); never kept",
               secret=True),
    EntityType("BANK_ACCOUNT", 7, "银行账号", "bank account number", "〔账号已隐藏〕", "[account number hidden]",
               "bank account numbers that are not card numbers (8–30 digits) after an account label"),
    EntityType("CN_USCC", 6, "统一社会信用代码", "business registration code", "〔信用代码已隐藏〕",
               "[registration code hidden]",
               "unified social credit codes (GB 32100 check character, python-stdnum) of an individual's "
               "business (个体工商户 codes 92…, or a personal cue); an organisation's code is kept"),
    EntityType("VEHICLE_PLATE", 4, "车牌号", "vehicle plate", "〔车牌号已隐藏〕", "[plate number hidden]",
               "mainland vehicle plates: province, letter and five characters (京A12345), new-energy plates "
               "of six (粤BD12345)"),
    EntityType("DATE_OF_BIRTH", 4, "出生日期", "date of birth", "〔出生日期已隐藏〕", "[date of birth hidden]",
               "dates of birth after a label (出生日期, 生日, DOB, born on) in numeric, Chinese and English forms"),
    EntityType("ADDRESS", 4, "住址", "home address", "〔住址已隐藏〕", "[address hidden]",
               "home addresses: Chinese 省/市/区/路/号/小区/栋/单元/室 runs (three parts with a number, fewer after "
               "住址/家住/寄到…), English number + street + suffix (any form after an address cue); an "
               "organisation's own address (支行, 医院, branch…) asked about without a personal cue is kept"),
    EntityType("IM_ACCOUNT", 4, "微信/QQ/支付宝账号", "WeChat/QQ/Alipay account", "〔社交账号已隐藏〕",
               "[messaging account hidden]",
               "WeChat ids, QQ numbers and Alipay accounts after their cue (微信号, vx, QQ号, 支付宝账号, WeChat ID)"),
    EntityType("PERSON", 3, "姓名", "name", "〔姓名已隐藏〕", "[name hidden]",
               "Chinese names (surname after a cue or role noun, before a title, in lists, or without a cue where "
               "jieba's tagger also reads a person name); English names (cue phrases, role nouns, payment "
               "to/from, spaCy NER)"),
)

BY_NAME: Mapping[str, EntityType] = MappingProxyType({e.name: e for e in ENTITIES})
PRIORITY: Mapping[str, int] = MappingProxyType({e.name: e.priority for e in ENTITIES})
SECRET: frozenset[str] = frozenset(e.name for e in ENTITIES if e.secret)  # never stored, never in a vault

README_START = "<!-- entities:start (generated by `python -m guardrails.entities`) -->"
README_END = "<!-- entities:end -->"


def notice_names(lang: str) -> dict[str, str]:
    """Entity type → its name in the masking notice, in `lang`."""
    return {e.name: e.notice(lang) for e in ENTITIES}


def hidden_strings(lang: str) -> dict[str, str]:
    """The kiosk's `hidden_<TYPE>` strings for `lang` (its generic `hidden_value` stays in the page)."""
    return {f"hidden_{e.name}": e.hidden(lang) for e in ENTITIES}


def markdown_table() -> str:
    """The README's entity table, one row per entity type."""
    rows = ["| type | found | notice (zh / en) | kiosk shows (zh / en) | priority |",
            "| --- | --- | --- | --- | --- |"]
    for e in ENTITIES:
        rows.append(f"| `{e.name}` | {e.found_by} | {e.notice_zh} / {e.notice_en} | "
                    f"{e.hidden_zh} / {e.hidden_en} | {e.priority} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
