"""The phrasings that hand a conversation to a person, as data: one tuple of regular expressions per
trigger and language (read by guardrails/escalation.py, which normalises the text and decides).

* ``TRIGGERS[reason]`` — phrasings that always escalate: a request for a person, something happening to
  the customer now ("they want me to move my money to a safe account", 「我被骗了」).
* ``TOPICS[reason]`` — words that name the subject but are just as common in questions *about* it
  ("what is the fraud hotline", 「诈骗电话怎么识别」, 「人工服务几点下班」). They escalate only when the message
  is not an information question (``INFO_QUESTION``).
* ``CRISIS`` — suicidal ideation and hopelessness. Always ``distress``, checked before every other trigger (a
  customer who is being scammed *and* says 「不想活了」 needs the crisis handover first). ``is_crisis`` exposes it.

Chinese patterns match anywhere (Chinese has no word boundaries); English ones are word-bounded and
case-insensitive. Before matching, text is NFKC-normalised (full-width letters, 「！」), curly apostrophes are
straightened, a few traditional characters are mapped to simplified, and spaces between Chinese characters
(ASR output) are dropped.

Borderline decisions, on purpose:
* 「人工服务几点下班」/"what are customer service hours" ask about the service: not escalated (the KB answers,
  and the answer offers 转人工). 「有人工服务吗」 is a request: escalated.
* 「投诉电话是多少」 asks for the complaints line: a person is wanted, so ``asked_for_human``.
* A hypothetical ("如果被骗了怎么办", "what if someone uses my card") is information; a first-person statement
  ("我被骗了", "I've been defrauded") escalates even inside a question.
* Bereavement escalates even as a question (「父亲去世了卡怎么注销」): a person handles it better.
"""
from __future__ import annotations

# 人工 as in 人工客服, not 人工智能 / 人工流产 / 人工关节 (a clinic hears those).
_RG = r"人工(?!智能|费|成本|授精|受精|流产|关节|晶体|耳蜗|心脏|瓣膜|呼吸|喂养|降雨|湖|岛|牙|种植|合成)"
# Family and staff asking the customer to transfer or withdraw is ordinary (「妈妈让我转账给她」, 「医生让我交费」);
# a stranger, a 'boss' or a 'policeman' asking is the scam.
_NOT_FAMILY = "".join(f"(?<!{w})" for w in (
    "爸", "妈", "爷", "奶", "公", "婆", "儿子", "女儿", "老伴", "家人", "父亲", "母亲", "爱人", "丈夫", "妻子", "孩子",
    "姐", "哥", "弟", "妹", "医生", "护士", "柜员", "经理", "大夫", "家里"))
# Who a customer asks for, in Chinese.
_STAFF_ZH = (rf"(?:真人|活人|{_RG}|客服|经理|领导|主管|负责人|行长|院长|老板|管事的|工作人员|柜员|值班的|上级|前台|"
             r"大堂经理|客户经理|坐席)")
# Who a customer asks for, in English.
_STAFF_EN = (r"(?:human(?: being)?s?|persons?|people|someone|somebody|anyone|agents?|staff(?: member)?|representatives?"
             r"|reps?|managers?|supervisors?|operators?|advis[eo]rs?|tellers?|employees?|officers?|boss|superiors?|"
             r"receptionists?|nurses?|customer (?:service|support|care)|(?:the )?help ?desk|support team)")
_ARTICLES_EN = r"(?:(?:a|an|the|your|some|one of your|real|live|actual|proper|another)\s+)*"
# A third party in English (the caller, the man on the phone, "they").
_CALLER_EN = (r"(?:someone|somebody|a (?:man|woman|guy|lady|caller|person|stranger)|the (?:man|woman|guy|lady|caller|"
              r"person)|he|she|they|caller|this (?:man|woman|guy|lady|person))")
_CODE_EN = (r"(?:(?:my|the|a)\s+)?(?:(?:sms|text|verification|security|one[- ]time|6[- ]digit|bank)\s+)*(?:code|otp|pin"
            r"|passcode|password)")

TRIGGERS: dict[str, dict[str, tuple[str, ...]]] = {
    "fraud_report": {
        "zh": (
            # not me / money gone
            "不是我本人操作", "不是本人操作", "不是我操作", "非本人操作", r"我的?.{0,8}被盗刷", "被盗用", "陌生交易",
            "我没有消费", "我没消费", "账户被盗", "钱被转走", "钱被骗", "被骗走", "骗走了", "钱不见了", "钱没了",
            "莫名其妙.{0,6}扣",
            # 'I was scammed' in the first person
            r"我(?:好像|可能|是不是|应该|刚刚?|刚才|已经|怕是|估计|肯定|真的)?(?:是)?被(?:人)?(?:骗|诈骗)", "上当了",
            "被套路了",
            # safe account, coerced transfers, "I'm transferring now"
            "安全账户", "安全帐户", "资金清查", "资金核查", "资产清查", "刷流水", "解冻费",
            _NOT_FAMILY + r"(?:让|要|叫|逼|催|教|指导|命令)我.{0,12}(?:转账|汇款|打钱|转钱|把钱|转到|汇到|转给|取现|"
            r"取钱|充值|买.{0,4}卡|贷款|借钱|网贷|开通|备用金|交.{0,4}(?:保证金|手续费|解冻费|激活费|税费|会员费))",
            r"(?:正在|正要|准备|马上要?)(?:给他|给她|给对方|往)?(?:转账|汇款|转钱|打钱|转过去)", "我正在转",
            r"(?:刚刚?|刚才|已经)(?:给|向)(?:对方|他|她|陌生人|骗子|那个人).{0,4}(?:转|汇|打)",
            # remote control / screen sharing apps
            "向日葵", "todesk", "teamviewer", "anydesk", "屏幕共享", "共享屏幕",
            r"(?:让|要|叫|教)我.{0,12}(?:下载|安装|打开|开启|开).{0,12}(?:软件|app|会议|屏幕|共享|远程|链接|二维码)",
            # police / prosecutor / laundering calls
            "公检法", r"涉嫌(?:洗钱|犯罪|违法|诈骗|非法)", "涉案", "通缉令", "逮捕令", "拘捕",
            r"(?:自称|说是|说他是|说她是|假装)(?:是)?.{0,8}(?:警察|公安|民警|网警|检察|法院|法官|银保监|监管|客服|银行|"
            r"快递|医保|社保|领导|老板|亲戚|朋友)",
            r"(?:警察|公安|民警|网警|检察院|检察官|法院|法官|税务局|医保局).{0,10}(?:说我|让我|要我|找我|打电话给我|"
            r"给我打电话|来电(?:说|称)|通知我)",
            r"接到.{0,8}(?:警察|公安|检察|法院|税务|医保|社保).{0,4}(?:的)?(?:电话|来电)",
            # verification codes handed to a caller
            r"(?:问我要|向我要|跟我要|找我要|让我(?:报|说|念|提供|告诉|发|给)|要我(?:提供|报|告诉|发|给)|索要|"
            r"骗走).{0,6}验证码", r"(?:把|将)(?:手机)?(?:短信)?验证码(?:告诉|发|给|报|念)",
            # refund / prize / loan / credit-record scripts
            r"(?:客服|卖家|商家|快递|平台|店家).{0,12}(?:退款|理赔|赔偿|补偿|退钱|退费).{0,20}(?:让我|要我|叫我|教我)",
            r"退款.{0,20}(?:让我|要我|叫我).{0,12}(?:借|贷|转|扫码|开通|备用金|下载|共享|验证码)",
            r"(?:说我|通知我|恭喜我)中(?:了)?奖", r"(?:注销|关闭).{0,4}(?:校园贷|学生贷|网贷账户|百万保障)",
            r"(?:说|称).{0,20}(?:影响|修复|消除|洗白).{0,2}征信",
            # investment groups, order-brushing
            "刷单", r"(?:投资|理财|炒股|荐股|股票|炒币|虚拟币|数字货币|期货|外汇|带单)群", "带单老师", "导师带单",
            r"(?:群里|老师|导师|群主|网友|网恋|网上认识).{0,20}(?:收益|回报|稳赚|翻倍|入金|充值|投资|转账)",
            r"骗子.{0,4}(?:打|给我|让|要|说|又|还在)",
            # a stranger's call or message with the scam's opening line; a link already clicked
            r"(?:有人|陌生人|陌生号码|陌生电话|有个人|一个人|对方|来电|短信|电话里).{0,12}(?:说|称|"
            r"通知)(?:我的?)?.{0,12}(?:被冻结|冻结了|涉嫌|异常|违规|停用|要注销|欠费|被盗|有风险|中奖|退款|理赔|过期)",
            r"加我(?:的)?(?:微信|qq|好友|whatsapp).{0,20}(?:贷款|投资|理财|赚钱|刷单|兼职|退款|转账|返利)",
            r"点了(?:那个|这个|短信里的|短信上的|一个|他发的|对方发的)?链接", r"被(?:别人|他人|陌生人|人)(?:盗)?用了",
            "我不认识这笔", r"这笔.{0,8}我(?:不认识|不知道|没做过|没买过)",
        ),
        "en": (
            r"(?:wasn'?t|was not|not) (?:me|made by me|mine)",
            r"didn'?t (?:make|authori[sz]e|do) (?:this|that|it|these)", r"stolen (?:money|funds|savings)",
            r"charges? i don'?t recogni[sz]e", r"used abroad without",
            r"someone (?:has )?(?:used|is using|took|stole|withdrew|emptied|drained|accessed|got into|broke into|"
            r"hacked(?: into)?) my (?:card|account|money|savings|details|identity|online banking|app)",
            r"(?:drained|emptied|cleaned out|wiped out) my (?:account|savings)",
            r"money (?:is |has )?(?:gone|missing|disappeared|vanished) from my account",
            # 'I have been scammed'
            r"(?:i|we)(?:'ve| have| had|'m| am| was| were|'re| are| just| think i'?(?:m|ve)?| think we'?(?:re|ve)?|"
            r" might have| may have)*(?: just)? (?:been |being |got |gotten |get |getting )(?:scammed|defrauded|conned|"
            r"swindled|tricked|phished|hacked|ripped off|duped|robbed)",
            r"victim of (?:a |an )?(?:scam|fraud|fraudster|phishing|identity theft|con)",
            r"(?:this|it|he|she|they|that) (?:is|'s|must be|might be|could be|seems like) (?:a |an )?(?:scam|fraud|"
            r"scammer|fraudster|con)(?! prevention)",
            r"is (?:this|it|he|she|that) (?:a )?(?:scam|scammer|fraud|fraudster)\b",
            # coerced transfers / safe account
            r"(?:to|into|in) (?:a |the |my |new |another |\w+ )?(?:safe|secure|safety|holding|protected) account",
            rf"{_CALLER_EN}\b[^.?!]{{0,60}}\b(?:told|tells|asked|asks|asking|wants?|wanted|telling|instructed|says|said"
            r"|saying|insists?|insisted|pressur\w+|demand\w*)\b[^.?!]{0,50}\b(?:move|transfer|send|wire|withdraw|"
            r"take out|pay|buy gift cards?|invest|deposit|install|download)\b",
            r"(?:called|rang|phoned|texted|messaged|emailed)\b[^.?!]{0,80}\b(?:move|transfer|send|wire|withdraw|"
            r"take out)\b[^.?!]{0,20}\b(?:money|funds|savings|cash|it|everything)",
            r"(?:says|said|claims?|claimed|claiming|saying|pretend\w*|posing as|impersonat\w*)\s+(?:he'?s|she'?s|"
            r"they'?re|he is|she is|they are|he was|she was|they were|to be|it'?s|it is)?\s*(?:from|with|calling from|"
            r"an? officer from)\s+(?:the |your |my |a )?(?:bank|police|fraud|security|court|government|tax|clinic|"
            r"hospital|insurance|customs|hmrc|irs|microsoft|amazon)",
            rf"{_CALLER_EN} (?:from|at) (?:the|your|my) (?:bank|fraud team|security team)\b[^.?!]{{0,30}}\b(?:called|"
            r"rang|phoned|wants?|asked|told|says|said|texted)",
            # remote-control apps
            r"team ?viewer", r"any ?desk", r"rust ?desk", r"quick ?support", r"ultra ?viewer",
            r"(?:install|download|open|use|share|turn on)\b[^.?!]{0,30}\b(?:screen ?shar\w*|remote (?:access|control|"
            r"desktop)|share my screen)", r"share my screen",
            # police, prosecutors, arrest threats
            r"(?:police|detective|officer|prosecutor|court|customs|tax (?:office|authority)|hmrc|irs|interpol|"
            r"fbi)\b[^.?!]{0,40}\b(?:called|calling|rang|phoned|told me|says|said|saying|asked me|wants? me|threaten\w*"
            r"|contacted me)", r"(?:call|calls|phone call|message|text) from (?:the |a |"
            r"someone claiming to be (?:from )?(?:the )?)?(?:police|prosecutor|court|tax office|hmrc|irs|customs)",
            r"arrest warrant", r"(?:i'?ll|i will|going to) be arrested",
            r"(?:accused|suspected|accusing me|suspect me) of (?:money laundering|laundering|fraud|a crime|crime)",
            # codes given or demanded
            rf"{_CALLER_EN} (?:is |was |keeps |kept )?(?:asked|asking|wants|wanted|needs|needed|demanded|demanding|"
            rf"told me to (?:give|read|tell|send|share))\s+(?:me\s+)?(?:for\s+|to (?:give|read|tell|send|share) (?:him "
            rf"|her |them )?)?{_CODE_EN}",
            rf"(?:gave|give|told|tell|read|sent|shared)\s+(?:him|her|them|the caller|someone|a stranger|the man|"
            rf"the woman)\s+{_CODE_EN}",
            # refunds, prizes, investment groups
            r"(?:refund|compensation|overpaid|overpayment|paid (?:you|me) too much|sent (?:you|me) too much|prize|"
            r"won)\b[^.?!]{0,60}\b(?:asked|told|wants?|need(?:s|ed)?) me to\b",
            rf"(?:group|mentor|teacher|coach|{_CALLER_EN})\b[^.?!]{{0,50}}\b(?:guarantee\w*|promis\w*)[^.?!]{{0,30}}"
            r"\b(?:returns?|profits?|gains?|income|\d+ ?%)",
            r"clicked (?:on )?(?:a|the|that|this|their|his|her)? ?link\b[^.?!]{0,60}\b(?:entered|typed|gave|put in|"
            r"filled in)",
            r"(?:transferred|sent|wired|paid)\b[^.?!]{0,40}\bto (?:someone|somebody|a stranger|a man|a woman|a guy|"
            r"a person) (?:who|that) (?:said|claimed|says|claims|told)",
            r"(?:on|from|via|through) (?:facebook|whatsapp|instagram|wechat|telegram|tinder|a dating (?:app|site)|"
            r"social media|online)\b[^.?!]{0,60}\b(?:needs? money|send (?:him|her|them) money|transfer|invest|"
            r"gift cards?|bail)", r"bail money",
            r"(?:pay|paid|send|sent|wants?|asked for|in) (?:\w+ )?(?:gift|itunes|google play|steam|apple) cards?",
        ),
    },
    "asked_for_human": {
        "zh": (
            rf"转{_RG}", rf"转接{_RG}", rf"{_RG}坐席", rf"{_RG}台", rf"接{_RG}", rf"要{_RG}", rf"找{_RG}",
            rf"有{_RG}(?:服务)?吗", rf"有没有{_RG}", r"真人(?!秀)", "活人", "投诉电话", "投诉热线", "投诉渠道",
            # 转客服, 我要找你们领导, 叫你们经理来, 来个真人
            rf"(?:转|找|叫|要|接|换|让|请|喊|见|来|给我|帮我转)(?:一下|一个|个|下|到)?(?:你们|你们的|这里的|这边的|"
            rf"你们这的|你们这里的|贵行的?|你们行的?)?(?:一个|个|位)?{_STAFF_ZH}",
            r"你们(?:的)?(?:经理|领导|负责人|主管|行长|院长|老板|管事的)(?:呢|在哪|在不在|出来|过来|来)",
            rf"(?:{_RG}|客服|真人|工作人员|经理)(?:呢|在哪|在吗|在不在)", r"有人吗", r"有没有人(?:在|能|可以|管)",
            r"(?:换|来|叫)(?:个|一个)人", "找个人", "打不通",
            r"(?:跟|和|同)(?:你们的?)?(?:人工|客服|真人|活人|经理|领导|工作人员|柜员)(?:说|聊|讲|谈|沟通|通话|对话|"
            r"反映)", r"(?:找|叫|请)(?:一下)?(?:你们)?[\u4e00-\u9fff]?(?:经理|主管|行长|院长|护士长)",
            r"叫(?:一下)?(?:个|一个)?(?:医生|护士)", r"(?:跟|和)(?:人|真人|活人)(?:说|聊|讲|谈)",
            # not the robot
            r"(?:不要|不想|不和|不跟|别用|别让|受够了?|不想再|不要再)(?:跟|和|再跟|再和|用)?(?:你这个?|"
            r"这个)?(?:破)?(?:机器人|机器|ai|智能客服|自动回复)",
            r"(?:机器人|智能客服)(?:听不懂|没用|太笨|不行|解决不了)", "听不懂人话",
            # a bare request: 「人工！」「客服」「经理，谢谢」
            rf"^\W*(?:我要|我想要?|我需要|请|请给我|给我|麻烦|麻烦给我)?(?:转)?(?:{_RG}客服|{_RG}|客服|真人|经理|柜员|"
            rf"工作人员|领导)"
            r"(?:服务)?(?:吧|啊|呀|呢|谢谢|快点|快|好吗|可以吗|行吗)*\W*$",
        ),
        "en": (
            rf"(?:talk|speak|chat|connect|converse)\s+(?:directly\s+)?(?:to|with)\s+{_ARTICLES_EN}{_STAFF_EN}(?!'s)",
            rf"(?:get|give|find|fetch|bring|send|connect|transfer|put|pass|route|escalate|forward)\s+(?:me|this|"
            rf"my (?:call|chat|case|query))\s+(?:to\s+|through to\s+|with\s+|over to\s+|"
            rf"on to\s+)?{_ARTICLES_EN}(?:human(?: being)?|"
            r"person|agent|representative|rep|manager|supervisor|operator|staff member|advis[eo]r|employee|boss|someone"
            r"|somebody|customer service)",
            r"(?:get|give|find|fetch|bring|send)\s+(?:me\s+)?" + _ARTICLES_EN + r"(?:human(?: being)?|person|agent|"
            r"representative|rep|manager|supervisor|operator|advis[eo]r|boss)\b",
            r"(?:i|we)?\s*(?:want|need|would like|'d like|wanna|demand|request|prefer|require)\s+(?:to (?:see|speak to|"
            r"talk to|get|have|chat with|reach) )?" + _ARTICLES_EN + r"(?:human(?: being)?|person|agent|representative|"
            r"rep|manager|customer (?:service|support|care)|supervisor|operator|staff member|advis[eo]r|boss|"
            r"superior)\b(?!'s)",
            r"(?:can|could|may) i (?:have|get|see|reach) " + _ARTICLES_EN + r"(?:human|person|agent|representative|"
            r"manager|supervisor|operator)\b",
            r"(?:is there|are there|do you have|have you got)\s+(?:a |an |any )?(?:real |live |actual )?(?:human|person"
            r"|people|someone|somebody|anyone|agent|staff)\s+(?:i can|to talk|to speak|available|there|here)",
            r"(?:real|actual|live) (?:human|person|people|agent|operator)",
            r"human (?:agent|operator|support|being|help|representative)",
            r"(?:customer service|support) (?:agent|rep|representative|person)",
            r"(?:where'?s|where is|get) (?:your|the) (?:manager|supervisor|boss|superior)",
            r"(?:human|agent|operator|person|representative|manager|supervisor|someone)\s+(?:please|pls|plz|now|asap)",
            r"(?:have|get) (?:someone|somebody|a person|an agent|a human) (?:to )?(?:call|ring|phone|contact|help) me",
            r"(?:call|ring|phone) me back", r"escalate (?:this|my|it|me)",
            r"(?:is )?(?:any ?one|any ?body|someone|somebody) (?:there|here|real)\W*$",
            r"can (?:someone|somebody|a person|a human|a real person) (?:help|call|assist) me",
            r"(?:call|get|fetch) (?:a|the) (?:doctor|nurse)",
            r"(?:want|need|would like|'d like) (?:someone|somebody|a person|a human) to (?:call|ring|phone|contact|help"
            r"|talk to|speak to|look at this with) me",
            r"(?:not|stop|no more|enough of|don'?t want|hate|sick of) (?:talking to |chatting with )?(?:a |the |this |"
            r"you |your )?(?:stupid |useless )?(?:bot|robot|machine|chatbot|computer|ai)\b",
            # a bare request: "agent please", "Human!", "operator", "customer service pls"
            r"^\W*(?:(?:hi|hello|hey|excuse me|um+|ok|okay|yes|no)[\s,!.]+)?(?:please\s+|pls\s+|plz\s+)?" + _ARTICLES_EN
            + r"(?:human(?: being)?|person|agent|operator|representative|rep|manager|supervisor|staff|someone|somebody|"
            r"customer (?:service|support|care)|support|help ?desk|teller|advis[eo]r)(?:[\s,]+(?:please|pls|plz|now|"
            r"asap|here|thanks|thank you|right now|immediately))*\W*$",
        ),
    },
    "distress": {
        "zh": (
            # bereavement
            "去世", "过世", "病逝", "离世", "身故", "逝世", "丧事", "后事", "遗产", "遗嘱", "注销亲人", "注销已故",
            "已故", "死亡证明", "家属去世", "白事",
            r"(?:爸|妈|父亲|母亲|老伴|丈夫|老公|妻子|老婆|爱人|儿子|女儿|孩子|爷爷|奶奶|外公|外婆|姥姥|姥爷|哥哥|姐姐|"
            r"弟弟|妹妹|先生|太太)(?:他|她)?(?:昨天|今天|前天|上周|上个月|去年|前几天|刚刚?|突然|已经)?(?:走了|没了|"
            r"不在了|死了|过去了)",
            # violence, abuse, threats
            "家暴", "被打了", "被打伤", "被殴打", "挨打", "被强奸", "被性侵", "被跟踪", "被绑架", "被抢劫", "被抢了",
            "虐待", r"(?:他|她|老公|丈夫|男朋友|前夫|前妻|家人|儿子|有人)(?:又|总是|经常|一直|天天)?(?:打我|殴打我|"
            r"动手打|"
            r"威胁我|要杀我|跟踪我)", "人身安全", "有危险",
            # overwhelmed, frightened
            "救命", "绝望", r"(?:我|心态|情绪|精神|人)(?:快|要|真的|都|已经|彻底)*(?:要)?崩溃", "心态崩了", "受不了了",
            "好害怕", "很害怕", "害怕极了", "走投无路", "无路可走",
        ),
        "en": (
            # bereavement
            r"passed away", r"passed on", r"deceased", r"bereave\w*", r"funeral", r"probate", r"death certificate",
            r"widow(?:ed|er)?", r"late (?:husband|wife|father|mother|dad|mum|mom|son|daughter|partner|brother|sister)",
            r"estate of",
            r"(?:husband|wife|father|mother|dad|mum|mom|son|daughter|partner|brother|sister|grandma|grandpa|grandmother"
            r"|grandfather|parent|child|baby|fianc[eé]e?|uncle|aunt)\s+(?:has |had |just |recently |suddenly |"
            r"unexpectedly )*(?:died|passed|is dead|was killed|got killed|lost (?:his|her) (?:life|battle))",
            r"(?:he|she) (?:has |had |just |recently )*(?:died|passed away)",
            r"(?:husband|wife|father|mother|dad|mum|mom|son|daughter|partner|brother|sister|parent|child) (?:is|"
            r"'s) (?:dying|terminally ill|in intensive care|in hospice)",
            r"lost my (?:husband|wife|father|mother|dad|mum|mom|son|daughter|partner|brother|sister|baby|child)",
            # violence, abuse, threats
            r"domestic (?:violence|abuse)",
            r"(?:he|she|they|someone|my (?:husband|partner|boyfriend|girlfriend|wife|ex|son|father|dad|brother|"
            r"family)) (?:keeps |still |always )?(?:hits|hit|beats|beat|hurts|hurt|attacked|assaulted|threatens|"
            r"threatened|abuses|abused|is hitting|is beating|is threatening|is following|is stalking) me",
            r"(?:i|i'?ve|i have|i was|i got|i'?ve been|i'?m being|i am being) (?:been |being )?(?:attacked|assaulted|"
            r"raped|beaten(?: up)?|mugged|abused|stabbed|stalked|kidnapped)",
            r"(?:scared|afraid|fear|frightened) for my (?:life|safety)", r"sexual(?:ly)? assault\w*", r"\brape[ds]?",
            # overwhelmed
            r"can'?t take (?:it|this|any ?more)(?: any ?more)?",
            r"(?:i'?m|i am) (?:so |really |completely |totally )?(?:hopeless|desperate|terrified|overwhelmed|"
            r"falling apart|at breaking point)", r"panic attack", r"(?:having|had) a (?:breakdown|mental breakdown)",
            r"nervous breakdown", r"(?:it'?s|this is|i have|i'?ve got|there'?s|we have) an emergency",
            r"medical emergency",
        ),
    },
    "complaint": {
        "zh": ("投诉", "太差了", "太差劲", "差评", "气死", "生气", "愤怒",
               r"垃圾(?!短信|邮件|电话|分类|桶|袋|回收|广告|处理)", "骗子", "什么破", "破银行", "破医院", "要曝光",
               "曝光你们", "找媒体", "12315", "12378", "银保监", "金融监管", "不满意", "太过分", "坑人", "坑钱",
               "欺负人", "忍无可忍", "受够了", "恶心", r"态度(?:太|很|真|极其|特别)?(?:差|恶劣)", "岂有此理", "太坑",
               "服了你们", "等了(?:一|两|三|半|几|[0-9]+)个?(?:多)?小时", "没人管"),
        "en": (r"complain\w*", r"complaint", r"unacceptable", r"ridiculous",
               r"(?:terrible|awful|horrible|appalling|shocking|rubbish|pathetic|disgraceful|poor) (?:service|treatment|"
               r"experience|bank|clinic|app)", r"furious", r"angry", r"disgust\w*",
               r"worst (?:bank|service|clinic|experience|app|customer)", r"ombudsman",
               r"(?:report|complain about) (?:you|this|your \w+) to",
               r"(?:to|contact|inform) the (?:regulator|fca|cbirc)", r"sue (?:you|the bank|the clinic)",
               r"legal action", r"(?:contact|call|get|involve|hear from) (?:my |a )?lawyer", r"fed up",
               r"sick (?:and tired )?of", r"waste of (?:my )?time", r"rip[- ]?off", r"outrage\w*", r"disgrace\w*",
               r"useless", r"(?:was|were|so|very|really|extremely|incredibly) rude"),
    },
}

# Subject words that escalate only when the message is not an information question about them.
TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "fraud_report": {
        "zh": (r"(?<!没)(?<!没有)(?<!不会)(?<!不)(?<!别)(?<!免)(?<!防)被(?:人)?骗", "诈骗", "盗刷", "冒充", "假客服",
               "杀猪盘", "稳赚不赔", r"(?<!反)洗钱", "没有授权", "未经授权", "远程控制", "远程协助", "远程操作",
               "被冻结.{0,10}(?:配合|调查)", "上当受骗", "被盗"),
        "en": (r"fraud(?:ulent|ster|sters)?", r"scam(?:s|mer|mers)?", r"phishing", r"(?:hacked|compromised)",
               r"unauthori[sz]ed", r"(?<!anti-)(?<!anti )money laundering", r"screen ?shar\w*",
               r"remote (?:access|control)", r"(?:safe|secure|safety) account", r"identity theft",
               r"double (?:my|your) money",
               r"(?:crypto|investment|trading|forex|stock) (?:group|club|chat|channel|mentor|coach|teacher)"),
    },
    "asked_for_human": {
        "zh": (rf"{_RG}(?:服务|客服)(?!电话|热线|号码)",),
        "en": (r"live chat",),
    },
}

# A question asking for information (how to spot a scam, the hotline, opening hours), not an event.
INFO_QUESTION: dict[str, tuple[str, ...]] = {
    "zh": ("怎么识别", "如何识别", "怎样识别", "怎么辨别", "如何辨别", "怎么分辨", "怎么判断", "如何判断", "怎么防",
           "如何防", "怎样防", "怎么避免", "如何避免", "防范", "防骗", "防止", "预防", "反诈", "常见", "有哪些",
           "是什么", "什么是", "什么意思", "举报电话", "热线", "电话是多少", "号码是多少", "电话多少", "电话号码",
           "几点", "什么时候", "时间", "上班", "下班", "营业", "开门", "宣传", "知识", "讲座", "如果", "万一", "要是",
           "假如", "以防", "小心", "提醒", "注意事项", "手段", "案例", "有什么", "套路", "多久", "多长时间", "进度",
           "多少钱", "收费", "在几楼", "邮箱"),
    "en": (r"how (?:do|can|should|would|could|to|does one|does the bank) (?:i |we |you |one |people |"
           r"customers )?(?:avoid|spot|recogni[sz]e|identify|detect|prevent|protect|tell|know|report|stop|check|learn|"
           r"contact|reach|call|find)", r"tips", r"advice (?:on|about)", r"hotlines?",
           r"(?:phone|contact|telephone|helpline) number", r"number (?:for|of)",
           r"what (?:is|are|'s) (?:a |an |the |your )?(?:\w+ )?(?:fraud|scams?|phishing|safe account|money laundering|"
           r"number|hotline|hours|email|address)", r"(?:opening|office|business|working) hours", r"what time",
           r"when (?:do|does|is|are|will)", r"(?:open|close)s? (?:on|at)", r"weekends?", r"awareness", r"training",
           r"leaflet", r"if (?:i|you|someone|somebody|my|a|an)", r"in case", r"examples? of", r"types? of", r"common",
           r"anti-(?:fraud|scam|money)", r"(?:policy|policies) on", r"warning signs", r"signs of",
           r"protect (?:myself|yourself|my parents)", r"how (?:do|does) (?:these|they|scams?|fraud|it|this) work",
           r"how long", r"(?:dispute|claim|case) status", r"e-?mail", r"address", r"website"),
}

# Suicidal ideation and hopelessness: always 'distress', checked first.
CRISIS: dict[str, tuple[str, ...]] = {
    "zh": ("想不开", "活不下去", "不想活", "活着没意思", "活着没有意思", "活着有什么意思", "活着还有什么意思", "活够了",
           r"(?<!笑)(?<!热)(?<!累)想死(?![你您我他她了])", r"我想死了", r"想去死", "自杀", "轻生", "寻死", "了结自己",
           r"结束(?:我的|自己的?)?生命", "结束自己", r"(?:撑|熬|坚持|挺|过|活)不下去", "没有活路", "没活路", "一了百了",
           "生无可恋", "不想再醒来", "离开这个世界", "遗书", r"(?:跳楼|跳河|跳桥|割腕|上吊|吃安眠药|喝农药)",
           "伤害自己", "没什么可留恋", "活着太累", "死了算了", "死了就好了", "不如死了"),
    "en": (r"(?<!not )(?<!never )suicid\w*", r"kill(?:ing)? myself", r"feel(?:ing)? like dying",
           r"(?:end|take|ending|taking) my (?:own )?life", r"end it all",
           r"(?:want|going|gonna|ready|just want|thinking about how) to end it\.?(?=\s*(?:$|[.!,;]|all\b|now\W*$|"
           r"tonight|today|i\b))",
           r"(?:don'?t|do not|no longer) want to (?:live|be alive|be here|exist|wake up|go on|carry on)",
           r"(?:can'?t|cannot|can not) (?:go on|carry on|keep going)(?!\s+(?:with|to|using)\b)",
           r"(?:can'?t|cannot|can not) (?:cope|do this|take this|handle this|handle it)(?: (?:any ?more|"
           r"any longer))?(?=\s*(?:$|[.!,;]|i\b|and\b))", r"want(?:ed)? to die", r"wanna die",
           r"wish i (?:was|were) dead", r"better off (?:dead|without me)",
           r"no (?:point|reason) (?:in |to )?(?:living|live|anymore|any more|going on|carrying on|in anything)",
           r"what'?s the point (?:of|in) (?:living|going on|anything)",
           r"(?:nothing|no one|nobody) (?:left )?to live for", r"hurt(?:ing)? myself", r"self[- ]harm\w*", r"overdose",
           r"not worth living", r"give up on (?:life|living)", r"(?:life|living) is(?:n'?t| not) worth"),
}
