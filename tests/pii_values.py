"""Valid synthetic identifiers (real checksums) for tests, and the forms a leak could take."""
from __future__ import annotations

import re


def luhn_complete(prefix: str) -> str:
    """Append the Luhn check digit to a digit string."""
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return prefix + str((10 - total % 10) % 10)


def resident_id(first17: str) -> str:
    """Append the GB 11643 MOD 11-2 check character to 17 digits."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


UNIONPAY_19 = luhn_complete("622202123456789012")       # 19-digit UnionPay
RESIDENT_ID = resident_id("11010519491231002")           # Beijing, born 1949-12-31
MOBILE = "13912345678"
NAME_ZH = "欧阳明轩"
NAME_EN = "Margaret Whitfield"


def leak_forms(value: str) -> set[str]:
    """Raw, digits-only, grouped-by-4, spaced-per-digit and full-width forms of a value."""
    forms = {value}
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 6:
        forms |= {digits, " ".join(digits[i:i + 4] for i in range(0, len(digits), 4)), " ".join(digits),
                  "".join(chr(ord(c) + 0xFEE0) for c in digits)}
    return forms


def scan(paths, values) -> list[str]:
    """Every (file, form) where a form of a value occurs, reading files as bytes in UTF-8 and UTF-16."""
    hits = []
    for path in paths:
        data = path.read_bytes()
        for value in values:
            for form in leak_forms(value):
                for enc in ("utf-8", "utf-16-le"):
                    if form.encode(enc) in data:
                        hits.append(f"{path}: {enc} form of a planted value")
    return hits


# --- issue 11 part A: authentication data, birth date, spoken numbers (never stored in any form) --------------
CVV = "907"                                  # three digits: scanned with its label (a bare "907" is everywhere)
CARD_EXPIRY = "08/29"
PIN = "836152"
OTP = "470913"
BIRTH_DATE = "1987-06-23"
SPOKEN_MOBILE = "13627408594"                # dictated as Chinese numerals and radio style below
SPOKEN_MOBILE_ZH = "一三六二七四零八五九四"
SPOKEN_MOBILE_RADIO = "幺三六两拐四洞八五勾四"
# Every form in which one of these could be left behind: the surfaces with their labels, and the values.
AUTH_LEAK_VALUES = (f"安全码{CVV}", f"安全码 {CVV}", f"CVV {CVV}", f"cvv {CVV}", f"有效期{CARD_EXPIRY}",
                    f"exp {CARD_EXPIRY}", PIN, OTP, BIRTH_DATE, "19870623", "1987年6月23日", SPOKEN_MOBILE,
                    SPOKEN_MOBILE_ZH, SPOKEN_MOBILE_RADIO)

# --- issue 11 part B: a name without a cue, home addresses, a messaging id (never stored raw) ----------------
NAME_CUELESS_ZH = "蔺晓彤"                    # "帮我查一下蔺晓彤的…": no 我叫/患者, no title
NAME_PAYEE_EN = "Nadia Okafor"               # "transfer 500 to Nadia Okafor"
HOME_ADDRESS_ZH = "成都市武侯区玉林北路7号2单元301室"
HOME_ADDRESS_EN = "42 Maple Street"
WECHAT_ID = "lin_xt2024"
# The whole values and the parts a partial mask could leave behind.
PART_B_LEAK_VALUES = (NAME_CUELESS_ZH, NAME_PAYEE_EN, HOME_ADDRESS_ZH, "玉林北路7号", "2单元301室",
                      HOME_ADDRESS_EN, "Maple Street", WECHAT_ID)
