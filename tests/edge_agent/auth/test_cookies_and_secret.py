"""Cookie flags, and the service refusing to start without its secret key."""
from __future__ import annotations

import dataclasses
import os
import time

import pytest

from edge_agent.auth.errors import SecretKeyError
from edge_agent.auth.secret import create_secret_key, load_secret_key
from edge_agent.cli import main
from edge_agent.web import create_app
from tests.edge_agent.auth.conftest import ACCOUNTS, login


def set_cookie_headers(resp) -> list[str]:
    return resp.headers.getlist("Set-Cookie")


def test_cookie_flags_over_https(fake_services):
    client = create_app(dataclasses.replace(fake_services.settings, cookie_secure=True), fake_services).test_client()
    (cookie,) = set_cookie_headers(client.get("/login", base_url="https://localhost"))
    assert cookie.startswith("__Host-edge_staff=")
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite", "path"} <= set(attributes), cookie
    assert attributes["samesite"] == "SameSite=Strict" and attributes["path"] == "Path=/"
    assert "domain" not in attributes and "expires" not in attributes  # host-only, gone with the browser


def test_cookie_flags_on_a_plain_http_lan(client, accounts):
    resp = login(client, ACCOUNTS["auditor"])
    (cookie,) = set_cookie_headers(resp)
    assert cookie.startswith("edge_staff=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie


def test_kiosk_gets_no_cookie(client):
    assert not set_cookie_headers(client.get("/"))
    assert not set_cookie_headers(client.post("/api/session/end", json={"session_id": "kiosk-session-0001"}))


def test_app_refuses_to_start_without_the_secret(fake_services, tmp_path):
    settings = dataclasses.replace(fake_services.settings, secret_key_file=tmp_path / "missing.key")
    with pytest.raises(SecretKeyError) as info:
        create_app(settings, fake_services)
    assert "secret_key_file" in info.value.message and "EDGE_SECRET_KEY_FILE" in info.value.message
    assert "edge-agent users init-secret" in info.value.message


@pytest.mark.parametrize("content, mode, words", [
    ("ab" * 32, 0o644, "accessible to its group or other users"),  # readable by everyone
    ("ab" * 32, 0o640, r"accessible to its group.*mode 0640.*chmod 600"),  # readable by the group (issue 12)
    ("ab" * 32, 0o620, "accessible to its group"),  # writable by the group
    ("not hex at all", 0o600, "does not hold a hex key"),
    ("ab" * 8, 0o600, "shorter than 32 bytes"),
])
def test_unsafe_secret_is_refused(settings, tmp_path, content, mode, words):
    path = tmp_path / "bad.key"
    path.write_text(content)
    os.chmod(path, mode)
    with pytest.raises(SecretKeyError, match=words):
        load_secret_key(dataclasses.replace(settings, secret_key_file=path))


def test_serve_refuses_fast_without_the_secret(tmp_path, capsys):
    started = time.monotonic()
    code = main(["--data-dir", str(tmp_path / "data"), "serve", "--port", "1"])
    assert code == 1 and time.monotonic() - started < 5  # before the model or Presidio load
    err = capsys.readouterr().err
    assert "secret_key_file (EDGE_SECRET_KEY_FILE)" in err and "edge-agent users init-secret" in err


def test_init_secret_creates_once_and_never_overwrites(tmp_path, capsys):
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "users", "init-secret"]) == 0
    path = data / "keys" / "secret.key"
    first = path.read_text()
    assert (path.stat().st_mode & 0o777) == 0o600 and len(bytes.fromhex(first.strip())) == 32
    assert main(["--data-dir", str(data), "users", "init-secret"]) == 0
    assert path.read_text() == first
    assert "kept the existing" in capsys.readouterr().out
    assert not create_secret_key(path)
