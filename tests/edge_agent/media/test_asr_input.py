"""Recordings are checked before recognition: WAV/WebM/Ogg only, at most the length limit, decoded in memory."""
from __future__ import annotations

import pytest

from edge_agent.media.asr import audio_format, decode_audio
from edge_agent.media.errors import MediaTooLarge, NothingRecognised, UnreadableMedia
from tests.edge_agent.media.media_samples import silence_wav

pytest.importorskip("faster_whisper", reason="pip install 'edge-agent[media]'")

FORMATS = [
    # (first bytes, format or None for refused)
    (b"RIFF\x24\0\0\0WAVEfmt ", "wav"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81", "webm"),  # EBML header: MediaRecorder's WebM
    (b"OggS\0\x02", "ogg"),
    (b"ID3\x04", None),  # MP3 is not accepted
    (b"fLaC", None),
    (b"", None),
]


@pytest.mark.parametrize(("head", "expected"), FORMATS)
def test_audio_format_from_magic_bytes(head: bytes, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(UnreadableMedia):
            audio_format(head)
    else:
        assert audio_format(head) == expected


def test_a_wav_decodes_to_16k_mono() -> None:
    samples = decode_audio(silence_wav(2.0, rate=22_050), 60)
    assert samples.ndim == 1 and abs(len(samples) - 32_000) < 200


def test_longer_than_the_limit_is_refused() -> None:
    with pytest.raises(MediaTooLarge):
        decode_audio(silence_wav(3.0), 2)


def test_too_short_is_nothing_recognised() -> None:
    with pytest.raises(NothingRecognised):
        decode_audio(silence_wav(0.1), 60)


def test_a_riff_header_on_garbage_is_unreadable() -> None:
    with pytest.raises(UnreadableMedia):
        decode_audio(b"RIFF" + b"\x01" * 500, 60)


@pytest.mark.parametrize(("heard", "expected"), [
    ("銀行卡丟了怎麼辦？", "银行卡丢了怎么办？"),  # traditional → simplified
    ("信用卡临时额度", "信用卡临时额度"),  # already simplified
    ("Sleep clinic", "Sleep clinic"),  # English untouched
])
def test_chinese_comes_out_simplified(heard: str, expected: str) -> None:
    from edge_agent.media.asr import simplified

    assert simplified(heard) == expected
