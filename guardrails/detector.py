"""The PII detector: normalise, run the recognizers a text's scripts call for, merge, map back.

    det = build_detector()        # slow once (spaCy NER, recognizers); offline, nothing downloaded
    det.detect(text)              # -> list[Detection], sorted, non-overlapping, original offsets

Checksummed/structured identifiers (cards, IDs, phones, e-mail, IBAN, SSN, IP, passports, hospital
and insurance numbers) run on every text: a number has no language. Chinese names run when the text
has CJK characters, English names (cue phrases + spaCy NER) when it has a capitalised Latin word.
Long texts are processed in overlapping windows so that no regex or NER call sees more than
`window` characters and no value is lost at a window edge.

Thread safety: detect() may be called concurrently; recognizers keep no per-call state and the one
spaCy pipeline is guarded by a lock. Nothing here logs text or values.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from guardrails.entities import PRIORITY
from guardrails.normalize import normalize
from guardrails.recognizers.address_recognizer import AddressRecognizer
from guardrails.recognizers.bank_account_recognizer import BankAccountRecognizer
from guardrails.recognizers.bank_card_recognizer import BankCardRecognizer
from guardrails.recognizers.card_expiry_recognizer import CardExpiryRecognizer
from guardrails.recognizers.card_security_code_recognizer import CardSecurityCodeRecognizer
from guardrails.recognizers.chinese_name_pos_recognizer import ChineseNamePosRecognizer
from guardrails.recognizers.chinese_name_recognizer import ChineseNameRecognizer
from guardrails.recognizers.cjk_safe_ip_recognizer import CjkSafeIpRecognizer
from guardrails.recognizers.cjk_safe_ssn_recognizer import CjkSafeSsnRecognizer
from guardrails.recognizers.cn_passport_recognizer import CnPassportRecognizer
from guardrails.recognizers.cn_phone_recognizer import CnPhoneRecognizer
from guardrails.recognizers.cn_resident_id_recognizer import CnResidentIdRecognizer
from guardrails.recognizers.date_of_birth_recognizer import DateOfBirthRecognizer
from guardrails.recognizers.english_name_recognizer import ROLE_NOUNS, EnglishNameRecognizer, load_ner
from guardrails.recognizers.im_account_recognizer import ImAccountRecognizer
from guardrails.recognizers.intl_phone_recognizer import IntlPhoneRecognizer
from guardrails.recognizers.medical_insurance_recognizer import MedicalInsuranceRecognizer
from guardrails.recognizers.medical_record_recognizer import MedicalRecordRecognizer
from guardrails.recognizers.obfuscated_email_recognizer import ObfuscatedEmailRecognizer
from guardrails.recognizers.offline_email_recognizer import OfflineEmailRecognizer
from guardrails.recognizers.one_time_code_recognizer import OneTimeCodeRecognizer
from guardrails.recognizers.pin_recognizer import PinRecognizer
from guardrails.recognizers.quiet_iban_recognizer import QuietIbanRecognizer
from guardrails.recognizers.uscc_recognizer import UsccRecognizer
from guardrails.recognizers.vehicle_plate_recognizer import VehiclePlateRecognizer
from guardrails.types import Detection

ANY, CJK, LATIN = "any", "cjk", "latin"
_HAS_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# English names are looked for when a word is capitalised, two ALL-CAPS words stand together, or a
# lower-case cue could introduce a lower-case name ("my name is kathryn smith", "passenger: mary jones",
# "send 200 to john smith").
_HAS_CAPITALISED = re.compile(r"[A-Z][a-z]|[A-Z]{2,}[ \t]+[A-Z]{2,}|(?i:name|this is|i am|i'm|call me|"
                              + ROLE_NOUNS + r"|transfer|send|sent|pay|wire|remit|refund|money|deposit)"
                              r"|(?:我叫|我是|姓名|名字)[ \t:：]*[A-Za-z]")


@dataclass(frozen=True, slots=True)
class RecognizerSpec:
    """One registry entry: how to build a recognizer and which scripts make it run."""

    build: Callable[[Any], EntityRecognizer]  # called with the spaCy pipeline (or None)
    script: str  # ANY, CJK or LATIN
    languages: tuple[str, ...]  # languages it serves, for callers that build a Presidio registry


REGISTRY: tuple[RecognizerSpec, ...] = (
    RecognizerSpec(lambda nlp: CnResidentIdRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: BankCardRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: CnPhoneRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: IntlPhoneRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: CnPassportRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: MedicalRecordRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: MedicalInsuranceRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: OfflineEmailRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: QuietIbanRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: CjkSafeSsnRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: CjkSafeIpRecognizer(), ANY, ("zh", "en")),
    # Authentication data (never kept), account numbers, birth dates, plates, business codes, disguised e-mail.
    RecognizerSpec(lambda nlp: CardSecurityCodeRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: CardExpiryRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: PinRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: OneTimeCodeRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: BankAccountRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: DateOfBirthRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: UsccRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: VehiclePlateRecognizer(), CJK, ("zh",)),
    RecognizerSpec(lambda nlp: ObfuscatedEmailRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: ChineseNameRecognizer(), CJK, ("zh",)),
    RecognizerSpec(lambda nlp: ChineseNamePosRecognizer(), CJK, ("zh",)),  # cue-less names (jieba nr)
    RecognizerSpec(lambda nlp: AddressRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: ImAccountRecognizer(), ANY, ("zh", "en")),
    RecognizerSpec(lambda nlp: EnglishNameRecognizer(nlp=nlp), LATIN, ("en",)),
)


@dataclass(frozen=True, slots=True)
class _Found:
    """A detection in original offsets before overlaps are merged."""

    start: int
    end: int
    score: float
    entity_type: str
    recognizer: str


class Detector:
    """Runs the registered recognizers over normalised text windows and merges their results."""

    def __init__(self, recognizers: tuple[tuple[EntityRecognizer, str], ...], *, score_threshold: float,
                 entities: tuple[str, ...] | None, window: int, overlap: int) -> None:
        if overlap * 2 >= window:
            raise ValueError("overlap must be less than half the window")
        self._recognizers = recognizers
        self._threshold = score_threshold
        self._entities = frozenset(entities) if entities else None
        self._window = window
        self._overlap = overlap

    @property
    def entities(self) -> frozenset[str]:
        """The entity types this detector can report."""
        found = {e for r, _ in self._recognizers for e in r.supported_entities}
        return frozenset(found & self._entities) if self._entities else frozenset(found)

    def detect(self, text: str) -> list[Detection]:
        """Return the sensitive spans of `text`: sorted by start, non-overlapping, original offsets."""
        if not text:
            return []
        norm = normalize(text)
        found: list[_Found] = []
        n = len(norm.text)
        lo = 0
        while True:
            hi = min(n, lo + self._window)
            for r in self._analyze_window(norm.text[lo:hi]):
                start, end = r.start + lo, r.end + lo
                if (start == lo and lo > 0) or (end == hi and hi < n):
                    continue  # cut by the window edge: the neighbouring window sees it whole
                o_start, o_end = norm.to_original(start, end)
                meta = r.recognition_metadata or {}
                found.append(_Found(o_start, o_end, r.score, r.entity_type,
                                    str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, ""))))
            if hi >= n:
                break
            lo = hi - self._overlap
        return merge(found)

    def _analyze_window(self, chunk: str) -> list[RecognizerResult]:
        """Run every recognizer whose script gate the chunk passes; keep results above threshold."""
        has_cjk = _HAS_CJK.search(chunk) is not None
        has_latin = _HAS_CAPITALISED.search(chunk) is not None
        entities = sorted(self._entities) if self._entities else []
        results: list[RecognizerResult] = []
        for recognizer, script in self._recognizers:
            if (script == CJK and not has_cjk) or (script == LATIN and not has_latin):
                continue
            for r in recognizer.analyze(chunk, entities, None):  # type: ignore[arg-type]  # ours need no NLP artifacts
                if r.score >= self._threshold and (self._entities is None or r.entity_type in self._entities):
                    results.append(r)
        return results


def merge(found: list[_Found]) -> list[Detection]:
    """Union overlapping spans (privacy first); each union takes the type of its best member."""
    out: list[Detection] = []
    group: list[_Found] = []
    group_end = -1
    for f in sorted(found, key=lambda f: (f.start, -f.end)):
        if group and f.start >= group_end:
            out.append(_union(group))
            group = []
        group_end = max(group_end, f.end) if group else f.end
        group.append(f)
    if group:
        out.append(_union(group))
    return out


def _union(group: list[_Found]) -> Detection:
    """One Detection spanning a group of overlapping findings (score, then the registry's priority)."""
    best = max(group, key=lambda f: (f.score, PRIORITY.get(f.entity_type, 0), f.end - f.start))
    return Detection(entity_type=best.entity_type, start=min(f.start for f in group),
                     end=max(f.end for f in group), score=best.score, recognizer=best.recognizer)


def build_detector(*, score_threshold: float = 0.5, entities: tuple[str, ...] | None = None,
                   use_ner: bool = True, window: int = 2000, overlap: int = 320) -> Detector:
    """Build the detector once (loads spaCy NER when `use_ner`); offline, never downloads."""
    nlp = load_ner() if use_ner else None
    recognizers = tuple((spec.build(nlp), spec.script) for spec in REGISTRY)
    if entities:
        recognizers = tuple((r, s) for r, s in recognizers if set(r.supported_entities) & set(entities))
    detector = Detector(recognizers, score_threshold=score_threshold, entities=entities,
                        window=window, overlap=overlap)
    detector.detect("Warm-up 预热 张伟 a@b.cn 13800138000 (603) 579-8023 192.168.0.1 GB82WEST12345698765432")
    return detector
