"""No raw PII anywhere: plant values through every entry point, then scan every sink."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import EDGE_AGENT, start_server
from tests.pii_values import (
    AUTH_LEAK_VALUES,
    BIRTH_DATE,
    CARD_EXPIRY,
    CVV,
    HOME_ADDRESS_EN,
    HOME_ADDRESS_ZH,
    MOBILE,
    NAME_CUELESS_ZH,
    NAME_EN,
    NAME_PAYEE_EN,
    NAME_ZH,
    OTP,
    PART_B_LEAK_VALUES,
    PIN,
    RESIDENT_ID,
    SPOKEN_MOBILE_RADIO,
    SPOKEN_MOBILE_ZH,
    UNIONPAY_19,
    WECHAT_ID,
    leak_forms,
    scan,
)

pytestmark = pytest.mark.slow

VALUES = (UNIONPAY_19, RESIDENT_ID, MOBILE, NAME_ZH, NAME_EN, *AUTH_LEAK_VALUES, *PART_B_LEAK_VALUES)
SPACED_CARD = " ".join(UNIONPAY_19[i:i + 4] for i in range(0, 19, 4))
SPOKEN_CARD = "_".join(UNIONPAY_19[i:i + 4] for i in range(0, 19, 4))  # "_" between groups (issue 11)
MESSAGES = (
    f"我叫{NAME_ZH}，卡号{UNIONPAY_19}丢了，怎么挂失？",
    f"身份证号{RESIDENT_ID}，手机{MOBILE}，信用卡临时额度怎么调？",
    f"My name is {NAME_EN}, card {SPACED_CARD}, phone +86 {MOBILE}. How do I book the sleep clinic?",
    f"卡号６２２２０２１２３４５６７８９０１２{UNIONPAY_19[-1]}被盗刷了，不是我本人操作",
    # issue 11 part A: authentication data (never stored, not even masked), a birth date, a dictated phone
    f"卡号{UNIONPAY_19}，有效期{CARD_EXPIRY}，安全码{CVV}，取款密码{PIN}，验证码是{OTP}，能帮我付款吗？",
    f"我的电话是{SPOKEN_MOBILE_ZH}，出生日期{BIRTH_DATE}，我要转人工",
    f"Card {SPOKEN_CARD}, exp {CARD_EXPIRY}, cvv {CVV}, my pin is {PIN}. Call me on {SPOKEN_MOBILE_RADIO}.",
    # issue 11 part B: a name without a cue word, home addresses, a WeChat id, a payee's name
    f"帮我查一下{NAME_CUELESS_ZH}的挂号记录，复诊要带什么？",
    f"我家住{HOME_ADDRESS_ZH}，新卡能寄到家吗？微信号{WECHAT_ID}",
    f"Please send the new card to {HOME_ADDRESS_EN}, Springfield. Then transfer 500 to {NAME_PAYEE_EN}.",
)


def post(url: str, body: bytes, tokens: dict[str, str] | None = None) -> tuple[int, bytes]:
    """POST JSON; with ``tokens``, send back the session token the session's first reply set (as a
    client must: a session belongs to the client that started it) and remember new ones."""
    headers = {"Content-Type": "application/json"}
    session = json.loads(body).get("session_id", "") if tokens is not None else ""
    if session in (tokens or {}):
        headers["X-Session-Token"] = tokens[session]
    req = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            if tokens is not None and r.headers.get("X-Session-Token"):
                tokens.setdefault(session, r.headers["X-Session-Token"])
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_no_raw_pii_in_any_sink(real_data_dir: Path, tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(real_data_dir, data)
    server = start_server(data)
    responses: list[bytes] = []
    tokens: dict[str, str] = {}
    try:
        for i, message in enumerate(MESSAGES):
            body = json.dumps({"session_id": f"leak-test-{i:04d}", "message": message}).encode()
            for path in ("/api/chat", "/api/chat/stream"):
                status, payload = post(server.url + path, body, tokens)
                assert status == 200, payload[:300]
                responses.append(payload)
        # error paths carrying PII: too long, malformed JSON, bad session id
        assert post(server.url + "/api/chat", json.dumps(
            {"session_id": "leak-test-long", "message": MESSAGES[0] * 100}).encode())[0] == 413
        assert post(server.url + "/api/chat", f'{{"message": "{UNIONPAY_19}"'.encode())[0] == 400
        assert post(server.url + "/api/chat", json.dumps(
            {"session_id": UNIONPAY_19 + "!", "message": MOBILE}).encode())[0] == 400
    finally:
        server.stop()
    # The CLI entry points, with their stdout/stderr captured
    cli_out = tmp_path / "cli.out"
    with cli_out.open("wb") as out:
        subprocess.run([EDGE_AGENT, "--data-dir", str(data), "ask", MESSAGES[1]], stdout=out, stderr=out,
                       timeout=300, check=True)
        subprocess.run([EDGE_AGENT, "--data-dir", str(data), "redact"], input="\n".join(MESSAGES).encode(),
                       stdout=out, stderr=out, timeout=300, check=True)
        subprocess.run([EDGE_AGENT, "--data-dir", str(data), "audit", "export"], stdout=out, stderr=out,
                       timeout=300, check=True)
    answers = [json.loads(r) for r in responses[::2]]
    assert all(a["redactions"] for a in answers)  # every message had something masked, with a notice
    sinks = [p for p in data.rglob("*") if p.is_file()] + [server.stdout, server.stderr, cli_out]
    assert any(p.suffix == ".log" for p in sinks) and any("sqlite" in p.name for p in sinks)
    assert scan(sinks, VALUES) == []
    # the hand-over request opened a ticket, so the ticket store was one of the sinks scanned
    with sqlite3.connect(data / "tickets.sqlite3") as conn:
        assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] >= 1
    # the replies themselves never carry the raw values either (placeholders at most)
    for payload in responses:
        text = payload.decode("utf-8")
        assert not [form for v in VALUES for form in leak_forms(v) if form in text]
