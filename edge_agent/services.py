"""Build the real parts once per process: detector, redactor, knowledge store, model, chat service."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from edge_agent.auth.ratelimit import RequestLimits
from edge_agent.chat.head import IntentHead
from edge_agent.chat.ranking import DecisionModel, default_model
from edge_agent.chat.retrieval import ScopeIndex
from edge_agent.chat.retriever import Retriever, RetrieverParams
from edge_agent.chat.service import ChatService
from edge_agent.config import Settings
from edge_agent.conversations import ConversationStore, audit_options
from edge_agent.errors import ModelError
from edge_agent.escalation import EscalationService
from edge_agent.knowledge.embedder import E5Embedder
from edge_agent.knowledge.store import KnowledgeStore
from edge_agent.llm.backend import LanguageModel, LlamaModel
from edge_agent.llm.gate import ModelGate
from edge_agent.llm.manifest import ModelSpec, resolve_model
from edge_agent.llm.model_lock import checked_sha256
from edge_agent.llm.remote import RemoteModel, ServerPool, parse_urls
from edge_agent.llm.vocab import special_tokens_of_file
from edge_agent.llm.worker import ModelWorker
from edge_agent.sessions import SessionRegistry
from edge_agent.tickets import TicketStore
from guardrails.escalation import EscalationPolicy, parse_triggers
from guardrails.keys import load_or_create_secret, load_public_key
from guardrails.policy import PolicyError, RedactionPolicy, parse_rules
from guardrails.redactor import Redactor

log = logging.getLogger("edge_agent.services")


@dataclass
class Services:
    """Everything a request needs; lives in ``app.extensions["edge_agent"]``, never in a module global."""

    settings: Settings
    redactor: Redactor
    knowledge: KnowledgeStore
    model: LanguageModel
    gate: ModelGate
    sessions: SessionRegistry
    store: ConversationStore
    chat: ChatService
    escalations: EscalationService


def build_policy(settings: Settings) -> RedactionPolicy:
    """The redaction policy from settings, with the keys its operators need."""
    rules = parse_rules(settings.redaction_policy)
    used = set(rules.values())
    key = None
    if "pseudonym" in used:
        key = load_or_create_secret(settings.pseudonym_key_file or settings.data_dir / "keys" / "pseudonym.key")
    public = None
    if "encrypt" in used:
        if settings.recovery_public_key_file is None:
            raise PolicyError("redaction_policy uses encrypt but recovery_public_key_file is not set")
        public = load_public_key(settings.recovery_public_key_file)
    return RedactionPolicy(rules, pseudonym_key=key, recovery_key=public)


def build_redactor(settings: Settings) -> Redactor:
    """The real bilingual detector behind the deployment's redaction policy (loads spaCy: ~1 s)."""
    from guardrails.detector import build_detector

    return Redactor(build_detector(), min_score=settings.guard_min_score, policy=build_policy(settings))


def build_knowledge(settings: Settings) -> KnowledgeStore:
    """The Chroma store with the bundled e5 embedder: the Chroma server of ``chroma_url`` (shared by every
    process), else the embedded store under the data directory."""
    if settings.chroma_url:
        from edge_agent.knowledge.shared import SharedKnowledgeStore

        return SharedKnowledgeStore(settings.chroma_url, E5Embedder())
    return KnowledgeStore(settings.chroma_dir, E5Embedder())


def build_services(settings: Settings, *, model: LanguageModel | None = None,
                   redactor: Redactor | None = None, knowledge: KnowledgeStore | None = None,
                   create_audit_key: bool = True) -> Services:
    """Wire the real stack; tests may hand in a MockModel or other parts.

    ``create_audit_key``: create a missing audit key when the chain is empty (`serve` and `ask` pass the
    ``audit_key_autocreate`` setting instead, so production refuses to start without `edge-agent init`).
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    audit = audit_options(settings, create_key=create_audit_key)  # fail fast, before loading anything
    redactor = redactor or build_redactor(settings)
    knowledge = knowledge or build_knowledge(settings)
    model_sha256 = ""
    if model is None and settings.llm_url:  # model servers: the GGUF is not loaded in this process
        spec = resolve_model(settings)
        model, model_sha256 = build_remote_model(settings, spec), spec.sha256
    elif model is None:
        spec = resolve_model(settings)
        model_sha256 = checked_sha256(spec, settings)  # the model lock: refuse a file the manifest does not know
        model = ModelWorker(LlamaModel(spec, n_threads=settings.n_threads, seed=settings.seed))
    gate = ModelGate(settings.queue_size, settings.queue_wait_s, capacity=getattr(model, "capacity", 1))
    sessions = SessionRegistry(settings.session_idle_s, settings.max_sessions, settings.max_sessions_per_address)
    store = ConversationStore(settings.db_path, audit, model_sha256=model_sha256)
    escalations = EscalationService(EscalationPolicy(parse_triggers(settings.escalation_triggers)),
                                    TicketStore(settings.tickets_path, settings.retention_days), redactor,
                                    settings.location_id, settings.agent_minutes_per_ticket,
                                    limits=RequestLimits.from_settings(settings))
    # Out-of-scope intents, embedded once at start-up with the same embedder as the questions.
    scope = ScopeIndex.build(knowledge.embedder) if settings.scope_check else None
    retriever = build_retriever(settings, knowledge, scope) if settings.retrieval_mode == "hybrid" else None
    chat = ChatService(settings=settings, redactor=redactor, knowledge=knowledge, model=model, gate=gate,
                       sessions=sessions, store=store, escalations=escalations, scope=scope, retriever=retriever)
    return Services(settings, redactor, knowledge, model, gate, sessions, store, chat, escalations)


def build_remote_model(settings: Settings, spec: ModelSpec) -> RemoteModel:
    """Generation on the model servers of ``llm_url``; ``spec`` (the manifest entry) says how to prompt them."""
    try:
        pool = ServerPool(parse_urls(settings.llm_url), settings.llm_server_concurrency, settings.llm_server_down_s)
    except ValueError as exc:
        raise ModelError(f"llm_url: {exc}") from None
    log.info("generating on %d model server(s): %s", len(pool.states()), ", ".join(s.url for s in pool.states()))
    # The model's special tokens are scrubbed from data it is sent; its vocabulary is read when the GGUF is here.
    template = spec.chat_format == "template" and spec.path.is_file()
    specials = special_tokens_of_file(spec.path) if template else frozenset()
    return RemoteModel(pool, model_id=spec.name, chat_format=spec.chat_format,
                       server_model=settings.llm_server_model, connect_timeout_s=settings.llm_connect_timeout_s,
                       seed=settings.seed, special_tokens=specials)


def decision_model(settings: Settings) -> DecisionModel:
    """The operator's calibrated decision model (`edge-agent kb calibrate`), else the shipped default."""
    path = settings.calibration_path
    if path.exists():
        try:
            return DecisionModel.load(path)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring %s (%s); using the default decision model", path.name, type(exc).__name__)
    return default_model()


def build_retriever(settings: Settings, knowledge: KnowledgeStore, scope: ScopeIndex | None) -> Retriever:
    """The hybrid retriever with the decision model for this data directory, warmed up: the BM25 index is
    built and jieba, pypinyin, OpenCC and the stemmer are loaded now (~2 s), not on the first customer's turn."""
    from edge_agent.knowledge.lexical import tokens

    tokens("臺灣 信用卡 cards")
    knowledge.collections()
    return Retriever(knowledge, decision_model(settings), scope,
                     RetrieverParams(pool=settings.retrieval_pool, top_k=settings.retrieval_top_k,
                                     choices=settings.clarify_choices, scope_check=settings.scope_check,
                                     scope_margin=settings.scope_margin), intent_head(settings))


def intent_head(settings: Settings) -> IntentHead | None:
    """The knowledge base's own intent head (`edge-agent kb calibrate`), if one was fitted and reads."""
    path = settings.intent_head_path
    if not path.exists():
        return None
    try:
        return IntentHead.load(path)
    except ValueError as exc:
        log.warning("ignoring %s (%s); ranking by similarity alone", path.name, exc)
        return None
