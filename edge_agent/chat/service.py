"""The path of one message: guard input → retrieve → generate/quote/decline → guard output → record."""
from __future__ import annotations

import hashlib
import logging
import re
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Iterator

from edge_agent.chat import extract, grounding, retrieval, smalltalk
from edge_agent.chat.drafts import DraftGate
from edge_agent.chat.kinds import AnswerKind, Outcome, Plan
from edge_agent.chat.messages import DECLINE, STILL_WAITING, redaction_notice
from edge_agent.chat.retriever import ANSWER, CLARIFY, Retriever
from edge_agent.config import Settings
from edge_agent.conversations import ConversationStore, TurnRecord
from edge_agent.errors import BadRequest, PayloadTooLarge
from edge_agent.escalation import EscalationService
from edge_agent.knowledge.store import Hit, KnowledgeStore
from edge_agent.llm.backend import GenerationParams, LanguageModel
from edge_agent.llm.gate import ModelGate
from edge_agent.llm.prompts import Prompt, PromptSource, build_prompt
from edge_agent.sessions import ChatSession, SessionRegistry, check_session_id
from edge_agent.tickets import Ticket, TicketMessage
from guardrails.escalation import Escalation
from guardrails.redactor import GUARD_VERSION, EntityCount, Redaction, Redactor
from guardrails.stream import StreamGuard

log = logging.getLogger("edge_agent.chat")

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
    answer_kind: str  # an AnswerKind
    sources: tuple[SourceRef, ...]
    redactions: tuple[EntityCount, ...]
    notice: str | None
    full_answer: str | None = None  # the whole entry, when the answer quotes only part of it
    turn_id: int | None = None  # the stored turn (the kiosk's 👍/👎 names it together with the session id)
    question: str | None = None  # the customer's message as redacted (the kiosk's own bubble shows this)

    def to_json(self) -> dict[str, Any]:
        """The API's response body."""
        return {"ok": True, "session_id": self.session_id, "answer": self.answer,
                "answer_kind": self.answer_kind, "sources": [asdict(s) for s in self.sources],
                "redactions": [{"type": r.entity_type, "count": r.count} for r in self.redactions],
                "notice": self.notice, "full_answer": self.full_answer, "turn_id": self.turn_id,
                "question": self.question}


@dataclass
class Turn:
    """A message that passed validation, the input guard and retrieval, holding the model if it needs it."""

    session_id: str
    session: ChatSession
    question: Redaction
    lang: str
    hits: list[Hit]
    plan: str  # a Plan
    started: float
    _slot: ExitStack = field(default_factory=ExitStack)
    escalation: Escalation | None = None  # why a person takes over from this turn on
    ticket: Ticket | None = None  # the session's ticket, once there is one
    reason: str = ""  # why retrieval decided as it did (supported, unsure, low_evidence, out_of_scope…)
    reply: ChatReply | None = None  # set by run() once the answer is recorded
    full_answer: str | None = None  # the whole entry when the quote shows only its best sentences
    collection: str = ""  # the knowledge collection asked in ('' = all), stored with the turn for insights

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
                 store: ConversationStore, escalations: EscalationService | None = None,
                 scope: retrieval.ScopeIndex | None = None, retriever: Retriever | None = None) -> None:
        self.settings = settings
        self.redactor = redactor
        self.knowledge = knowledge
        self.model = model
        self.gate = gate
        self.sessions = sessions
        self.store = store
        self.escalations = escalations
        self.scope = scope
        self.retriever = retriever  # hybrid mode; None: the classic dense + rerank path

    # --- step 1-2: guard input, retrieve, take the model -------------------------------------
    def begin(self, session_id: object, message: object = None, *, choice: object = None,
              collection: object = None) -> Turn:
        """Validate, redact, check for a hand-over, retrieve and decide, and (when generating) wait for the model.

        ``choice``: the source id the customer picked from a clarifying question (instead of a message).
        ``collection``: answer only from this knowledge collection (e.g. "bank"). Raises EdgeError.
        """
        sid = check_session_id(session_id)
        scope_name = self._collection(collection)
        session = self.sessions.get(sid)
        if choice is not None:
            chosen = self._begin_choice(sid, session, choice)
            chosen.collection = scope_name or ""
            return chosen
        text = clean_message(message, self.settings.max_message_chars)
        question = self.redactor.redact(text, session.vault)
        lang = retrieval.question_lang(text)
        turn = Turn(sid, session, question, lang, [], Plan.DECLINED, time.monotonic(), collection=scope_name or "")
        self._handover_plan(turn)  # a person asked for, distress, fraud: before spending anything on retrieval
        chit = smalltalk.kind_of(text) if turn.plan != Plan.HANDOVER else None
        if chit is not None:  # thanks, ok, hello: a kind word back, and the topic stays as it was
            turn.plan, turn.reason = Plan.SMALLTALK, chit
        elif turn.plan != Plan.HANDOVER:
            if self.retriever is not None:
                self._plan_hybrid(turn, scope_name)
            else:
                self._plan_classic(turn, scope_name)
        session.history.append(question.text)
        if turn.plan == Plan.GENERATE:
            turn._slot.enter_context(self.gate.slot())
        return turn

    def _collection(self, collection: object) -> str | None:
        """A requested knowledge collection, checked against the ones the store has."""
        if collection is None or collection == "":
            return None
        if not isinstance(collection, str) or collection not in self.knowledge.collections():
            known = ", ".join(self.knowledge.collections()) or "none"
            raise BadRequest(f"collection must be one of: {known}.")
        return collection

    def _answer_plan(self) -> str:
        """Quote or generate: 'auto' generates only with an instruct model (a base model cannot follow rules)."""
        mode = self.settings.answer_mode
        if mode == "auto":
            mode = "quote" if self.model.chat_format == "plain" else "generate"
        return Plan.GENERATE if mode == "generate" else Plan.QUOTE

    def _plan_hybrid(self, turn: Turn, collection: str | None) -> None:
        """Hybrid retrieval and the calibrated decision; the session's topic and offered choices follow it."""
        session = turn.session
        result = self.retriever.retrieve(turn.question.text, turn.lang, collection, session.topic,
                                         session.topic_doc)
        session.choices = ()
        if result.decision == ANSWER:
            turn.hits, turn.plan = list(result.hits), self._answer_plan()
            session.topic, session.topic_doc = result.query[-300:], result.hits[0].doc_id
        elif result.decision == CLARIFY:
            turn.hits, turn.plan = list(result.hits), Plan.CLARIFY
            session.choices = tuple(h.chunk_id for h in result.hits)
        turn.reason = result.reason

    def _plan_classic(self, turn: Turn, collection: str | None) -> None:
        """Dense search, lexical rerank and the per-language evidence thresholds (retrieval_mode=classic)."""
        text, lang, session = turn.question.text, turn.lang, turn.session
        context = retrieval.followup_context(text, list(session.history), lang)
        query = self._query(text, context)
        # The scope check reuses the retrieval vector: embed once here and hand the vector to the search.
        nearest, scope_margin = None, None
        if self.scope is not None and self.settings.scope_check and query.strip():
            vector = self.knowledge.embedder.embed_query(query)
            nearest = self.scope.nearest(vector)
            scope_margin = self.settings.scope_margin
            candidates = self.knowledge.search(query, self.settings.retrieval_pool, lang, vector=vector,
                                               collection=collection)
        else:
            candidates = self.knowledge.search(query, self.settings.retrieval_pool, lang, collection=collection)
        params = retrieval.RerankParams(self.settings.rerank_lexical_weight, self.settings.min_evidence(lang),
                                        self.settings.quote_second_margin, self.settings.retrieval_top_k,
                                        scope_margin)
        decision = retrieval.decide(
            retrieval.rerank(text, context, candidates, lang, self.settings.rerank_lexical_weight),
            lang, params, text, nearest)
        turn.hits = retrieval.reranked_hits(decision)
        turn.plan = Plan.DECLINED if not turn.hits else self._answer_plan()
        turn.reason = decision.reason

    def _begin_choice(self, sid: str, session: ChatSession, choice: object) -> Turn:
        """The customer picked one of the offered entries: answer from it."""
        if not isinstance(choice, str) or choice not in session.choices:
            raise BadRequest("choice must be the id of one of the sources just offered.")
        hit = self.knowledge.get_entries([choice]).get(choice)
        if hit is None:
            raise BadRequest("that entry is no longer in the knowledge base.")
        label = source_title(hit)
        question = Redaction(label, ())
        turn = Turn(sid, session, question, hit.lang, [hit], self._answer_plan(), time.monotonic())
        turn.reason = "chosen"
        session.choices = ()
        session.topic, session.topic_doc = (hit.section or hit.title)[-300:], hit.doc_id
        # the label is the entry's own title, not the customer's words: no trigger is looked for in it (a
        # title such as 「银行卡丢了或被偷了」 is not a fraud report); a person who already has the chat keeps it
        turn.ticket = self.escalations.active_ticket(sid) if self.escalations else None
        if turn.ticket is not None:
            turn.plan, turn.hits = Plan.HANDOVER, []
        session.history.append(label)
        if turn.plan == Plan.GENERATE:
            turn._slot.enter_context(self.gate.slot())
        return turn

    def _query(self, question: str, context: str) -> str:
        """The retrieval query: a follow-up is read together with the previous (redacted) question."""
        return retrieval.rewrite_query(question, context)

    # --- step 3-5: answer, guard output, record ---------------------------------------------
    def run(self, turn: Turn) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield (event, data) pairs: meta, delta…, done. Always releases the model."""
        try:
            redactions = turn.question.counts
            notice = redaction_notice(turn.lang, [c.entity_type for c in redactions]) if redactions else None
            sources = tuple(SourceRef(h.chunk_id, source_title(h), round(h.score, 3)) for h in turn.hits)
            yield "meta", {"session_id": turn.session_id, "sources": [asdict(s) for s in sources],
                           "redactions": [{"type": r.entity_type, "count": r.count} for r in redactions],
                           "notice": notice}
            if turn.plan == Plan.HANDOVER:
                outcome = Outcome(self._hand_over(turn), AnswerKind.ESCALATED, "handover")
            elif turn.plan == Plan.DECLINED:
                outcome = Outcome(DECLINE[turn.lang], AnswerKind.DECLINED, "no_sources")
            elif turn.plan == Plan.SMALLTALK:
                outcome = Outcome(smalltalk.reply(turn.reason, turn.lang), AnswerKind.SMALLTALK, "smalltalk")
            elif turn.plan == Plan.CLARIFY:
                outcome = Outcome(extract.clarify_text([source_title(h) for h in turn.hits], turn.lang),
                                  AnswerKind.CLARIFY, "clarify")
            else:
                drafts = yield from self._generate(turn) if turn.plan == Plan.GENERATE else iter(())
                outcome = self._finalise(turn, drafts or "")
            declined = outcome.kind == AnswerKind.DECLINED
            turn.session.declined_in_a_row = turn.session.declined_in_a_row + 1 if declined else 0
            if declined and self.escalations:
                turn.escalation = self.escalations.policy.check_no_answer(turn.session.declined_in_a_row)
                if turn.escalation:
                    outcome = replace(outcome, answer=self._hand_over(turn), kind=AnswerKind.ESCALATED)
            if not (self.settings.stream_drafts and outcome.kind == AnswerKind.GENERATED):
                yield "delta", {"text": outcome.answer}
            full = turn.full_answer if outcome.kind == AnswerKind.QUOTED else None
            turn.reply = ChatReply(turn.session_id, outcome.answer, outcome.kind, sources, redactions, notice, full,
                                   question=turn.question.text)
            turn.reply = replace(turn.reply, turn_id=self._record(turn, turn.reply, outcome.verdict, outcome.output))
            yield "done", turn.reply.to_json()
        finally:
            turn.release()

    def _handover_plan(self, turn: Turn) -> None:
        """Before retrieval: does a person already have this conversation, or should one take it now?"""
        if self.escalations is None:
            return
        turn.ticket = self.escalations.active_ticket(turn.session_id)
        if turn.ticket is None:
            turn.escalation = self.escalations.policy.check_message(turn.question.text)
        if turn.ticket or turn.escalation:
            turn.plan, turn.hits = Plan.HANDOVER, []

    def _hand_over(self, turn: Turn) -> str:
        """Open the ticket (or note that one is open) and tell the customer, kindly, in their language."""
        if turn.ticket is not None:
            return STILL_WAITING[turn.lang]
        handover = self.escalations.open(turn.session_id, turn.escalation, turn.lang, list(turn.session.history))
        turn.ticket = handover.ticket
        return handover.message

    def record_agent_reply(self, ticket: Ticket, message: TicketMessage) -> None:
        """An agent's (already guarded) reply is recorded like every other turn."""
        self.store.append(TurnRecord(
            session_id=ticket.session_id, lang=ticket.lang, question="", answer=message.text,
            answer_kind=AnswerKind.AGENT,
            entities=[], output_entities=[], sources=[], model_id=f"agent:{message.agent}",
            model_sha256="", guard_version=GUARD_VERSION, grounding="agent", escalation=ticket.reason))
        log.info("agent reply ticket=%d session=%s", ticket.id, session_tag(ticket.session_id))

    def prompt_for(self, turn: Turn) -> Prompt:
        """The exact prompt the model gets for a turn (benchmarks compare bare generation on it)."""
        return build_prompt(self.model.chat_format,
                            [PromptSource(i + 1, h.title, h.text) for i, h in enumerate(turn.hits)],
                            turn.question.text, turn.lang)

    def _generate(self, turn: Turn) -> Iterator[tuple[str, dict[str, Any]]]:
        """Run the model inside the held slot; stream guarded drafts if configured. Returns the raw text."""
        prompt = self.prompt_for(turn)
        params = GenerationParams(max_tokens=self.settings.max_tokens, temperature=self.settings.temperature,
                                  deadline=time.monotonic() + self.settings.generation_timeout_s)
        guard = StreamGuard(lambda s: self.redactor.redact(s, turn.session.vault), self.settings.stream_holdback_chars)
        gate = DraftGate([h.text for h in turn.hits], turn.lang, self.settings.grounding_min_overlap,
                         check=self.settings.grounding_check)  # drafts show only sentences the sources support
        pieces: list[str] = []
        for piece in self.model.stream(prompt, params):
            pieces.append(piece)
            if self.settings.stream_drafts:
                safe = gate.feed(guard.feed(piece))
                if safe:
                    yield "delta", {"text": safe}
        turn.release()  # the model is free for the next caller while we check and record
        if self.settings.stream_drafts:
            rest = gate.feed(guard.finish()) + gate.finish()
            if rest:
                yield "delta", {"text": rest}
        return "".join(pieces)

    def _finalise(self, turn: Turn, raw: str) -> Outcome:
        """Guard the model's answer and check it against the sources; fall back to quoting the best ones."""
        if turn.plan == Plan.GENERATE:
            guarded = self.redactor.redact(raw.strip(), turn.session.vault)
            if not self.settings.grounding_check and guarded.text.strip():
                return Outcome(guarded.text, AnswerKind.GENERATED, "unchecked", guarded.counts)
            verdict = grounding.check(guarded.text, [h.text for h in turn.hits], turn.lang,
                                      self.settings.grounding_min_overlap, require_citation=True)
            if verdict.ok:
                return Outcome(guarded.text, AnswerKind.GENERATED, verdict.reason, guarded.counts)
            reason = verdict.reason
        else:
            reason = "quote_mode"
        if self.retriever is not None:  # hybrid: the sentences of the best entry that answer the question
            part = extract.excerpt(turn.hits[0].text, turn.question.text, turn.lang)
            turn.full_answer = part.full if part.shortened else None
            return Outcome(part.text, AnswerKind.QUOTED, reason)
        count = retrieval.quote_count(turn.hits, turn.lang, self.settings.quote_second_margin)
        # A verbatim quote is the organisation's own text, already scanned by the guard when it was ingested
        # (`edge-agent kb add`); guarding it again only masks hotlines and words that look like names.
        return Outcome(grounding.quote([h.text for h in turn.hits[:count]]), AnswerKind.QUOTED, reason)

    def _record(self, turn: Turn, reply: ChatReply, verdict: str, output: tuple[EntityCount, ...]) -> int:
        counts = [{"type": r.entity_type, "count": r.count} for r in reply.redactions]
        turn_id = self.store.append(TurnRecord(
            session_id=turn.session_id, lang=turn.lang, question=turn.question.text, answer=reply.answer,
            answer_kind=reply.answer_kind, entities=counts,
            output_entities=[{"type": r.entity_type, "count": r.count} for r in output],
            sources=[asdict(s) for s in reply.sources], model_id=self.model.model_id,
            model_sha256=self.store.model_sha256, guard_version=GUARD_VERSION, grounding=verdict,
            escalation=turn.ticket.reason if turn.ticket else "none", collection=turn.collection,
            kiosk=self.settings.location_id))
        log.info("turn session=%s lang=%s kind=%s grounding=%s sources=%d entities=%s recognizers=%s ms=%d",
                 session_tag(turn.session_id), turn.lang, reply.answer_kind, verdict, len(reply.sources),
                 ",".join(f"{c['type']}:{c['count']}" for c in counts) or "none",
                 ",".join(sorted({e.recognizer for e in turn.question.entities})) or "none",
                 (time.monotonic() - turn.started) * 1000)
        return turn_id

    def answer(self, session_id: object, message: object = None, *, choice: object = None,
               collection: object = None) -> ChatReply:
        """Answer one message, or the customer's pick from a clarifying question (non-streaming)."""
        turn = self.begin(session_id, message, choice=choice, collection=collection)
        for _ in self.run(turn):
            pass
        return turn.reply
