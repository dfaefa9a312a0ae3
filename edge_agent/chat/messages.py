"""What the assistant says in its own words, in Chinese and English."""
from __future__ import annotations

DECLINE = {
    "zh": "抱歉，我在本机构的资料里没有找到这个问题的答案。需要为您转接人工客服吗？",
    "en": "Sorry, I couldn't find an answer to that in our information. Would you like me to get a member of staff?",
}
MASKED = {
    "zh": "为保护您的隐私，您输入的{types}已被自动遮盖。请不要在聊天中输入卡号、身份证号等敏感信息。",
    "en": "To protect your privacy, the {types} you typed was masked. Please don't type card numbers, ID numbers "
          "or other personal details into the chat.",
}
TYPE_NAMES = {
    "zh": {"CREDIT_CARD": "银行卡号", "CN_RESIDENT_ID": "身份证号", "PHONE_NUMBER": "电话号码", "PERSON": "姓名",
           "EMAIL_ADDRESS": "电子邮箱", "MEDICAL_RECORD_NUMBER": "病历号", "PASSPORT": "证件号码",
           "US_SSN": "社会安全号", "IBAN_CODE": "账号", "IP_ADDRESS": "IP地址"},
    "en": {"CREDIT_CARD": "card number", "CN_RESIDENT_ID": "ID number", "PHONE_NUMBER": "phone number",
           "PERSON": "name", "EMAIL_ADDRESS": "e-mail address", "MEDICAL_RECORD_NUMBER": "medical record number",
           "PASSPORT": "passport number", "US_SSN": "social security number", "IBAN_CODE": "account number",
           "IP_ADDRESS": "IP address"},
}
FALLBACK_TYPE = {"zh": "个人信息", "en": "personal details"}


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
