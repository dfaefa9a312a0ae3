"""Detector: contract (sorted, non-overlapping, original offsets), robustness, threads, offline, quiet."""
import logging
import random
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import guardrails
from guardrails.detector import build_detector
from guardrails.types import Detection


@pytest.fixture(scope="module")
def det():
    return build_detector()


def spans(det, text):
    return [(d.entity_type, text[d.start:d.end]) for d in det.detect(text)]


def test_guardrails_is_this_repo():
    assert Path(guardrails.__file__).resolve().parents[1] == Path(__file__).resolve().parents[2]


def test_mixed_message_offsets_are_original(det):
    text = "我叫肖军轩，卡号６２２２ ０２９７ ０３２６ ９６３７，email Lucas.Davis@gmail.com, call (603) 579-8023"
    found = spans(det, text)
    assert ("PERSON", "肖军轩") in found
    assert ("CREDIT_CARD", "６２２２ ０２９７ ０３２６ ９６３７") in found
    assert ("EMAIL_ADDRESS", "Lucas.Davis@gmail.com") in found
    assert ("PHONE_NUMBER", "(603) 579-8023") in found


def test_results_sorted_and_non_overlapping(det):
    text = "卡号6222 0297 1381 2345 678，电话13812345678，身份证510107197411234656"
    found = det.detect(text)
    assert all(isinstance(d, Detection) for d in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


@pytest.mark.parametrize("text", [
    "",                                            # empty
    "\ud800\udfff\ud800 lone surrogates",          # lone surrogates
    "\x00\x01\x7f\x1b[31m control characters",     # control characters
    "😀👨‍👩‍👧 emoji 🇨🇳",                              # emoji and ZWJ sequences
    "Ωμέγα русский 한국어 日本語 العربية",             # mixed scripts
    "\u200b" * 100,                                 # only zero-width characters
])
def test_odd_input_does_not_crash(det, text):
    assert isinstance(det.detect(text), list)


def test_100kb_of_digits(det):
    rng = random.Random(1)
    assert isinstance(det.detect("".join(rng.choice("0123456789") for _ in range(100_000))), list)


def test_values_at_every_window_edge_are_found():
    small = build_detector(use_ner=False, window=200, overlap=60)
    filler = "请问营业时间"
    for shift in range(0, 60, 7):
        text = filler * 20 + "x" * shift + "，身份证510107197411234656，手机13812345678。" + filler * 30
        kinds = {d.entity_type for d in small.detect(text)}
        assert {"CN_RESIDENT_ID", "PHONE_NUMBER"} <= kinds, shift


def test_long_text_finds_every_value(det):
    text = "电话13812345678，" * 3000
    assert len(det.detect(text)) == 3000


def test_concurrent_callers_get_the_same_answers(det):
    texts = ["This is Lucas Davis, my SSN is 453-39-4584.", "我叫肖军轩，身份证号510107197411234656。",
             "call me back at (603) 579-8023", "卡号6205221740080827"] * 25
    expected = [det.detect(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(det.detect, texts)) == expected


def test_entities_option_limits_types():
    only = build_detector(entities=("PHONE_NUMBER",), use_ner=False)
    text = "身份证510107197411234656，手机13812345678"
    assert {d.entity_type for d in only.detect(text)} == {"PHONE_NUMBER"}


def test_no_network_during_build_and_detect(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    offline = build_detector()
    assert offline.detect("mail zycidpyo@hospital.org.cn, This is Lucas Davis")


def test_values_never_logged(det, caplog):
    text = "This is Lucas Davis, IBAN GB56OFYW98063513969372, 身份证510107197411234656, a@qq.com"
    with caplog.at_level(logging.DEBUG):
        det.detect(text)
    for value in ("Lucas Davis", "GB56OFYW98063513969372", "510107197411234656", "a@qq.com"):
        assert value not in caplog.text
