"""Escalation triggers, Chinese and English, one commented row per case."""
import pytest

from guardrails.escalation import REASONS, EscalationPolicy, parse_triggers

POLICY = EscalationPolicy()


@pytest.mark.parametrize("message, reason", [
    ("转人工", "asked_for_human"),                                              # the classic
    ("我要找人工客服，机器人听不懂", "asked_for_human"),                          # asks for a person
    ("Can I talk to a human please?", "asked_for_human"),                       # English
    ("I want to speak with a real person", "asked_for_human"),                  # English variant
    ("我父亲上个月去世了，他的银行卡和手机号怎么注销？", "distress"),               # bereavement
    ("My mother passed away and I need to close her account", "distress"),      # bereavement, English
    ("我真的不想活了", "distress"),                                             # crisis
    ("这笔消费不是我本人操作的！", "fraud_report"),                              # fraud, Chinese
    ("My card was used abroad without my consent", "fraud_report"),             # fraud, English
    ("There are charges I don't recognise on <CREDIT_CARD_1>", "fraud_report"),  # fraud on a redacted message
    ("我要投诉你们网点的服务", "complaint"),                                     # complaint
    ("This is unacceptable, I'm furious", "complaint"),                         # anger
    ("被盗刷了我要投诉", "fraud_report"),                                       # fraud wins over complaint
])
def test_triggers(message, reason):
    found = POLICY.check_message(message)
    assert found is not None and found.reason == reason


@pytest.mark.parametrize("message", [
    "信用卡临时额度怎么调？",                       # an ordinary question
    "How do I book the sleep clinic?",            # ordinary, English
    "What is the operating theatre's phone?",     # 'operat' inside a word is not 'operator'
    "Is the humanities lecture open to staffers?",  # 'human' inside a word
    "我想了解一下人工智能",                          # 人工智能 is not 人工客服
])
def test_ordinary_messages_do_not_escalate(message):
    assert POLICY.check_message(message) is None


def test_no_answer_twice_in_a_row():
    assert POLICY.check_no_answer(1) is None
    assert POLICY.check_no_answer(2).reason == "no_answer"


def test_triggers_can_be_switched_off():
    policy = EscalationPolicy(enabled=parse_triggers("asked_for_human"))
    assert policy.check_message("我要投诉") is None and policy.check_message("转人工").reason == "asked_for_human"
    assert policy.check_no_answer(5) is None
    assert parse_triggers("all") == REASONS and parse_triggers("none") == ()
    with pytest.raises(ValueError, match="unknown escalation triggers"):
        EscalationPolicy(enabled=("shouting",))
