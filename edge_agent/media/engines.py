"""The media engines one app uses, built from the settings without loading anything (each loads on first use)."""
from __future__ import annotations

from dataclasses import dataclass

from edge_agent.config import Settings
from edge_agent.errors import ModelError
from edge_agent.media.asr import SpeechRecogniser
from edge_agent.media.errors import MediaOff, MediaUnavailable
from edge_agent.media.ocr import OcrEngine
from edge_agent.media.speech_model import read_speech_manifest
from edge_agent.media.tts import Speaker


@dataclass
class MediaEngines:
    """OCR, speech recognition and speech synthesis; None where the operator switched it off."""

    ocr: OcrEngine | None
    asr: SpeechRecogniser | None
    tts: Speaker | None
    asr_problem: str = ""  # why speech recognition cannot start (no manifest entry…), said on first use

    @classmethod
    def from_settings(cls, settings: Settings) -> "MediaEngines":
        """Engines for the switched-on capabilities; nothing is imported or loaded yet."""
        asr, problem = None, ""
        if settings.asr:
            try:
                spec = read_speech_manifest(settings.models_dir, settings.asr_model)
                asr = SpeechRecogniser(spec.directory, spec.sha256, threads=settings.media_threads)
            except ModelError as exc:
                problem = exc.message
        return cls(ocr=OcrEngine(settings.media_threads) if settings.ocr else None, asr=asr,
                   tts=Speaker() if settings.tts else None, asr_problem=problem)

    def need_ocr(self) -> OcrEngine:
        """The OCR engine, or MediaOff."""
        if self.ocr is None:
            raise MediaOff("Asking by photo is switched off here (EDGE_OCR).")
        return self.ocr

    def need_asr(self) -> SpeechRecogniser:
        """The speech recogniser, or MediaOff / MediaUnavailable."""
        if self.asr is None:
            if self.asr_problem:
                raise MediaUnavailable("Asking by voice cannot start: the speech model is not set up.")
            raise MediaOff("Asking by voice is switched off here (EDGE_ASR).")
        return self.asr

    def need_tts(self) -> Speaker:
        """The speaker, or MediaOff."""
        if self.tts is None:
            raise MediaOff("Read-aloud is switched off here (EDGE_TTS).")
        return self.tts

    def features(self) -> dict[str, bool]:
        """What the kiosk page may offer."""
        return {"ocr": self.ocr is not None, "asr": self.asr is not None or bool(self.asr_problem),
                "tts": self.tts is not None}
