"""`edge-agent users …`: add, list, remove, set-role, passwd, and init-secret (the cookie-signing key).

Passwords are prompted twice with getpass on a terminal, or read as one line from stdin otherwise
(``printf '%s\\n' "$PW" | edge-agent users add alice --role auditor``); never taken as an argument.
"""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from typing import Callable, TextIO, TypeVar

from edge_agent.audit.staff_events import cli_recorder
from edge_agent.auth.errors import UserError
from edge_agent.auth.passwords import check_strength, hash_password, hasher
from edge_agent.auth.roles import STAFF_ROLES, check_name, check_role
from edge_agent.auth.secret import create_secret_key, secret_key_path
from edge_agent.auth.store import UserStore, users_db_path
from edge_agent.config import Settings

T = TypeVar("T")


def add_users_parser(sub: argparse._SubParsersAction) -> None:
    """Register `users` and its actions on the top-level parser."""
    users = sub.add_parser("users", help="staff accounts (agent, auditor, admin) and the sign-in secret")
    actions = users.add_subparsers(dest="users_action", required=True)
    add = actions.add_parser("add", help="create an account (password from a prompt, or one line on stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=STAFF_ROLES)
    actions.add_parser("list", help="list accounts and their roles")
    remove = actions.add_parser("remove", help="delete an account and end its sessions")
    remove.add_argument("name")
    set_role = actions.add_parser("set-role", help="change an account's role")
    set_role.add_argument("name")
    set_role.add_argument("role", choices=STAFF_ROLES)
    passwd = actions.add_parser("passwd", help="set a new password (ends the account's sessions)")
    passwd.add_argument("name")
    actions.add_parser("init-secret", help="create the secret that signs staff cookies, if it is missing")


def read_password(min_chars: int, name: str, stdin: TextIO | None = None,
                  prompt: Callable[[str], str] = getpass.getpass) -> str:
    """A new password: prompted twice on a terminal, else the first line of stdin; strength-checked."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        password = prompt(f"Password for {name} (at least {min_chars} characters): ")
        if prompt("Again: ") != password:
            raise UserError("The two passwords differ.")
    else:
        password = stdin.readline().rstrip("\r\n")
    return check_strength(password, name, min_chars)


def _with_store(settings: Settings, work: Callable[[UserStore], T]) -> T:
    store = UserStore(users_db_path(settings))
    try:
        return work(store)
    finally:
        store.close()


def cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `users` action."""
    action = args.users_action
    if action == "init-secret":
        path = secret_key_path(settings)
        created = create_secret_key(path)
        print(f"created secret key {path} (mode 0600)" if created else f"kept the existing secret key {path}")
        return 0
    if action == "list":
        def show(store: UserStore) -> int:
            accounts = store.accounts()
            for a in accounts:
                created = dt.datetime.fromtimestamp(a.created).strftime("%Y-%m-%d %H:%M")
                print(f"{a.name:32} {a.role:8} created {created}")
            if not accounts:
                print("no accounts yet: edge-agent users add NAME --role admin")
            return 0
        return _with_store(settings, show)
    name = check_name(args.name)
    with cli_recorder(settings) as record:  # each change is a signed staff event by cli:<OS user>
        if action == "add":
            role = check_role(args.role)
            digest = hash_password(hasher(), read_password(settings.password_min_chars, name))
            _with_store(settings, lambda s: s.add(name, role, digest))
            record("user_add", name, role)
            print(f"added {name} ({role})")
        elif action == "passwd":
            digest = hash_password(hasher(), read_password(settings.password_min_chars, name))
            _with_store(settings, lambda s: s.set_password_hash(name, digest))
            record("password_change", name)
            print(f"new password set for {name}; their sessions ended")
        elif action == "set-role":
            role = check_role(args.role)
            before = _with_store(settings, lambda s: _set_role(s, name, role))
            record("role_change", name, f"{before} -> {role}")
            print(f"{name} is now {role}")
        elif action == "remove":
            _with_store(settings, lambda s: s.remove(name, keep_an_admin=False))
            record("user_remove", name)
            print(f"removed {name} and ended their sessions")
    return 0


def _set_role(store: UserStore, name: str, role: str) -> str:
    """Set a role on the box (the last admin may be demoted here); returns the role before."""
    account = store.get(name)
    store.set_role(name, role, keep_an_admin=False)
    return account.role if account else ""
