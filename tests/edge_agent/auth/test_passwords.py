"""Passwords: argon2id hashes, constant-time verification, and the strength rules (one row per case)."""
from __future__ import annotations

import pytest
from argon2 import Type, extract_parameters

from edge_agent.auth.errors import UserError
from edge_agent.auth.passwords import MAX_CHARS, check_strength, hash_password, hasher, verify_password
from edge_agent.auth.services import DUMMY_HASH, auth_services
from tests.edge_agent.auth.conftest import ACCOUNTS, PASSWORD, login


def test_hash_is_argon2id_salted_and_memory_hard(password_hash):
    assert password_hash.startswith("$argon2id$")
    params = extract_parameters(password_hash)
    assert params.type is Type.ID and params.memory_cost >= 65536 and params.time_cost >= 2
    assert hash_password(hasher(), PASSWORD) != password_hash  # a new salt every time


def test_unknown_names_are_checked_against_a_hash_of_the_same_cost(password_hash):
    assert extract_parameters(DUMMY_HASH) == extract_parameters(password_hash)


def test_verify(password_hash):
    ph = hasher()
    assert verify_password(ph, password_hash, PASSWORD).ok
    assert not verify_password(ph, password_hash, PASSWORD + "x").ok
    assert not verify_password(ph, "not a hash", PASSWORD).ok
    assert not verify_password(ph, password_hash, "x" * (MAX_CHARS + 1)).ok


def test_stored_accounts_hold_argon2id_only(app, accounts):
    store = auth_services(app).store
    for name in accounts.values():
        role, digest = store.password_hash(name)
        assert digest.startswith("$argon2id$") and PASSWORD not in digest


def test_password_added_on_the_admin_page_is_hashed(app, client, accounts):
    from tests.edge_agent.auth.conftest import page_token

    login(client, ACCOUNTS["admin"])
    token = page_token(client, "/admin/users")
    client.post("/admin/users", data={"csrf_token": token, "username": "nurse.li", "role": "agent",
                                      "password": "Ward-7-night-shift", "password2": "Ward-7-night-shift"})
    digest = auth_services(app).store.password_hash("nurse.li")[1]
    assert digest.startswith("$argon2id$") and "Ward-7" not in digest


@pytest.mark.parametrize("password, ok", [
    ("Correct-Horse-42", True),               # letters, digits, symbols
    ("correct horse battery staple", True),   # a long passphrase needs one class only
    ("柜台二号窗口的密码2024", True),           # Chinese letters count as letters
    ("Short-1", False),                       # under 12 characters
    ("abcdefghijkl", False),                  # 12 letters, one class, not a passphrase
    ("111111111111111", False),               # one repeated character
    ("abababababab12", False),                # fewer than 5 different characters
    ("Password123!", False),                  # a common password with digits and a symbol added
    ("p@ssw0rd2024!", False),                 # a common password with a suffix
    ("Alice-2024-secret", False),             # contains the user name
    ("", False),                              # empty
    ("x1" * 600, False),                      # over the length cap
])
def test_strength_rules(password, ok):
    if ok:
        assert check_strength(password, "alice", 12) == password
    else:
        with pytest.raises(UserError) as info:
            check_strength(password, "alice", 12)
        assert password not in info.value.message or not password
