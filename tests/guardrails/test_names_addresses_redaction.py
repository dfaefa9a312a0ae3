"""The whole redactor (real spaCy NER, real jieba tagger) on issue 11's part B forms, and their look-alikes."""
import pytest

from guardrails.detector import build_detector
from guardrails.redactor import Redactor


@pytest.fixture(scope="module")
def redact():
    redactor = Redactor(build_detector())
    return lambda text: redactor.redact(text).text


@pytest.mark.parametrize("text, expected", [
    ("帮我查一下张伟的挂号记录", "帮我查一下<PERSON_1>的挂号记录"),                   # no cue at all
    ("王阿姨（王秀英）明天来取药", "<PERSON_1>阿姨（<PERSON_2>）明天来取药"),          # full name in brackets
    ("我叫田 雨 涛", "我叫<PERSON_1>"),                                              # spaced out
    ("乘机人欧阳娜娜的航班", "乘机人<PERSON_1>的航班"),                               # role noun, compound surname
    ("张三、李四和王五都要开户", "<PERSON_1>、<PERSON_2>和<PERSON_3>都要开户"),       # a list
    ("transfer 500 to John Smith", "transfer 500 to <PERSON_1>"),                   # payment, to
    ("money from Emily Clarke arrived?", "money from <PERSON_1> arrived?"),         # payment, from
    ("the legal representative is zhou ming", "the legal representative is <PERSON_1>"),  # role noun, lower case
    ("家住上海市浦东新区张杨路500号华润时代广场12楼1203室", "家住<ADDRESS_1>"),       # Chinese home address
    ("寄到 88 Oak Avenue, Austin TX 78701", "寄到 <ADDRESS_1>"),                     # English address
    ("微信号 wang_li_1990，QQ 123456789", "微信号 <IM_ACCOUNT_1>，QQ <IM_ACCOUNT_2>"),  # messaging ids
])
def test_masked(redact, text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "高兴的是周末王府井也营业",            # words and a place that start with surname characters
    "黄金积存方便吗？常见问题于是都解决了",  # everyday words
    "主任医师几点出诊",                   # a title without a name
    "你们人民路88号的支行几点开门",         # the organisation's own address
    "华为手机能用云闪付吗",                # a brand
    "微信支付和QQ钱包能绑卡吗",            # app names without an id
])
def test_kept(redact, text):
    assert redact(text) == text


def test_sample_knowledge_base_keeps_its_names_and_addresses():
    """The ingest guard reads every KB document: the organisation's own text must come through whole."""
    from pathlib import Path

    detector = build_detector(use_ner=False)  # as the ingest guard builds it by default
    kb = Path(__file__).resolve().parents[2] / "edge_agent" / "sample_kb"
    found = [(p.name, d.entity_type) for p in sorted(kb.rglob("*.md"))
             for d in detector.detect(p.read_text(encoding="utf-8"))
             if d.entity_type in ("PERSON", "ADDRESS", "IM_ACCOUNT")]
    assert len(list(kb.rglob("*.md"))) > 10 and found == []
