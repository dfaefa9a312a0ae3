"""Service metrics in Prometheus form: one registry per app, the chat path timed stage by stage.

The chat service is instrumented from outside: its redactor, retriever (or knowledge search), model and
conversation store are wrapped in thin timing proxies, so the message path itself does not change. Labels
never carry customer text or session ids: only route templates, methods, statuses, answer kinds and stages.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable, Iterator, cast

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info

from edge_agent import __version__

if TYPE_CHECKING:
    from edge_agent.chat.retriever import Retriever
    from edge_agent.conversations import ConversationStore
    from edge_agent.knowledge.store import KnowledgeStore
    from edge_agent.llm.backend import LanguageModel
    from edge_agent.services import Services
    from guardrails.redactor import Redactor

STAGES = ("guard", "retrieve", "generate", "record")
# Seconds: a regex guard takes milliseconds, a CPU generation up to the 30 s deadline.
STAGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
REQUEST_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """The collectors of one app and the proxies that feed them."""

    def __init__(self, services: "Services") -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("edge_agent_http_requests", "HTTP requests answered, by route template, method "
                                "and status.", ("route", "method", "status"), registry=r)
        self.request_seconds = Histogram("edge_agent_http_request_seconds", "Time to the response headers (a "
                                         "stream's body is not included), by route template.", ("route",),
                                         buckets=REQUEST_BUCKETS, registry=r)
        self.answers = Counter("edge_agent_answers", "Turns recorded, by answer kind (quoted, generated, "
                               "declined, escalated, clarify, smalltalk, agent…).", ("kind",), registry=r)
        self.stage_seconds = Histogram("edge_agent_stage_seconds", "Time spent in each stage of the message path "
                                       "(guard: every redaction pass, input and output).", ("stage",),
                                       buckets=STAGE_BUCKETS, registry=r)
        for stage in STAGES:
            self.stage_seconds.labels(stage)  # every stage shows from the first scrape on, at zero
        gate, tickets = services.gate, services.escalations.tickets
        Gauge("edge_agent_queue_depth", "Callers waiting for the model.", registry=r).set_function(
            lambda: gate.waiting)
        Gauge("edge_agent_model_busy", "1 while every model slot is generating.", registry=r).set_function(
            lambda: 1 if gate.busy else 0)
        Gauge("edge_agent_model_in_flight", "Generations running now.", registry=r).set_function(
            lambda: gate.in_flight)
        open_tickets = Gauge("edge_agent_tickets", "Escalation tickets not yet closed, by status.", ("status",),
                             registry=r)
        for status in ("open", "claimed"):
            open_tickets.labels(status).set_function(_counter_of(tickets.count, status))
        knowledge = services.knowledge
        Gauge("edge_agent_knowledge_chunks", "Chunks in the knowledge store.", registry=r).set_function(
            knowledge.count)
        Info("edge_agent_build", "Version and model of this process.", registry=r).info(
            {"version": __version__, "model": str(services.model.model_id)})

    def observe(self, stage: str, seconds: float) -> None:
        """One stage's duration."""
        self.stage_seconds.labels(stage).observe(seconds)


def _counter_of(count: Callable[[str], int], status: str) -> Callable[[], float]:
    return lambda: count(status)


class _Proxy:
    """Delegates every attribute to the wrapped object except the ones a subclass times."""

    def __init__(self, inner: Any, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class TimedRedactor(_Proxy):
    """The guard stage: every ``redact`` call."""

    def redact(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self._inner.redact(*args, **kwargs)
        finally:
            self._metrics.observe("guard", time.perf_counter() - started)


def _timed(metrics: Metrics, stage: str, call: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            metrics.observe(stage, time.perf_counter() - started)
    return timed


class TimedRetriever(_Proxy):
    """The retrieve stage, hybrid mode: ``retrieve``."""

    def retrieve(self, *args: Any, **kwargs: Any) -> Any:
        return _timed(self._metrics, "retrieve", self._inner.retrieve)(*args, **kwargs)


class TimedKnowledge(_Proxy):
    """The retrieve stage, classic mode: ``search``."""

    def search(self, *args: Any, **kwargs: Any) -> Any:
        return _timed(self._metrics, "retrieve", self._inner.search)(*args, **kwargs)


class TimedModel(_Proxy):
    """The generate stage: from the call to the last token of ``stream``."""

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        started = time.perf_counter()
        try:
            yield from self._inner.stream(*args, **kwargs)
        finally:
            self._metrics.observe("generate", time.perf_counter() - started)


class TimedStore(_Proxy):
    """The record stage (``append``), and the answer kinds of the turns recorded."""

    def append(self, turn: Any) -> int:
        row = _timed(self._metrics, "record", self._inner.append)(turn)
        self._metrics.answers.labels(str(turn.answer_kind)).inc()
        return int(row)


def instrument(services: "Services") -> Metrics:
    """Wrap the chat service's parts in timing proxies (once per services) and return their metrics."""
    chat = services.chat
    if isinstance(chat.redactor, TimedRedactor):
        return chat.redactor._metrics
    metrics = Metrics(services)
    chat.redactor = cast("Redactor", TimedRedactor(chat.redactor, metrics))
    if chat.retriever is not None:
        chat.retriever = cast("Retriever", TimedRetriever(chat.retriever, metrics))
    else:
        chat.knowledge = cast("KnowledgeStore", TimedKnowledge(chat.knowledge, metrics))
    chat.model = cast("LanguageModel", TimedModel(chat.model, metrics))
    chat.store = cast("ConversationStore", TimedStore(chat.store, metrics))
    return metrics
