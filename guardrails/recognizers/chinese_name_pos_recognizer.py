"""Chinese names without a cue word: jieba's part-of-speech tagger as a second signal beside the surname table.

「帮我查一下张伟的挂号记录」 has no cue (我叫, 患者…) and no title, so the cue recognizer cannot see 张伟.
Here a name is a span that *both* signals agree on:

* jieba.posseg tags it (or its given-name part right after a surname) as a person name (``nr``), and
* it starts with a surname from the table (compound 欧阳/司马… first) and has one or two given characters.

jieba's own dictionary tags many places, brands and famous people ``nr`` (王府井, 华为, 张家界, 李宁),
so a dictionary word is taken only when its surname is not an everyday word and it does not end like a
place; names jieba found itself (its HMM, unknown to the dictionary) are what customers' names are.
Spaced-out names (「我叫田 雨 涛」) are read with the spaces folded (offsets mapped back), and a full
name in brackets after a title (「王阿姨（王秀英）」) is taken by a pattern.
"""
from __future__ import annotations

import threading
from typing import Any, ClassVar

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from guardrails.recognizers.chinese_name_recognizer import (
    AMBIGUOUS,
    COMPOUND_SURNAMES,
    NOT_NAMES,
    STOP,
    SURNAMES,
    ChineseNameRecognizer,
)
from guardrails.recognizers.context_aware_recognizer import drop_contained

_HAN = "\u3400-\u9fff"
NAME_TAGS: frozenset[str] = frozenset({"nr", "nrt", "nrfg"})
# jieba tags of function words (conjunction, preposition, particle, pronoun, adverb, numeral…): 和 in 张三和李四.
FUNCTION_TAGS: frozenset[str] = frozenset("cpurdmqyfte")
# Given-name parts that are titles or kin words (jieba tags 阿姨 nr): 王阿姨 is no full name.
NOT_GIVEN: frozenset[str] = frozenset(
    "阿姨 叔叔 先生 女士 小姐 太太 老师 医生 大夫 护士 经理 主任 总监 院长 师傅 同学 教授 律师 老板 总 哥 姐 "
    "姐姐 哥哥 妹妹 弟弟 爷爷 奶奶 大爷 大妈 大姐 大哥 老 女 男 家 氏 某 某某 工 局 队 处 科 部 阿".split()
)
# Last characters of dictionary "nr" words that are places or shops, not people (王府井, 石家庄, 张家界).
PLACE_ENDS: str = "井庄界山江河湖岛州城镇村县区路桥门寺塔园店坊楼街巷港湾口营屯堡坡岭峰洲台珠厦场馆"
# Dictionary "nr" words that are brands or products customers name in a question.
BRANDS: frozenset[str] = frozenset(
    "李宁 王老吉 周大福 周生生 周黑鸭 张小泉 王致和 杨国福 海尔 华为 马克 黄飞红 谢馥春 雷允上 "
    "胡庆余 童涵春 陈李济 金银花 白云 高明 马应龙 江中 同仁堂 老凤祥 六福 金六福 谭木匠 沙县 陈皮 黄芪 "
    "杜仲 甘草 党参 白术 田七 苏打 宋体 楷体".split()
)
# Characters common in given names (the second signal when jieba splits a name it does not know:
# "巴 淑珍", "郝 建国", "文 丽丽"). Characters that mostly build everyday words are left out.
GIVEN_CHARS: frozenset[str] = frozenset(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞刚桂英玉兰萍红梅鑫波斌宇浩凯健俊帆帅旭龙林欣佳琳颖慧倩婷雪琴"
    "莉燕瑶怡晶晨辉鹏飞亮建国志峰海东春晓丹荣淑珍凤翠蓉玲芬彤璐媛蕾薇岚菲妍嘉雯琪睿博轩哲昊泽瑞铭涵梓萱"
    "诗雨思琦悦馨霖楠毅锋豪坤昌德福祥松柏忠孝仁义勤兵武彬婉晴曦露莹蓓娇娥婧婕姗姝嫣娴妮婵琼瑾璇珊瑛"
    "桦楷栋森杨柳桃樱枫霄岩磊鸿鹤鹰骏驰腾跃龙虎麟凰翔翼羽昕昱晖煜炜烨焕熙然诚谦逸遥远迪俊贤豪雄威毅"
)
NUMERALS: str = "一二三四五六七八九十两百千万零"
# Measure words and units: "钱一克" is a price, not 钱 + 一克.
MEASURES: str = "克斤元块个次号岁件张份瓶盒包袋支"
TITLE_THEN_BRACKET = regex.compile(
    r"(?:先生|女士|小姐|太太|阿姨|叔叔|老师|医生|大夫|护士|经理|主任|师傅|大爷|大妈|奶奶|爷爷|同学|老板|总)"
    r"[\s]*[（(]\s*(?P<value>(?:" + "|".join(COMPOUND_SURNAMES) + r"|[" + SURNAMES + r"])[" + _HAN
    + r"]{1,2})\s*[)）]"
)
# A name right after, or right before, a found name and a list separator.
_LIST_SEP = r"(?:、|和|与|及|跟|，|,)"
_SURNAME_RX = r"(?:" + "|".join(COMPOUND_SURNAMES) + r"|[" + SURNAMES + r"])"
_AFTER_IN_LIST = regex.compile(_LIST_SEP + r"(?P<value>" + _SURNAME_RX + r"[" + _HAN + r"]{1,2})")
_BEFORE_IN_LIST = regex.compile(r"(?:^|(?<=[^" + _HAN + r"]|[跟和与给替帮是及]))(?P<value>" + _SURNAME_RX + r"[" + _HAN
                                + r"]{1,2})" + _LIST_SEP + r"$")
# Verbs and time words after which a person is often named: "查一下X的", "是X转的", "替X来拿".
_OBJECT = regex.compile(r"(?:^|(?<=[，。！？,.!?\s：:])|查一下|查查|查到|看看|看一下|问问|请问|是|替|跟|给|帮|找|叫|让|"
                        r"昨天|今天|上周|刚才)(?P<value>" + _SURNAME_RX + r"[" + _HAN + r"]{1,2}?)"
                        r"(?=[的要在来去说和、，,。！？!?\s上下今明昨已也都就把被让给向对从能会需请]|$)")
# Single Han characters separated by single spaces: "田 雨 涛".
_SPACED = regex.compile(r"[" + _HAN + r"](?:[ \u3000][" + _HAN + r"](?![" + _HAN + r"])){1,3}")


def load_tagger() -> Any:
    """jieba's posseg module, initialised quietly (its dictionary ships in the wheel; nothing is fetched)."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.posseg


def despace(text: str) -> tuple[str, list[int]]:
    """Fold spaces inside runs of single spaced Han characters; map[i] = original index of folded char i."""
    keep = [True] * len(text)
    for match in _SPACED.finditer(text):
        for i in range(match.start(), match.end()):
            if text[i] in " \u3000":
                keep[i] = False
    index = [i for i, k in enumerate(keep) if k]
    return "".join(text[i] for i in index), index


def surname_of(word: str) -> str:
    """The surname a word starts with ('' when none): compound surnames first."""
    compound = next((c for c in COMPOUND_SURNAMES if word.startswith(c)), "")
    if compound:
        return compound
    return word[:1] if word[:1] and word[:1] in SURNAMES else ""


class ChineseNamePosRecognizer(EntityRecognizer):
    """PERSON (zh) without a cue: a jieba ``nr`` token that starts with a known surname."""

    ENTITY = "PERSON"
    name: str
    SCORE: ClassVar[float] = 0.7

    def __init__(self, supported_language: str = "zh", tagger: Any = None) -> None:
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__,
                         supported_language=supported_language)
        self._tagger = tagger
        self._tags: dict[str, str] = {}
        self._lock = threading.Lock()
        self._cue = ChineseNameRecognizer()

    def load(self) -> None:
        """Nothing to load eagerly: the tagger is loaded on first use."""

    def _posseg(self) -> Any:
        """The tagger, loaded on first use (the detector's warm-up loads it at start-up)."""
        with self._lock:
            if self._tagger is None:
                self._tagger = load_tagger()
            if not self._tags:
                self._tags = self._tagger.dt.word_tag_tab
            return self._tagger

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Names jieba and the surname table agree on, bracketed full names, and spaced-out names."""
        if entities and self.ENTITY not in entities:
            return []
        folded, index = despace(text)
        spans = self.tagged_spans(folded)
        spans += self.list_neighbours(folded, spans)
        spans += self.object_names(folded)
        spans += [m.span("value") for m in TITLE_THEN_BRACKET.finditer(folded)]
        if len(folded) != len(text):  # spaced-out names: the cue recognizer reads the folded copy too
            spans += [(r.start, r.end) for r in self._cue.analyze(folded, entities)]
        results = [self._result(index[s], index[e - 1] + 1) for s, e in spans if e > s]
        return drop_contained(results)

    def tagged_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each span jieba tags as a person name and that starts with a known surname."""
        if not regex.search(r"[" + SURNAMES + r"]", text):
            return []
        words = [(w.word, w.flag) for w in self._posseg().cut(text)]
        starts, pos = [], 0
        for word, _ in words:
            starts.append(pos)
            pos += len(word)
        spans: list[tuple[int, int]] = []
        for k, (word, flag) in enumerate(words):
            nxt = words[k + 1] if k + 1 < len(words) else ("", "")
            start = starts[k]
            glued = (word in COMPOUND_SURNAMES or (len(word) == 1 and word in SURNAMES and word not in AMBIGUOUS
                                                   and flag[:1] not in FUNCTION_TAGS))
            if glued and not self._given_like(nxt[0], nxt[1], compound=len(word) == 2):
                # "欧阳 波要", "湛 佳要": jieba glued the given name to the next word; cut where a name ends.
                end = start + len(word)
                candidate = ChineseNameRecognizer.trim(text[start:end + 2], text[end + 2:end + 5])
                given = candidate[len(word):]
                if not given or any(c not in GIVEN_CHARS for c in given):
                    continue
            elif self._surname_token(word, flag, nxt[0]) and self._given_like(nxt[0], nxt[1], compound=len(word) == 2):
                # "王 秀英", "巴 淑珍", "欧阳 娜娜": a surname token, then the given name as its own token.
                candidate = word + nxt[0]
            elif flag not in NAME_TAGS:
                continue
            elif len(word) == 1 and k > 0 and words[k - 1][0][-1:] in SURNAMES and words[k - 1][1] not in NAME_TAGS:
                # "一下张 伟": jieba glued the surname to the word before.
                start, candidate = start - 1, words[k - 1][0][-1] + word
            else:
                candidate = word
                if (len(word) == 2 and nxt[0][:1] in GIVEN_CHARS and len(nxt[0]) <= 2
                        and (len(nxt[0]) == 1 or nxt[0][1] in STOP)):
                    candidate += nxt[0][0]  # "蔺晓 彤的": jieba glued the last given character to 的
            if self.plausible(candidate, in_dictionary=candidate in self._tags):
                spans.append((start, start + len(candidate)))
        return spans

    @staticmethod
    def _surname_token(word: str, flag: str, following: str) -> bool:
        """A token that is a surname: a compound one, or a single one not used as a function word here."""
        if word in COMPOUND_SURNAMES:
            return True
        if len(word) != 1 or word not in SURNAMES or flag[:1] in FUNCTION_TAGS:
            return False
        return word not in AMBIGUOUS or flag in NAME_TAGS or (
            len(following) == 2 and all(c in GIVEN_CHARS for c in following))

    def list_neighbours(self, text: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Names joined to a found name by 、/和/与/，: "张伟和邱桂兰", "鄂亮、区婷婷" (both directions)."""
        out: list[tuple[int, int]] = []
        for start, end in found:
            after = _AFTER_IN_LIST.match(text, end)
            if after:
                name = ChineseNameRecognizer.trim(after.group("value"), text[after.end():after.end() + 3])
                if len(name) >= 2 and self._name_not_word(name):
                    out.append((after.start("value"), after.start("value") + len(name)))
            before = _BEFORE_IN_LIST.search(text[max(0, start - 6):start])
            if before:
                name = before.group("value")
                if self._name_not_word(name):
                    out.append((start - len(before.group()), start - len(before.group()) + len(name)))
        return out

    def object_names(self, text: str) -> list[tuple[int, int]]:
        """A surname and given-name characters as the object of a query verb, ending where a word ends:
        "查一下文雪的挂号记录", "这笔钱是路娟转的" (the lexicon, not jieba, is the second signal here)."""
        out = []
        for match in _OBJECT.finditer(text):
            name = match.group("value")
            given = name[len(surname_of(name)):]
            if all(c in GIVEN_CHARS for c in given) and self._name_not_word(name):
                out.append(match.span("value"))
        return out

    def _name_not_word(self, name: str) -> bool:
        """Not an everyday word (高兴, jieba's dictionary tags it b), a title or a known non-name."""
        tag = self._tags.get(name) or self._tags.get(name[:2])
        return (name[:2] not in NOT_NAMES and name[len(surname_of(name)):] not in NOT_GIVEN and name not in BRANDS
                and (tag is None or tag in NAME_TAGS) and name[-1] not in PLACE_ENDS)

    def _given_like(self, word: str, flag: str, compound: bool = False) -> bool:
        """A token that can be a given name: tagged a name, or characters common in given names (one is
        enough after a compound surname: 欧阳静)."""
        if not 1 <= len(word) <= 2 or word in NOT_GIVEN:
            return False
        if compound and len(word) == 1 and word in GIVEN_CHARS:
            return True
        if flag in NAME_TAGS and not (len(word) == 1 and word not in GIVEN_CHARS):
            return True
        return len(word) == 2 and all(c in GIVEN_CHARS for c in word)

    @staticmethod
    def plausible(candidate: str, *, in_dictionary: bool) -> bool:
        """Surname + 1–2 given Han characters, not a title, a place, a brand or an everyday word."""
        surname = surname_of(candidate)
        given = candidate[len(surname):]
        if not surname or not 1 <= len(given) <= 2 or not regex.fullmatch(r"[" + _HAN + r"]+", given):
            return False
        if (given in NOT_GIVEN or given[:1] in "某氏家" or any(c in MEASURES for c in given)
                or candidate in BRANDS or candidate[:2] in NOT_NAMES):
            return False
        if given[0] in NUMERALS and not all(c in GIVEN_CHARS for c in given[1:]):
            return False  # "戴一晚", "住三天": a numeral and a unit
        if not any(c in GIVEN_CHARS for c in given) and len(given) == 2 and not in_dictionary:
            return False  # "麻腮风": jieba's guess with no character a given name usually holds
        ambiguous = len(surname) == 1 and surname in AMBIGUOUS
        if in_dictionary and not all(c in GIVEN_CHARS for c in given):
            # Dictionary nr words: famous people, but also places and brands. Safe surnames only.
            return not ambiguous and candidate[-1] not in PLACE_ENDS
        return not (ambiguous and len(given) < 2 and given not in GIVEN_CHARS)

    def _result(self, start: int, end: int) -> RecognizerResult:
        """A PERSON result carrying this recognizer's name."""
        return RecognizerResult(entity_type=self.ENTITY, start=start, end=end, score=self.SCORE,
                                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id})
