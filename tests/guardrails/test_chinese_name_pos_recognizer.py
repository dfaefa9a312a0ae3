"""ChineseNamePosRecognizer: cue-less Chinese names where jieba's tagger and the surname table agree."""
import pytest

from guardrails.recognizers.chinese_name_pos_recognizer import ChineseNamePosRecognizer, despace


@pytest.fixture(scope="module")
def recognizer():
    return ChineseNamePosRecognizer()


def found(recognizer, text: str) -> list[str]:
    return [text[r.start:r.end] for r in recognizer.analyze(text, [])]


@pytest.mark.parametrize("text, expected", [
    ("帮我查一下张伟的挂号记录", ["张伟"]),          # jieba glued 张 to 一下: surname re-attached
    ("乘机人刘晓燕的航班改签了", ["刘晓燕"]),         # role noun, then a name jieba found itself
    ("王阿姨（王秀英）来取药", ["王秀英"]),           # full name in brackets after a title
    ("我叫田 雨 涛", ["田 雨 涛"]),                  # spaced-out name, offsets of the original text
    ("欧阳娜娜女士的预约", ["欧阳娜娜"]),             # compound surname tagged as a place by jieba
    ("买家胡建国说没收到货", ["胡建国"]),             # dictionary nr word with a safe surname
    ("昨天司马懿来过", ["司马懿"]),                  # compound surname, no cue
    ("韩梅梅和李雷都来了", ["韩梅梅", "李雷"]),       # two names joined by 和
    ("被保险人冯德明住院了", ["冯德明"]),             # a role noun not in the cue table
    ("帮我查一下蔺晓彤的挂号记录", ["蔺晓彤"]),       # jieba glued 彤 to 的: the last given character re-attached
    ("鄂亮、区婷婷都要开户", ["鄂亮", "区婷婷"]),      # a list: the neighbour of a found name is a name
    ("于波、张伟都要开户", ["于波", "张伟"]),          # everyday-word surname 于 before a found name
    ("能不能查到宿坤上个月的缴费", ["宿坤"]),          # object of 查到, given-name characters
    ("湛佳要办一张借记卡", ["湛佳"]),                  # at the start, before a predicate
])
def test_valid(recognizer, text, expected):
    assert found(recognizer, text) == expected


@pytest.mark.parametrize("text", [
    "周末去王府井逛逛",           # 王府井: a place jieba tags nr
    "高兴的是黄金价格涨了",        # words that start with surname characters
    "于是方便常见问题都解决了",    # 于 方 常: everyday words
    "黄金多少钱一克",             # 钱 + a measure word is a price
    "华为手机怎么充值",           # a brand jieba tags nr
    "我用的是周大福的卡",          # a shop's name
    "金银花茶可以报销吗",          # a herb jieba tags nr
    "王医生今天在吗",             # a title without a name
    "李主任说下周复查",            # a title without a name
    "张家界旅游卡",               # a place ending like one
    "高明的办法",                 # ambiguous surname, dictionary word
    "黄金和白银",                 # a list of words, no name in it
    "回家戴一晚，第二天上午来",     # 戴 + a numeral and a unit
    "乙肝、百白破、麻腮风等疫苗",   # a vaccine jieba guesses as a name
    "王府井和西单都有网点",        # a list of places
    "高明要来吗",                 # a dictionary word at the start
    "查一下余额的明细",            # 余额 after a query verb is a word
])
def test_invalid(recognizer, text):
    assert found(recognizer, text) == []


@pytest.mark.parametrize("text, folded", [
    ("我叫田 雨 涛", "我叫田雨涛"),          # single characters joined
    ("地址 北京 朝阳", "地址 北京 朝阳"),     # words of two characters keep their spaces
    ("a b c", "a b c"),                      # Latin untouched
])
def test_despace(text, folded):
    out, index = despace(text)
    assert out == folded
    assert "".join(text[i] for i in index) == out


@pytest.mark.parametrize("text, expected", [
    ("张伟和高兴的朋友", ["张伟"]),      # 高兴 after 和 is a word (jieba tags it b), not a second name
    ("张伟和方便面", ["张伟"]),          # a product after 和
    ("周末和张伟去", ["张伟"]),          # 周末 before 和 is a time word
])
def test_list_neighbours_are_not_words(recognizer, text, expected):
    assert found(recognizer, text) == expected
