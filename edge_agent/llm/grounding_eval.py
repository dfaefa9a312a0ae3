"""How often a model's drafts pass the grounding check: measured on a fixed question set, kept per model.

`edge-agent models evaluate NAME` asks the model every question through the service's own path (guard input,
retrieve, decide, prompt, generate, guard output, grounding check) without recording turns, and stores the
count in ``data_dir/model_grounding.json``; `edge-agent models list` shows only what was measured there, with
its date and question count, and only while the model file is the one that was measured.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

from edge_agent.config import Settings
from edge_agent.errors import EdgeError

RESULTS_FILE = "model_grounding.json"
DEFAULT_LIMIT = 40


@dataclass(frozen=True)
class Question:
    """One evaluation question and, when known, its language."""

    text: str
    lang: str = ""


@dataclass(frozen=True)
class GroundingReport:
    """What one evaluation run measured for one model."""

    model: str
    sha256: str
    measured: str  # ISO 8601 UTC time of the run
    question_set: str  # "kb-entries" (the knowledge base's own headings) or the file's name
    questions: int  # asked
    drafts: int  # questions the decision sent to the model (the others were declined or clarified)
    passed: int  # drafts the grounding check accepted
    reasons: dict[str, int] = field(default_factory=dict)  # verdicts of the drafts, e.g. {"no_citation": 7}

    @property
    def rate(self) -> float:
        """Share of drafts that passed (0.0 with no drafts)."""
        return self.passed / self.drafts if self.drafts else 0.0

    def summary(self) -> str:
        """The one-line figure `models list` prints."""
        day = self.measured[:10]
        return (f"grounding {self.passed}/{self.drafts} drafts passed ({self.rate:.0%}), "
                f"{self.questions} questions ({self.question_set}), {day}")


def kb_questions(knowledge, limit: int = DEFAULT_LIMIT, lang: str = "") -> list[Question]:
    """A fixed sample of the knowledge base's own questions: every entry's heading, in entry-id order, evenly
    spaced down to ``limit``; ``lang`` keeps one language."""
    entries = []
    for doc in knowledge.list_documents():
        entries.extend(h for h in knowledge.document_entries(doc.doc_id) if h.section.strip())
    entries = sorted((h for h in entries if not lang or h.lang == lang), key=lambda h: h.chunk_id)
    if limit and len(entries) > limit:
        step = len(entries) / limit
        entries = [entries[int(i * step)] for i in range(limit)]
    return [Question(h.section.strip(), h.lang) for h in entries]


def file_questions(path: Path, limit: int = 0, lang: str = "") -> list[Question]:
    """Questions from a JSON-lines file with a "question" (and optional "lang") field per line."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if not lang or row.get("lang", lang) == lang:
                found.append(Question(str(row["question"]), str(row.get("lang", ""))))
    return found[:limit] if limit else found


def evaluate(*, settings: Settings, model, knowledge, redactor, questions: Sequence[Question],
             question_set: str, sha256: str, progress=None) -> GroundingReport:
    """Ask ``model`` every question through the chat path (answer_mode generate) and count grounded drafts."""
    from edge_agent.chat.kinds import AnswerKind, Plan
    from edge_agent.chat.retrieval import ScopeIndex
    from edge_agent.chat.service import ChatService
    from edge_agent.llm.gate import ModelGate
    from edge_agent.services import build_retriever
    from edge_agent.sessions import SessionRegistry

    settings = replace(settings, answer_mode="generate", stream_drafts=False, grounding_check=True)
    scope = ScopeIndex.build(knowledge.embedder) if settings.scope_check else None
    retriever = build_retriever(settings, knowledge, scope) if settings.retrieval_mode == "hybrid" else None
    chat = ChatService(settings=settings, redactor=redactor, knowledge=knowledge, model=model,
                       gate=ModelGate(0, 0.0, capacity=1), sessions=SessionRegistry(3600, 10_000),
                       store=None, escalations=None, scope=scope, retriever=retriever)  # type: ignore[arg-type]
    drafts, passed, reasons = 0, 0, Counter()
    for i, question in enumerate(questions):
        turn = chat.begin(f"grounding-eval-{i:05d}", question.text)  # a new session each: no follow-ups
        try:
            if turn.plan != Plan.GENERATE:
                continue
            raw = yield_return(chat._generate(turn))
            outcome = chat._finalise(turn, raw)
        finally:
            turn.release()
        drafts += 1
        passed += outcome.kind == AnswerKind.GENERATED
        reasons[outcome.verdict] += 1
        if progress is not None:
            progress(i + 1, len(questions), outcome.kind == AnswerKind.GENERATED)
    measured = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    return GroundingReport(model.model_id, sha256, measured, question_set, len(questions), drafts, passed,
                           dict(sorted(reasons.items())))


def yield_return(gen: Iterable) -> str:
    """Run a generator to its end and give back its return value (the raw draft of ChatService._generate)."""
    iterator = iter(gen)
    while True:
        try:
            next(iterator)
        except StopIteration as stop:
            return stop.value or ""


def save(data_dir: Path, report: GroundingReport) -> Path:
    """Keep ``report`` as this model's measured figure (replacing an older one), written atomically."""
    path = data_dir / RESULTS_FILE
    results = {name: asdict(r) for name, r in load(data_dir).items()}
    results[report.model] = asdict(report)
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def load(data_dir: Path) -> dict[str, GroundingReport]:
    """Every stored measurement by model name ({} when none was taken or the file does not read)."""
    try:
        raw = json.loads((data_dir / RESULTS_FILE).read_text(encoding="utf-8"))
        return {name: GroundingReport(**row) for name, row in raw.items()}
    except (FileNotFoundError, ValueError, TypeError):
        return {}


def figure_for(reports: dict[str, GroundingReport], name: str, sha256: str) -> str:
    """What `models list` says about a model's grounding: the measured figure, or why there is none."""
    report = reports.get(name)
    if report is None:
        return f"grounding: not measured (edge-agent models evaluate {name})"
    if sha256 and report.sha256 and report.sha256 != sha256:
        return f"grounding: measured on another file, re-run edge-agent models evaluate {name}"
    return report.summary()


def evaluate_command(settings: Settings, name: str, *, questions_file: Path | None = None,
                     limit: int = DEFAULT_LIMIT, lang: str = "") -> GroundingReport:
    """`edge-agent models evaluate NAME`: load the model (or use the model servers), ask, store, return."""
    from edge_agent.llm.backend import LlamaModel
    from edge_agent.llm.manifest import resolve_model
    from edge_agent.llm.model_lock import checked_sha256
    from edge_agent.llm.worker import ModelWorker
    from edge_agent.services import build_knowledge, build_redactor, build_remote_model

    settings = replace(settings, model=name, model_path=None)
    spec = resolve_model(settings)
    knowledge = build_knowledge(settings)
    if questions_file is not None:
        questions, question_set = file_questions(questions_file, limit, lang), questions_file.name
    else:
        questions, question_set = kb_questions(knowledge, limit, lang), "kb-entries"
    if lang:
        question_set += f", {lang}"
    if not questions:
        raise EdgeError("no questions: ingest the knowledge base first (edge-agent kb add) or pass --questions")
    if settings.llm_url:
        model, sha256 = build_remote_model(settings, spec), spec.sha256
    else:
        sha256 = checked_sha256(spec, settings)
        model = ModelWorker(LlamaModel(spec, n_threads=settings.n_threads, seed=settings.seed))
    report = evaluate(settings=settings, model=model, knowledge=knowledge, redactor=build_redactor(settings),
                      questions=questions, question_set=question_set, sha256=sha256,
                      progress=lambda done, total, ok: print(f"\r{done}/{total}", end="", flush=True))
    print()
    save(settings.data_dir, report)
    return report
