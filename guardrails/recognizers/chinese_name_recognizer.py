"""Chinese personal names: a known surname (incl. compound 欧阳/司马…) after a cue or before a title."""
from __future__ import annotations

from typing import ClassVar

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from guardrails.recognizers.context_aware_recognizer import drop_contained

COMPOUND_SURNAMES: tuple[str, ...] = tuple(
    "欧阳 上官 皇甫 司马 诸葛 东方 夏侯 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 西门 南宫 独孤 端木 轩辕 百里 "
    "呼延 澹台 太史 申屠 钟离 闻人 赫连 万俟 东郭 公冶 濮阳 左丘 第五 梁丘 拓跋 单于 司空 亓官 仲孙 "
    "闾丘 子车 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 段干 鲜于 微生 羊舌 梁丘 公羊".split()
)
# Common single surnames, most frequent first (百家姓 plus today's frequency lists).
SURNAMES: str = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪"
    "梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简"
    "车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄"
    "丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区"
    "郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍"
    "辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣"
    "信展阴昝智幸奉植衡富尧闭由庹闫郗蓬"
)
# Surnames that are also everyday words: used only after an explicit cue, never before a title alone.
AMBIGUOUS: str = "和来都但于由信平国明时全原成文安关高万方海强利门云相初计向常应师商那阿母公展支解单车路花乐井满楼盘位区印战危玉银干束衣富华金石黄白江"
# Characters that end a name: function words and the first characters of what usually follows one.
STOP: str = "的是在和与跟及说要想已了也都就把被让给向对从吗呢吧啊您你我他她它们这那哪号电手身证卡预挂住门办打申查需请能可会有没不很还又再等今昨去到来先女士生姐医老经主院护"
CUES: tuple[str, ...] = (
    "我叫", "我是", "本人", "名叫", "叫做", "姓名", "名字是", "名字叫", "名字", "患者", "病人", "病患",
    "联系人", "收件人", "收货人", "寄件人", "法人", "法人代表", "法定代表人", "持卡人", "户名", "开户名",
    "开户人", "账户名", "客户", "家属", "委托人", "申请人", "被保险人", "投保人", "受益人", "经办人",
    "代理人", "监护人", "签名", "署名", "我妈妈", "我妈", "妈妈", "母亲", "我爸爸", "我爸", "爸爸", "父亲",
    "我老公", "老公", "丈夫", "我老婆", "老婆", "妻子", "爱人", "儿子", "女儿", "孩子", "爷爷", "奶奶",
    "外婆", "外公", "哥哥", "姐姐", "弟弟", "妹妹", "朋友", "同事", "主治医生", "医生", "大夫", "护士",
    "先生", "女士", "name", "name is",
)
# Cues after which even an ambiguous surname (高, 金, 文…) starts a name.
STRONG_CUES: frozenset[str] = frozenset({"我叫", "名叫", "叫做", "姓名", "名字是", "名字叫", "名字", "name",
                                         "name is", "户名", "开户名", "账户名", "持卡人", "签名", "署名"})
TITLES: str = "先生|女士|小姐|太太|老师|医生|大夫|护士|经理|主任|阿姨|叔叔|同学|教授|律师|总监|院长|师傅"
# Word fragments that end in a surname character but are not names ("主任医生" is not 任医生).
NOT_A_NAME_BEFORE: frozenset[str] = frozenset("主责信担新前现上专兼继接出赴离到就委")

_HAN = "\u3400-\u9fff"


def _surname_alt(single: str) -> str:
    """Regex alternation: compound surnames first, then a class of single ones."""
    return "(?:" + "|".join(COMPOUND_SURNAMES) + "|[" + single + "])"


class ChineseNameRecognizer(PatternRecognizer):
    """PERSON (zh): surname + 1-2 given characters after a cue (我叫/患者/联系人…) or before 先生/女士."""

    ENTITY = "PERSON"
    SAFE_SURNAMES: ClassVar[str] = "".join(c for c in SURNAMES if c not in AMBIGUOUS)
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("cue + name", r"(?P<cue>" + "|".join(sorted(CUES, key=len, reverse=True)) + r")[\s:：,，]*(?:是|为|叫)?"
                r"[\s:：]*(?P<value>" + _surname_alt(SURNAMES) + r"[" + _HAN + r"]{1,2})", 0.85),
        Pattern("name + title", r"(?P<value>" + _surname_alt(SURNAMES) + r"[" + _HAN + r"]{0,2}?)(?=" + TITLES + r")", 0.7),
        Pattern("name + field", r"(?:^|(?<=[\s,，。;；:：!！?？、\"“”(（]))(?P<value>" + _surname_alt(SAFE_SURNAMES)
                + r"[" + _HAN + r"]{1,2}?)(?:的)?(?=身份证|电话|手机|银行卡|卡号|病历|护照|联系方式|账户|账号|住址|地址|邮箱)", 0.7),
    )

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_entity=self.ENTITY, name=type(self).__name__,
                         supported_language=supported_language, patterns=list(self.PATTERNS),
                         global_regex_flags=regex.DOTALL | regex.MULTILINE | regex.IGNORECASE)
        self._compiled = tuple((p, regex.compile(p.regex, regex.DOTALL | regex.MULTILINE | regex.IGNORECASE))
                               for p in self.patterns)

    @staticmethod
    def trim(name: str) -> str:
        """Cut the given name at the first stop character (keeping the surname)."""
        surname = next((c for c in COMPOUND_SURNAMES if name.startswith(c)), name[:1])
        given = name[len(surname):]
        for i, ch in enumerate(given):
            if ch in STOP:
                given = given[:i]
                break
        return surname + given

    @staticmethod
    def _plausible(kind: str, match: regex.Match[str], text: str, name: str) -> bool:
        """Reject ambiguous surnames without a strong cue, and word fragments before titles."""
        start = match.start("value")
        ambiguous = name[0] in AMBIGUOUS and not any(name.startswith(c) for c in COMPOUND_SURNAMES)
        if kind == "name + title":
            if start > 0 and text[start - 1] in NOT_A_NAME_BEFORE:
                return False
            return not (ambiguous and len(name) > 1)
        if len(name) < 2:
            return False
        if kind == "cue + name" and ambiguous and match.group("cue").lower() not in STRONG_CUES:
            # "患者高一，" is a name, "患者高血压很" is not: the name must end where a word ends.
            end = start + len(name)
            after = text[end] if end < len(text) else ""
            return not after or not ("\u3400" <= after <= "\u9fff") or after == "的"
        return True

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Find cue- or title-anchored Chinese names in `text`."""
        if entities and self.ENTITY not in entities:
            return []
        results: list[RecognizerResult] = []
        for pattern, compiled in self._compiled:
            for match in compiled.finditer(text, overlapped=True):
                start = match.start("value")
                name = self.trim(match.group("value"))
                if not self._plausible(pattern.name, match, text, name):
                    continue
                if pattern.name != "name + title" and len(name) < 2:
                    continue
                results.append(RecognizerResult(
                    entity_type=self.ENTITY, start=start, end=start + len(name), score=pattern.score,
                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                          RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return drop_contained(results)
