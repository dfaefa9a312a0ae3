"""The out-of-scope check on the real stack (e5, Chroma, Presidio), on questions written for this test.

None of them comes from benchmarks/kb_eval.jsonl: they are clearly out of scope (diagnosis and drug advice,
investment tips, another bank, a personal balance, travel documents, weather) or clearly in scope.
"""
from __future__ import annotations

import dataclasses

import pytest

pytestmark = pytest.mark.slow

OUT_OF_SCOPE = (
    "我嗓子发炎了应该吃哪种抗生素", "我想炒股，帮我推荐几只", "农业银行的信用卡怎么申请",
    "帮我看看我账户里还有多少余额",
    "下周去泰国要办签证吗", "今天外面冷不冷",
    "what antibiotic should I take for a sore throat", "which shares will make me money this year",
    "how do I apply for an HSBC credit card", "can you tell me my current balance",
    "do I need a visa to visit Thailand", "what's the weather going to be like on Saturday",
)
IN_SCOPE = (
    "信用卡丢了怎么挂失", "社区医院周六上班吗", "带孩子打疫苗需要预约吗", "开户要带什么证件", "怎么预约睡眠门诊",
    "how do I report a stolen card", "is the health centre open on Saturdays",
    "do I need an appointment for my child's vaccines", "what documents do I need to open an account",
    "how much is the annual fee on the gold credit card",
)


@pytest.fixture
def quoting(real_services):
    before = real_services.chat.settings
    real_services.chat.settings = dataclasses.replace(before, answer_mode="quote")
    yield real_services
    real_services.chat.settings = before


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_is_declined(quoting, question):
    reply = quoting.chat.answer(f"scope-real-out-{OUT_OF_SCOPE.index(question)}", question)
    assert reply.answer_kind == "declined" and reply.sources == ()


@pytest.mark.parametrize("question", IN_SCOPE)
def test_in_scope_is_answered(quoting, question):
    reply = quoting.chat.answer(f"scope-real-in-{IN_SCOPE.index(question)}", question)
    assert reply.answer_kind == "quoted" and reply.sources
