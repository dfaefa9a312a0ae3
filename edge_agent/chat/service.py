"""The path of one message: guard input → retrieve → generate/quote/decline → guard output → record."""
from __future__ import annotations

import hashlib
import logging
import re
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from typing import Any, Iterator

from edge_agent.chat import grounding
from edge_agent.chat.messages import DECLINE, masked_notice
from edge_agent.config import Settings
from edge_agent.conversations import ConversationStore, TurnRecord
from edge_agent.errors import BadRequest, PayloadTooLarge
from edge_agent.knowledge.chunking import detect_lang
from edge_agent.knowledge.store import Hit, KnowledgeStore
from edge_agent.llm.backend import GenerationParams, LanguageModel
from edge_agent.llm.gate import ModelGate
from edge_agent.llm.prompts import PromptSource, build_prompt
from edge_agent.sessions import ChatSession, SessionRegistry, check_session_id
from guardrails.redactor import GUARD_VERSION, EntityCount, Redaction, Redactor
from guardrails.stream import StreamGuard

log = logging.getLogger("edge_agent.chat")

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FOLLOWUP_MAX = {"zh": 10, "en": 6}  # a question this short (chars / words) leans on the previous turn


@dataclass(frozen=True)
class SourceRef:
    """A source as the client sees it."""

    id: str
    title: str
    score: float


@dataclass(frozen=True)
class ChatReply:
    """The answer to one customer message; every text in it is redacted."""

    session_id: str
    answer: str
    answer_kind: str  # generated | quoted | declined
    sources: tuple[SourceRef, ...]
    redactions: tuple[EntityCount, ...]
    notice: str | None

    def to_json(self) -> dict[str, Any]:
        """The API's response body."""
        return {"ok": True, "session_id": self.session_id, "answer": self.answer,
                "answer_kind": self.answer_kind, "sources": [asdict(s) for s in self.sources],
                "redactions": [{"type": r.entity_type, "count": r.count} for r in self.redactions],
                "notice": self.notice}


@dataclass
class Turn:
    """A message that passed validation, the input guard and retrieval, holding the model if it needs it."""

    session_id: str
    session: ChatSession
    question: Redaction
    lang: str
    hits: list[Hit]
    plan: str  # generate | quote | declined
    started: float
    _slot: ExitStack = field(default_factory=ExitStack)

    def release(self) -> None:
        """Give the model back (idempotent; safe from any thread)."""
        self._slot.close()


def clean_message(message: object, max_chars: int) -> str:
    """Validate a customer message: a non-empty string within the limit, without control characters."""
    if not isinstance(message, str):
        raise BadRequest("message must be a string.")
    if len(message) > max_chars:
        raise PayloadTooLarge(f"The message is longer than {max_chars} characters.")
    text = CONTROL.sub(" ", message.encode("utf-8", "replace").decode("utf-8")).strip()
    if not text:
        raise BadRequest("message must not be empty.")
    return text


def source_title(hit: Hit) -> str:
    """What the customer sees for a source: the document title and, when there is one, the section."""
    return f"{hit.title} · {hit.section}" if hit.section and hit.section != hit.title else hit.title


def session_tag(session_id: str) -> str:
    """A short hash of a session id, for logs."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:10]


class ChatService:
    """Answers customer messages. Holds no raw customer text beyond the session vault."""

    def __init__(self, *, settings: Settings, redactor: Redactor, knowledge: KnowledgeStore,
                 model: LanguageModel, gate: ModelGate, sessions: SessionRegistry,
                 store: ConversationStore) -> None:
        self.settings = settings
        self.redactor = redactor
        self.knowledge = knowledge
        self.model = model
        self.gate = gate
        self.sessions = sessions
        self.store = store

    # --- step 1-2: guard input, retrieve, take the model -------------------------------------
    def begin(self, session_id: object, message: object) -> Turn:
        """Validate, redact, retrieve, and (when generating) wait for the model; raises EdgeError."""
        sid = check_session_id(session_id)
        text = clean_message(message, self.settings.max_message_chars)
        session = self.sessions.get(sid)
        question = self.redactor.redact(text, session.vault)
        lang = detect_lang(text)
        hits = self.knowledge.search(self._query(session, question.text, lang), self.settings.retrieval_top_k, lang)
        hits = [h for h in hits if h.score >= self.settings.min_score(lang)]
        plan = "declined" if not hits else ("generate" if self.settings.answer_mode == "generate" else "quote")
        turn = Turn(sid, session, question, lang, hits, plan, time.monotonic())
        session.history.append(question.text)
        if plan == "generate":
            turn._slot.enter_context(self.gate.slot())
        return turn

    def _query(self, session: ChatSession, question: str, lang: str) -> str:
        """The retrieval query: a short follow-up is read together with the previous question."""
        size = len(question) if lang == "zh" else len(question.split())
        if session.history and size <= FOLLOWUP_MAX[lang]:
            return f"{session.history[-1]} {question}"
        return question

    # --- step 3-5: answer, guard output, record ---------------------------------------------
    def run(self, turn: Turn) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield (event, data) pairs: meta, delta…, done. Always releases the model."""
        try:
            redactions = turn.question.counts
            notice = masked_notice(turn.lang, [c.entity_type for c in redactions]) if redactions else None
            sources = tuple(SourceRef(h.chunk_id, source_title(h), round(h.score, 3)) for h in turn.hits)
            yield "meta", {"session_id": turn.session_id, "sources": [asdict(s) for s in sources],
                           "redactions": [{"type": r.entity_type, "count": r.count} for r in redactions],
                           "notice": notice}
            if turn.plan == "declined":
                answer, kind, verdict, output = DECLINE[turn.lang], "declined", "no_sources", ()
            else:
                drafts = yield from self._generate(turn) if turn.plan == "generate" else iter(())
                answer, kind, verdict, output = self._finalise(turn, drafts or "")
            if not (self.settings.stream_drafts and kind == "generated"):
                yield "delta", {"text": answer}
            reply = ChatReply(turn.session_id, answer, kind, sources, redactions, notice)
            self._record(turn, reply, verdict, output)
            yield "done", reply.to_json()
        finally:
            turn.release()

    def _generate(self, turn: Turn) -> Iterator[tuple[str, dict[str, Any]]]:
        """Run the model inside the held slot; stream guarded drafts if configured. Returns the raw text."""
        prompt = build_prompt(self.model.chat_format,
                              [PromptSource(i + 1, h.title, h.text) for i, h in enumerate(turn.hits)],
                              turn.question.text, turn.lang)
        params = GenerationParams(max_tokens=self.settings.max_tokens, temperature=self.settings.temperature,
                                  deadline=time.monotonic() + self.settings.generation_timeout_s)
        guard = StreamGuard(lambda s: self.redactor.redact(s, turn.session.vault), self.settings.stream_holdback_chars)
        pieces: list[str] = []
        for piece in self.model.stream(prompt, params):
            pieces.append(piece)
            if self.settings.stream_drafts:
                safe = guard.feed(piece)
                if safe:
                    yield "delta", {"text": safe}
        turn.release()  # the model is free for the next caller while we check and record
        if self.settings.stream_drafts:
            rest = guard.finish()
            if rest:
                yield "delta", {"text": rest}
        return "".join(pieces)

    def _finalise(self, turn: Turn, raw: str) -> tuple[str, str, str, tuple[EntityCount, ...]]:
        """Guard the model's answer and check it against the sources; fall back to quoting the best one."""
        if turn.plan == "generate":
            guarded = self.redactor.redact(raw.strip(), turn.session.vault)
            verdict = grounding.check(guarded.text, [h.text for h in turn.hits], turn.lang,
                                      self.settings.grounding_min_overlap)
            if verdict.ok:
                return guarded.text, "generated", verdict.reason, guarded.counts
            reason = verdict.reason
        else:
            reason = "quote_mode"
        quoted = self.redactor.redact(turn.hits[0].text, turn.session.vault)
        return quoted.text, "quoted", reason, quoted.counts

    def _record(self, turn: Turn, reply: ChatReply, verdict: str, output: tuple[EntityCount, ...]) -> None:
        counts = [{"type": r.entity_type, "count": r.count} for r in reply.redactions]
        self.store.append(TurnRecord(
            session_id=turn.session_id, lang=turn.lang, question=turn.question.text, answer=reply.answer,
            answer_kind=reply.answer_kind, entities=counts,
            output_entities=[{"type": r.entity_type, "count": r.count} for r in output],
            sources=[asdict(s) for s in reply.sources], model_id=self.model.model_id,
            guard_version=GUARD_VERSION, grounding=verdict))
        log.info("turn session=%s lang=%s kind=%s grounding=%s sources=%d entities=%s recognizers=%s ms=%d",
                 session_tag(turn.session_id), turn.lang, reply.answer_kind, verdict, len(reply.sources),
                 ",".join(f"{c['type']}:{c['count']}" for c in counts) or "none",
                 ",".join(sorted({e.recognizer for e in turn.question.entities})) or "none",
                 (time.monotonic() - turn.started) * 1000)

    def answer(self, session_id: object, message: object) -> ChatReply:
        """Answer one message (non-streaming)."""
        turn = self.begin(session_id, message)
        done: dict[str, Any] = {}
        for event, data in self.run(turn):
            if event == "done":
                done = data
        return ChatReply(done["session_id"], done["answer"], done["answer_kind"],
                         tuple(SourceRef(**s) for s in done["sources"]),
                         tuple(EntityCount(r["type"], r["count"]) for r in done["redactions"]), done["notice"])
