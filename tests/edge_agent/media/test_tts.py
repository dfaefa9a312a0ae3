"""Read-aloud: hidden values are read as "hidden", never spelled out; espeak-ng makes WAV in both languages."""
from __future__ import annotations

import pytest

from edge_agent.media.tts import Speaker, speakable, text_lang
from tests.edge_agent.media.media_samples import ESPEAK

SPEAKABLE = [
    # (text, lang, expected)
    ("您的卡 <CREDIT_CARD_1> 已冻结。", "zh", "您的卡 已隐藏 已冻结。"),  # placeholder operator
    ("Card <CREDIT_CARD_2> is blocked.", "en", "Card hidden is blocked."),  # English word
    ("身份证 <CN_RESIDENT_ID:3fa9c2d1e0b4a7f6>", "zh", "身份证 已隐藏"),  # pseudonym operator
    ("<ENC:PERSON:q1w2-e3_r4=> 来电", "zh", "已隐藏 来电"),  # encrypt operator
    ("卡号 ************1234 已挂失", "zh", "卡号 已隐藏 已挂失"),  # mask operator keeps the last four
    ("see [1] and [2].", "en", "see and ."),  # source markers are not read
]
UNTOUCHED = [
    "客服热线 95588，工作日 9:00-17:00。",  # the organisation's own numbers are read
    "Call 020-1234 5678 before 5 pm.",
    "a < b and c > d",  # angle brackets that are no placeholder
    "2 * 3 = 6",  # one star is no mask
]


@pytest.mark.parametrize(("text", "lang", "expected"), SPEAKABLE)
def test_hidden_values_are_read_as_hidden(text: str, lang: str, expected: str) -> None:
    assert speakable(text, lang) == expected


@pytest.mark.parametrize("text", UNTOUCHED)
def test_ordinary_text_is_read_as_written(text: str) -> None:
    assert speakable(text, "en") == text


def test_language_is_guessed_from_the_text() -> None:
    assert text_lang("信用卡临时额度") == "zh"
    assert text_lang("Sleep clinic") == "en"


@pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed (make media)")
@pytest.mark.parametrize(("text", "lang", "voice"), [("信用卡临时额度可以在手机银行调整。", "zh", "cmn-latn-pinyin"),
                                                      ("The sleep clinic is open on Tuesdays.", "en", "en-us")])
def test_espeak_reads_both_languages(text: str, lang: str, voice: str) -> None:
    speech = Speaker().speak(text, None)
    assert speech.voice == voice
    assert speech.wav.startswith(b"RIFF") and speech.wav[8:12] == b"WAVE"
    assert len(speech.wav) > 16_000  # more than half a second of 22 kHz audio


@pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed (make media)")
def test_a_hidden_value_sounds_like_the_word_hidden() -> None:
    """A card number behind a placeholder is read exactly as the word "hidden" (same audio)."""
    speaker = Speaker()
    assert speaker.speak("Card <CREDIT_CARD_1> is blocked.", "en").wav == speaker.speak("Card hidden is blocked.",
                                                                                        "en").wav
