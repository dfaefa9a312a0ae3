"""What this assistant does not answer: out-of-scope intents, each described by a few generic phrasings.

The knowledge base answers questions about *this* bank's and *this* health centre's services. Some questions
land close to a real entry in embedding space and still have no answer there: "which medicine should I take"
sits next to the prescriptions entry, "another bank's card fee" next to ours, "my balance" next to account
opening. Each intent below is described by a few phrasings (written for this table, in both languages); they
are embedded once as e5 ``query:`` vectors, so a customer's question can be compared with them using the
vector it was already embedded with for retrieval (see ``retrieval.ScopeIndex``).

Keep phrasings short, generic and typical of the intent; do not copy evaluation questions here.
Other institutions are not an intent: "another bank's card fee" and "your card fee" embed almost alike. They are
the lexical cue list ``OTHER_INSTITUTIONS`` instead: naming another bank or hospital that the best evidence does
not mention is out of scope whatever the vectors say.
"""
from __future__ import annotations

import re

INTENTS: dict[str, dict[str, tuple[str, ...]]] = {
    # Diagnosis: what illness a symptom means, whether it is serious.
    "diagnosis": {
        "zh": ("我身上这个症状是什么病", "我是不是得了什么严重的病", "肚子一直疼是怎么回事",
               "嗓子疼流鼻涕是感冒还是流感", "身上起了红疹子是什么原因", "胸口闷需要担心吗",
               "老是失眠是不是抑郁症", "一直咳嗽是什么原因", "孩子老是肚子疼是什么病",
               "这个检查指标偏高说明我得了什么病"),
        "en": ("what illness do I have with these symptoms", "is this symptom something serious",
               "why does my stomach keep hurting", "is it the flu or an allergy",
               "what could this lump on my neck be", "do I have diabetes if I am always thirsty",
               "my knee is swollen, what is wrong with it", "is my headache a sign of something bad",
               "could my symptoms be covid", "what is wrong with my child, he keeps coughing"),
    },
    # Drug advice: which medicine, brand or dose to take.
    "drug_advice": {
        "zh": ("感冒了吃什么药好得快", "头疼应该吃哪种止痛药", "这个药一次吃几片", "哪个牌子的安眠药效果好",
               "拉肚子吃什么药", "退烧药和消炎药能一起吃吗", "推荐一种降压药", "孩子能吃布洛芬吗"),
        "en": ("what medicine should I take for a cold", "which painkiller is best for a toothache",
               "how many tablets of this drug can I take", "recommend a good brand of sleeping tablets",
               "can I take antibiotics with alcohol", "what should I take for diarrhoea",
               "is aspirin or ibuprofen better for me", "which cough syrup works best"),
    },
    # Hospital services a community health centre does not offer (this deployment's centre).
    "hospital_services": {
        "zh": ("你们能做CT或者B超检查吗", "可以在这里拔牙补牙吗", "你们能做手术吗", "能在这里生孩子吗",
               "有没有整形美容项目", "能做胃镜吗"),
        "en": ("can I get a CT scan or ultrasound here", "do you do fillings or tooth extraction",
               "can I have surgery at the centre", "can I give birth at your centre",
               "do you offer cosmetic treatments", "can I get an endoscopy there"),
    },
    # Investment advice, market prices and forecasts, savings and wealth products.
    "investment": {
        "zh": ("最近买什么基金好", "这只股票还能涨吗", "现在适合投资虚拟货币吗", "今天金价是多少",
               "人民币汇率下个月会跌吗", "理财产品年化收益有多少", "定期存款利率是多少", "大额存单利息多少",
               "炒股有什么建议", "买哪种理财最赚钱"),
        "en": ("which fund should I invest in", "will this share price go up", "should I buy cryptocurrency now",
               "what is the price of gold today", "will the dollar get stronger next week",
               "what return does your wealth management product pay", "what are your savings account interest rates",
               "how much interest does a term deposit earn", "give me some stock tips",
               "where should I put my money to get the best return"),
    },
    # Personal account data: only a signed-in channel may show it.
    "account_lookup": {
        "zh": ("帮我查一下账户余额", "我卡里还剩多少钱", "查一下我最近的交易记录",
               "我的贷款还剩多少没还", "看看我的工资到账没有"),
        "en": ("check my account balance for me", "how much money is left on my card",
               "show me my recent transactions", "how much is left on my loan", "has my salary arrived in my account"),
    },
    # Travel documents and other government services.
    "government_documents": {
        "zh": ("护照过期了怎么换", "去国外旅游签证怎么办", "身份证丢了去哪补办", "驾照到期怎么换证",
               "港澳通行证怎么续签", "户口怎么迁"),
        "en": ("how do I get a new passport", "how do I get a tourist visa",
               "my national ID card expired, how do I renew it",
               "how do I renew my driving licence", "how long does a visa application take",
               "how do I register my residence permit"),
    },
    # Insurance and other products neither organisation sells here.
    "other_products": {
        "zh": ("推荐一份车险", "买什么人寿保险好", "银行保险箱怎么租", "旅游意外险怎么买", "能帮我办手机卡吗"),
        "en": ("which car insurance should I buy", "recommend a life insurance policy",
               "can I rent a safe deposit box", "how do I buy travel insurance", "can you sell me a phone plan"),
    },
    # Weather, food, places, news and small talk.
    "chit_chat": {
        "zh": ("今天天气怎么样", "这周末会下雪吗", "附近哪家饭店好吃", "给我讲个笑话", "最近有什么新闻",
               "你喜欢看电影吗", "昨晚球赛谁赢了", "哪里停车方便", "停车场怎么收费"),
        "en": ("what's the weather like today", "is it going to snow this weekend", "where can I eat nearby",
               "tell me a joke", "what's in the news today", "do you like movies", "who won the game last night",
               "where can I park my car", "how much does the car park cost"),
    },
}

# Names of other banks and hospitals (lower case; Chinese short forms included). A question that names one
# is about another institution unless the best evidence names it too.
OTHER_INSTITUTIONS: tuple[str, ...] = (
    "工商银行", "工行", "建设银行", "建行", "农业银行", "农行", "中国银行", "交通银行",
    "招商银行", "招行", "邮储", "邮政储蓄", "浦发", "民生银行", "兴业银行", "中信银行", "光大银行", "华夏银行",
    "平安银行", "广发银行", "汇丰", "渣打", "花旗", "花旗银行", "人民医院", "协和", "华西", "中山医院",
    "市医院", "省医院", "支付宝", "花呗", "借呗", "微信支付", "财付通", "alipay", "wechat pay", "paypal",
    "city hospital", "general hospital",
    "bank of china", "icbc", "china construction bank", "ccb", "agricultural bank", "bank of communications",
    "china merchants bank", "cmb", "hsbc", "citibank", "citi", "standard chartered", "barclays", "jpmorgan",
    "wells fargo", "bank of america", "lloyds", "natwest", "santander", "dbs", "ocbc",
)


def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    latin = sorted((n for n in names if n.isascii()), key=len, reverse=True)
    han = sorted((n for n in names if not n.isascii()), key=len, reverse=True)
    parts = [r"\b(?:%s)\b" % "|".join(map(re.escape, latin))] if latin else []
    parts += ["|".join(map(re.escape, han))] if han else []
    return re.compile("|".join(parts), re.I)


OTHER_INSTITUTION = _pattern(OTHER_INSTITUTIONS)


def phrasings() -> list[tuple[str, str, str]]:
    """Every (intent, lang, phrasing) in table order."""
    return [(intent, lang, text) for intent, by_lang in INTENTS.items()
            for lang, texts in by_lang.items() for text in texts]


def named_institution(question: str, evidence: str) -> str | None:
    """The other institution a question names and the evidence does not (None when there is none)."""
    low_evidence = evidence.lower()
    for match in OTHER_INSTITUTION.finditer(question):
        name = match.group(0).lower()
        if name not in low_evidence:
            return name
    return None
