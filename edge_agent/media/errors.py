"""Errors of the media routes, with their HTTP status (the same body shape as every other error)."""
from __future__ import annotations

from edge_agent.errors import BadRequest, EdgeError, PayloadTooLarge


class MediaOff(EdgeError):
    """The operator switched this capability off (EDGE_OCR, EDGE_ASR or EDGE_TTS)."""

    status = 404
    code = "media_off"


class MediaUnavailable(EdgeError):
    """The engine is switched on but cannot run here (package or model files missing)."""

    status = 503
    code = "media_unavailable"


class UnreadableMedia(BadRequest):
    """The upload is not an image or recording of an accepted format, or cannot be decoded."""

    code = "unreadable_media"


class NothingRecognised(BadRequest):
    """No text was found in the photo, or no words in the recording."""

    code = "nothing_recognised"


class MediaTooLarge(PayloadTooLarge):
    """The image is over its byte limit or the recording over its length limit."""

    code = "media_too_large"
