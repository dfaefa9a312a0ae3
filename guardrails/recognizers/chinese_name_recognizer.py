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
    "信展阴昝智幸奉植衡富尧闭由庹闫郗蓬萧赖洪"
    # rarer surnames of the 百家姓 and today's registers
    "厍鄂郄仉訾竺缑蓟麴隗郦雎暴郏别宦鱼慎庾暨步弘禄殳沃蔚越夔融毋乜养须巢蒯益桓钮龚荀羿储靳汲邴糜松"
    "井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟"
    "薄印宿白怀蒲邰鄂索咸籍赖卓蔺屠蒙池乔阴胥苍闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿"
    "边扈燕冀郏浦尚农温庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾暨居衡步都耿满弘匡国文寇广禄"
    "阙殴殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶曾毋沙乜鞠丰巢关蒯相查荆红游竺权逯盖益桓公"
)
SURNAMES = "".join(dict.fromkeys(SURNAMES))
# Surnames that are also everyday words: used only after an explicit cue, never before a title alone.
AMBIGUOUS: str = ("和来都但于由信平国明时全原成文安关高万方海强利门云相初计向常应师商那阿母"
                  "公展支解单车路花乐井满楼盘位区印战危玉银干束衣富华金石黄白江"
                  "红山籍松秋仰益鱼牧步怀居广边充习越融冷谷查")
# Words that often follow a name and start with a character a given name may hold ("患者黄倩明天复诊").
FOLLOW_WORDS: tuple[str, ...] = (
    "明天", "后天", "今天", "昨天", "前天", "上午", "下午", "晚上", "早上", "中午", "明早", "明晚", "已经",
    "需要", "现在", "刚才", "刚刚", "什么", "怎么", "一直", "一下", "一起", "本人", "同志", "小朋友",
    # what a name is the subject or object of: "帮孙颖办理", "给李佳转账", "替王芳挂号"
    "办理", "办卡", "转账", "汇款", "付款", "还款", "缴费", "挂号", "挂个", "预约", "查询", "查一", "开户",
    "取药", "取钱", "复诊", "看病", "住院", "出院", "报销", "确认", "核实", "咨询", "申请", "投诉", "退款",
    "签字", "过来", "打电话", "发短信", "都是", "也是",
)
# Two-character words that start with a surname but are not names (places, time words, banking terms).
NOT_NAMES: frozenset[str] = frozenset(
    "苏州 杭州 温州 沈阳 武汉 常州 贵阳 洛阳 许昌 包头 邢台 柳州 徐州 郑州 潘家 周一 周二 周三 周四 周五 周六 "
    "周日 周末 周天 余额 储蓄 储户 汤圆 钱包 钱款 龙华 宋体 毛利 黎明 程序 邮政 柴油 冯氏 孙子 孟加 叶子 房间 "
    "房贷 房租 车贷 车辆 车位 段落 韩国 韩元 杨浦 罗湖 黄浦 江北 南山 宁波 连云 伍佰 陆续 陆佰 柏林 华为 "
    "高级 金牌 明星 安全 华人 白衣 成人 全职 万能 海归 黄金 白金 高端 金融 文职 方便 安排 关于 单位 马上 "
    "马路 马甲 钟点 钟表 郭氏 高速 高铁 高温 全部 国家 国际 管理 卫生 时间 石油 林业 花园 信用 平安 招商 "
    "江苏 海南 海淀 贺卡 齐全 严重 严格 邹城 吉林 原来 明白 宁可 乐意 于是 向导 贾汪 "
    # symptom and drug words that start with an everyday-word surname (高 黄 白 干 全 关 金 华 安 常)
    "高血 高烧 高热 高压 黄疸 白血 白内 干咳 干眼 全身 关节 金黄 华法 安眠 常规 高度 时常 文件 "
    # everyday bank/clinic words that start with a common surname
    "费用 费率 连续 连接 连锁 范围 许多 许可 何时 谢谢 谢绝 包括 包装 包含 尚未 符合 舒适 纪录 纪念 季度 "
    "季节 凌晨 毕业 霍乱 涂抹 路线 路口 游客 游泳 辛苦 管道 房产 房子 艾滋 尤其 简单 简直 车费 车票 项目 "
    "景区 景点 宫颈 冷静 冷藏 卫星 米饭 全国 应该 应用 边境 商品 商场 沙发 池塘 查看 查询 麻烦 麻醉 迟到 "
    "南京 储存 皮肤 皮疹 楼层 满意 位置 区域 姚明 罗马 曾经 肖像 田地 董事 袁大 潘多 于是 蒋村 蔡家 杜仲 "
    "叶酸 程度 苏醒 魏晋 吕梁 丁香 任何 沈从 姚家 卢森 姜黄 崔家 钟头 谭家 陆地 汪汪 石家 廖家 贾家 夏天 "
    "夏季 韦氏 付费 傅里 邹平 孟买 熊猫 秦岭 邱陵 尹家 薛定 闫家 段时 雷达 侯选 龙头 史上 陶瓷 黎巴 贺兰 "
    "顾客 顾问 毛巾 郝家 龚家 邵家 钱财 严禁 覃家 武器 戴口 莫名 孔雀 汤药 施工 牛奶 樊城 葛根 邢家 易于 "
    "乔迁 伍家 庞大 颜色 倪家 庄园 聂家 章程 鲁家 岳父 岳母 翟家 殷切 詹家 申报 欧元 欧洲 耿直 兰州 焦虑 "
    "俞家 左边 左侧 柳州 甘肃 祝贺 祝福 宁夏 符号 舒服 阮家 柯家 梅毒 童年 毕竟 单据 裴家 涂料 成本 苗头 "
    "谷氨 盛夏 曲奇 翁家 冉冉 骆驼 蓝色 靳家 柴胡 蒙古 鲍鱼 祁连 蒲公 房东 滕家 屈光 饶恕 解释 牟利 艾灸".split()
)
# Characters that end a name: function words and the first characters of what usually follows one.
STOP: str = ("的是在和与跟及说要想已了也都就把被让给向对从吗呢吧啊您你我他她它们这那哪号电手身证"
             "卡预挂住门办打申查需请能可会有没不很还又再等今昨去到来先女士生姐医老经主院护")
CUES: tuple[str, ...] = (
    "我叫", "我是", "本人", "名叫", "叫做", "姓名", "名字是", "名字叫", "名字", "患者", "病人", "病患",
    "联系人", "收件人", "收货人", "寄件人", "法人", "法人代表", "法定代表人", "持卡人", "户名", "开户名",
    "开户人", "账户名", "客户", "家属", "委托人", "申请人", "被保险人", "投保人", "受益人", "经办人",
    "代理人", "监护人", "签名", "署名", "我妈妈", "我妈", "妈妈", "母亲", "我爸爸", "我爸", "爸爸", "父亲",
    "我老公", "老公", "丈夫", "我老婆", "老婆", "妻子", "爱人", "儿子", "女儿", "孩子", "爷爷", "奶奶",
    "外婆", "外公", "哥哥", "姐姐", "弟弟", "妹妹", "朋友", "同事", "主治医生", "医生", "大夫", "护士",
    "先生", "女士", "name", "name is", "收款人", "付款人", "汇款人", "存款人", "借款人", "领取人",
    "预约人", "就诊人", "陪护人", "陪同人", "紧急联系人", "用户", "会员", "业主", "住户", "此致",
    # role nouns of bookings, orders, policies and companies (乘机人王芳, 买家李强, 被保人赵敏)
    "乘机人", "乘车人", "乘客", "旅客", "入住人", "买家", "卖家", "车主", "房东", "租客", "户主", "参保人",
    "被保人", "担保人", "保证人", "继承人", "被监护人", "学员", "学生", "店主", "老板", "股东", "负责人",
)
# Verbs that take a person as object ("帮王芳挂号", "给李明转账"): only a safe surname may follow, and
# never one that is also a common verb or noun start after them (付款, 查询, 钱包…).
VERB_CUES: tuple[str, ...] = ("帮", "替", "给", "代", "找", "让", "请", "叫", "通知", "转告", "告诉", "问问", "麻烦")
NOT_AFTER_VERB: str = "付查管应包谈求问解申商关单于余"
# Cues after which even an ambiguous surname (高, 金, 文…) starts a name.
STRONG_CUES: frozenset[str] = frozenset({"我叫", "名叫", "叫做", "姓名", "名字是", "名字叫", "名字", "name",
                                         "name is", "户名", "开户名", "账户名", "持卡人", "签名", "署名"})
TITLES: str = "先生|女士|小姐|太太|老师|医生|大夫|护士|经理|主任|阿姨|叔叔|同学|教授|律师|总监|院长|师傅"
# Titles after which a name with an everyday-word surname (高彬女士, 文洁老师) is still a name.
PERSONAL_TITLES: frozenset[str] = frozenset({"先生", "女士", "小姐", "太太", "阿姨", "叔叔", "老师", "医生", "大夫"})
# Word fragments that end in a surname character but are not names ("主任医生" is not 任医生).
NOT_A_NAME_BEFORE: frozenset[str] = frozenset("主责信担新前现上专兼继接出赴离到就委值")
# What separates the names of a list: "张三、李四和王五".
# Characters that start the predicate after a subject name ("客户高莉要求退款"), or 的.
VERB_STARTS: frozenset[str] = frozenset("的要想说已也都就把被让给向对从去到能会需请")
_TITLE_WORDS: tuple[str, ...] = tuple(TITLES.split("|"))
LIST_SEP = r"(?:、|，|,|和|与|及|以及|跟|/)"

_HAN = "\u3400-\u9fff"


def _surname_alt(single: str) -> str:
    """Regex alternation: compound surnames first, then a class of single ones."""
    return "(?:" + "|".join(COMPOUND_SURNAMES) + "|[" + single + "])"


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


class ChineseNameRecognizer(PatternRecognizer):
    """PERSON (zh): surname + 1-2 given characters after a cue (我叫/患者/联系人…) or before 先生/女士,
    in lists after a name ("张三、李四和王五"), or standing alone right before an identifier number."""

    ENTITY = "PERSON"
    # Set by Presidio's __init__; declared here because mypy cannot infer them through Presidio's import cycle.
    name: str
    patterns: list[Pattern]
    SAFE_SURNAMES: ClassVar[str] = "".join(c for c in SURNAMES if c not in AMBIGUOUS)
    _SAFE = _surname_alt("".join(c for c in SURNAMES if c not in AMBIGUOUS))
    _BOUNDARY = r"(?:^|(?<=[^" + _HAN + r"0-9A-Za-z]))"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("cue + name", r"(?P<cue>" + "|".join(sorted(CUES, key=len, reverse=True)) + r")[\s:：,，]*(?:是|为|叫)?"
                r"[\s:：]*(?P<value>" + _surname_alt(SURNAMES) + r"[" + _HAN + r"]{1,2})", 0.85),
        Pattern("verb + name", r"(?P<cue>" + "|".join(sorted(VERB_CUES, key=len, reverse=True)) + r")(?P<value>"
                + _surname_alt("".join(c for c in SURNAMES if c not in AMBIGUOUS + NOT_AFTER_VERB))
                + r"[" + _HAN + r"]{1,2})", 0.7),
        Pattern("name + title", r"(?P<value>" + _surname_alt(SURNAMES) + r"[" + _HAN + r"]{0,2}?)(?P<title>" + TITLES
                + r")", 0.7),
        Pattern("name + field", r"(?:^|(?<=[\s,，。;；:：!！?？、\"“”(（]))(?P<value>" + _surname_alt(SAFE_SURNAMES)
                + r"[" + _HAN + r"]{1,2}?)(?:的)?"
                r"(?=身份证|电话|手机|银行卡|卡号|病历|护照|联系方式|账户|账号|住址|地址|邮箱)", 0.7),
        # A name standing alone right before an identifier: "王芳 110105…", "李娜，13912345678".
        Pattern("name + number", _BOUNDARY + r"(?P<value>" + _SAFE + r"[" + _HAN + r"]{1,2}?)"
                r"[\s:：,，]{0,2}(?=\+?\d{6})", 0.7),
        # Two or more names joined by list separators, at a phrase start: "张伟、李娜和王芳".
        Pattern("name list", _BOUNDARY + r"(?P<value>" + _SAFE + r"[" + _HAN + r"]{1,2}?)(?=" + LIST_SEP
                + _surname_alt(SURNAMES)
                + r"[" + _HAN + r"]{1,2}(?:" + LIST_SEP + r"|[\s，,。.;；!！?？都是的也在]|$))", 0.7),
    )
    # A name right after a found name and a list separator: the list continues.
    _NEXT_IN_LIST = regex.compile(LIST_SEP + r"(?P<value>" + _surname_alt(SURNAMES) + r"[" + _HAN + r"]{1,2})")

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_entity=self.ENTITY, name=type(self).__name__,
                         supported_language=supported_language, patterns=list(self.PATTERNS),
                         global_regex_flags=regex.DOTALL | regex.MULTILINE | regex.IGNORECASE)
        self._compiled = tuple((p, regex.compile(p.regex, regex.DOTALL | regex.MULTILINE | regex.IGNORECASE))
                               for p in self.patterns)

    @staticmethod
    def trim(name: str, after: str = "") -> str:
        """Cut the given name at the first stop character or where a following word starts (keep the surname)."""
        surname = next((c for c in COMPOUND_SURNAMES if name.startswith(c)), name[:1])
        given = name[len(surname):]
        rest = given + after
        for i, ch in enumerate(given):
            if ch in STOP or (i > 0 and rest[i:].startswith(FOLLOW_WORDS)):
                given = given[:i]
                break
        return surname + given

    @staticmethod
    def _ends_word(text: str, end: int) -> bool:
        """True when a name ending at `end` is followed by a non-Han character, 的, a follow word or a title."""
        after = text[end] if end < len(text) else ""
        return (not after or not _is_han(after) or after in VERB_STARTS
                or text.startswith(FOLLOW_WORDS, end) or text.startswith(_TITLE_WORDS, end))

    @staticmethod
    def _plausible(kind: str, match: regex.Match[str], text: str, name: str) -> bool:
        """Reject ambiguous surnames without a strong cue, word fragments before titles, common words."""
        start = match.start("value")
        compound = any(name.startswith(c) for c in COMPOUND_SURNAMES)
        ambiguous = name[0] in AMBIGUOUS and not compound
        if name[:2] in NOT_NAMES and not compound:
            return False
        if kind == "name + title":
            if (start > 0 and text[start - 1] in NOT_A_NAME_BEFORE) or match.group("value") != name:
                return False  # "主任医生" is not 任医生; in "检查单的医生" the title does not follow 单
            if ambiguous and len(name) > 1:
                # "高彬女士" is a name, "高级经理" is not: personal titles only, and a word boundary before.
                return (match.group("title") in PERSONAL_TITLES
                        and (start == 0 or not _is_han(text[start - 1])
                             or text[start - 1] in "是叫找给请问位的挂约跟和与告诉知烦替帮代让")
                        and name[:2] not in NOT_NAMES)
            return True
        if len(name) < 2:
            return False
        if kind in ("verb + name", "name + number", "name list"):
            return ChineseNameRecognizer._ends_word(text, start + len(name)) or kind != "verb + name"
        if kind == "cue + name" and ambiguous and match.group("cue").lower() not in STRONG_CUES:
            # "患者高一，" is a name, "患者高血压很" is not: the name must end where a word ends.
            return ChineseNameRecognizer._ends_word(text, start + len(name))
        return True

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Find cue-, title-, list- or number-anchored Chinese names in `text`."""
        if entities and self.ENTITY not in entities:
            return []
        results: list[RecognizerResult] = []
        for pattern, compiled in self._compiled:
            for match in compiled.finditer(text, overlapped=True):
                start = match.start("value")
                name = self.trim(match.group("value"), text[match.end("value"):match.end("value") + 3])
                if not self._plausible(pattern.name, match, text, name):
                    continue
                if pattern.name != "name + title" and len(name) < 2:
                    continue
                results.append(self._result(start, start + len(name), pattern.score))
        results.extend(self._list_continuations(text, results))
        return drop_contained(results)

    def _list_continuations(self, text: str, found: list[RecognizerResult]) -> list[RecognizerResult]:
        """Names that continue a list after a found name: "患者张三、李四和王五"."""
        out: list[RecognizerResult] = []
        ends = sorted({r.end for r in found if r.end - r.start >= 2})
        while ends:
            end = ends.pop(0)
            match = self._NEXT_IN_LIST.match(text, end)
            if not match:
                continue
            start = match.start("value")
            name = self.trim(match.group("value"), text[match.end("value"):match.end("value") + 3])
            end = start + len(name)
            if len(name) < 2 or name[:2] in NOT_NAMES or (
                    name[0] in AMBIGUOUS and not self._ends_word(text, end)
                    and not text.startswith(("、", "和", "及", "与", "，", ","), end)):
                continue
            out.append(self._result(start, start + len(name), 0.7))
            ends.append(start + len(name))
        return out

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        """A PERSON result carrying this recognizer's name."""
        return RecognizerResult(entity_type=self.ENTITY, start=start, end=end, score=score,
                                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id})
