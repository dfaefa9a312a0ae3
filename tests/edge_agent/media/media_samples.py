"""Test media made on the spot: text rendered to PNG/JPEG with Pillow and a CJK font, speech from espeak-ng."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

CJK_FONTS = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
             Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"))
ESPEAK = shutil.which("espeak-ng")
VOICES = {"zh": "cmn-latn-pinyin", "en": "en-us"}


def cjk_font() -> Path | None:
    """The first Noto CJK font installed (Debian's fonts-noto-cjk), if any."""
    return next((f for f in CJK_FONTS if f.is_file()), None)


def render_text(lines: list[str], *, font: Path | None = None, size: int = 40, fmt: str = "PNG",
                width: int = 900) -> bytes:
    """An image of ``lines`` in black on white, as PNG or JPEG bytes."""
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(str(font or cjk_font()), size)
    height = int(size * 1.8) * len(lines) + size
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((size // 2, size // 2 + i * int(size * 1.8)), line, font=face, fill="black")
    buf = io.BytesIO()
    img.save(buf, fmt, quality=90) if fmt == "JPEG" else img.save(buf, fmt)
    return buf.getvalue()


def speak_wav(text: str, lang: str, *, rate: int = 140) -> bytes:
    """espeak-ng reading ``text`` as WAV bytes (text on stdin)."""
    done = subprocess.run([ESPEAK or "espeak-ng", "-v", VOICES[lang], "-s", str(rate), "--stdout"],
                          input=text.encode(), capture_output=True, check=True, timeout=60)
    return done.stdout


def silence_wav(seconds: float, rate: int = 16_000) -> bytes:
    """A mono 16-bit WAV of silence."""
    import wave

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(seconds * rate))
    return buf.getvalue()
