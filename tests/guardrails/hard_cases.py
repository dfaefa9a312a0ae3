"""Adversarial message generator for the detector: surface forms and look-alikes the dev set lacks.

Values come from our own valid-checksum generators (Luhn, GB 11643, ISO 13616 via faker, SSA rules,
real numbering plans) and from faker zh_CN/en_US names; sentences are written here, not copied from
the dev set. Each case knows the exact spans of its PII and of its look-alikes, so scoring is strict:

* a PII value is caught only when *every* letter/digit of it is covered by a detection
  (a partial mask is a miss);
* a look-alike is kept only when no detection touches it.

    python -m tests.guardrails.hard_cases [--n 1500] [--seed 20240506] [--show 20]   # per-category report
"""
from __future__ import annotations

import argparse
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from faker import Faker

from tests.pii_values import luhn_complete

STRUCTURED = ("CREDIT_CARD", "CN_RESIDENT_ID", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE", "US_SSN",
              "CN_PASSPORT", "MEDICAL_RECORD_NUMBER", "MEDICAL_INSURANCE_NUMBER")


@dataclass(frozen=True)
class P:
    """A planted PII value: its type, its surface in the text, and a sub-category for the report."""

    kind: str
    surface: str
    form: str = ""


@dataclass(frozen=True)
class K:
    """A planted look-alike that must survive redaction; `kind` names its category."""

    kind: str
    surface: str


@dataclass
class Case:
    """One message with the spans of its PII and look-alikes."""

    text: str
    pii: list[tuple[str, str, int, int]] = field(default_factory=list)   # (type, form, start, end)
    keep: list[tuple[str, int, int]] = field(default_factory=list)       # (kind, start, end)


def mk(*parts: str | P | K) -> Case:
    """Concatenate parts, recording where each P/K lands."""
    case = Case("")
    text = []
    pos = 0
    for part in parts:
        s = part if isinstance(part, str) else part.surface
        if isinstance(part, P):
            case.pii.append((part.kind, part.form, pos, pos + len(s)))
        elif isinstance(part, K):
            case.keep.append((part.kind, pos, pos + len(s)))
        text.append(s)
        pos += len(s)
    case.text = "".join(text)
    return case


# --- value generators with real checksums --------------------------------------------------------
def rand_digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


CARD_PREFIXES: tuple[tuple[str, int], ...] = (
    ("4", 16), ("4", 13), ("4", 19), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15),
    ("37", 15), ("6222", 16), ("6222", 19), ("6228", 19), ("6217", 19), ("6212", 19), ("625", 16),
    ("6011", 16), ("65", 16), ("3530", 16), ("3566", 16), ("6214", 18), ("6225", 16), ("36", 14),
)


def card(rng: random.Random) -> str:
    prefix, length = rng.choice(CARD_PREFIXES)
    return luhn_complete(prefix + rand_digits(rng, length - len(prefix) - 1))


AREAS = ("110105", "110108", "310104", "310115", "440305", "440106", "330106", "510107", "420106",
         "320102", "370202", "610113", "500103", "350203", "210102", "430104", "130102", "650102",
         "450103", "530102", "230103", "410105", "120101", "340104", "360102", "520102", "620102")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def birth(rng: random.Random, lo: int = 1935, hi: int = 2012) -> str:
    y = rng.randint(lo, hi)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    return f"{y:04d}{m:02d}{d:02d}"


def resident_id(rng: random.Random, want_x: bool = False) -> str:
    while True:
        first17 = rng.choice(AREAS) + birth(rng) + rand_digits(rng, 3)
        check = "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]
        if not want_x or check == "X":
            return first17 + check


def resident_id_15(rng: random.Random) -> str:
    return rng.choice(AREAS) + birth(rng, 1940, 1985)[2:] + rand_digits(rng, 3)


MOBILE_PREFIXES = ("130 131 132 133 134 135 136 137 138 139 145 147 150 151 152 153 155 156 157 158 "
                   "159 166 170 171 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 "
                   "193 195 196 197 198 199").split()
LANDLINE_AREAS = ("010", "021", "022", "023", "020", "024", "025", "027", "028", "029", "0755", "0571",
                  "0512", "0531", "0532", "0731", "0591", "0871", "0851", "0431")


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + rand_digits(rng, 8)


def landline(rng: random.Random) -> tuple[str, str]:
    area = rng.choice(LANDLINE_AREAS)
    return area, str(rng.randint(2, 8)) + rand_digits(rng, 7)


def ssn(rng: random.Random) -> str:
    while True:
        area = rng.randint(1, 899)
        if area == 666:
            continue
        return f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in s)


def mixed_width(rng: random.Random, s: str) -> str:
    return "".join(fullwidth(c) if c.isdigit() and rng.random() < 0.5 else c for c in s)


def group(s: str, sizes: Iterable[int], sep: str) -> str:
    out, i = [], 0
    for n in sizes:
        if i >= len(s):
            break
        out.append(s[i:i + n])
        i += n
    if i < len(s):
        out.append(s[i:])
    return sep.join(out)


# --- message builders per category ---------------------------------------------------------------
Builder = Callable[[random.Random, "Fakers"], Case]


class Fakers:
    """One seeded faker per locale."""

    def __init__(self, seed: int) -> None:
        self.zh = Faker("zh_CN")
        self.en = Faker("en_US")
        self.gb = Faker("en_GB")
        self.ibans = [Faker(loc) for loc in ("de_DE", "fr_FR", "en_GB", "nl_NL", "es_ES", "it_IT", "pl_PL")]
        for i, f in enumerate([self.zh, self.en, self.gb, *self.ibans]):
            f.seed_instance(seed + i)


def card_case(rng: random.Random, fk: Fakers) -> Case:
    value = card(rng)
    n = len(value)
    forms = {
        "plain": lambda: value,
        "4s space": lambda: group(value, [4] * 5, " "),
        "4s dash": lambda: group(value, [4] * 5, "-"),
        "4s dot": lambda: group(value, [4] * 5, "."),
        "odd grouping": lambda: group(value, [4, 6, 5] if n == 15 else [6, 6, 4] if n == 16 else [4, 4, 4, 4, 3], " "),
        "fullwidth": lambda: fullwidth(group(value, [4] * 5, rng.choice([" ", ""]))),
        "mixed width": lambda: mixed_width(rng, value),
        "double space": lambda: group(value, [4] * 5, "  "),
    }
    form = rng.choice(list(forms))
    v = P("CREDIT_CARD", forms[form](), form)
    frames = [
        lambda: mk("卡号:", v, "，请帮我冻结。"),
        lambda: mk("卡号：", v, "已挂失吗"),
        lambda: mk("我的银行卡", v, "被锁了"),
        lambda: mk("尾号不对，完整是", v, "，麻烦查一下"),
        lambda: mk("信用卡（", v, "）本月账单多少？"),
        lambda: mk("Please block card ", v, " immediately."),
        lambda: mk("my visa ", v, " was declined at the store"),
        lambda: mk("Card no.", v, "; expiry 09/27"),
        lambda: mk("用这张", v, "还款"),
        lambda: mk("转到", v, "这张卡上"),
        lambda: mk("Charge it to ", v, ", thanks"),
        lambda: mk(v, "是我的借记卡"),
        lambda: mk("The number is ", v, "."),
    ]
    return rng.choice(frames)()


def id_case(rng: random.Random, fk: Fakers) -> Case:
    form = rng.choice(["plain", "x", "lower x", "6-8-4 spaces", "6-4-4-4", "fullwidth", "mixed width",
                       "15 legacy", "dashes", "double space", "x fullwidth"])
    if form == "15 legacy":
        v = resident_id_15(rng)
    else:
        v = resident_id(rng, want_x=form in ("x", "lower x", "x fullwidth"))
    if form == "lower x":
        v = v[:-1] + "x"
    elif form == "6-8-4 spaces":
        v = group(v, [6, 8, 4], " ")
    elif form == "6-4-4-4":
        v = group(v, [6, 4, 4, 4], " ")
    elif form == "fullwidth":
        v = fullwidth(v)
    elif form == "mixed width":
        v = mixed_width(rng, v)
    elif form == "double space":
        v = group(v, [6, 8, 4], "  ")
    elif form == "x fullwidth":
        v = fullwidth(v)[:-1] + rng.choice("Ｘｘ")
    elif form == "dashes":
        v = group(v, [6, 8, 4], "-")
    p = P("CN_RESIDENT_ID", v, form)
    if form == "15 legacy":
        frames = [lambda: mk("老身份证号", p, "还能用吗"), lambda: mk("身份证：", p, "（15位）"),
                  lambda: mk("my old ID card number is ", p), lambda: mk("一代身份证号码是", p, "。")]
    else:
        frames = [
            lambda: mk("身份证号", p, "，请核实"),
            lambda: mk("证件号码：", p, "。"),
            lambda: mk("我身份证", p, "办卡"),
            lambda: mk("ID: ", p, ", please verify"),
            lambda: mk("帮我查", p, "名下的账户"),
            lambda: mk(p, "这个证件过期了"),
            lambda: mk("号码是", p, "没错"),
            lambda: mk("resident id ", p, " expired last month"),
        ]
    return rng.choice(frames)()


def phone_case(rng: random.Random, fk: Fakers) -> Case:
    m = mobile(rng)
    area, local = landline(rng)
    forms = {
        "mobile plain": lambda: m,
        "mobile 3-4-4": lambda: group(m, [3, 4, 4], " "),
        "mobile dash": lambda: group(m, [3, 4, 4], "-"),
        "mobile (+86)": lambda: "(+86)" + m,
        "mobile +86-": lambda: "+86-" + group(m, [3, 4, 4], rng.choice(["-", " "])),
        "mobile 0086": lambda: "0086 " + group(m, [3, 4, 4], " "),
        "mobile +86 space": lambda: "+86 " + m,
        "mobile fullwidth": lambda: fullwidth(m),
        "mobile mixed": lambda: mixed_width(rng, m),
        "mobile double space": lambda: group(m, [3, 4, 4], "  "),
        "mobile 4-4-3": lambda: group(m, [4, 4, 3], " "),
        "mobile 86 no plus": lambda: "86 " + m,
        "landline dash": lambda: f"{area}-{local}",
        "landline paren": lambda: f"({area}){local[:4]} {local[4:]}",
        "landline ext": lambda: f"{area}-{local[:4]} {local[4:]} 转 {rng.randint(100, 9999)}",
        "landline space": lambda: f"{area} {local}",
        "US +1": lambda: f"+1 ({rng.choice(['415', '212', '646', '617', '303'])}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
        "US dotted": lambda: f"{rng.choice(['415', '212', '718', '312'])}.{rng.randint(200, 999)}.{rng.randint(0, 9999):04d}",
        "US 1-": lambda: f"1-{rng.choice(['415', '206', '503', '404'])}-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
        "UK +44": lambda: rng.choice(["+44 20 7946 ", "+44 7700 900", "+44 161 496 "]) + f"{rng.randint(0, 999):03d}",
        "UK national": lambda: rng.choice(["07700 900", "020 7946 0", "0161 496 0"]) + f"{rng.randint(0, 999):03d}",
        "HK +852": lambda: f"+852 {rng.choice('569')}{rand_digits(rng, 3)} {rand_digits(rng, 4)}",
        "HK local": lambda: f"{rng.choice('569')}{rand_digits(rng, 3)} {rand_digits(rng, 4)}",
        "SG +65": lambda: f"+65 {rng.choice('89')}{rand_digits(rng, 3)} {rand_digits(rng, 4)}",
        "intl +49": lambda: f"+49 30 {rand_digits(rng, 8)}",
        "intl +81": lambda: f"+81 3-{rand_digits(rng, 4)}-{rand_digits(rng, 4)}",
        "US toll-free": lambda: f"{rng.choice(['800', '833', '844', '855', '866', '877', '888'])}-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
        "intl 00": lambda: f"00852 {rng.choice('69')}{rand_digits(rng, 7)}",
    }
    form = rng.choice(list(forms))
    p = P("PHONE_NUMBER", forms[form](), form)
    frames = [
        lambda: mk("我的手机", p, "，有事打我"),
        lambda: mk("电话：", p, "。"),
        lambda: mk("联系方式", p, "（白天）"),
        lambda: mk("please call me on ", p, " after 6pm"),
        lambda: mk("my number is ", p, "."),
        lambda: mk("回电", p, "谢谢"),
        lambda: mk("号码", p, "收不到验证码"),
        lambda: mk("tel ", p, " / office"),
        lambda: mk("你们可以打", p, "找我"),
        lambda: mk("Reach me at ", p, ", thanks"),
        lambda: mk("家里座机", p, "，手机停机了"),
        lambda: mk("换绑新号", p, "可以吗"),
    ]
    return rng.choice(frames)()


def email_case(rng: random.Random, fk: Fakers) -> Case:
    user = fk.en.user_name()
    domain = rng.choice(["gmail.com", "qq.com", "163.com", "mail.hospital.org.cn", "corp.example.co.uk",
                         "outlook.com", "126.com", "sina.com.cn", "dept.univ.edu", "foxmail.com"])
    forms = {
        "plain": lambda: f"{user}@{domain}",
        "uppercase": lambda: f"{user.upper()}@{domain.upper()}",
        "capitalised": lambda: f"{user.title()}@{domain.title()}",
        "plus tag": lambda: f"{user}+{rng.choice(['bank', 'noreply', 'tag1', 'vip'])}@{domain}",
        "dotted local": lambda: f"{fk.en.first_name().lower()}.{fk.en.last_name().lower()}@{domain}",
        "digits local": lambda: f"{rand_digits(rng, 9)}@qq.com",
        "subdomain": lambda: f"{user}@{rng.choice(['mail', 'mx', 'staff'])}.{domain}",
        "fullwidth at": lambda: f"{user}＠{domain}",
    }
    form = rng.choice(list(forms))
    p = P("EMAIL_ADDRESS", forms[form](), form)
    frames = [
        lambda: mk("邮箱：", p, "。"),
        lambda: mk("发到", p, "，谢谢"),
        lambda: mk("（", p, "）"),
        lambda: mk("「", p, "」这个邮箱收不到"),
        lambda: mk("email me at ", p, "."),
        lambda: mk("Contact: <", p, ">"),
        lambda: mk("我的邮箱是", p, "吗？"),
        lambda: mk(p, "，请更新"),
    ]
    return rng.choice(frames)()


def iban_case(rng: random.Random, fk: Fakers) -> Case:
    value = rng.choice(fk.ibans).iban()
    form = rng.choice(["compact", "4s", "4s lower", "4s dash"])
    v = {"compact": value, "4s": group(value, [4] * 9, " "), "4s lower": group(value.lower(), [4] * 9, " "),
         "4s dash": group(value, [4] * 9, "-")}[form]
    p = P("IBAN_CODE", v, form)
    frames = [
        lambda: mk("IBAN: ", p, "。"),
        lambda: mk("请汇款至", p, "，收款行德意志银行"),
        lambda: mk("transfer to ", p, " please"),
        lambda: mk("我的境外账户", p, "收不到钱"),
        lambda: mk("(", p, ")"),
    ]
    return rng.choice(frames)()


def ssn_case(rng: random.Random, fk: Fakers) -> Case:
    value = ssn(rng)
    form = rng.choice(["dashes", "spaces", "compact", "dots"])
    v = {"dashes": group(value, [3, 2, 4], "-"), "spaces": group(value, [3, 2, 4], " "),
         "compact": value, "dots": group(value, [3, 2, 4], ".")}[form]
    p = P("US_SSN", v, form)
    frames = [
        lambda: mk("SSN ", p, " for the tax form"),
        lambda: mk("my social security number is ", p, "."),
        lambda: mk("社会安全号", p, "，美国的"),
        lambda: mk("SSN:", p),
        lambda: mk("Social Security No. ", p, " — please update"),
    ]
    return rng.choice(frames)()


def passport_case(rng: random.Random, fk: Fakers) -> Case:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    forms = {
        "E+8": lambda: "E" + rand_digits(rng, 8),
        "EA+7": lambda: "E" + rng.choice(letters) + rand_digits(rng, 7),
        "G+8": lambda: "G" + rand_digits(rng, 8),
        "lower e": lambda: "e" + rand_digits(rng, 8),
        "US 9 digits": lambda: rand_digits(rng, 9),
        "HK/Macau permit C": lambda: "C" + rand_digits(rng, 8),
        "HK/Macau permit CA": lambda: "C" + rng.choice(letters) + rand_digits(rng, 7),
        "home return H": lambda: "H" + rand_digits(rng, 8),
        "home return M": lambda: "M" + rand_digits(rng, 8),
        "TW permit L": lambda: "L" + rand_digits(rng, 8),
        "HK passport K": lambda: "K" + rand_digits(rng, 8),
        "UK 9 digits": lambda: rand_digits(rng, 9),
        "foreign 2L7D": lambda: rng.choice(letters) + rng.choice(letters) + rand_digits(rng, 7),
    }
    form = rng.choice(list(forms))
    p = P("CN_PASSPORT", forms[form](), form)
    if form.startswith(("E", "G", "lower")):
        frames = [lambda: mk("护照号码 ", p, "，下月到期"), lambda: mk("护照", p, "办签证"),
                  lambda: mk("passport ", p, " expires soon"), lambda: mk("我的护照是", p, "。"),
                  lambda: mk("证件号", p, "（护照）"), lambda: mk("Passport No.: ", p)]
    elif "permit" in form or "return" in form:
        label = {"C": "港澳通行证", "H": "回乡证", "M": "回乡证", "L": "台湾通行证"}[p.surface[0]]
        frames = [lambda: mk(label, "号码", p, "，过期了"), lambda: mk(label, "：", p),
                  lambda: mk("我的", label, "是", p, "。")]
    else:
        frames = [lambda: mk("passport no. ", p), lambda: mk("My passport number is ", p, "."),
                  lambda: mk("护照号：", p, "（美国护照）"), lambda: mk("Passport: ", p, ", expiry 2030")]
    return rng.choice(frames)()


def mrn_case(rng: random.Random, fk: Fakers) -> Case:
    forms = {
        "year-seq": (lambda: f"{rng.randint(2015, 2025)}-{rand_digits(rng, 6)}", ["病历号：", "病历号 ", "病案号"]),
        "Z+8": (lambda: "Z" + rand_digits(rng, 8), ["住院号 ", "住院号：", "住院号码"]),
        "MRN 8": (lambda: rand_digits(rng, 8), ["MRN ", "MRN: ", "MRN#", "medical record number "]),
        "MZ prefix": (lambda: "MZ" + rand_digits(rng, 8), ["门诊号：", "门诊号", "outpatient no. "]),
        "admission": (lambda: f"A-{rand_digits(rng, 6)}", ["admission no. ", "Admission number: "]),
        "plain digits": (lambda: rand_digits(rng, rng.randint(6, 10)), ["就诊卡号", "病历号", "住院号是"]),
        "patient id": (lambda: "P" + rand_digits(rng, 7), ["patient ID ", "患者ID："]),
    }
    form = rng.choice(list(forms))
    make, labels = forms[form]
    p = P("MEDICAL_RECORD_NUMBER", make(), form)
    label = rng.choice(labels)
    frames = [lambda: mk(label, p, "，请帮我查报告"), lambda: mk("我妈的", label, p, "。"),
              lambda: mk("Hi, ", label, p, " — when is the surgery?"), lambda: mk(label, p)]
    return rng.choice(frames)()


def insurance_case(rng: random.Random, fk: Fakers) -> Case:
    forms = {
        "10 digits": (lambda: rand_digits(rng, 10), ["医保卡号 ", "医保卡号：", "社保卡号"]),
        "letter+8": (lambda: rng.choice("ABCDGHJKMZ") + rand_digits(rng, 8), ["社保卡号：", "医保号", "参保号"]),
        "ID as insurance": (lambda: resident_id(rng), ["医保卡号", "社保卡号："]),
        "medicare MBI": (lambda: f"{rng.randint(1, 9)}EG4-TE5-MK{rng.randint(10, 99)}", ["Medicare number "]),
        "member id": (lambda: "W" + rand_digits(rng, 9), ["member ID ", "insurance ID: "]),
    }
    form = rng.choice(list(forms))
    make, labels = forms[form]
    kind = "CN_RESIDENT_ID" if form == "ID as insurance" else "MEDICAL_INSURANCE_NUMBER"
    p = P(kind, make(), "insurance: " + form)
    label = rng.choice(labels)
    frames = [lambda: mk(label, p, "，能报销吗"), lambda: mk("我的", label, p, "。"), lambda: mk(label, p)]
    return rng.choice(frames)()


def _zh_name(rng: random.Random, fk: Fakers) -> str:
    if rng.random() < 0.12:
        return rng.choice(["欧阳", "司马", "诸葛", "上官", "慕容", "东方", "夏侯", "皇甫"]) + fk.zh.first_name()
    return fk.zh.name()


def zh_name_case(rng: random.Random, fk: Fakers) -> Case:
    name = _zh_name(rng, fk)
    n = P("PERSON", name, "zh")
    frames = {
        "我是": lambda: mk("你好，我是", n, "，想查一下余额"),
        "本人": lambda: mk("本人", n, "，申请挂失"),
        "患者": lambda: mk("患者", n, "明天复诊"),
        "家属": lambda: mk("我是", n, "的家属，想问探视时间"),
        "联系人": lambda: mk("紧急联系人：", n),
        "收件人": lambda: mk("收件人", n, "，地址不变"),
        "开户人": lambda: mk("开户人是", n, "，卡丢了"),
        "持卡人": lambda: mk("持卡人姓名：", n, "。"),
        "替我妈妈": lambda: mk("替我妈妈", n, "挂个号"),
        "先生": lambda: mk("请转告", n, "先生尽快回电"),
        "女士": lambda: mk(n, "女士您好，您的报告已出"),
        "老师": lambda: mk("我是", n, "老师的学生"),
        "医生": lambda: mk("我想挂", n, "医生的号"),
        "阿姨": lambda: mk(n, "阿姨今天来取药"),
        "list": lambda: mk("参会人员：", n, "、", P("PERSON", _zh_name(rng, fk), "zh list"), "和",
                            P("PERSON", _zh_name(rng, fk), "zh list"), "。"),
        "name + ID": lambda: mk(n, " ", P("CN_RESIDENT_ID", resident_id(rng), "after name"), " 办理开户"),
        "name + phone": lambda: mk(n, "，", P("PHONE_NUMBER", mobile(rng), "after name"), "，请尽快联系"),
        "我叫": lambda: mk("我叫", n, "，今年三十岁"),
        "签名": lambda: mk("此致，", n),
        "代办": lambda: mk("帮", n, "办理一下转账"),
        "名字是": lambda: mk("名字是", n, "没错"),
        "english cue": lambda: mk("My name is ", n, ", I called yesterday"),
        "客户": lambda: mk("客户", n, "要求退款"),
        "pair no cue": lambda: mk(n, "和", P("PERSON", _zh_name(rng, fk), "zh pair"), "都是这个账户的联系人"),
        "医生 first": lambda: mk("请问", n, "医生今天出诊吗"),
        "给": lambda: mk("给", n, "转账5000元"),
        "name: newline": lambda: mk("姓名\n", n, "\n电话\n", P("PHONE_NUMBER", mobile(rng), "form")),
        "收款人": lambda: mk("收款人：", n, "，账号见附件"),
    }
    form = rng.choice(list(frames))
    case = frames[form]()
    case.pii = [(t, f if f != "zh" else "zh " + form, s, e) for t, f, s, e in case.pii]
    return case


def en_name_case(rng: random.Random, fk: Fakers) -> Case:
    first, last = fk.en.first_name(), fk.en.last_name()
    forms = {
        "plain": f"{first} {last}",
        "lower": f"{first} {last}".lower(),
        "all caps": f"{first} {last}".upper(),
        "middle initial": f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}",
        "first only": first,
    }
    form = rng.choice(list(forms))
    name = forms[form]
    n = P("PERSON", name, "en " + form)
    if form == "lower":
        frames = [lambda: mk("hi my name is ", n, " and i lost my card"), lambda: mk("this is ", n, ", calling about my bill"),
                  lambda: mk("i am ", n, ", account holder"), lambda: mk("my name's ", n),
                  lambda: mk("name: ", n, ", room 5"), lambda: mk("我叫", n, "，英文名")]
    elif form == "first only":
        frames = [lambda: mk("Hi, my name is ", n, " and I need help"), lambda: mk("Thanks, ", n),
                  lambda: mk("I'm ", n, ", the patient's daughter")]
    else:
        frames = [
            lambda: mk("My name is ", n, ", I lost my card"),
            lambda: mk("This is ", n, " from room 12"),
            lambda: mk("我是", n, "，想改预约"),
            lambda: mk("联系人：", n, "，电话见下"),
            lambda: mk(rng.choice(["Mr. ", "Mrs. ", "Dr. ", "Ms "]), n, " will pick up the report"),
            lambda: mk("Cardholder: ", n),
            lambda: mk("Please ask ", n, " to call the branch"),
            lambda: mk("Regards,\n", n),
            lambda: mk("patient ", n, " missed the appointment"),
            lambda: mk(n, " here, I want to dispute a charge"),
            lambda: mk("the account belongs to ", n, "."),
            lambda: mk("To: ", n, "\nSubject: refund"),
            lambda: mk("Name: ", n, "\nDOB: 1980-02-03"),
        ]
    return rng.choice(frames)()


def keep_case(rng: random.Random, fk: Fakers) -> Case:
    kinds: dict[str, Callable[[], Case]] = {
        "order (Luhn 16)": lambda: mk(rng.choice(["订单号", "订单号：", "order #", "Order No. "]),
                                      K("order", (lambda pre: luhn_complete(pre + rand_digits(rng, 15 - len(pre))))(rng.choice(["62", "4", "55", "6222"]))), "怎么还没发货"),
        "order": lambda: mk(rng.choice(["订单", "订单编号", "order ", "my order "]), K("order", rand_digits(rng, rng.randint(12, 19))), " status?"),
        "tracking SF": lambda: mk("顺丰单号", K("tracking", "SF" + rand_digits(rng, 13)), "查不到"),
        "tracking YT": lambda: mk("圆通快递", K("tracking", "YT" + rand_digits(rng, 13)), "到哪了"),
        "tracking 1Z": lambda: mk("UPS tracking ", K("tracking", "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(16))), " shows delivered"),
        "tracking JD": lambda: mk("京东物流", K("tracking", "JD" + rand_digits(rng, 13)), "。"),
        "tracking digits": lambda: mk("快递单号", K("tracking", rand_digits(rng, 12)), "，帮我查"),
        "flight": lambda: mk(rng.choice(["航班", "flight ", "我坐"]), K("flight", rng.choice(["CA", "MU", "CZ", "HU", "3U", "ZH"]) + rng.choice(["", " "]) + str(rng.randint(101, 9899))), "延误了"),
        "train": lambda: mk("车次", K("train", rng.choice("GDKTZ") + str(rng.randint(1, 9999))), "几点到"),
        "amount ¥": lambda: mk("转账", K("amount", f"¥{rng.randint(1000, 999999):,}.{rng.randint(0, 99):02d}"), "没到账"),
        "amount 元": lambda: mk("扣了", K("amount", f"{rng.randint(1000, 99999999)}元"), "是什么费用"),
        "amount $": lambda: mk("I was charged ", K("amount", f"${rng.randint(1000, 999999):,}.{rng.randint(0, 99):02d}"), " twice"),
        "amount big": lambda: mk("余额显示", K("amount", f"{rng.randint(10**9, 10**12)}.{rng.randint(0, 99):02d}"), "不对"),
        "date": lambda: mk("预约", K("date", f"{rng.randint(2020, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"), "上午"),
        "date zh": lambda: mk("我", K("date", f"{rng.randint(2020, 2026)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"), "去的"),
        "datetime": lambda: mk("at ", K("date", f"{rng.randint(2020, 2026)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"), " the ATM ate my card"),
        "date compact": lambda: mk("交易日期", K("date", f"{rng.randint(2020, 2026)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"), "。"),
        "time": lambda: mk("下午", K("time", f"{rng.randint(12, 17)}:{rng.randint(0, 59):02d}"), "到"),
        "error E": lambda: mk("ATM显示错误", K("error", f"E{rng.randint(100, 99999)}"), "怎么办"),
        "error ERR": lambda: mk("app shows ", K("error", f"ERR-{rng.randint(100, 599)}-{rng.randint(100, 999)}"), " on login"),
        "error long": lambda: mk("报错代码 ", K("error", f"0x{rng.randint(0, 2**32):08X}"), " 请处理"),
        "invoice": lambda: mk(rng.choice(["发票号码", "发票代码", "invoice no. "]), K("invoice", rand_digits(rng, rng.choice([8, 10, 12, 20]))), "开错了"),
        "invoice INV": lambda: mk("Invoice ", K("invoice", f"INV-{rng.randint(2020, 2026)}-{rand_digits(rng, 6)}"), " is overdue"),
        "policy": lambda: mk(rng.choice(["保单号", "保单号码：", "policy number ", "Policy No. "]), K("policy", rng.choice(["P", "", "PICC", "GL"]) + rand_digits(rng, rng.randint(10, 16))), "的理赔进度"),
        "ticket": lambda: mk(rng.choice(["工单号", "ticket #", "Ticket ID "]), K("ticket", rng.choice(["TK-", "", "INC", "#"]) + rand_digits(rng, rng.randint(6, 10))), "还没处理"),
        "branch": lambda: mk(rng.choice(["网点代码", "联行号", "branch code ", "支行行号"]), K("branch", rand_digits(rng, rng.choice([4, 6, 12]))), "对吗"),
        "hotline 95": lambda: mk(rng.choice(["拨打", "客服热线", "打", "call "]), K("hotline", rng.choice(["95588", "95533", "95555", "95599", "95566", "12320", "10086", "12345", "96120"])), "转人工"),
        "hotline 400": lambda: mk(rng.choice(["客服电话", "拨打", "热线", "call "]), K("hotline", rng.choice(["400-820-8820", "400 820 8820", "4008208820", "400-699-5588", "400 610 5555", "400-888-9999"])), "咨询"),
        "version": lambda: mk(rng.choice(["版本", "version ", "v", "App "]), K("version", f"{rng.randint(1, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}"), "闪退"),
        "version 4-part": lambda: mk(rng.choice(["固件版本 ", "version ", "build ", "客户端版本"]), K("version", f"{rng.randint(1, 15)}.{rng.randint(0, 9)}.{rng.randint(0, 99)}.{rng.randint(0, 9999)}"), " 更新失败"),
        "imei": lambda: mk("手机IMEI ", K("imei", luhn_complete("35" + rand_digits(rng, 12))), " 被锁"),
        "drug approval": lambda: mk("国药准字", K("drug", rng.choice("HZS") + "20" + rand_digits(rng, 6)), "是真的吗"),
        "isbn": lambda: mk("ISBN ", K("isbn", "978-7-" + rand_digits(rng, 3) + "-" + rand_digits(rng, 5) + "-" + rng.choice("0123456789")), "这本书"),
        "timestamp": lambda: mk("日志时间戳", K("timestamp", "17" + rand_digits(rng, 8)), "报错"),
        "postcode": lambda: mk("邮编", K("postcode", rng.choice(["100", "200", "518", "310"]) + rand_digits(rng, 3)), "对吗"),
        "stock": lambda: mk("股票代码", K("stock", rng.choice(["600519", "000001", "300750", "601398"])), "能买吗"),
        "card tail": lambda: mk("尾号", K("tail", rand_digits(rng, 4)), "的卡被冻结了"),
        # vehicle plates and one-time codes are personal/authentication data since issue 11 (not look-alikes)
        "credit code": lambda: mk("统一社会信用代码", K("uscc", "91" + rand_digits(rng, 6) + "MA" + rand_digits(rng, 7) + "X"), "。"),
        "blood pressure": lambda: mk("血压", K("vitals", f"{rng.randint(90, 180)}/{rng.randint(50, 110)}"), "，血糖", K("vitals", f"{rng.randint(4, 15)}.{rng.randint(0, 9)}"), "mmol/L"),
        "bed": lambda: mk("住在", K("bed", f"{rng.randint(1, 40)}床"), "，", K("ward", f"{rng.randint(3, 20)}病区")),
        "icd": lambda: mk("诊断编码 ", K("icd", f"{rng.choice('JKIE')}{rng.randint(10, 99)}.{rng.randint(100, 999)}"), "报销吗"),
        "room/qty": lambda: mk("我在", K("room", f"{rng.randint(1, 30)}0{rng.randint(1, 9)}"), "房间，数量", K("qty", str(rng.randint(2, 500))), "件"),
        "member no": lambda: mk("会员号", K("member", rand_digits(rng, 10)), "积分没到"),
        "percent/rate": lambda: mk("利率", K("rate", f"{rng.randint(1, 6)}.{rng.randint(0, 99):02d}%"), "太高"),
        "booking": lambda: mk("booking reference ", K("booking", "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))), " please"),
        "queue": lambda: mk("排队号", K("queue", f"A{rng.randint(1, 999):03d}"), "到了吗"),
    }
    kind = rng.choice(list(kinds))
    case = kinds[kind]()
    case.keep = [(kind, s, e) for _, s, e in case.keep]
    return case


BUILDERS: tuple[tuple[Builder, float], ...] = (
    (card_case, 1.0), (id_case, 1.0), (phone_case, 1.6), (email_case, 0.7), (iban_case, 0.5), (ssn_case, 0.5),
    (passport_case, 0.8), (mrn_case, 0.7), (insurance_case, 0.6), (zh_name_case, 1.6), (en_name_case, 1.2),
    (keep_case, 3.0),
)

FILLERS_ZH = ("", "", "您好，", "请问，", "麻烦您，", "急！", "在吗？", "谢谢。", "又来了，")
FILLERS_EN = ("", "", "Hi, ", "Hello. ", "Quick question: ", "Urgent - ")


def _glue(rng: random.Random, a: Case, b: Case, sep: str) -> Case:
    """Join two cases with `sep`, shifting b's spans."""
    shift = len(a.text) + len(sep)
    return Case(a.text + sep + b.text,
                a.pii + [(t, f, s + shift, e + shift) for t, f, s, e in b.pii],
                a.keep + [(k, s + shift, e + shift) for k, s, e in b.keep])


def generate(n: int = 1500, seed: int = 20240506) -> list[Case]:
    """`n` messages: one to three planted items each, with fillers; deterministic for a seed."""
    rng = random.Random(seed)
    fk = Fakers(seed)
    builders, weights = zip(*BUILDERS)
    cases = []
    for _ in range(n):
        case = rng.choices(builders, weights)[0](rng, fk)
        filler = rng.choice(FILLERS_ZH + FILLERS_EN)
        case = _glue(rng, Case(filler.rstrip()), case, " " if filler.endswith(" ") else "") if filler else case
        if rng.random() < 0.35:  # mix in a second item (often a look-alike next to a value)
            other = rng.choices(builders, weights)[0](rng, fk)
            case = _glue(rng, case, other, rng.choice(["，", "; ", "。", " ", "\n"]))
        cases.append(case)
    return cases


# --- scoring -------------------------------------------------------------------------------------
def covered(spans: list[tuple[int, int]], text: str, start: int, end: int) -> bool:
    """True when every letter/digit of text[start:end] lies inside some span."""
    return all(any(s <= i < e for s, e in spans) for i in range(start, end) if text[i].isalnum())


def touched(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when some span overlaps [start, end)."""
    return any(s < end and start < e for s, e in spans)


def score(cases: list[Case], detect: Callable[[str], list[tuple[int, int]]]) -> dict:
    """Per type, per form and per look-alike kind: hits and totals, plus the misses."""
    hit, tot, fhit, ftot, khit, ktot = Counter(), Counter(), Counter(), Counter(), Counter(), Counter()
    misses = []
    for case in cases:
        spans = detect(case.text)
        for kind, form, s, e in case.pii:
            ok = covered(spans, case.text, s, e)
            tot[kind] += 1
            hit[kind] += ok
            ftot[(kind, form)] += 1
            fhit[(kind, form)] += ok
            if not ok:
                misses.append(("MISS", kind, form, case.text[s:e], case.text))
        for kind, s, e in case.keep:
            ok = not touched(spans, s, e)
            ktot[kind] += 1
            khit[kind] += ok
            if not ok:
                misses.append(("LOST", kind, "", case.text[s:e], case.text))
    structured = [t for t in tot if t != "PERSON"]
    return {
        "hit": hit, "tot": tot, "fhit": fhit, "ftot": ftot, "khit": khit, "ktot": ktot, "misses": misses,
        "structured": sum(hit[t] for t in structured) / max(1, sum(tot[t] for t in structured)),
        "person": hit["PERSON"] / max(1, tot["PERSON"]),
        "kept": sum(khit.values()) / max(1, sum(ktot.values())),
    }


def report(result: dict, show: int = 0) -> str:
    """A plain-text table of the result."""
    lines = [f"{t:26s} recall {result['hit'][t] / result['tot'][t]:.3f} ({result['hit'][t]}/{result['tot'][t]})"
             for t in sorted(result["tot"])]
    lines.append("-- forms below 1.0:")
    lines += [f"  {k[0]:24s} {k[1]:28s} {result['fhit'][k]}/{result['ftot'][k]}"
              for k in sorted(result["ftot"]) if result["fhit"][k] < result["ftot"][k]]
    lines.append("-- look-alikes:")
    lines += [f"  {k:24s} kept {result['khit'][k]}/{result['ktot'][k]}" for k in sorted(result["ktot"])]
    lines.append(f"structured {result['structured']:.4f}  person {result['person']:.4f}  kept {result['kept']:.4f}")
    lines += [repr(m) for m in result["misses"][:show]]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=20240506)
    ap.add_argument("--show", type=int, default=0)
    args = ap.parse_args()
    from guardrails.detector import build_detector

    det = build_detector()
    result = score(generate(args.n, args.seed), lambda t: [(d.start, d.end) for d in det.detect(t)])
    print(report(result, args.show))


if __name__ == "__main__":
    main()
