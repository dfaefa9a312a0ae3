"""Exceptions that carry their HTTP status and a stable error code; one body shape for all."""
from __future__ import annotations

from typing import Any


class EdgeError(Exception):
    """Base error. ``message`` is shown to clients, so it never contains customer text."""

    status = 500
    code = "internal_error"
    default_message = "Something went wrong on our side. Please try again or ask staff for help."

    def __init__(self, message: str | None = None, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON body every route returns for an error."""
        return {"ok": False, "error": {"code": self.code, "message": self.message}}


class BadRequest(EdgeError):
    status = 400
    code = "bad_request"
    default_message = "The request could not be understood."


class NotFound(EdgeError):
    status = 404
    code = "not_found"
    default_message = "There is nothing at this address."


class MethodNotAllowed(EdgeError):
    status = 405
    code = "method_not_allowed"
    default_message = "This address does not accept that method."


class Conflict(EdgeError):
    status = 409
    code = "conflict"
    default_message = "The request conflicts with the current state."


class PayloadTooLarge(EdgeError):
    status = 413
    code = "message_too_long"
    default_message = "The message is too long."


class Busy(EdgeError):
    """The model is serving others and the wait queue is full (or the wait ran out)."""

    status = 503
    code = "busy"
    default_message = "The assistant is busy helping other customers. Please try again in a moment."

    def __init__(self, retry_after_s: int = 5, message: str | None = None) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, int(retry_after_s)))})
        self.retry_after_s = max(1, int(retry_after_s))


class GenerationTimeout(EdgeError):
    status = 504
    code = "generation_timeout"
    default_message = "The answer took too long to prepare."


class ModelError(EdgeError):
    """The model file is missing, corrupt or fails to load."""

    status = 503
    code = "model_unavailable"
    default_message = "The language model is not available."


class TooManyRequests(EdgeError):
    """One client address (or this kiosk location) sent more than its rate; ``Retry-After`` says when to retry."""

    status = 429
    code = "too_many_requests"
    default_message = "Too many requests from this kiosk. Please wait a moment. 请求过于频繁，请稍候再试。"

    def __init__(self, retry_after_s: float = 1.0, message: str | None = None) -> None:
        seconds = max(1, int(retry_after_s + 0.999))
        super().__init__(message, headers={"Retry-After": str(seconds)})
        self.retry_after_s = seconds


class UnsupportedMediaType(EdgeError):
    """A JSON route got a body of another content type (e.g. a cross-origin text/plain form post)."""

    status = 415
    code = "unsupported_media_type"
    default_message = "Send the request body as JSON (Content-Type: application/json)."


class SessionForbidden(EdgeError):
    """A chat session was used without the token of the client that started it (issue 12, Medium 3)."""

    status = 403
    code = "session_forbidden"
    default_message = ("This conversation belongs to another screen. Please start a new conversation. "
                       "此对话属于其他终端，请开始新的对话。")


class KnowledgeUnavailable(EdgeError):
    """The knowledge store (a Chroma server named by chroma_url) cannot be reached."""

    status = 503
    code = "knowledge_unavailable"
    default_message = "The knowledge base is not available."
