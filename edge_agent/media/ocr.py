"""Text in a photo (a letter, an error screen, a bank card): RapidOCR's PP-OCR ONNX models on onnxruntime.

The detection, orientation and recognition models ship inside the ``rapidocr`` wheel; they are named here
by path, so the engine never reaches for its download code (a missing file is an error, not a download).
The image is decoded from the request's bytes in memory and is never written anywhere.
"""
from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edge_agent.media.errors import MediaTooLarge, MediaUnavailable, NothingRecognised, UnreadableMedia

# The PP-OCR models inside the rapidocr 3.x wheel (rapidocr/models/).
MODEL_FILES = {"Det": "PP-OCRv6_det_small.onnx", "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
               "Rec": "PP-OCRv6_rec_small.onnx"}
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}
MAX_PIXELS = 40_000_000  # a 5 MB PNG can decompress to gigabytes: refuse images larger than this
MAX_SIDE = 1600  # photos are scaled down to this longest side before detection (kiosk cameras: 1-12 MP)
MIN_SCORE = 0.5  # lines recognised with less confidence are dropped


@dataclass(frozen=True)
class OcrResult:
    """The text found in one image, line by line in reading order, and how long it took."""

    lines: tuple[str, ...]
    seconds: float

    @property
    def text(self) -> str:
        """The lines joined with spaces (a question usually spans one or two lines)."""
        return " ".join(self.lines)


def image_format(data: bytes) -> str:
    """'PNG' or 'JPEG' from the file's magic bytes; UnreadableMedia for anything else."""
    for magic, name in SIGNATURES.items():
        if data.startswith(magic):
            return name
    raise UnreadableMedia("The photo must be a PNG or JPEG image.")


def decode_image(data: bytes, max_bytes: int) -> Any:
    """The image as an RGB array (numpy), decoded in memory, scaled to at most MAX_SIDE; raises on bad input."""
    if len(data) > max_bytes:
        raise MediaTooLarge(f"The photo is larger than {max_bytes // (1024 * 1024)} MB.")
    expected = image_format(data)
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != expected or img.width * img.height > MAX_PIXELS:
                raise UnreadableMedia("The photo could not be read.")
            img.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale directly
            rgb = img.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise UnreadableMedia("The photo could not be read.") from None
    if max(rgb.size) > MAX_SIDE:
        rgb.thumbnail((MAX_SIDE, MAX_SIDE))
    return np.asarray(rgb)


class OcrEngine:
    """RapidOCR, loaded on first use and shared by all requests (the engine is safe to call from threads)."""

    def __init__(self, threads: int = 2, model_dir: Path | None = None) -> None:
        self.threads = threads
        self.model_dir = model_dir
        self._engine: Any = None
        self._lock = threading.Lock()

    def _models(self) -> Path:
        if self.model_dir is not None:
            return self.model_dir
        import importlib.util

        spec = importlib.util.find_spec("rapidocr")
        if spec is None or not spec.submodule_search_locations:
            raise MediaUnavailable("Asking by photo is not installed here (pip install 'edge-agent[media]').")
        return Path(next(iter(spec.submodule_search_locations))) / "models"

    def load(self) -> Any:
        """The RapidOCR engine, built on first call from the model files named by path."""
        with self._lock:
            if self._engine is None:
                models = self._models()
                missing = [name for name in MODEL_FILES.values() if not (models / name).is_file()]
                if missing:
                    raise MediaUnavailable(f"OCR model files are missing: {', '.join(missing)}.")
                try:
                    from rapidocr import RapidOCR
                except ImportError:
                    raise MediaUnavailable("Asking by photo is not installed here "
                                           "(pip install 'edge-agent[media]').") from None
                params: dict[str, Any] = {
                    "Global.log_level": "error", "Global.model_root_dir": str(models),
                    "Global.max_side_len": MAX_SIDE, "Global.text_score": MIN_SCORE,
                    "Det.limit_type": "max", "Det.limit_side_len": 960,
                    "EngineConfig.onnxruntime.intra_op_num_threads": self.threads,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                }
                params.update({f"{task}.model_path": str(models / name) for task, name in MODEL_FILES.items()})
                self._engine = RapidOCR(params=params)
            return self._engine

    @property
    def loaded(self) -> bool:
        """Whether the models are in memory."""
        return self._engine is not None

    def recognise(self, data: bytes, max_bytes: int) -> OcrResult:
        """The text lines in an image (PNG/JPEG bytes); NothingRecognised when there are none."""
        pixels = decode_image(data, max_bytes)
        engine = self.load()
        started = time.perf_counter()
        result = engine(pixels[:, :, ::-1].copy())  # RapidOCR reads arrays as OpenCV's BGR
        lines = tuple(t.strip() for t in (result.txts or ()) if t and t.strip())
        if not lines:
            raise NothingRecognised("No text was found in the photo. Please hold it closer and try again.")
        return OcrResult(lines, time.perf_counter() - started)
