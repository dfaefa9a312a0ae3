"""Speech to text for the kiosk's press-and-hold button: faster-whisper on Whisper base (CTranslate2, int8).

The model directory is assembled and sha256-checked by ``edge-agent models prepare`` (speech_model.py) and
checked again when it loads; it is opened by path, so faster-whisper's hub download is never reached. The
recording is decoded from the request's bytes in memory (PyAV) and never written anywhere. Mandarin and
English only: the language is the likelier of the two, and Chinese comes out in simplified characters.
"""
from __future__ import annotations

import functools
import io
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edge_agent.media.errors import MediaTooLarge, MediaUnavailable, NothingRecognised, UnreadableMedia

SAMPLE_RATE = 16_000
LANGS = ("zh", "en")
# WAV (RIFF), WebM/Matroska (EBML), Ogg: what browsers' MediaRecorder and ordinary recorders produce.
SIGNATURES = {b"RIFF": "wav", b"\x1a\x45\xdf\xa3": "webm", b"OggS": "ogg"}
BYTES_PER_SECOND = 48_000 * 2 * 2  # the largest recording accepted: 48 kHz 16-bit stereo PCM for the limit


@dataclass(frozen=True)
class Transcript:
    """What was said, in which language, how long the recording was and how long recognition took."""

    text: str
    lang: str
    audio_seconds: float
    seconds: float


def audio_format(data: bytes) -> str:
    """'wav', 'webm' or 'ogg' from the file's magic bytes; UnreadableMedia for anything else."""
    for magic, name in SIGNATURES.items():
        if data.startswith(magic):
            return name
    raise UnreadableMedia("The recording must be WAV, WebM or Ogg audio.")


def decode_audio(data: bytes, max_seconds: float) -> Any:
    """16 kHz mono float32 samples (numpy) decoded in memory; MediaTooLarge past ``max_seconds``."""
    if len(data) > max_seconds * BYTES_PER_SECOND + 65_536:
        raise MediaTooLarge(f"The recording is longer than {max_seconds:g} seconds.")
    audio_format(data)
    try:
        from faster_whisper.audio import decode_audio as _decode
    except ImportError:
        raise MediaUnavailable("Asking by voice is not installed here (pip install 'edge-agent[media]').") from None
    try:
        samples = _decode(io.BytesIO(data), sampling_rate=SAMPLE_RATE)
    except Exception:  # PyAV raises its own error classes for every kind of broken container
        raise UnreadableMedia("The recording could not be read.") from None
    if len(samples) > max_seconds * SAMPLE_RATE:
        raise MediaTooLarge(f"The recording is longer than {max_seconds:g} seconds.")
    if len(samples) < SAMPLE_RATE // 4:
        raise NothingRecognised("The recording is too short. Please hold the button while you speak.")
    return samples


class SpeechRecogniser:
    """Whisper, loaded on first use; one transcription at a time (CTranslate2 uses all its threads)."""

    def __init__(self, model_dir: Path, expected_sha256: dict[str, str] | None = None, threads: int = 2,
                 beam_size: int = 5) -> None:
        self.model_dir = model_dir
        self.expected_sha256 = expected_sha256 or {}
        self.threads = threads
        self.beam_size = beam_size
        self._model: Any = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()

    def load(self) -> Any:
        """The WhisperModel, built on first call after the directory's files are checked."""
        with self._load_lock:
            if self._model is None:
                from edge_agent.media.speech_model import SpeechModelSpec, verify_speech_model

                spec = SpeechModelSpec("speech", self.model_dir, (), self.expected_sha256)
                if not self.model_dir.is_dir() or verify_speech_model(spec):
                    raise MediaUnavailable("The speech model is missing or altered: run `edge-agent models prepare`.")
                try:
                    from faster_whisper import WhisperModel
                except ImportError:
                    raise MediaUnavailable("Asking by voice is not installed here "
                                           "(pip install 'edge-agent[media]').") from None
                self._model = WhisperModel(str(self.model_dir), device="cpu", compute_type="int8",
                                           cpu_threads=self.threads, local_files_only=True)
            return self._model

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._model is not None

    def transcribe(self, data: bytes, max_seconds: float, lang: str | None = None) -> Transcript:
        """What is said in a recording (WAV/WebM/Ogg bytes); ``lang`` forces 'zh' or 'en'."""
        samples = decode_audio(data, max_seconds)
        model = self.load()
        with self._run_lock:
            started = time.perf_counter()
            if lang not in LANGS:
                _, _, probabilities = model.detect_language(samples)
                scores = dict(probabilities)
                lang = max(LANGS, key=lambda code: scores.get(code, 0.0))
            segments, _ = model.transcribe(samples, language=lang, beam_size=self.beam_size, vad_filter=True,
                                           condition_on_previous_text=False)
            text = "".join(segment.text for segment in segments).strip()
            seconds = time.perf_counter() - started
        if lang == "zh":
            text = simplified(text)
        if not text:
            raise NothingRecognised("No words were heard. Please hold the button while you speak.")
        return Transcript(text, lang, len(samples) / SAMPLE_RATE, seconds)


@functools.lru_cache(maxsize=1)
def _to_simplified() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


def simplified(text: str) -> str:
    """Chinese text in simplified characters (Whisper sometimes writes traditional ones)."""
    return str(_to_simplified().convert(text))
