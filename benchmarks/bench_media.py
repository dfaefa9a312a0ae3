"""OCR and speech recognition on a small made-up set: time per request and character/word error rate.

    python benchmarks/bench_media.py [--skip-asr] [--skip-ocr] [--repeat R]

OCR: questions rendered with Pillow in several fonts (Noto Sans/Serif CJK, DejaVu), sizes and formats (PNG,
JPEG q70), recognised by edge_agent.media.ocr (RapidOCR, PP-OCR ONNX from the wheel). ASR: the same kind of
questions spoken by espeak-ng at two speeds (English en-us, Mandarin cmn-latn-pinyin), recognised by
edge_agent.media.asr (faster-whisper, Whisper base int8 from models/whisper-base). Sockets are blocked: any
hidden download fails the run. Prints one JSON object; CER for Chinese, WER for English, both after dropping
punctuation and case.
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import socket
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.edge_agent.media.media_samples import render_text, speak_wav  # noqa: E402

FONTS = {"noto-sans-cjk": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
         "noto-serif-cjk": Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
         "dejavu-sans": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")}
SIZES = (22, 34, 56)
OCR_TEXTS = {
    "zh": ["信用卡临时额度怎么调？", "银行卡丢了要怎么挂失？", "睡眠门诊每周几开放？",
           "客服热线：95588，工作日9:00-17:00", "数字人民币钱包怎么开通？"],
    "en": ["How do I raise my credit limit before travelling?", "Where do I collect my test results?",
           "Card ending 4821 was declined at 10:45 today."],
}
ASR_TEXTS = {
    "en": ["How do I book the sleep clinic?", "I lost my bank card, what should I do?",
           "What are the opening hours of the branch on Saturday?", "How can I get my test results?"],
    "zh": ["信用卡临时额度怎么调？", "银行卡丢了怎么办？", "睡眠门诊怎么预约？", "你好，我想开户。"],
}


def block_network() -> None:
    """Make every outbound connection fail, so a hidden download shows up as an error."""
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network disabled in benchmark")
    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]


def normalise(text: str) -> str:
    """NFKC, lower case, no punctuation or spaces-runs: what the error rates compare."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(c).startswith("P") or c in "：:，," else c for c in text)
    return re.sub(r"\s+", " ", text).strip()


def edit_distance(a: list[str], b: list[str]) -> int:
    """Levenshtein distance between two token lists."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def error_rate(ref: str, hyp: str, lang: str) -> tuple[int, int]:
    """(errors, reference length): characters for Chinese (spaces ignored), words for English."""
    ref_n, hyp_n = normalise(ref), normalise(hyp)
    if lang == "zh":
        r, h = list(ref_n.replace(" ", "")), list(hyp_n.replace(" ", ""))
    else:
        r, h = ref_n.split(), hyp_n.split()
    return edit_distance(r, h), len(r)


def summary(times: list[float], errors: int, length: int, n: int) -> dict[str, float]:
    return {"requests": n, "ms_p50": round(statistics.median(times) * 1000, 1),
            "ms_p95": round(sorted(times)[max(0, int(len(times) * 0.95) - 1)] * 1000, 1),
            "error_rate": round(errors / max(length, 1), 4)}


def bench_ocr(repeat: int) -> dict[str, object]:
    from edge_agent.media.ocr import OcrEngine

    engine = OcrEngine(threads=2)
    started = time.perf_counter()
    engine.load()
    load_s = time.perf_counter() - started
    groups: dict[str, dict[str, list]] = {}
    worst: list[dict[str, object]] = []
    for lang, texts in OCR_TEXTS.items():
        for font_name, font in FONTS.items():
            if not font.is_file() or (lang == "zh" and "cjk" not in font_name):
                continue
            for size in SIZES:
                for fmt in ("PNG", "JPEG"):
                    for text in texts:
                        image = render_text([text], font=font, size=size, fmt=fmt, width=max(600, size * 30))
                        for _ in range(repeat):
                            t0 = time.perf_counter()
                            got = engine.recognise(image, 5 << 20).text
                            elapsed = time.perf_counter() - t0
                        errors, length = error_rate(text, got, lang)
                        for key in (f"{lang}", f"{lang}/{font_name}", f"{lang}/size{size}", f"{lang}/{fmt}"):
                            g = groups.setdefault(key, {"t": [], "e": [0], "n": [0]})
                            g["t"].append(elapsed)
                            g["e"][0] += errors
                            g["n"][0] += length
                        if errors:
                            worst.append({"text": text, "got": got, "font": font_name, "size": size, "fmt": fmt})
    out = {k: summary(g["t"], g["e"][0], g["n"][0], len(g["t"])) for k, g in sorted(groups.items())}
    return {"engine": "rapidocr PP-OCRv6 small (onnxruntime, 2 threads)", "load_s": round(load_s, 2),
            "metric": "CER (zh), WER (en)", "groups": out, "misread": worst[:8]}


def bench_asr(repeat: int) -> dict[str, object]:
    from edge_agent.media.asr import SpeechRecogniser
    from edge_agent.media.speech_model import prepare_speech_model, read_speech_manifest

    prepare_speech_model(ROOT / "models")
    spec = read_speech_manifest(ROOT / "models")
    asr = SpeechRecogniser(spec.directory, spec.sha256, threads=2)
    started = time.perf_counter()
    asr.load()
    load_s = time.perf_counter() - started
    groups: dict[str, dict[str, list]] = {}
    samples: list[dict[str, object]] = []
    for lang, texts in ASR_TEXTS.items():
        for rate in (130, 170):
            for text in texts:
                wav = speak_wav(text, lang, rate=rate)
                for _ in range(repeat):
                    result = asr.transcribe(wav, 60, None)
                errors, length = error_rate(text, result.text, lang)
                for key in (lang, f"{lang}/rate{rate}"):
                    g = groups.setdefault(key, {"t": [], "e": [0], "n": [0], "audio": [], "lang_ok": [0]})
                    g["t"].append(result.seconds)
                    g["e"][0] += errors
                    g["n"][0] += length
                    g["audio"].append(result.audio_seconds)
                    g["lang_ok"][0] += result.lang == lang
                samples.append({"said": text, "heard": result.text, "lang": result.lang, "rate": rate})
    out = {}
    for k, g in sorted(groups.items()):
        out[k] = summary(g["t"], g["e"][0], g["n"][0], len(g["t"]))
        out[k]["real_time_factor"] = round(sum(g["t"]) / sum(g["audio"]), 3)
        out[k]["language_detected_right"] = round(g["lang_ok"][0] / len(g["t"]), 3)
    return {"engine": "faster-whisper 1.2, Whisper base int8 (CTranslate2, 2 threads), beam 5, VAD",
            "speech": "synthetic: espeak-ng en-us / cmn-latn-pinyin", "load_s": round(load_s, 2),
            "metric": "WER (en), CER (zh)", "groups": out, "samples": samples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ocr", action="store_true")
    parser.add_argument("--skip-asr", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="recognise each sample this many times (timing)")
    args = parser.parse_args()
    block_network()
    result: dict[str, object] = {}
    if not args.skip_ocr:
        result["ocr"] = bench_ocr(args.repeat)
    if not args.skip_asr:
        result["asr"] = bench_asr(args.repeat)
    result["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
