"""Escalation triggers, Chinese and English, one commented row per case."""
import re

import pytest

from guardrails.escalation import (
    CRISIS,
    INFO_QUESTION,
    REASONS,
    TOPICS,
    TRIGGERS,
    EscalationPolicy,
    is_crisis,
    parse_triggers,
)

POLICY = EscalationPolicy()

TRIGGER_CASES = [
    # --- the original rows ---
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

    # --- asked_for_human, English ---
    ("agent please", "asked_for_human"),                                        # two words, no verb
    ("human pls", "asked_for_human"),                                           # texting style
    ("Operator", "asked_for_human"),                                            # a single word
    ("HUMAN!!!", "asked_for_human"),                                            # shouted
    ("hi, customer service please", "asked_for_human"),                         # greeting + request
    ("real person", "asked_for_human"),                                         # bare noun phrase
    ("can I talk to a person", "asked_for_human"),                              # question form
    ("I need to speak to someone about my mortgage", "asked_for_human"),        # 'someone' with a subject
    ("put me through to a manager", "asked_for_human"),                         # 'put me through'
    ("Get me your supervisor now", "asked_for_human"),                          # supervisor
    ("is there an actual human I can chat with?", "asked_for_human"),           # 'is there ... I can'
    ("stop, I don't want a bot", "asked_for_human"),                            # rejects the bot
    ("Could someone call me back on <PHONE_NUMBER_1>?", "asked_for_human"),     # call-back request, redacted phone
    ("I’d like to speak to a representative", "asked_for_human"),               # curly apostrophe
    ("please escalate this", "asked_for_human"),                                # escalate
    # --- asked_for_human, Chinese ---
    ("人工！", "asked_for_human"),                                              # one word, full-width !
    ("人工服务", "asked_for_human"),                                            # bare service name
    ("转客服", "asked_for_human"),                                              # 转 + 客服
    ("找个真人", "asked_for_human"),                                            # 真人
    ("我要找你们领导", "asked_for_human"),                                      # 领导
    ("叫你们经理来跟我说", "asked_for_human"),                                  # 经理, imperative
    ("能不能来个活人啊", "asked_for_human"),                                    # colloquial 活人
    ("你们负责人呢？", "asked_for_human"),                                      # 'where is your boss'
    ("有人工服务吗", "asked_for_human"),                                        # asks whether a person is available
    ("投诉电话是多少", "asked_for_human"),                                  # complaints line: a person (documented)
    ("我不想跟机器人说话", "asked_for_human"),                                  # rejects the robot
    ("麻烦帮我转一下柜员", "asked_for_human"),                                  # 柜员 with a request verb
    ("轉人工", "asked_for_human"),                                              # traditional characters
    ("转 人工", "asked_for_human"),                                             # ASR inserted a space

    # --- fraud_report, English ---
    ("someone called saying my account is compromised and I must move my money", "fraud_report"),  # move money
    ("I think I'm being scammed right now, a man says he's from the bank", "fraud_report"),        # in progress
    ("a guy from the bank wants me to install teamviewer", "fraud_report"),     # remote-control app
    ("They told me to move everything into a safe account", "fraud_report"),   # safe account
    ("the caller is asking for the 6-digit code you just texted me", "fraud_report"),  # code demanded
    ("I gave him my one-time code, what do I do", "fraud_report"),             # code already given
    ("The police rang and said I'm under investigation for money laundering", "fraud_report"),  # police call
    ("I've been defrauded", "fraud_report"),                                    # plain statement
    ("we got conned out of 3000 pounds", "fraud_report"),                       # 'conned'
    ("Is this a scam? they want AnyDesk on my laptop", "fraud_report"),         # AnyDesk
    ("The 'refund' guy says he overpaid me and asked me to send the difference", "fraud_report"),  # refund scam
    ("A crypto mentor on WhatsApp promised guaranteed 20% returns", "fraud_report"),  # investment group
    ("someone emptied my savings overnight", "fraud_report"),                   # money gone
    ("I want to report fraud on my card", "fraud_report"),                      # reporting, not asking about
    # --- fraud_report, Chinese ---
    ("有人说我的卡涉嫌洗钱，让我把钱转到安全账户，我正在转", "fraud_report"),    # the classic safe-account script
    ("对方自称是公安局的，说我涉案了", "fraud_report"),                          # police impersonation
    ("客服说要退款给我让我开通备用金", "fraud_report"),                          # fake customer-service refund
    ("他让我下载向日葵远程帮我操作", "fraud_report"),                            # 向日葵
    ("刚才有个人问我要短信验证码，我给了", "fraud_report"),                      # code demanded
    ("我好像被骗了", "fraud_report"),                                           # first-person, hedged
    ("被骗了！怎么办", "fraud_report"),                                         # bare exclamation
    ("群里的老师说跟着他投资稳赚，我已经转了五万", "fraud_report"),              # investment group
    ("他要我开屏幕共享才能解冻账户", "fraud_report"),                            # screen sharing
    ("接到法院的电话说我有传票", "fraud_report"),                                # court call
    ("网上有人让我刷单，先垫付了两千", "fraud_report"),                          # order brushing
    ("对方叫我先交保证金才能放款", "fraud_report"),                              # advance-fee loan
    ("我的账户被盗了", "fraud_report"),                                         # account taken over
    ("我被騙了", "fraud_report"),                                               # traditional characters

    # --- distress, English ---
    ("I can't cope anymore, I don't want to be here", "distress"),              # hopelessness
    ("I just can't go on like this", "distress"),                               # can't go on
    ("honestly I don't want to live", "distress"),                              # plain words
    ("there's no point anymore", "distress"),                                   # no point
    ("I want to end it.", "distress"),                                          # end it, sentence-final
    ("sometimes I think everyone would be better off without me", "distress"),  # burden
    ("my husband passed away last week", "distress"),                           # bereavement
    ("My dad died on Sunday and his card is still active", "distress"),         # 'died' with a person
    ("I'm the widow of an account holder", "distress"),                         # widow
    ("my partner hits me and controls my money", "distress"),                   # domestic violence
    ("I was mugged outside the branch", "distress"),                            # violence
    # --- distress, Chinese ---
    ("活着没意思", "distress"),                                                 # hopelessness
    ("我真的撑不下去了", "distress"),                                           # can't hold on
    ("我想死", "distress"),                                                     # plain
    ("欠了太多钱，一了百了算了", "distress"),                                   # debt + ideation
    ("我老伴走了，他的存折怎么办", "distress"),                                 # '走了' = died
    ("我妈前几天没了", "distress"),                                             # '没了' = died
    ("我老公天天打我", "distress"),                                             # domestic violence
    ("我快崩溃了", "distress"),                                                 # overwhelmed
    ("我不想活了，有人还让我转账", "distress"),                                  # crisis wins over fraud

    # --- complaint ---
    ("排队等了两个小时，你们态度太差了", "complaint"),                           # long wait, attitude
    ("Worst bank ever, I'm fed up", "complaint"),                               # English anger
]

ORDINARY = [
    # --- the original rows ---
    "信用卡临时额度怎么调？",                       # an ordinary question
    "How do I book the sleep clinic?",            # ordinary, English
    "What is the operating theatre's phone?",     # 'operat' inside a word is not 'operator'
    "Is the humanities lecture open to staffers?",  # 'human' inside a word
    "我想了解一下人工智能",                          # 人工智能 is not 人工客服
    # --- English information questions ---
    "how do I report a lost card",                # lost card: FAQ
    "what is the fraud hotline number",           # information about fraud, not a report
    "how to avoid scams",                         # prevention advice
    "What are the warning signs of a safe account scam?",  # explainer question
    "what time do tellers start",                 # staff mentioned as information
    "I'm dying to know the opening hours",        # 'dying' idiom
    "how do I kill the app when it freezes",      # 'kill' the app
    "my phone died, can I still use the kiosk",   # a battery, not a person
    "Which mobile operator works with your SMS alerts?",  # 'operator' as a telecom
    "What are customer service hours on weekends?",  # asks about the service
    "How do I transfer money to my daughter's account?",  # a normal transfer
    "Can I share my account with my husband?",    # joint account
    "What should I do if someone uses my card?",  # hypothetical
    "Do you need a manager's signature for a business loan?",  # possessive, not a request
    "Where is the emergency department?",         # clinic wayfinding
    "I can't cope with the new app layout",       # 'cope with' an app is not despair
    "I want to end the subscription",             # 'end' a product
    "how do I reset my password",                 # no trigger words
    "is the staff car park free?",                # 'staff' as an adjective
    # --- Chinese information questions ---
    "诈骗电话怎么识别",                             # spotting scam calls
    "人工服务几点下班",                             # hours of the human service (documented: information)
    "柜员几点上班？",                               # staff as information
    "客服电话是多少",                               # the hotline, an FAQ
    "反洗钱规定要求提供哪些材料",                    # anti-money-laundering rules
    "如果被骗了怎么办",                             # hypothetical
    "怎么防止信用卡被盗刷",                         # prevention
    "收不到短信验证码怎么办",                       # an ordinary OTP problem
    "垃圾短信怎么屏蔽",                             # spam SMS is not a complaint
    "手机银行闪退了，app崩溃",                       # the app crashed, not the person
    "我想预约人工流产手术",                         # clinic: 人工流产 is not 人工客服
    "想死你们了，今天来办卡",                        # idiom: 'missed you to death'
    "笑死，这个利率怎么算",                          # laughing idiom
    "工作人员几点上班",                             # staff as information
    "我怎么给女儿转账",                             # ordinary transfer
    "遇到冒充客服的电话有哪些常见手段",               # asking about scam tactics
    "我没有被骗，只是想问问理财产品",                  # negated
]


@pytest.mark.parametrize("message, reason", TRIGGER_CASES)
def test_triggers(message, reason):
    found = POLICY.check_message(message)
    assert found is not None and found.reason == reason, (message, found)


@pytest.mark.parametrize("message", ORDINARY)
def test_ordinary_messages_do_not_escalate(message):
    assert POLICY.check_message(message) is None


def test_case_tables_are_big_enough_in_both_languages():
    def zh(m):
        return bool(re.search(r"[\u4e00-\u9fff]", m))
    assert sum(zh(m) for m, _ in TRIGGER_CASES) >= 40 and sum(not zh(m) for m, _ in TRIGGER_CASES) >= 40
    assert sum(zh(m) for m in ORDINARY) >= 12 and sum(not zh(m) for m in ORDINARY) >= 12


@pytest.mark.parametrize("message, crisis", [
    ("我不想活了", True),                          # the crisis flag for the handover
    ("活着没意思", True),                          # plain hopelessness
    ("I don't want to be alive anymore", True),   # English
    ("my husband passed away", False),             # bereavement is not a crisis
    ("我老伴走了", False),                          # nor in Chinese
])
def test_crisis_flag(message, crisis):
    assert is_crisis(message) is crisis


def test_tables_are_data_and_compile():
    for table in (*TRIGGERS.values(), *TOPICS.values()):
        assert set(table) == {"zh", "en"} and all(isinstance(p, str) for p in (*table["zh"], *table["en"]))
    for table in (CRISIS, INFO_QUESTION):
        for patterns in table.values():
            for p in patterns:
                re.compile(p)
    assert set(TOPICS) <= set(TRIGGERS)


def test_no_answer_twice_in_a_row():
    assert POLICY.check_no_answer(1) is None
    assert POLICY.check_no_answer(2).reason == "no_answer"


def test_triggers_can_be_switched_off():
    policy = EscalationPolicy(enabled=parse_triggers("asked_for_human"))
    assert policy.check_message("我要投诉") is None and policy.check_message("转人工").reason == "asked_for_human"
    assert policy.check_message("我不想活了") is None  # crisis belongs to 'distress'
    assert policy.check_no_answer(5) is None
    assert parse_triggers("all") == REASONS and parse_triggers("none") == ()
    with pytest.raises(ValueError, match="unknown escalation triggers"):
        EscalationPolicy(enabled=("shouting",))
