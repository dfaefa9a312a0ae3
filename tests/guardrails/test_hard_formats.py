"""Hard surface forms and look-alikes through the real detector (strict: a partial mask is a miss).

Two layers: tables of single cases, one commented row each, for the forms the dev set lacks; and the
adversarial generator (tests/guardrails/hard_cases.py: faker zh_CN/en_US plus our own valid-checksum
values in sentences written here) scored per category against the held-out bars.
Run `python -m tests.guardrails.hard_cases --show 30` for the per-category report and the misses.
"""
import pytest

from guardrails.detector import build_detector
from tests.guardrails.hard_cases import STRUCTURED, covered, generate, score, touched
from tests.pii_values import RESIDENT_ID, luhn_complete

CARD16 = luhn_complete("622202970326963")
AMEX = luhn_complete("37828224631000")
UP19 = luhn_complete("621700123456789012")


@pytest.fixture(scope="module")
def det():
    return build_detector()


def spans(det, text: str) -> list[tuple[int, int]]:
    return [(d.start, d.end) for d in det.detect(text)]


@pytest.mark.parametrize("text, value", [
    (f"卡号:{CARD16}，请冻结", CARD16),                                     # label with ASCII colon, CJK both sides
    (f"卡号 {CARD16[:4]}  {CARD16[4:8]}  {CARD16[8:12]}  {CARD16[12:]}", None),  # double spaces between groups
    (f"Amex {AMEX[:4]}-{AMEX[4:10]}-{AMEX[10:]}", None),                     # Amex 4-6-5 with dashes
    (f"card {CARD16[:4]}.{CARD16[4:8]}.{CARD16[8:12]}.{CARD16[12:]} ok", None),  # dotted groups
    (f"用这张{UP19[:4]} {UP19[4:8]} {UP19[8:12]} {UP19[12:16]} {UP19[16:]}还款", None),  # 19 digits 4-4-4-4-3
    ("卡号" + "".join(chr(ord(c) + 0xFEE0) if i % 2 else c for i, c in enumerate(CARD16)), None),  # mixed width
    (f"身份证{RESIDENT_ID[:6]}  {RESIDENT_ID[6:14]}  {RESIDENT_ID[14:]}办卡", None),  # ID, double spaces
    ("身份证号11010519491231002x，", "11010519491231002x"),                     # lower-case check character
    ("老身份证号110105491231002还能用吗", "110105491231002"),                   # 15-digit legacy after a label
    ("电话(021)6234 5678找我", "(021)6234 5678"),                               # area code in brackets, no space
    ("座机0755-8888 6666 转 123", "0755-8888 6666 转 123"),                     # landline with extension
    ("手机139  1234  5678", "139  1234  5678"),                                 # mobile with double spaces
    ("电话(+86)13912345678。", "(+86)13912345678"),                            # bracketed country code
    ("please call me on 9123 4567 after 6pm", "9123 4567"),                     # HK local after "call me on"
    ("Please call me back at 833-368-7448", "833-368-7448"),                   # US toll-free given as own number
    ("my number is 07700 900123.", "07700 900123"),                              # UK drama-range mobile: possible
    ("IBAN: de89 3704 0044 0532 0130 00 please", "de89 3704 0044 0532 0130 00"),  # lower-case IBAN
    ("transfer to GB82WEST12345698765432 please", "GB82WEST12345698765432"),   # compact IBAN, word after
    ("SSN 536221187 for the form", "536221187"),                               # compact SSN after a label
    ("Medicare number 1EG4-TE5-MK73", "1EG4-TE5-MK73"),                        # US Medicare MBI
    ("社保卡号：M12345678，能报销吗", "M12345678"),                               # letter + digits insurance id
    ("病历号：2024-000123", "2024-000123"),                                    # year-sequence record number
    ("住院号 Z12345678", "Z12345678"),                                        # admission number
    ("港澳通行证C12345678过期了", "C12345678"),                                 # HK/Macau permit
])
def test_structured_forms_fully_masked(det, text, value):
    found = spans(det, text)
    if value is None:  # the digits of the whole number part must be covered
        digits = [i for i, c in enumerate(text) if c.isdigit() or "０" <= c <= "９"]
        assert all(any(s <= i < e for s, e in found) for i in digits), found
        return
    start = text.index(value)
    assert covered(found, text, start, start + len(value)), found


@pytest.mark.parametrize("text, name", [
    ("参会人员：张伟、李娜和王芳。", "李娜"),             # list continuation after a name
    ("参会人员：张伟、李娜和王芳。", "王芳"),             # last item after 和
    ("王芳 110105194912310021 办理开户", "王芳"),         # name right before an ID, no cue
    ("给徐梅转账5000元", "徐梅"),                         # verb cue, name before a verb word
    ("客户高莉要求退款", "高莉"),                          # everyday-word surname before a predicate
    ("患者黄倩明天复诊", "黄倩"),                          # name followed by a time word
    ("高彬女士您好", "高彬"),                             # everyday-word surname before 女士
    ("收款人：赖超，账号见附件", "赖超"),                   # 赖 and 收款人
    ("hi my name is kathryn smith and i lost my card", "kathryn smith"),  # lower case after a strong cue
    ("Cardholder: BRENDA VALENZUELA", "BRENDA VALENZUELA"),             # ALL CAPS after a strong cue
    ("我是Tracy W. Flores，想改预约", "Tracy W. Flores"),                # middle initial inside Chinese
    ("I'm Kevin, the patient's daughter", "Kevin"),                      # single word then a comma
    ("Thanks, Justin", "Justin"),                                        # sign-off
    ("GARY HUERTA here, I want to dispute a charge", "GARY HUERTA"),     # self-introduction in capitals
    ("我叫jody myers，英文名", "jody myers"),                             # lower-case English name after 我叫
])
def test_names_masked(det, text, name):
    start = text.index(name)
    assert covered(spans(det, text), text, start, start + len(name))


@pytest.mark.parametrize("text, keep", [
    (f"订单号{CARD16}怎么还没发货", CARD16),                  # Luhn-valid 16 digits after an order label
    ("请拨打客服热线400-820-8820咨询", "400-820-8820"),        # CN 400 business line: not personal
    ("call 4008208820 for help", "4008208820"),              # 400 number, compact, after "call"
    ("客服热线95588转人工", "95588"),                          # bank service short code
    ("保单号P2024000123456的理赔进度", "P2024000123456"),      # policy number: a contract, not a person
    ("policy number 8800123456 claim", "8800123456"),        # policy number in English
    ("客户端版本13.5.91.81 更新失败", "13.5.91.81"),           # four-part version looks like IPv4
    ("v10.0.19.1 crashed", "10.0.19.1"),                     # "v" glued to a version
    ("顺丰单号SF1234567890123查不到", "SF1234567890123"),      # tracking number
    ("UPS tracking 1Z999AA10123456784 delivered", "1Z999AA10123456784"),  # UPS tracking
    ("航班MU 5101延误了", "MU 5101"),                          # flight with a space
    ("车次G1234几点到", "G1234"),                             # train number
    ("转账¥12,000.00没到账", "¥12,000.00"),                    # amount
    ("预约2024-05-06上午14:30", "2024-05-06"),                 # date
    ("app shows ERR-500-123 on login", "ERR-500-123"),       # error code
    ("国药准字H20044376是真的吗", "H20044376"),                 # drug approval number (H + 8 digits)
    ("尾号1234的卡被冻结了", "1234"),                           # last four digits only
])
def test_lookalikes_kept(det, text, keep):
    start = text.index(keep)
    assert not touched(spans(det, text), start, start + len(keep))


@pytest.fixture(scope="module")
def generated(det):
    return score(generate(1500, 20240506), lambda t: spans(det, t))


def test_generated_structured_recall(generated):
    assert generated["structured"] >= 0.995, {t: generated["hit"][t] / generated["tot"][t] for t in STRUCTURED
                                               if generated["tot"][t]}
    for kind in STRUCTURED:
        if generated["tot"][kind]:
            assert generated["hit"][kind] / generated["tot"][kind] >= 0.98, kind


def test_generated_names(generated):
    assert generated["person"] >= 0.95


def test_generated_lookalikes_kept(generated):
    assert generated["kept"] >= 0.97
    for kind, total in generated["ktot"].items():
        assert generated["khit"][kind] / total >= 0.9, kind
