"""Read an answer aloud: Debian's espeak-ng, offline, as WAV bytes.

Mandarin uses espeak-ng's ``cmn-latn-pinyin`` voice (its plain ``cmn`` voice reads many characters as English
letters and tone numbers); English uses ``en-us``. The text reaches espeak-ng on stdin, never on its command
line (which other local users could read in the process list). Masked values are read as "hidden" and never
spelled out: placeholders (<CREDIT_CARD_1>), pseudonyms, encrypted tokens and ****1234 masks are replaced
before anything is spoken.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from edge_agent.media.errors import MediaUnavailable

VOICES = {"zh": "cmn-latn-pinyin", "en": "en-us"}
HIDDEN = {"zh": "已隐藏", "en": "hidden"}
RATES = {"normal": 160, "slow": 120}  # words per minute; the elderly mode asks for "slow"
MAX_CHARS = 1200  # the longest text read at once (an answer, its notice and a confirmation)
TIMEOUT_S = 30.0

# <CREDIT_CARD_1>, <PERSON:3fa9…>, <ENC:CN_RESIDENT_ID:…>: every placeholder form of guardrails' operators.
PLACEHOLDER = re.compile(r"<(?:ENC:)?[A-Z][A-Z0-9_]*(?:[_:][^<>\s]*)?>")
MASKED = re.compile(r"[*＊•●]{3,}[\s-]*\d{0,4}")  # the mask operator's "************1234"
CITATION = re.compile(r"\[\d{1,2}\]")
CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Speech:
    """A spoken answer: WAV bytes and the voice that read it."""

    wav: bytes
    voice: str


def speakable(text: str, lang: str) -> str:
    """The text as it is read aloud: hidden values as the word for "hidden", no [1] source markers."""
    hidden = f" {HIDDEN.get(lang, HIDDEN['en'])} "
    text = PLACEHOLDER.sub(hidden, text)
    text = MASKED.sub(hidden, text)
    text = CITATION.sub(" ", text)
    return re.sub(r"[ \t]+", " ", text).strip()[:MAX_CHARS]


def text_lang(text: str) -> str:
    """'zh' when the text has Chinese characters, else 'en'."""
    return "zh" if CJK.search(text) else "en"


class Speaker:
    """espeak-ng as a subprocess (no model to load: nothing stays in memory between answers)."""

    def __init__(self, binary: str = "espeak-ng") -> None:
        self.binary = binary

    def available(self) -> bool:
        """Whether espeak-ng is installed."""
        return shutil.which(self.binary) is not None

    def speak(self, text: str, lang: str | None = None, rate: str = "normal") -> Speech:
        """WAV audio of ``text`` read in ``lang`` (guessed from the text when None)."""
        lang = lang if lang in VOICES else text_lang(text)
        words = speakable(text, lang)
        path = shutil.which(self.binary)
        if path is None:
            raise MediaUnavailable("Read-aloud is not installed here (Debian package espeak-ng).")
        voice = VOICES[lang]
        try:
            done = subprocess.run([path, "-v", voice, "-s", str(RATES.get(rate, RATES["normal"])), "--stdout"],
                                  input=words.encode("utf-8"), capture_output=True, timeout=TIMEOUT_S, check=True)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            raise MediaUnavailable("The answer could not be read aloud.") from None
        if not done.stdout.startswith(b"RIFF"):
            raise MediaUnavailable("The answer could not be read aloud.")
        return Speech(done.stdout, voice)
