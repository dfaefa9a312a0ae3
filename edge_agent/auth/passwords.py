"""Passwords: argon2id (memory-hard, constant-time verify) and the strength rules for new ones."""
from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from edge_agent.auth.errors import UserError

MAX_CHARS = 1024        # longer input is refused before hashing (bounds the work one request can cause)
MIN_DISTINCT = 5        # at least this many different characters
PASSPHRASE_CHARS = 20   # from this length one character class is enough
COMMON: frozenset[str] = frozenset({
    "password", "password1", "password123", "passw0rd", "p@ssw0rd", "p@ssword", "qwerty", "qwertyuiop",
    "123456789012", "1234567890", "12345678", "abcd1234", "letmein", "welcome", "welcome1", "iloveyou",
    "admin", "administrator", "changeme", "trustno1", "monkey", "dragon", "sunshine", "football", "secret",
    "woaini", "woaini1314", "5201314", "1qaz2wsx", "1q2w3e4r", "zaq12wsx", "asdfghjkl", "qazwsxedc",
})


@dataclass(frozen=True)
class Verified:
    """Result of checking a password against a stored hash."""

    ok: bool
    needs_rehash: bool = False


def hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: 64 MiB, t=3, p=4)."""
    return PasswordHasher(type=Type.ID)


def hash_password(ph: PasswordHasher, password: str) -> str:
    """The argon2id hash (PHC string, salt included) of a password."""
    return ph.hash(password)


def verify_password(ph: PasswordHasher, stored: str, password: str) -> Verified:
    """Whether ``password`` matches ``stored`` (constant time); never raises for a bad hash."""
    if not isinstance(password, str) or len(password) > MAX_CHARS:
        return Verified(False)
    try:
        ph.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return Verified(False)
    return Verified(True, ph.check_needs_rehash(stored))


def _classes(password: str) -> int:
    letters = any(c.isalpha() for c in password)
    digits = any(c.isdigit() for c in password)
    other = any(not c.isalnum() for c in password)
    return letters + digits + other


def check_strength(password: object, name: str, min_chars: int) -> str:
    """The password if it meets the rules, else UserError saying which rule (never echoing it)."""
    if not isinstance(password, str) or not password:
        raise UserError("A password is required. 请输入密码。")
    if len(password) > MAX_CHARS:
        raise UserError(f"A password may be at most {MAX_CHARS} characters. 密码最多 {MAX_CHARS} 个字符。")
    if len(password) < min_chars:
        raise UserError(f"A password needs at least {min_chars} characters. 密码至少需要 {min_chars} 个字符。")
    if len(set(password)) < MIN_DISTINCT:
        raise UserError(f"A password needs at least {MIN_DISTINCT} different characters. "
                        f"密码至少需要 {MIN_DISTINCT} 个不同的字符。")
    if len(password) < PASSPHRASE_CHARS and _classes(password) < 2:
        raise UserError(f"Mix letters, digits and symbols, or use a passphrase of {PASSPHRASE_CHARS}+ characters. "
                        f"请混合使用字母、数字和符号，或使用至少 {PASSPHRASE_CHARS} 个字符的短语。")
    lowered = password.lower()
    if lowered in COMMON or lowered.rstrip("0123456789!@#$%.") in COMMON:
        raise UserError("This password is too common. 该密码过于常见。")
    if name and name.lower() in lowered:
        raise UserError("A password may not contain the user name. 密码不能包含用户名。")
    return password
