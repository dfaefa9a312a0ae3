import pytest

from edge_agent.chat.grounding import check

SOURCE_ZH = "出境旅行前，持卡人可通过手机银行申请临时额度，最高可提高至固定额度的50%，有效期30天。"
SOURCE_EN = "Book the sleep clinic by phone on extension 2301, Tuesday and Thursday mornings, with a GP referral."


@pytest.mark.parametrize("answer, sources, lang, ok, reason", [
    # supported paraphrase in Chinese, with a citation
    ("可以通过手机银行申请临时额度，有效期30天 [1]。", [SOURCE_ZH], "zh", True, "ok"),
    # a number the source does not have
    ("可以通过手机银行申请临时额度，有效期90天。", [SOURCE_ZH], "zh", False, "unsupported_numbers"),
    # the tiny model's loop output
    ("1. 信用卡临时额度调整：\n1.1. 信用卡临时额度调整：\n1.2. 信用卡临时额度调整：\n1.3. 信用卡临时额度调整：",
     [SOURCE_ZH], "zh", False, "repetitive"),
    # English supported
    ("Book by phone on extension 2301 with a GP referral [1].", [SOURCE_EN], "en", True, "ok"),
    # English invented content
    ("You can walk in any time without an appointment and pay cash.", [SOURCE_EN], "en", False, "low_overlap"),
    # answers in the wrong language
    ("Apply in the mobile app.", [SOURCE_ZH], "zh", False, "wrong_language"),
    # empty / too short
    ("[1]", [SOURCE_EN], "en", False, "too_short"),
    # repeated lines without numbers
    ("Sleep clinic booking\nSleep clinic booking\nSleep clinic booking\nSleep clinic booking", [SOURCE_EN], "en",
     False, "repetitive"),
])
def test_grounding_table(answer, sources, lang, ok, reason):
    result = check(answer, sources, lang, 0.6)
    assert (result.ok, result.reason) == (ok, reason)
