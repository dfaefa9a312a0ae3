"""ChineseNameRecognizer: surnames (incl. compound) after cues, before titles, before fields."""
import pytest
from faker import Faker

from guardrails.recognizers.chinese_name_recognizer import ChineseNameRecognizer


def found(text: str) -> list[str]:
    return [text[r.start:r.end] for r in ChineseNameRecognizer().analyze(text, [])]


@pytest.mark.parametrize("text, expected", [
    ("我叫肖军轩，身份证号", ["肖军轩"]),            # 我叫 + 3 characters
    ("患者朱丽，身份证", ["朱丽"]),                 # 患者 + 2 characters
    ("我妈妈欧阳秀思的联系电话", ["欧阳秀思"]),       # compound surname
    ("我叫上官志丽，", ["上官志丽"]),                # compound surname 上官
    ("患者高一，预约", ["高一"]),                   # ambiguous surname ending at punctuation
    ("联系人：李四，电话", ["李四"]),                # label with a colon
    ("请联系王先生处理", ["王"]),                   # surname before a title
    ("张伟的身份证丢了", ["张伟"]),                  # name before a field word
    ("收件人 诸葛梓伟 13800138000", ["诸葛梓伟"]),   # space after the cue
    ("参会人员：张伟、李娜和王芳。", ["张伟", "李娜", "王芳"]),  # a list of names, no cue
    ("王芳 110105194912310021", ["王芳"]),           # a name right before an ID number
    ("给徐梅转账5000元", ["徐梅"]),                  # verb cue, name before a verb word
    ("患者黄倩明天复诊", ["黄倩"]),                  # everyday-word surname before a time word
    ("客户高莉要求退款", ["高莉"]),                  # everyday-word surname before a predicate
    ("高彬女士您好", ["高彬"]),                      # everyday-word surname before 女士
    ("收款人：赖超，账号", ["赖超"]),                # 赖 (a common surname) after 收款人
    ("乘机人孙丽娟，航班改签", ["孙丽娟"]),            # role noun of a booking
    ("买家邹志强说没收到货", ["邹志强"]),              # role noun of an order
    ("被保人曹雪，理赔进度", ["曹雪"]),                # role noun of a policy
])
def test_valid(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "主任医生说没事",           # 任 inside 主任 is not a name
    "患者需要空腹",             # 需 is not a surname
    "我是来咨询信用卡的",        # ambiguous 来 after a weak cue
    "请问你们周末营业吗？",       # no cue at all
    "患者高血压很严重",          # ambiguous 高 running into a word
    "挂失后补办新卡：费用和时间",  # 费用 is a word, not a name in a list
    "同一就诊人连续3次预约",      # 连续 after a cue is a word
    "这位高级经理说",            # 高级 before a professional title
    "帮查一下余额 123456",       # 查 after 帮 is a verb; 余额 before a number is a word
    "学生会在哪里报名",          # 学生会 is an organisation, 会 is no surname
    "负责人说明天到",            # 说 is no surname
    "午间全科有值班医生",         # 班 inside 值班 is not a name
    "帮我妈查下报告咋弄",         # 查 after a cue is a verb
    "回到开检查单的医生处",        # 的 between 单 and the title: no name before it
])
def test_invalid(text):
    assert found(text) == []


def test_faker_names_after_cues():
    fake = Faker("zh_CN")
    fake.seed_instance(11)
    hits = total = 0
    for _ in range(100):
        name = fake.name()
        total += 1
        hits += name in found(f"联系人{name}，电话见附件")
    assert hits / total >= 0.95
