"""Generator of names, home addresses and messaging ids as customers type them (issue 11, part B).

    python benchmarks/pii_gen_names.py [--n 1200] [--seed 2222] [--out-dir benchmarks]

Writes two JSONL files in the format of shared/eval/pii_dev.jsonl ({"id", "lang", "domain", "text",
"pii": [{"type", "value", "surface", "start", "end"}], "keep": [...]}):

* ``pii_names_tune.jsonl``: the *tune* family, for looking at misses;
* ``pii_names_test.jsonl``: the *test* family, written once and frozen; nothing is tuned on it.

Families never share a sentence frame, a cue word, a surname or a given name: every frame, cue, role
noun and title sits at an even (tune) or odd (test) position of its table, and surnames and given
names are split the same way (Faker's zh_CN/en_US lists, plus rare and compound surnames). Look-alikes
are what a useful redactor must leave alone: words that start with a surname character (高兴, 周末,
黄金…), place names (王府井, 石家庄), brands and products, doctor titles without a name, and the
organisation's own branch addresses.
"""
from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from pathlib import Path

from faker import Faker

OUT = Path(__file__).resolve().parent
COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "慕容", "令狐", "夏侯", "公孙", "端木", "尉迟", "长孙",
            "宇文", "司徒", "南宫")
RARE = ("阚", "逯", "亓", "扈", "晁", "訾", "鄂", "竺", "郄", "缑", "厍", "蓟", "佘", "麴", "仉", "隗")


class Names:
    """Surnames and given names of one family (even or odd positions of the sorted lists)."""

    def __init__(self, family: int) -> None:
        zh, en = Faker("zh_CN"), Faker("en_US")
        surnames = sorted(set(zh.provider("faker.providers.person").last_names))  # type: ignore[union-attr]
        given = sorted(set(zh.provider("faker.providers.person").first_names))  # type: ignore[union-attr]
        self.surnames = [s for s in surnames if len(s) == 1][family::2] + list(RARE[family::2])
        self.compound = list(COMPOUND[family::2])
        self.given = [g for g in given if 1 <= len(g) <= 2][family::2]
        person = en.provider("faker.providers.person")
        self.en_first = sorted(set(person.first_names))[family::2]  # type: ignore[union-attr]
        self.en_last = sorted(set(person.last_names))[family::2]  # type: ignore[union-attr]

    def zh(self, rng: random.Random, compound: bool = False) -> str:
        surname = rng.choice(self.compound) if compound or rng.random() < 0.08 else rng.choice(self.surnames)
        return surname + rng.choice(self.given)

    def en(self, rng: random.Random) -> str:
        return rng.choice(self.en_first) + " " + rng.choice(self.en_last)


class Builder:
    """Concatenate text, PII values and look-alikes, recording where each lands."""

    def __init__(self) -> None:
        self.text = ""
        self.pii: list[dict] = []
        self.keep: list[str] = []

    def add(self, *parts: object) -> Builder:
        for part in parts:
            if isinstance(part, P):
                start = len(self.text)
                self.text += part.surface
                self.pii.append({"type": part.kind, "value": part.value, "surface": part.surface,
                                 "start": start, "end": len(self.text)})
            elif isinstance(part, K):
                self.text += part.value
                self.keep.append(part.value)
            else:
                self.text += str(part)
        return self


class P:
    def __init__(self, kind: str, value: str, surface: str | None = None) -> None:
        self.kind, self.value, self.surface = kind, value, surface if surface is not None else value


class K:
    def __init__(self, value: str) -> None:
        self.value = value


# --- addresses -----------------------------------------------------------------------------------
ROADS = ("中山", "人民", "解放", "建设", "学府", "文化", "长江", "黄河", "和平", "幸福", "光明", "新华", "滨江",
         "青年", "胜利", "友谊", "振兴", "迎宾", "朝阳", "东风")
ROAD_KINDS = ("路", "街", "大道", "巷", "北路", "南路", "东路", "西路")
ESTATES = ("阳光", "翠苑", "锦绣", "金色", "碧桂", "紫荆", "丽景", "江南", "书香", "龙湖", "万科", "绿城")
ESTATE_KINDS = ("小区", "花园", "家园", "公寓", "苑", "新村")


def zh_address(rng: random.Random, fk: Faker, family: int) -> str:
    """A home address; the two families use different shapes."""
    road = rng.choice(ROADS) + rng.choice(ROAD_KINDS) + f"{rng.randint(1, 999)}号"
    estate = rng.choice(ESTATES) + rng.choice(ESTATE_KINDS)
    inner = (f"{rng.randint(1, 30)}" + rng.choice(["栋", "幢", "号楼"]) + f"{rng.randint(1, 6)}单元"
             + f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}室")
    city = fk.city()  # e.g. 关岭市 / 桂芝县
    district = fk.district() + rng.choice(["区", "县"])
    shapes: list[Callable[[], str]] = [
        lambda: fk.province() + city + district + road + estate + inner,
        lambda: estate + inner,
        lambda: city + district + road,
        lambda: district + road + estate + f"{rng.randint(1, 30)}栋{rng.randint(101, 2505)}",
        lambda: fk.province() + city + district + fk.street_name() + f"{rng.randint(1, 300)}号",
        lambda: road + estate + inner,
    ]
    return rng.choice(shapes[family::2])()


def en_address(rng: random.Random, fk: Faker, family: int) -> str:
    shapes: list[Callable[[], str]] = [
        lambda: f"{fk.building_number()} {fk.street_name()}, {fk.city()}, {fk.state_abbr()} {fk.zipcode()}",
        lambda: f"{fk.building_number()} {fk.street_name()}",
        lambda: f"{fk.building_number()} {fk.street_name()} {fk.secondary_address()}, {fk.city()}",
        lambda: f"{fk.building_number()} {fk.street_name()}, {fk.city()} {fk.state_abbr()} {fk.zipcode()}",
    ]
    return rng.choice(shapes[family::2])()


def wechat_id(rng: random.Random, fk: Faker) -> str:
    return fk.user_name()[:14] + rng.choice(["", "_", "-"]) + str(rng.randint(1, 9999))


# --- frames (even position: tune family, odd: test family) -------------------------------------------
Frame = Callable[[random.Random, Names, Faker, Faker, int], Builder]
Z_TITLES = ("先生", "女士", "医生", "经理", "老师", "阿姨", "主任", "叔叔", "大夫", "护士")
Z_ROLES = ("乘机人", "乘客", "买家", "收款人", "法定代表人", "联系人", "投保人", "被保险人", "患者", "家属",
           "受益人", "监护人", "入住人", "紧急联系人", "车主", "申请人", "户主", "借款人")
E_ROLES = ("passenger", "buyer", "payee", "legal representative", "contact", "policy holder", "beneficiary",
           "guardian", "recipient", "insured", "tenant", "applicant")


def zn(r: random.Random, nm: Names, compound: bool = False) -> P:
    return P("PERSON", nm.zh(r, compound))


def surname(name: P) -> str:
    return name.value[:2] if name.value[:2] in COMPOUND else name.value[:1]


def en_name(r: random.Random, nm: Names) -> P:
    return P("PERSON", nm.en(r))


def spaced(r: random.Random, nm: Names) -> P:
    name = nm.zh(r)
    return P("PERSON", name, " ".join(name))


def role(r: random.Random, f: int, table: tuple[str, ...]) -> str:
    return r.choice(table[f::2])


FRAMES: dict[str, list[Frame]] = {
    "zh_no_cue": [
        lambda r, nm, zh, en, f: Builder().add("帮我查一下", zn(r, nm), "的挂号记录"),
        lambda r, nm, zh, en, f: Builder().add("麻烦看看", zn(r, nm), "今天有没有预约"),
        lambda r, nm, zh, en, f: Builder().add("昨天", zn(r, nm), "来办过业务吗？"),
        lambda r, nm, zh, en, f: Builder().add("这笔钱是", zn(r, nm), "转过来的吗"),
        lambda r, nm, zh, en, f: Builder().add(zn(r, nm), "要办一张借记卡"),
        lambda r, nm, zh, en, f: Builder().add("我想问", zn(r, nm), "的保单到期没有"),
        lambda r, nm, zh, en, f: Builder().add("能不能查到", zn(r, nm), "上个月的缴费"),
        lambda r, nm, zh, en, f: Builder().add("我替", zn(r, nm), "来拿体检报告"),
        lambda r, nm, zh, en, f: Builder().add("上周", zn(r, nm), "在你们这做的胃镜"),
        lambda r, nm, zh, en, f: Builder().add("请问", zn(r, nm), "的卡寄出了没"),
    ],
    "zh_role": [
        lambda r, nm, zh, en, f: Builder().add(role(r, f, Z_ROLES), zn(r, nm), "的信息要改一下"),
        lambda r, nm, zh, en, f: Builder().add(role(r, f, Z_ROLES), "：", zn(r, nm), "，麻烦核对"),
        lambda r, nm, zh, en, f: Builder().add("订单上", role(r, f, Z_ROLES), "写的是", zn(r, nm)),
        lambda r, nm, zh, en, f: Builder().add(role(r, f, Z_ROLES), " ", zn(r, nm), " 已经到了"),
    ],
    "zh_bracket": [
        lambda r, nm, zh, en, f: Builder().add(surname(n := zn(r, nm)) + role(r, f, Z_TITLES), "（", n, "）想改预约"),
        lambda r, nm, zh, en, f: Builder().add("找", surname(n := zn(r, nm)) + role(r, f, Z_TITLES), "(", n, ")办的"),
    ],
    "zh_spaced": [
        lambda r, nm, zh, en, f: Builder().add("我叫", spaced(r, nm), "，想挂个号"),
        lambda r, nm, zh, en, f: Builder().add("姓名：", spaced(r, nm)),
        lambda r, nm, zh, en, f: Builder().add("名字是 ", spaced(r, nm), " 谢谢"),
        lambda r, nm, zh, en, f: Builder().add("本人", spaced(r, nm), "，卡丢了"),
    ],
    "zh_title": [
        lambda r, nm, zh, en, f: Builder().add(zn(r, nm, compound=r.random() < 0.4), role(r, f, Z_TITLES), "说可以办"),
        lambda r, nm, zh, en, f: Builder().add("是", zn(r, nm, compound=r.random() < 0.4), role(r, f, Z_TITLES),
                                              "介绍我来的"),
    ],
    "zh_list": [
        lambda r, nm, zh, en, f: Builder().add(zn(r, nm), "、", zn(r, nm), "都要开户"),
        lambda r, nm, zh, en, f: Builder().add("家里", zn(r, nm), "和", zn(r, nm), "的医保能一起交吗"),
        lambda r, nm, zh, en, f: Builder().add("名单：", zn(r, nm), "，", zn(r, nm), "，", zn(r, nm)),
        lambda r, nm, zh, en, f: Builder().add("我跟", zn(r, nm), "、", zn(r, nm), "一起来的"),
    ],
    "en_payment": [
        lambda r, nm, zh, en, f: Builder().add(f"transfer {r.randint(50, 9000)} to ", en_name(r, nm)),
        lambda r, nm, zh, en, f: Builder().add("I got money from ", en_name(r, nm), " but it is not in my account"),
        lambda r, nm, zh, en, f: Builder().add(f"please send ${r.randint(5, 900)} to ", en_name(r, nm), " today"),
        lambda r, nm, zh, en, f: Builder().add("was the wire from ", en_name(r, nm), " received?"),
        lambda r, nm, zh, en, f: Builder().add("I want a refund for ", en_name(r, nm), ", the payment failed"),
        lambda r, nm, zh, en, f: Builder().add(f"pay {r.randint(10, 500)} yuan to ", en_name(r, nm),
                                              " from my card"),
    ],
    "en_lower": [
        lambda r, nm, zh, en, f: Builder().add("my name is ", P("PERSON", nm.en(r).lower()), " and i lost my card"),
        lambda r, nm, zh, en, f: Builder().add("hi, this is ", P("PERSON", nm.en(r).lower()), ", can you help"),
        lambda r, nm, zh, en, f: Builder().add("name: ", P("PERSON", nm.en(r).lower())),
        lambda r, nm, zh, en, f: Builder().add("i am ", P("PERSON", nm.en(r).lower()), ", the account holder"),
    ],
    "en_role": [
        lambda r, nm, zh, en, f: Builder().add(role(r, f, E_ROLES).capitalize(), ": ", en_name(r, nm)),
        lambda r, nm, zh, en, f: Builder().add("the ", role(r, f, E_ROLES), " is ", en_name(r, nm), ", please check"),
        lambda r, nm, zh, en, f: Builder().add(role(r, f, E_ROLES), " ", P("PERSON", nm.en(r).lower()),
                                              " needs a new card"),
    ],
    "addr_zh": [
        lambda r, nm, zh, en, f: Builder().add("我的住址是", P("ADDRESS", zh_address(r, zh, f)), "，麻烦改一下"),
        lambda r, nm, zh, en, f: Builder().add("家住", P("ADDRESS", zh_address(r, zh, f))),
        lambda r, nm, zh, en, f: Builder().add("卡寄到", P("ADDRESS", zh_address(r, zh, f)), "就行"),
        lambda r, nm, zh, en, f: Builder().add("新地址：", P("ADDRESS", zh_address(r, zh, f))),
        lambda r, nm, zh, en, f: Builder().add(P("ADDRESS", zh_address(r, zh, f)), "，这是我家"),
        lambda r, nm, zh, en, f: Builder().add("我搬到", P("ADDRESS", zh_address(r, zh, f)), "了"),
    ],
    "addr_en": [
        lambda r, nm, zh, en, f: Builder().add("I live at ", P("ADDRESS", en_address(r, en, f)), "."),
        lambda r, nm, zh, en, f: Builder().add("ship it to ", P("ADDRESS", en_address(r, en, f)), " please"),
        lambda r, nm, zh, en, f: Builder().add("my address is ", P("ADDRESS", en_address(r, en, f))),
        lambda r, nm, zh, en, f: Builder().add("mailing address: ", P("ADDRESS", en_address(r, en, f))),
    ],
    "im": [
        lambda r, nm, zh, en, f: Builder().add("我的微信号是", P("IM_ACCOUNT", wechat_id(r, en)), "，加一下"),
        lambda r, nm, zh, en, f: Builder().add("加我vx ", P("IM_ACCOUNT", wechat_id(r, en))),
        lambda r, nm, zh, en, f: Builder().add("QQ号：", P("IM_ACCOUNT", str(r.randint(10000, 3999999999)))),
        lambda r, nm, zh, en, f: Builder().add("扣扣", P("IM_ACCOUNT", str(r.randint(10000, 3999999999))), "随时找我"),
        lambda r, nm, zh, en, f: Builder().add("支付宝账号", P("IM_ACCOUNT", en.user_name() + "@163.com")),
        lambda r, nm, zh, en, f: Builder().add("my wechat id is ", P("IM_ACCOUNT", wechat_id(r, en))),
    ],
    "lookalike": [
        lambda r, nm, zh, en, f: Builder().add(K(r.choice(["高兴", "方便", "常见"])), "的是你们", K("周末"), "也营业"),
        lambda r, nm, zh, en, f: Builder().add(K(r.choice(["王府井", "石家庄", "张家界", "马鞍山"])), "有没有网点"),
        lambda r, nm, zh, en, f: Builder().add(K(r.choice(["黄金", "白银"])), "积存怎么买，", K("于是"), "来问问"),
        lambda r, nm, zh, en, f: Builder().add(K(r.choice(["华为", "李宁", "周大福", "王老吉"])), "的店能刷信用卡吗"),
        lambda r, nm, zh, en, f: Builder().add(K(r.choice(["主任医师", "主治医生", "专家门诊"])), "今天有号吗"),
        lambda r, nm, zh, en, f: Builder().add("你们", K(f"{r.choice(ROADS)}路{r.randint(1, 300)}号"),
                                              "的支行几点开门"),
        lambda r, nm, zh, en, f: Builder().add(K(r.choice(["金银花", "陈皮", "杜仲", "黄芪"])), "能医保报销吗"),
        lambda r, nm, zh, en, f: Builder().add(K(r.choice(["马上", "常规", "明白"])), "就去", K("高铁站"), "的分行"),
        lambda r, nm, zh, en, f: Builder().add("the ", K(f"{r.randint(1, 900)} Main Street"), " branch is closed?"),
        lambda r, nm, zh, en, f: Builder().add("is the ", K(r.choice(["Apple Store", "Wells Fargo", "Home Depot"])),
                                              " card accepted"),
        lambda r, nm, zh, en, f: Builder().add(K(r.choice(["宋体", "楷体"])), "字太小，", K("程序"), "打不开"),
        lambda r, nm, zh, en, f: Builder().add("微信", K("支付"), "和QQ", K("钱包"), "能绑卡吗"),
        lambda r, nm, zh, en, f: Builder().add(K(r.choice(["欧阳路", "司马台", "东方明珠"])), "附近有ATM吗"),
        lambda r, nm, zh, en, f: Builder().add("请", K(r.choice(["医生", "护士", "经理"])), "帮我看看", K("余额"),
                                              "不对"),
    ],
}
WEIGHTS = {"lookalike": 3.0, "zh_no_cue": 2.0, "zh_role": 1.5}


def generate(n: int, seed: int, family: int) -> list[dict]:
    """`n` cases from the frames of one family (0 = tune, 1 = test), deterministic for the seed."""
    rng = random.Random(seed)
    zh, en = Faker("zh_CN"), Faker("en_US")
    zh.seed_instance(seed)
    en.seed_instance(seed + 1)
    names = Names(family)
    kinds = list(FRAMES)
    weights = [WEIGHTS.get(k, 1.0) for k in kinds]
    cases = []
    for i in range(n):
        kind = rng.choices(kinds, weights)[0]
        b = rng.choice(FRAMES[kind][family::2])(rng, names, zh, en, family)
        lang = "zh" if any("\u4e00" <= c <= "\u9fff" for c in b.text) else "en"
        cases.append({"id": f"name-{'tune' if family == 0 else 'test'}-{i}", "lang": lang, "domain": kind,
                      "text": b.text, "pii": b.pii, "keep": b.keep})
    return cases


def main() -> None:
    """Write the tune half (always) and the test half (only when it does not exist yet: frozen)."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=2222)
    ap.add_argument("--out-dir", type=Path, default=OUT)
    args = ap.parse_args()
    for family, name, seed in ((0, "pii_names_tune.jsonl", args.seed), (1, "pii_names_test.jsonl", args.seed + 7919)):
        path = args.out_dir / name
        if family == 1 and path.exists():
            print(f"{path} exists and is frozen: not rewritten")
            continue
        path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in generate(args.n, seed, family)),
                        encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
