"""Errors of staff sign-in; each carries its HTTP status and renders in the one error shape."""
from __future__ import annotations

from edge_agent.errors import EdgeError


class SignInRequired(EdgeError):
    status = 401
    code = "sign_in_required"
    default_message = "Please sign in first. 请先登录。"


class Forbidden(EdgeError):
    status = 403
    code = "forbidden"
    default_message = "Your role may not use this page. 您的角色无权访问此页面。"


class CsrfFailed(EdgeError):
    """The form or request did not carry this session's CSRF token."""

    status = 403
    code = "csrf_failed"
    default_message = ("The form has expired or did not come from this site; reload the page and try again. "
                       "表单已过期，请刷新页面后重试。")


class TooManyAttempts(EdgeError):
    """Sign-in is locked out for this user name or client address for a while."""

    status = 429
    code = "too_many_attempts"
    default_message = "Too many failed sign-ins. Please wait and try again. 登录失败次数过多，请稍后再试。"

    def __init__(self, retry_after_s: float, message: str | None = None) -> None:
        seconds = max(1, int(retry_after_s + 0.999))
        super().__init__(message, headers={"Retry-After": str(seconds)})
        self.retry_after_s = seconds


class UserError(EdgeError):
    """A user name, role or password was refused (the message says why; it never holds the password)."""

    status = 400
    code = "invalid_user"
    default_message = "The user details are not valid."


class NameTaken(EdgeError):
    status = 409
    code = "name_taken"
    default_message = "A user with this name already exists. 该用户名已存在。"


class SecretKeyError(EdgeError):
    """The secret that signs staff cookies is missing or unsafe: the service refuses to start."""

    code = "secret_key"
    default_message = "The secret key is not available."
