# ruff: noqa: E501  (one frame per row, each a single lambda: wrapping them would hide the table)
"""Generator of numbers and authentication data as customers type or dictate them (issue 11, part A).

    python benchmarks/pii_gen_numbers.py [--n 1200] [--seed 1111] [--out-dir benchmarks]

Writes two JSONL files in the format of shared/eval/pii_dev.jsonl ({"id", "lang", "domain", "text",
"pii": [{"type", "value", "surface", "start", "end"}], "keep": [...]}):

* ``pii_numbers_tune.jsonl``: frames of the *tune* family, for looking at misses;
* ``pii_numbers_test.jsonl``: frames of the *test* family (other sentence frames, other cue words, other
  values: another seed), written once and frozen. Nothing is tuned on it; it is only scored.

Every frame belongs to one family (its position in its table: even → tune, odd → test), so the test half
has sentences and cue words the tune half never shows. Values have valid checksums (Luhn, GB 11643,
GB 32100) and real formats; look-alikes are things a useful redactor must leave alone (amounts in words,
order and flight numbers, organisations' USCC codes, appointment dates, validity periods, counts).
"""
from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from pathlib import Path

from faker import Faker

OUT = Path(__file__).resolve().parent
CN_DIGITS = "零一二三四五六七八九"
RADIO = {"0": "洞", "1": "幺", "2": "两", "7": "拐", "9": "勾"}
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PROVINCE_CHARS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


# --- values ------------------------------------------------------------------------------------------
def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def luhn(prefix: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return prefix + str((10 - total % 10) % 10)


def card(rng: random.Random) -> str:
    prefix, length = rng.choice([("62", 16), ("62", 19), ("4", 16), ("51", 16), ("6228", 19), ("3566", 16)])
    return luhn(prefix + digits(rng, length - len(prefix) - 1))


def mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + digits(rng, 9)


def resident_id(rng: random.Random, fk: Faker, digit_check: bool = False) -> str:
    while True:
        born = fk.date_of_birth(minimum_age=18, maximum_age=85)
        first17 = rng.choice(["110105", "310104", "440305", "330106", "510107", "420102"]) + \
            born.strftime("%Y%m%d") + digits(rng, 3)
        check = "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]
        if not digit_check or check != "X":
            return first17 + check


def uscc(rng: random.Random, individual: bool) -> str:
    body = ("92" if individual else rng.choice(["91", "91", "12", "52"])) + rng.choice(["110105", "310115", "440300"])
    body += "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


def plate(rng: random.Random) -> str:
    head = rng.choice(PROVINCE_CHARS) + rng.choice(PLATE_LETTERS)
    if rng.random() < 0.35:  # new energy
        return head + (rng.choice("DF") + digits(rng, 5) if rng.random() < 0.7 else digits(rng, 5) + rng.choice("DF"))
    tail = list(digits(rng, 5))
    for i in rng.sample(range(5), rng.choice([0, 0, 1, 2])):
        tail[i] = rng.choice(PLATE_LETTERS)
    if not any(c.isdigit() for c in tail):
        tail[-1] = "7"
    return head + "".join(tail)


# --- surface forms of digit strings -----------------------------------------------------------------
def chinese(value: str, rng: random.Random) -> str:
    zero = rng.choice(["零", "〇"])
    return "".join(zero if c == "0" else CN_DIGITS[int(c)] for c in value)


def radio(value: str, rng: random.Random) -> str:
    """Radio style: 幺 for 1, 两 for 2, 拐 for 7, 洞 for 0, 勾 for 9, other digits as numerals."""
    return "".join(RADIO.get(c, CN_DIGITS[int(c)]) for c in value)


def grouped(value: str, sizes: tuple[int, ...], sep: str) -> str:
    out, pos = [], 0
    for size in sizes:
        out.append(value[pos:pos + size])
        pos += size
    if pos < len(value):
        out.append(value[pos:])
    return sep.join(p for p in out if p)


def full_width(value: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in value)


def number_form(value: str, rng: random.Random, family: int) -> str:
    """A hard surface form of a long digit string; the two families use different forms."""
    sizes = (3, 4, 4) if len(value) == 11 else (6, 8, 4) if len(value) == 18 else (4, 4, 4, 4, 4)
    forms: list[Callable[[], str]] = [
        lambda: chinese(value, rng), lambda: grouped(value, sizes, "_"), lambda: grouped(value, sizes, "/"),
        lambda: grouped(chinese(value, rng), sizes, " "), lambda: radio(value, rng),
        lambda: grouped(full_width(value), sizes, "."), lambda: " ".join(value), lambda: grouped(value, sizes, " / "),
    ]
    mine = forms[family::2]
    return rng.choice(mine)()


# --- cases -----------------------------------------------------------------------------------------
class Builder:
    """Concatenate text, PII values and look-alikes, recording where each lands."""

    def __init__(self) -> None:
        self.text = ""
        self.pii: list[dict] = []
        self.keep: list[str] = []

    def add(self, *parts: object) -> Builder:
        for part in parts:
            if isinstance(part, tuple) and part[0] == "pii":
                _, kind, value, surface = part
                self.pii.append({"type": kind, "value": value, "surface": surface, "start": len(self.text),
                                 "end": len(self.text) + len(surface)})
                self.text += surface
            elif isinstance(part, tuple) and part[0] == "keep":
                self.keep.append(part[1])
                self.text += part[1]
            else:
                self.text += str(part)
        return self


def P(kind: str, value: str, surface: str | None = None) -> tuple[str, str, str, str]:
    return ("pii", kind, value, surface if surface is not None else value)


def K(value: str) -> tuple[str, str]:
    return ("keep", value)


Frame = Callable[[random.Random, Faker, Faker, int], Builder]


def dob_forms(rng: random.Random, fk: Faker, family: int) -> tuple[str, str]:
    d = fk.date_of_birth(minimum_age=18, maximum_age=90)
    y, m, dd = d.year, d.month, d.day
    cn_y = chinese(str(y), rng)
    cn_m = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"][m]
    cn_d = (["", "一", "二", "三", "四", "五", "六", "七", "八", "九"][dd] if dd < 10 else
            ("十" if dd < 20 else "二十" if dd < 30 else "三十") + (["", "一", "二", "三", "四", "五", "六", "七", "八", "九"][dd % 10]))
    forms = [f"{y}-{m:02d}-{dd:02d}", f"{y}年{m}月{dd}日", f"{m:02d}/{dd:02d}/{y}", f"{y}.{m}.{dd}",
             f"{cn_y}年{cn_m}月{cn_d}日", f"{MONTHS_EN[m - 1]} {dd}, {y}", f"{y}{m:02d}{dd:02d}",
             f"{dd} {MONTHS_EN[m - 1][:3]} {y}", f"{y}/{m}/{dd}", f"{str(y)[2:]}年{m}月{dd}号"]
    surface = rng.choice(forms[family::2])
    return f"{y}{m:02d}{dd:02d}", surface


FRAMES: dict[str, list[Frame]] = {
    "spoken_phone": [
        lambda r, zh, en, f: Builder().add("我手机号是", P("PHONE_NUMBER", v := mobile(r), number_form(v, r, f)), "，麻烦回个电话"),
        lambda r, zh, en, f: Builder().add("留个联系方式：", P("PHONE_NUMBER", v := mobile(r), number_form(v, r, f)), "，下午都在"),
        lambda r, zh, en, f: Builder().add("打", P("PHONE_NUMBER", v := mobile(r), number_form(v, r, f)), "找", zh.last_name(), "先生就行"),
        lambda r, zh, en, f: Builder().add("新换的号码 ", P("PHONE_NUMBER", v := mobile(r), number_form(v, r, f)), " 之前那个停机了"),
        lambda r, zh, en, f: Builder().add("语音输入：电话", P("PHONE_NUMBER", v := mobile(r), number_form(v, r, f)), "。"),
        lambda r, zh, en, f: Builder().add("短信发到", P("PHONE_NUMBER", v := mobile(r), number_form(v, r, f)), "上就可以了"),
    ],
    "spoken_card": [
        lambda r, zh, en, f: Builder().add("卡号", P("CREDIT_CARD", v := card(r), number_form(v, r, f)), "挂失一下"),
        lambda r, zh, en, f: Builder().add("我那张储蓄卡 ", P("CREDIT_CARD", v := card(r), number_form(v, r, f)), " 被吞了"),
        lambda r, zh, en, f: Builder().add("银行卡", P("CREDIT_CARD", v := card(r), number_form(v, r, f)), "的年费怎么扣的"),
        lambda r, zh, en, f: Builder().add("my card is ", P("CREDIT_CARD", v := card(r), number_form(v, r, f)), ", please block it"),
    ],
    "spoken_id": [
        lambda r, zh, en, f: Builder().add("身份证", P("CN_RESIDENT_ID", v := resident_id(r, zh, True), number_form(v, r, f)), "，帮我查下"),
        lambda r, zh, en, f: Builder().add("证件号码 ", P("CN_RESIDENT_ID", v := resident_id(r, zh, True), number_form(v, r, f)), " 对吗"),
        lambda r, zh, en, f: Builder().add("老人的身份证是", P("CN_RESIDENT_ID", v := resident_id(r, zh, True), number_form(v, r, f)), "，代办可以吗"),
        lambda r, zh, en, f: Builder().add("ID number ", P("CN_RESIDENT_ID", v := resident_id(r, zh, True), number_form(v, r, f)), " for the form"),
    ],
    "cvv": [
        lambda r, zh, en, f: Builder().add("安全码是", P("CVV", digits(r, 3)), "，能帮我付一下吗"),
        lambda r, zh, en, f: Builder().add("卡背后三个数字 ", P("CVV", digits(r, 3)), " 要告诉你吗"),
        lambda r, zh, en, f: Builder().add("CVV ", P("CVV", digits(r, 3)), ", card ending ", K(digits(r, 4))),
        lambda r, zh, en, f: Builder().add("the three digits on the back are ", P("CVV", digits(r, 3))),
        lambda r, zh, en, f: Builder().add("卡号", P("CREDIT_CARD", card(r)), "，", P("CARD_EXPIRY", "", f"{r.randint(1, 12):02d}/{r.randint(26, 31)}"), "，", P("CVV", digits(r, 3))),
        lambda r, zh, en, f: Builder().add("CVC码", P("CVV", digits(r, 3)), "，有效期", P("CARD_EXPIRY", "", f"{r.randint(1, 12):02d}/{r.randint(26, 31)}")),
        lambda r, zh, en, f: Builder().add("pay with ", P("CREDIT_CARD", card(r)), " ", P("CARD_EXPIRY", "", f"{r.randint(1, 12):02d}/{r.randint(26, 31)}"), " ", P("CVV", digits(r, 3))),
        lambda r, zh, en, f: Builder().add("校验码", P("CVV", v := digits(r, 3), chinese(v, r)), "，我念给你"),
    ],
    "expiry": [
        lambda r, zh, en, f: Builder().add("有效期", P("CARD_EXPIRY", "", f"{r.randint(1, 12):02d}/{r.randint(26, 31)}"), "，还能用吗"),
        lambda r, zh, en, f: Builder().add("卡片到期日 ", P("CARD_EXPIRY", "", f"{r.randint(2026, 2031)}年{r.randint(1, 12)}月")),
        lambda r, zh, en, f: Builder().add("exp ", P("CARD_EXPIRY", "", f"{r.randint(1, 12):02d}/{r.randint(26, 31)}"), ", is it still valid?"),
        lambda r, zh, en, f: Builder().add("valid thru ", P("CARD_EXPIRY", "", f"{r.randint(1, 12):02d}/20{r.randint(26, 31)}")),
        lambda r, zh, en, f: Builder().add("会员有效期至", K(f"{r.randint(2025, 2030)}-12-31"), "，卡有效期", P("CARD_EXPIRY", "", f"{r.randint(1, 12):02d}-{r.randint(26, 31)}")),
        lambda r, zh, en, f: Builder().add("expires ", P("CARD_EXPIRY", "", f"{r.randint(1, 12):02d}/{r.randint(26, 31)}"), " I think"),
    ],
    "pin": [
        lambda r, zh, en, f: Builder().add("取款密码", P("PIN", digits(r, 6)), "忘了一半"),
        lambda r, zh, en, f: Builder().add("我设的密码是 ", P("PIN", digits(r, 6)), " 怎么登不上"),
        lambda r, zh, en, f: Builder().add("my pin is ", P("PIN", digits(r, 4)), " but the ATM says wrong"),
        lambda r, zh, en, f: Builder().add("支付密码：", P("PIN", v := digits(r, 6), chinese(v, r))),
        lambda r, zh, en, f: Builder().add("password is ", P("PIN", en.password(length=10, special_chars=False))),
        lambda r, zh, en, f: Builder().add("网银登录密码", P("PIN", en.user_name() + digits(r, 3)), "，帮我重置"),
        lambda r, zh, en, f: Builder().add("查询密码 ", P("PIN", digits(r, 6)), "，密码输错", K(str(r.randint(2, 5))), "次了"),
        lambda r, zh, en, f: Builder().add("PIN码", P("PIN", digits(r, 6)), "对不对"),
    ],
    "otp": [
        lambda r, zh, en, f: Builder().add("验证码是", P("OTP", digits(r, 6)), "，帮我填一下"),
        lambda r, zh, en, f: Builder().add("收到的短信验证码 ", P("OTP", v := digits(r, 6), chinese(v, r))),
        lambda r, zh, en, f: Builder().add("动态码", P("OTP", digits(r, 6)), "输了没反应"),
        lambda r, zh, en, f: Builder().add("the OTP you sent is ", P("OTP", digits(r, 6))),
        lambda r, zh, en, f: Builder().add("one-time password: ", P("OTP", digits(r, 8))),
        lambda r, zh, en, f: Builder().add("验证码", K("错了" + str(r.randint(2, 4))), "次，新的验证码", P("OTP", digits(r, 4))),
    ],
    "account": [
        lambda r, zh, en, f: Builder().add("对公账户", P("BANK_ACCOUNT", v := digits(r, 19), grouped(v, (4, 4, 4, 4), " ")), "，请核对"),
        lambda r, zh, en, f: Builder().add("收款人账号：", P("BANK_ACCOUNT", digits(r, 17)), "，户名", zh.company()),
        lambda r, zh, en, f: Builder().add("account number ", P("BANK_ACCOUNT", digits(r, 12)), " at ", en.company()),
        lambda r, zh, en, f: Builder().add("存折账号", P("BANK_ACCOUNT", digits(r, 15)), "，余额", K(f"{r.randint(100, 99999)}"), "元"),
        lambda r, zh, en, f: Builder().add("账号 ", P("BANK_ACCOUNT", v := digits(r, 21), grouped(v, (5, 5, 5, 6), "-")), " 转不进去"),
        lambda r, zh, en, f: Builder().add("acct no. ", P("BANK_ACCOUNT", digits(r, 10)), ", order ", K(digits(r, 9))),
    ],
    "ssn": [
        lambda r, zh, en, f: Builder().add("SSN ", P("US_SSN", en.ssn()), " for the tax form"),
        lambda r, zh, en, f: Builder().add("social security number: ", P("US_SSN", (v := en.ssn()).replace("-", ""), v.replace("-", " "))),
        lambda r, zh, en, f: Builder().add("我的社会安全号是", P("US_SSN", en.ssn())),
        lambda r, zh, en, f: Builder().add("my social security no is ", P("US_SSN", en.ssn().replace("-", "")), ", thanks"),
    ],
    "permit": [
        lambda r, zh, en, f: Builder().add("往来港澳通行证", P("CN_PASSPORT", "C" + digits(r, 8)), "过期了"),
        lambda r, zh, en, f: Builder().add("台胞证号码 ", P("CN_PASSPORT", digits(r, 8)), " 能开户吗"),
        lambda r, zh, en, f: Builder().add("港澳通行证号", P("CN_PASSPORT", "C" + r.choice("ABCDEF") + digits(r, 7)), "，办签注"),
        lambda r, zh, en, f: Builder().add("回乡证", P("CN_PASSPORT", r.choice("HM") + digits(r, 8)), "可以当身份证用吗"),
        lambda r, zh, en, f: Builder().add("Home Return Permit ", P("CN_PASSPORT", r.choice("HM") + digits(r, 10))),
        lambda r, zh, en, f: Builder().add("通行证号码：", P("CN_PASSPORT", "CA" + digits(r, 7))),
    ],
    "plate": [
        lambda r, zh, en, f: Builder().add("车牌", P("VEHICLE_PLATE", plate(r)), "被贴了罚单"),
        lambda r, zh, en, f: Builder().add("我的车是", P("VEHICLE_PLATE", plate(r)), "，停在B2"),
        lambda r, zh, en, f: Builder().add("ETC绑定的车 ", P("VEHICLE_PLATE", plate(r)), " 扣费两次"),
        lambda r, zh, en, f: Builder().add("乘坐", K("MU" + digits(r, 4)), "从北京回来，车", P("VEHICLE_PLATE", plate(r)), "在停车场"),
        lambda r, zh, en, f: Builder().add("挪一下", P("VEHICLE_PLATE", plate(r)), "，挡住出口了"),
        lambda r, zh, en, f: Builder().add("plate ", P("VEHICLE_PLATE", plate(r)), " got a ticket"),
    ],
    "dob": [
        lambda r, zh, en, f: Builder().add("出生日期", P("DATE_OF_BIRTH", *dob_forms(r, zh, f)), "，帮我核对"),
        lambda r, zh, en, f: Builder().add("我生日是", P("DATE_OF_BIRTH", *dob_forms(r, zh, f)), "，预约", K(f"{r.randint(2025, 2026)}-0{r.randint(1, 9)}-1{r.randint(0, 9)}")),
        lambda r, zh, en, f: Builder().add("DOB ", P("DATE_OF_BIRTH", *dob_forms(r, en, f))),
        lambda r, zh, en, f: Builder().add("I was born on ", P("DATE_OF_BIRTH", *dob_forms(r, en, f)), ", is that on file?"),
        lambda r, zh, en, f: Builder().add("患者出生于", P("DATE_OF_BIRTH", *dob_forms(r, zh, f)), "，复诊时间", K(f"{r.randint(8, 17)}:{r.randint(10, 59)}")),
        lambda r, zh, en, f: Builder().add("date of birth: ", P("DATE_OF_BIRTH", *dob_forms(r, en, f))),
    ],
    "uscc": [
        lambda r, zh, en, f: Builder().add("我是个体户，信用代码", P("CN_USCC", uscc(r, False)), "，能办商户收款吗"),
        lambda r, zh, en, f: Builder().add("公司统一社会信用代码", K(uscc(r, False)), "，开对公户"),
        lambda r, zh, en, f: Builder().add("营业执照上的代码 ", P("CN_USCC", uscc(r, True)), " 是我自己的小店"),
        lambda r, zh, en, f: Builder().add(zh.company(), "的税号是", K(uscc(r, False))),
        lambda r, zh, en, f: Builder().add("my shop's registration code is ", P("CN_USCC", uscc(r, False))),
        lambda r, zh, en, f: Builder().add("the company code ", K(uscc(r, False)), " is on the invoice"),
    ],
    "email": [
        lambda r, zh, en, f: Builder().add("邮箱 ", P("EMAIL_ADDRESS", (u := en.user_name()) + "@qq.com", f"{u} at qq dot com")),
        lambda r, zh, en, f: Builder().add("email me: ", P("EMAIL_ADDRESS", (u := en.user_name()) + "@163.com", f"{u}(at)163(dot)com")),
        lambda r, zh, en, f: Builder().add("发到", P("EMAIL_ADDRESS", (u := en.user_name()) + "@126.com", f"{u}＠126．com"), "就行"),
        lambda r, zh, en, f: Builder().add("write to ", P("EMAIL_ADDRESS", (u := en.user_name()) + "@example.cn", f"{u} [at] example [dot] cn")),
        lambda r, zh, en, f: Builder().add("邮箱是", P("EMAIL_ADDRESS", (u := en.user_name()) + "@sina.cn", f"{u}艾特sina点cn")),
        lambda r, zh, en, f: Builder().add("mail ", P("EMAIL_ADDRESS", (u := en.user_name()) + "@gmail.com", f"{u} AT gmail DOT com"), " please"),
    ],
    "lookalike": [
        lambda r, zh, en, f: Builder().add("转账", K(r.choice(["三千五百元", "一万二千块", "两百八十元", "五十万"])), "到卡里要手续费吗"),
        lambda r, zh, en, f: Builder().add("订单号", K(digits(r, 12)), "，用卡付的"),
        lambda r, zh, en, f: Builder().add("飞上海", K(r.choice(["MU", "CA", "CZ"]) + digits(r, 4)), "的航班，密码箱丢了"),
        lambda r, zh, en, f: Builder().add("身份证有效期", K(f"20{r.randint(10, 24)}.0{r.randint(1, 9)}.1{r.randint(0, 9)}"), "到期了怎么换卡"),
        lambda r, zh, en, f: Builder().add("快递单号 ", K("SF" + digits(r, 12)), " 里面是新卡"),
        lambda r, zh, en, f: Builder().add("密码错了", K(str(r.randint(2, 5))), "次，卡被锁了"),
        lambda r, zh, en, f: Builder().add("我在", K(f"{r.randint(2, 30)}0{r.randint(1, 9)}"), "房间，账户余额", K(f"{r.randint(1000, 99999)}"), "元"),
        lambda r, zh, en, f: Builder().add("CVV是什么意思？交易流水号", K("2025" + digits(r, 10))),
        lambda r, zh, en, f: Builder().add("一二三四楼都找了，车停在", K("B" + str(r.randint(1, 3))), "层"),
        lambda r, zh, en, f: Builder().add("invoice ", K(digits(r, 10)), " for my card payment"),
        lambda r, zh, en, f: Builder().add("预约", K(f"{r.randint(2025, 2026)}年{r.randint(1, 12)}月{r.randint(1, 28)}日"), "办卡"),
        lambda r, zh, en, f: Builder().add("error code ", K(f"E{r.randint(100, 9999)}"), " at the ATM, my card"),
    ],
}
WEIGHTS = {"lookalike": 3.0, "spoken_phone": 1.5, "spoken_card": 1.0, "spoken_id": 1.0}


def generate(n: int, seed: int, family: int) -> list[dict]:
    """`n` cases from the frames of one family (0 = tune, 1 = test), deterministic for the seed."""
    rng = random.Random(seed)
    zh, en = Faker("zh_CN"), Faker("en_US")
    zh.seed_instance(seed)
    en.seed_instance(seed + 1)
    kinds = list(FRAMES)
    weights = [WEIGHTS.get(k, 1.0) for k in kinds]
    cases = []
    for i in range(n):
        kind = rng.choices(kinds, weights)[0]
        frames = FRAMES[kind][family::2]
        b = rng.choice(frames)(rng, zh, en, family)
        for p in b.pii:
            if not p["value"]:
                p["value"] = "".join(c for c in p["surface"] if c.isdigit())
        lang = "zh" if any("\u4e00" <= c <= "\u9fff" for c in b.text) else "en"
        cases.append({"id": f"num-{'tune' if family == 0 else 'test'}-{i}", "lang": lang, "domain": kind,
                      "text": b.text, "pii": b.pii, "keep": b.keep})
    return cases


def main() -> None:
    """Write the tune half (always) and the test half (only when it does not exist yet: frozen)."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=1111)
    ap.add_argument("--out-dir", type=Path, default=OUT)
    args = ap.parse_args()
    for family, name, seed in ((0, "pii_numbers_tune.jsonl", args.seed), (1, "pii_numbers_test.jsonl", args.seed + 7919)):
        path = args.out_dir / name
        if family == 1 and path.exists():
            print(f"{path} exists and is frozen: not rewritten")
            continue
        path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in generate(args.n, seed, family)),
                        encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
