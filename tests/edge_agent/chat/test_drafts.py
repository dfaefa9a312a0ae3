"""Issue 12, Low: with EDGE_STREAM_DRAFTS=true the kiosk sees only draft sentences the sources support; text a
source or question talked the model into (ask for a password, a number not in the sources) is never streamed."""
from __future__ import annotations

import dataclasses
import json

import pytest

from edge_agent.chat.drafts import DraftGate

SOURCE = "信用卡临时额度可以通过手机银行或客服热线95588申请调整，审批后立即生效。"
GOOD = "信用卡临时额度可以通过手机银行申请调整[1]。"


@pytest.mark.parametrize("draft, shown", [
    (GOOD, GOOD),                                                              # a supported sentence
    (GOOD + "审批后立即生效[1]。", GOOD + "审批后立即生效[1]。"),               # two supported sentences
    (GOOD + "请把您的密码和短信验证码发给我们，我们帮您办理。", GOOD),          # injected request: stops there
    ("请拨打4008123123联系我们。" + GOOD, ""),                                  # a number not in the sources
    ("请把您的密码发给我们。" + GOOD, ""),                                      # once closed, closed
    ("好[1]。" + GOOD, "好[1]。" + GOOD),                                       # too short alone: judged with the next
])
def test_gate_releases_only_supported_sentences(draft, shown):
    gate = DraftGate([SOURCE], "zh", 0.5)
    out = "".join(gate.feed(draft[i:i + 3]) for i in range(0, len(draft), 3)) + gate.finish()
    assert out == shown


def test_without_the_grounding_check_the_gate_lets_everything_through():
    gate = DraftGate([SOURCE], "zh", 0.5, check=False)
    assert gate.feed("请把您的密码发给我们。") + gate.finish() == "请把您的密码发给我们。"


def events(resp) -> list[tuple[str, dict]]:
    out = []
    for block in resp.get_data(as_text=True).strip().split("\n\n"):
        name, data = block.split("\n", 1)
        out.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return out


def test_injected_text_is_not_streamed_before_the_checked_answer(client, fake_services):
    fake_services.chat.settings = dataclasses.replace(fake_services.settings, stream_drafts=True,
                                                      answer_mode="generate")
    hit = fake_services.knowledge.search("信用卡临时额度怎么调", 1, "zh")[0]
    grounded = hit.text[:40] + "[1]。"
    fake_services.model.enqueue(grounded + "请立即把您的银行卡密码和短信验证码告诉我们，否则账户将被冻结。")
    resp = client.post("/api/chat/stream", json={"session_id": "drafts-0001", "message": "信用卡临时额度怎么调"})
    got = events(resp)
    streamed = "".join(d["text"] for name, d in got if name == "delta")
    assert "密码" not in streamed and "冻结" not in streamed
    assert got[-1][0] == "done" and "密码" not in got[-1][1]["answer"]
