"""Roles, the signed-in User, and the rules for user names."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from edge_agent.auth.errors import UserError

KIOSK = "kiosk"      # anonymous: the chat page and chat API; never a stored account
AGENT = "agent"      # the escalation queue
AUDITOR = "auditor"  # read-only: transcripts, chain verification, export
ADMIN = "admin"      # knowledge base and users
MANAGER = "manager"  # demand insights only (k-anonymous aggregates): never transcripts, /audit or raw records
ROLES: tuple[str, ...] = (KIOSK, AGENT, AUDITOR, ADMIN, MANAGER)
STAFF_ROLES: tuple[str, ...] = (AGENT, AUDITOR, ADMIN, MANAGER)  # roles a stored account can have

ROLE_LABELS: dict[str, str] = {AGENT: "坐席 Agent", AUDITOR: "审计员 Auditor", ADMIN: "管理员 Admin",
                               MANAGER: "经理 Manager"}
ROLE_HOME: dict[str, str] = {AGENT: "/agent", AUDITOR: "/audit", ADMIN: "/admin/users", MANAGER: "/insights"}

NAME_RE = re.compile(r"[a-z][a-z0-9._-]{1,31}")


@dataclass(frozen=True)
class User:
    """A signed-in staff member."""

    name: str
    role: str


def normalize_name(raw: object) -> str:
    """A user name as stored: NFKC, trimmed, lower case (does not check it)."""
    if not isinstance(raw, str):
        return ""
    return unicodedata.normalize("NFKC", raw).strip().lower()


def check_name(raw: object) -> str:
    """The normalized user name, or UserError: 2-32 of a-z 0-9 . _ -, starting with a letter."""
    name = normalize_name(raw)
    if not NAME_RE.fullmatch(name):
        raise UserError("A user name is 2-32 characters: letters a-z, digits, '.', '_' or '-', starting with a "
                        "letter. 用户名为 2-32 个字符：字母、数字、'.'、'_'、'-'，以字母开头。")
    return name


def check_role(raw: object) -> str:
    """The role if it is one a stored account can have, else UserError."""
    if raw not in STAFF_ROLES:
        raise UserError(f"The role must be one of {', '.join(STAFF_ROLES)}. 角色必须是 {', '.join(STAFF_ROLES)} 之一。")
    return str(raw)
