"""Key files (the pseudonym key, the staff cookie secret): created 0600, refused when their group or other users
can read or write them (issue 12, Low: group-readable keys were accepted)."""
from __future__ import annotations

import os
import stat

import pytest

from guardrails.keys import KeyFileError, KeyFileProblem, load_or_create_secret, read_hex_key


def test_created_with_mode_0600_and_read_back(tmp_path):
    path = tmp_path / "keys" / "pseudonym.key"
    key = load_or_create_secret(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and load_or_create_secret(path) == key


@pytest.mark.parametrize("mode, refused", [
    (0o600, False),  # owner only
    (0o400, False),  # owner read-only
    (0o640, True),   # group may read
    (0o660, True),   # group may write
    (0o610, True),   # group may execute (still the group's)
    (0o604, True),   # others may read
    (0o644, True),   # the usual umask 022 default
])
def test_group_or_other_access_is_refused(tmp_path, mode, refused):
    path = tmp_path / "pseudonym.key"
    path.write_text("ab" * 32)
    os.chmod(path, mode)
    if not refused:
        assert read_hex_key(path) == bytes.fromhex("ab" * 32)
        return
    with pytest.raises(KeyFileProblem) as problem:
        read_hex_key(path)
    assert problem.value.kind == "exposed" and problem.value.mode == mode
    with pytest.raises(KeyFileError, match=rf"group or other users \(mode {mode:04o}\).*chmod 600"):
        load_or_create_secret(path)
