"""Photos are checked before OCR: PNG/JPEG only, within the byte and pixel limits, decoded in memory."""
from __future__ import annotations

import io

import pytest

from edge_agent.media.errors import MediaTooLarge, UnreadableMedia
from edge_agent.media.ocr import MAX_SIDE, decode_image, image_format
from tests.edge_agent.media.media_samples import cjk_font, render_text

pytestmark = pytest.mark.skipif(cjk_font() is None, reason="fonts-noto-cjk is not installed (make browser)")

FORMATS = [
    # (first bytes, format or None for refused)
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "PNG"),
    (b"\xff\xd8\xff\xe0\0\x10JFIF", "JPEG"),
    (b"GIF89a", None),  # not accepted
    (b"<svg xmlns=", None),  # scripts in images: never
    (b"RIFF\0\0\0\0WEBP", None),
    (b"", None),
]


@pytest.mark.parametrize(("head", "expected"), FORMATS)
def test_image_format_from_magic_bytes(head: bytes, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(UnreadableMedia):
            image_format(head)
    else:
        assert image_format(head) == expected


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_rendered_text_decodes_in_memory(fmt: str) -> None:
    pixels = decode_image(render_text(["信用卡临时额度怎么调？"], fmt=fmt), 5 << 20)
    assert pixels.ndim == 3 and pixels.shape[2] == 3


def test_over_the_byte_limit_is_refused() -> None:
    data = render_text(["x"])
    with pytest.raises(MediaTooLarge):
        decode_image(data, len(data) - 1)


def test_a_png_header_on_garbage_is_unreadable() -> None:
    with pytest.raises(UnreadableMedia):
        decode_image(b"\x89PNG\r\n\x1a\n" + b"\0" * 200, 5 << 20)


def test_a_jpeg_posing_as_png_is_unreadable() -> None:
    jpeg = render_text(["x"], fmt="JPEG")
    with pytest.raises(UnreadableMedia):
        decode_image(b"\x89PNG\r\n\x1a\n" + jpeg[8:], 5 << 20)


def test_a_decompression_bomb_is_refused() -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buf, "PNG")  # 81 MP of one colour: a few KB on the wire
    with pytest.raises(UnreadableMedia):
        decode_image(buf.getvalue(), 5 << 20)


def test_big_photos_are_scaled_down() -> None:
    pixels = decode_image(render_text(["大"], width=4000, size=200), 5 << 20)
    assert max(pixels.shape[:2]) <= MAX_SIDE
