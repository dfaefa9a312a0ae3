"""Text normalisation for detection, with every normalised character mapped back to the original.

Recognizers run on the normalised text (NFKC: full-width digits/letters/punctuation become ASCII,
dash variants become "-", zero-width characters vanish, control characters become spaces, lone
surrogates become U+FFFD); detections are mapped back to offsets in the *original* text.

Spoken and written-out digit strings are folded too, one character for one character (so the offset
map is unchanged): a run of at least three digit characters — Chinese numerals 零〇一二三四五六七八九,
radio style 幺(1) 两(2) 拐(7) 洞(0) 勾(9), ASCII digits — with at least one numeral in it becomes ASCII
digits ("一三三二七四零八五九四" → "13327408594"). Positional numbers (一百二十, 两千) are never folded:
十百千万亿 end a run, so amounts stay words. `_` and `/` between two digits (maybe with a space either
side) become "-", the separator the structured recognizers know ("6222_0297_…", "138/0013/8000",
"6222 / 0297"). Only detection reads the folded text; redaction replaces the detected span of the
original and leaves every other character as typed.
(cn2an was considered: it converts whole expressions to values, which loses the per-character offset
map and would read 一百二十 as 120; a digit-for-digit table is what detection needs.)
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Characters removed outright: they are invisible and are used to split values ("6222\u200b0297…").
ZERO_WIDTH: frozenset[str] = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
# Dash look-alikes that NFKC leaves alone but customers type between digit groups.
DASHES: frozenset[str] = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u30fc")
KEEP_CONTROLS: frozenset[str] = frozenset("\t\n\r")

# Digit characters of spoken and written-out numbers: Chinese numerals and radio-style readings.
NUMERALS: dict[str, str] = {
    "零": "0", "〇": "0", "○": "0", "洞": "0", "一": "1", "幺": "1", "壹": "1", "二": "2", "两": "2", "贰": "2",
    "三": "3", "叁": "3", "四": "4", "肆": "4", "五": "5", "伍": "5", "六": "6", "陆": "6", "七": "7", "拐": "7",
    "柒": "7", "八": "8", "捌": "8", "九": "9", "勾": "9", "玖": "9",
}
# A run of ≥3 digit characters (numerals, ASCII digits, single spaces/dashes between them) holding a numeral.
_NUMERAL_RUN = re.compile("[0-9" + "".join(NUMERALS) + r"](?:[ \-]?[0-9" + "".join(NUMERALS) + "]){2,}")
_NUMERAL_CHARS = frozenset(NUMERALS)
_DIGIT_JOINER = re.compile(r"(?:(?<=\d)|(?<=\d ))[_/](?=\d| \d)")
_DIGITS_ONLY = re.compile(r"[^0-9Xx]")
_CN_PREFIX = re.compile(r"^(?:\+|00)?86(?=1[3-9]\d{9}$)")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalised text plus, for each of its characters, the index of the original character."""

    original: str
    text: str
    origin: tuple[int, ...]  # origin[i] = index in `original` of the char that produced text[i]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text to a span of the original text."""
        if end <= start or not self.origin:
            pos = self.origin[start] if start < len(self.origin) else len(self.original)
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1


def _normalize_char(ch: str) -> str:
    """Normalise one character (the slow path for non-ASCII and control characters)."""
    if ch in ZERO_WIDTH:
        return ""
    if ch in DASHES:
        return "-"
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate: keep its slot, lose its value
        return "\ufffd"
    if code < 0x20 or 0x7F <= code < 0xA0:
        return ch if ch in KEEP_CONTROLS else " "
    out = unicodedata.normalize("NFKC", ch)
    if not out:
        return ""
    # NFKC may map to a dash variant again (e.g. U+FE63 -> "-"; U+2014 stays): fold once more.
    return "".join("-" if c in DASHES else c for c in out)


def fold_numerals(text: str) -> str:
    """Fold spoken/written-out digit runs to ASCII digits and `_`/`/` between digits to "-" (same length)."""
    if not text.isascii():
        text = _NUMERAL_RUN.sub(_fold_run, text)
    if "_" in text or "/" in text:
        text = _DIGIT_JOINER.sub("-", text)
    return text


def _fold_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if not _NUMERAL_CHARS.intersection(run):
        return run
    return "".join(NUMERALS.get(ch, ch) for ch in run)


def normalize(text: str) -> NormalizedText:
    """Return the NFKC/dash/zero-width/numeral normalised form of `text` with an offset map."""
    if text.isascii() and text.isprintable():
        return NormalizedText(text, fold_numerals(text), tuple(range(len(text))))
    parts: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if " " <= ch <= "~":
            parts.append(ch)
            origin.append(i)
            continue
        out = _normalize_char(ch)
        parts.append(out)
        origin.extend([i] * len(out))
    return NormalizedText(text, fold_numerals("".join(parts)), tuple(origin))


def digits_only(value: str) -> str:
    """Keep only the digits (and a check character X/x) of a value: "3301 06-19…" -> "330106…"."""
    return _DIGITS_ONLY.sub("", value)


def strip_cn_prefix(digits: str) -> str:
    """Drop a +86/0086/86 country prefix from a mainland mobile number given as digits."""
    return _CN_PREFIX.sub("", digits)
