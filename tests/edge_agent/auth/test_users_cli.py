"""`edge-agent users …`: passwords from stdin (not a terminal) or getpass, hashed; roles; removal."""
from __future__ import annotations

import io
import sqlite3

import pytest

from edge_agent.auth.commands import read_password
from edge_agent.auth.errors import UserError
from edge_agent.cli import main

GOOD = "Teller-Window-2-pass"


def run(tmp_path, monkeypatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--data-dir", str(tmp_path / "data"), "users", *args])


def stored(tmp_path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(tmp_path / "data" / "users.sqlite3") as conn:
        return {n: (r, h) for n, r, h in conn.execute("SELECT name, role, password_hash FROM users")}


def test_add_list_set_role_passwd_remove(tmp_path, monkeypatch, capsys):
    assert run(tmp_path, monkeypatch, "add", "Alice", "--role", "auditor", stdin=GOOD + "\n") == 0
    role, digest = stored(tmp_path)["alice"]  # names are stored lower case
    assert role == "auditor" and digest.startswith("$argon2id$") and GOOD not in digest
    assert run(tmp_path, monkeypatch, "list") == 0
    assert "alice" in capsys.readouterr().out
    assert run(tmp_path, monkeypatch, "set-role", "alice", "admin") == 0
    assert stored(tmp_path)["alice"][0] == "admin"
    assert run(tmp_path, monkeypatch, "passwd", "alice", stdin="Another-Teller-pass-9\n") == 0
    assert stored(tmp_path)["alice"][1] != digest
    assert run(tmp_path, monkeypatch, "remove", "alice") == 0
    assert stored(tmp_path) == {}


@pytest.mark.parametrize("args, stdin, words", [
    (("add", "bob", "--role", "agent"), "short\n", "at least 12"),                      # weak password
    (("add", "bob", "--role", "agent"), "", "password is required"),                    # nothing on stdin
    (("add", "9bob", "--role", "agent"), GOOD + "\n", "user name"),                     # bad name
    (("remove", "nobody"), "", "no user named nobody"),                                 # unknown user
    (("set-role", "nobody", "agent"), "", "no user named nobody"),
])
def test_refusals(tmp_path, monkeypatch, capsys, args, stdin, words):
    assert run(tmp_path, monkeypatch, *args, stdin=stdin) == 1
    err = capsys.readouterr().err
    assert words in err.lower() or words in err
    assert not stdin.strip() or stdin.strip() not in err  # never echoes the password


def test_duplicate_name(tmp_path, monkeypatch, capsys):
    assert run(tmp_path, monkeypatch, "add", "carol", "--role", "agent", stdin=GOOD + "\n") == 0
    assert run(tmp_path, monkeypatch, "add", "carol", "--role", "admin", stdin=GOOD + "\n") == 1
    assert "already exists" in capsys.readouterr().err


def test_unknown_role_is_refused_by_the_parser(tmp_path, monkeypatch):
    with pytest.raises(SystemExit):
        run(tmp_path, monkeypatch, "add", "dave", "--role", "kiosk", stdin=GOOD + "\n")


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_prompts_twice_with_getpass():
    answers = iter([GOOD, GOOD])
    assert read_password(12, "erin", Tty(), prompt=lambda _: next(answers)) == GOOD
    answers = iter([GOOD, GOOD + "x"])
    with pytest.raises(UserError, match="differ"):
        read_password(12, "erin", Tty(), prompt=lambda _: next(answers))
