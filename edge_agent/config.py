"""Typed settings: defaults < TOML file < EDGE_* environment < command-line flags.

This is the only module that reads ``os.environ``. Every field has a default, a description and,
for numbers, bounds; ``Settings.load`` validates all of them and raises ``SettingsError``.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, get_type_hints

ENV_PREFIX = "EDGE_"
CONFIG_ENV = "EDGE_CONFIG"


class SettingsError(ValueError):
    """A setting is unknown, has the wrong type or is out of bounds."""


def _f(default: Any, description: str, *, ge: float | None = None, le: float | None = None,
       choices: tuple[str, ...] | None = None) -> Any:
    meta = {"description": description, "ge": ge, "le": le, "choices": choices}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Settings:
    """Everything an operator can set. Paths that are relative resolve against the working directory."""

    # --- where things live -------------------------------------------------------------------
    data_dir: Path = _f(Path("data"), "Directory holding all state: Chroma, SQLite, logs, keys.")
    models_dir: Path = _f(Path("models"), "Directory holding GGUF files and manifest.toml.")
    # --- service ------------------------------------------------------------------------------
    host: str = _f("127.0.0.1", "Address the HTTP server binds to.")
    port: int = _f(8080, "TCP port the HTTP server listens on.", ge=1, le=65535)
    threads: int = _f(8, "WSGI worker threads (requests served at once; generation is still serialised).",
                      ge=1, le=64)
    max_request_body_bytes: int = _f(64 * 1024 * 1024, "Largest request body waitress accepts before the "
                                     "application sees it (document uploads included); larger ones get HTTP 413 "
                                     "without being spooled to disk.", ge=1024, le=1024 * 1024 * 1024)
    max_request_header_bytes: int = _f(64 * 1024, "Largest request header block waitress accepts.",
                                       ge=1024, le=1024 * 1024)
    connection_limit: int = _f(500, "Most open client connections waitress keeps (idle and slow ones included; "
                               "they hold no worker thread); further ones wait in the listen backlog. Limit "
                               "connections per client in a reverse proxy (nginx) in front.", ge=10, le=10_000)
    channel_timeout_s: int = _f(30, "Seconds an idle or slow client connection is kept before waitress closes "
                                "it.", ge=1, le=3600)
    max_message_chars: int = _f(2000, "Longest customer message accepted; longer ones get HTTP 413.",
                                ge=1, le=100_000)
    default_lang: str = _f("zh", "Language the kiosk page starts in.", choices=("zh", "en"))
    kiosk_collection: str = _f("", "Knowledge collection this kiosk answers from (e.g. 'bank': a bank kiosk never "
                               "quotes the clinic); '' answers from all. API callers send `collection` instead.")
    log_level: str = _f("INFO", "Log level for the service log.",
                        choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    log_max_bytes: int = _f(10 * 1024 * 1024, "Size at which the service log (data_dir/logs/edge-agent.log) is "
                            "rotated.", ge=64 * 1024, le=1024 * 1024 * 1024)
    log_backups: int = _f(5, "Rotated service log files kept (edge-agent.log.1 … .N); older ones are deleted.",
                          ge=1, le=100)
    metrics_token: str = _f("", "Bearer token a Prometheus scraper sends to read /metrics from another machine; "
                            "'' lets only this machine read it (loopback peers, not through a reverse proxy).")
    # --- model --------------------------------------------------------------------------------
    model: str = _f("gemma3-270m", "Name of a model in models/manifest.toml to load.")
    model_path: Path | None = _f(None, "Path to a GGUF file; overrides `model` (for a file not in the manifest).")
    chat_format: str = _f("", "Prompt format for model_path: 'gemma', 'chatml', 'llama3', or '' for the manifest's.")
    model_allow_unverified: bool = _f(False, "Load a model file whose sha256 does not match models/manifest.toml, or "
                                      "that has none there (model_path). Off: such a file is refused at start-up; "
                                      "register your own with `edge-agent models add NAME FILE` instead.")
    n_ctx: int = _f(0, "Context window in tokens; 0 takes the manifest's value.", ge=0, le=131_072)
    n_threads: int = _f(2, "CPU threads llama.cpp uses for generation.", ge=1, le=256)
    max_tokens: int = _f(160, "Most tokens generated for one answer.", ge=1, le=4096)
    temperature: float = _f(0.0, "Sampling temperature; 0 gives repeatable answers.", ge=0.0, le=2.0)
    seed: int = _f(7, "Sampling seed.", ge=0)
    generation_timeout_s: float = _f(30.0, "Deadline for one generation, enforced inside the token loop.",
                                     ge=0.1, le=600.0)
    queue_size: int = _f(4, "Callers that may wait for the model; when full the API answers 503.", ge=0, le=1000)
    queue_wait_s: float = _f(60.0, "Longest a queued caller waits for the model before getting 503.",
                             ge=0.0, le=3600.0)
    answer_mode: str = _f("auto", "'auto': generate with an instruct model, quote with a base model (the "
                          "default Gemma 3 270M is a base model: no customer waits for a draft it cannot write); "
                          "'generate': model answers, grounding check falls back to quoting; "
                          "'quote': always quote the best source (no model call).",
                          choices=("auto", "generate", "quote"))
    grounding_min_overlap: float = _f(0.6, "Share of the answer's content that must appear in its sources.",
                                      ge=0.0, le=1.0)
    stream_drafts: bool = _f(False, "Stream model tokens before the grounding check has passed them.")
    # --- model servers (instead of the in-process model) -------------------------------------
    llm_url: str = _f("", "OpenAI-compatible model servers to generate on instead of loading the model in-process "
                      "(llama-server, `python -m llama_cpp.server`, vLLM, Ollama): base URLs, comma-separated, "
                      "e.g. 'http://10.0.0.5:8000,http://10.0.0.6:8000'. `model` still names what they run.")
    llm_server_concurrency: int = _f(1, "Turns in flight at once per model server (llama_cpp.server interrupts a "
                                     "running stream when a second request arrives: keep 1 for it).", ge=1, le=64)
    llm_server_down_s: float = _f(30.0, "Seconds a model server that failed is left out before it is tried again.",
                                  ge=0.0, le=3600.0)
    llm_connect_timeout_s: float = _f(2.0, "Longest wait to connect to a model server before trying the next.",
                                      ge=0.05, le=60.0)
    llm_server_model: str = _f("", "Model name sent to the servers (vLLM and Ollama need theirs); '' sends `model`.")
    # --- knowledge ----------------------------------------------------------------------------
    chroma_url: str = _f("", "A Chroma server (`chroma run --path DIR --host 127.0.0.1 --port 8000`) shared by every "
                         "edge-agent process, e.g. 'http://127.0.0.1:8000': `kb add` then reaches a running service "
                         "at once. '' keeps the embedded store in data_dir/chroma (one process: `kb add` refuses "
                         "while `serve` holds it).")
    retrieval_mode: str = _f("hybrid", "'hybrid': dense (passages and question phrasings) + BM25 fused, decided "
                             "by the calibrated model (`edge-agent kb calibrate`); 'classic': dense search, "
                             "lexical rerank and the per-language evidence thresholds.",
                             choices=("hybrid", "classic"))
    clarify_choices: int = _f(3, "Hybrid mode: entries offered when the decision is between several (0: never "
                              "ask, decline instead).", ge=0, le=5)
    retrieval_top_k: int = _f(3, "Sources retrieved per question.", ge=1, le=20)
    retrieval_pool: int = _f(20, "Candidates fetched from Chroma and reranked before keeping retrieval_top_k.",
                             ge=1, le=200)
    rerank_lexical_weight: float = _f(0.05, "Weight of lexical overlap (question vs entry title, section and text) "
                                      "added to cosine similarity when reranking.", ge=0.0, le=1.0)
    retrieval_min_evidence_zh: float = _f(0.895, "Reranked score below which a Chinese question 'has no answer' "
                                          "and is declined.", ge=0.0, le=2.0)
    retrieval_min_evidence_en: float = _f(0.87, "Reranked score below which an English question 'has no answer' "
                                          "and is declined.", ge=0.0, le=2.0)
    quote_second_margin: float = _f(0.01, "When quoting, also quote the runner-up entry if its reranked score is "
                                    "within this of the best (0 quotes one entry only).", ge=0.0, le=1.0)
    scope_check: bool = _f(True, "Decline questions outside what the knowledge base is for (diagnosis and drug "
                           "advice, investment advice, other banks and hospitals, personal account lookups, travel "
                           "documents, chit-chat…; see edge_agent/chat/scope.py), reusing the retrieval vector.")
    scope_margin: float = _f(0.01, "With scope_check: decline when the question's nearest out-of-scope intent "
                             "(cosine) is at least this much above its reranked evidence score (lower declines "
                             "more).", ge=-0.2, le=0.5)
    grounding_check: bool = _f(True, "Check generated answers against their sources (numbers present, content "
                               "overlap) and quote the best source instead when they fail. Off only to measure.")
    chunk_max_chars: int = _f(600, "Longest knowledge chunk in characters.", ge=100, le=10_000)
    ingest_max_bytes: int = _f(20 * 1024 * 1024, "Largest document file accepted by `kb add`, in bytes "
                               "(checked before reading).", ge=1, le=1024 * 1024 * 1024)
    ingest_timeout_s: float = _f(60.0, "Longest one document may take to parse (wall clock and CPU), in a child "
                                 "process at the lowest priority; past it the parse is killed and the file refused "
                                 "(document_too_complex).", ge=1.0, le=3600.0)
    ingest_memory_mb: int = _f(1024, "Address space a document's parsing process may use, in MB; more and the file "
                               "is refused (document_too_complex).", ge=128, le=65_536)
    ingest_max_pages: int = _f(500, "Most pages read from one PDF; a longer one is refused before its text is "
                               "extracted.", ge=1, le=100_000)
    ingest_max_chunks: int = _f(2000, "Most knowledge entries one document may add; a document that splits into "
                                "more is refused (a parser fed junk makes thousands).", ge=1, le=1_000_000)
    ingest_pii_policy: str = _f("redact", "Personal data found in a document at ingestion: 'redact' stores it "
                                "masked, 'reject' refuses the file.", choices=("redact", "reject"))
    ingest_guard_min_score: float = _f(0.8, "Detections in documents scoring below this are ignored (stricter "
                                       "than for customer messages: documents are formal prose).", ge=0.0, le=1.0)
    ingest_guard_ner: bool = _f(False, "Also run spaCy name recognition over documents (finds more names, "
                                "and flags more product and heading words).")
    # --- privacy ------------------------------------------------------------------------------
    guard_min_score: float = _f(0.5, "Detections scoring below this are ignored.", ge=0.0, le=1.0)
    session_idle_s: float = _f(900.0, "Seconds of inactivity after which a session's vault is wiped.",
                               ge=1.0, le=86_400.0)
    max_sessions: int = _f(10_000, "Most live sessions held in memory; past it the idlest session of the client "
                           "address holding the most is dropped.", ge=1, le=1_000_000)
    max_sessions_per_address: int = _f(300, "Most live sessions started from one client address; past it that "
                                       "address's idlest is dropped, so a flood of new ids from one client evicts "
                                       "its own sessions, not other customers'. 0: no per-address cap.",
                                       ge=0, le=1_000_000)
    stream_holdback_chars: int = _f(32, "Characters the streaming guard holds back to catch split values.",
                                    ge=0, le=1000)
    redaction_policy: str = _f("", "Operator per entity type, e.g. 'CREDIT_CARD=mask,US_SSN=pseudonym'; "
                               "operators: placeholder (default), mask (last four digits), pseudonym (keyed "
                               "HMAC-SHA256), encrypt (AES-GCM, recoverable only with the off-box private key).")
    pseudonym_key_file: Path | None = _f(None, "Secret for pseudonyms; default data_dir/keys/pseudonym.key "
                                         "(created with mode 0600 on first use).")
    recovery_public_key_file: Path | None = _f(None, "X25519 public key (PEM) for the encrypt operator; the private "
                                               "half stays off the box (`edge-agent keys recovery-keypair`).")
    # --- escalation to a person -------------------------------------------------------------
    escalation_triggers: str = _f("all", "Triggers that hand a conversation to a person: 'all', 'none', or any of "
                                  "asked_for_human, distress, complaint, fraud_report, no_answer (comma-separated).")
    location_id: str = _f("kiosk-1", "This kiosk's or site's id, written on every escalation ticket.")
    chat_rate_per_min: int = _f(60, "Anonymous chat messages accepted per minute from one client address "
                                "(several customers may share one); this kiosk location as a whole takes ten times "
                                "that. More get HTTP 429 with Retry-After. 0: no limit.", ge=0, le=100_000)
    ticket_rate_per_hour: int = _f(30, "Escalation tickets opened per hour from one client address (the location: "
                                   "ten times that); more are refused with HTTP 429 and the customer is asked to see "
                                   "staff. Fraud reports and distress are never refused. 0: no limit.",
                                   ge=0, le=100_000)
    agent_minutes_per_ticket: float = _f(3.0, "Minutes an agent takes per ticket, for the wait the customer is told.",
                                         ge=0.5, le=240.0)

    # --- kiosk, photo, voice and read-aloud (issue 14) ----------------------------------------
    kiosk_idle_seconds: int = _f(120, "Seconds without a touch after which the kiosk clears its screen and starts a "
                                 "new session (the next customer never sees the last one's words); 0: never.",
                                 ge=0, le=86_400)
    kiosk_idle_elderly_seconds: int = _f(300, "The same in the kiosk's elderly mode (slower readers get longer).",
                                         ge=0, le=86_400)
    ocr: bool = _f(False, "Ask by photo: POST /api/ask/image and the kiosk's camera button (RapidOCR, loaded on the "
                   "first photo; needs `pip install 'edge-agent[media]'`).")
    asr: bool = _f(False, "Ask by voice: POST /api/ask/voice and the kiosk's press-and-hold button (faster-whisper, "
                   "Whisper base from `edge-agent models prepare`, loaded on the first recording).")
    tts: bool = _f(False, "Read answers aloud: POST /api/speak and a speaker button on every answer (espeak-ng).")
    media_max_image_bytes: int = _f(5 * 1024 * 1024, "Largest photo accepted by /api/ask/image (PNG or JPEG).",
                                    ge=1024, le=50 * 1024 * 1024)
    media_max_audio_seconds: float = _f(60.0, "Longest recording accepted by /api/ask/voice.", ge=1.0, le=600.0)
    media_threads: int = _f(2, "CPU threads OCR and speech recognition use.", ge=1, le=64)
    asr_model: str = _f("whisper-base", "Speech model: a [speech.<name>] entry of models/manifest.toml.")

    def min_evidence(self, lang: str) -> float:
        """The reranked-score threshold for a question's language."""
        return self.retrieval_min_evidence_zh if lang == "zh" else self.retrieval_min_evidence_en

    # --- audit --------------------------------------------------------------------------------
    audit_key_file: Path | None = _f(None, "File holding the audit chain's HMAC key (created by `edge-agent init`, "
                                     "mode 0600); (none) means data_dir/keys/audit.key.")
    audit_key_autocreate: bool = _f(False, "Let `serve` and `ask` create a missing audit key when the audit chain "
                                    "is empty (development only; production runs `edge-agent init`).")
    audit_checkpoint_file: Path | None = _f(None, "Append-only file of signed audit checkpoints for the auditor "
                                            "to copy; (none) means data_dir/audit/checkpoints.jsonl.")
    audit_checkpoint_copy_dir: Path | None = _f(None, "Directory off the box (e.g. a mounted share the auditor "
                                                "owns) to which each checkpoint is also appended as it is written, "
                                                "as <location_id>.checkpoints.jsonl; verify with `edge-agent audit "
                                                "verify --checkpoint` against that copy. (none): no copy.")
    checkpoint_every_records: int = _f(100, "Write a signed audit checkpoint after this many new records.",
                                       ge=1, le=1_000_000)
    checkpoint_every_s: float = _f(300.0, "Write a signed audit checkpoint at least this often (seconds) "
                                   "while records arrive.", ge=1.0, le=86_400.0)
    retention_days: int = _f(0, "Days turns are kept before a chained purge deletes them; 0 keeps them forever.",
                             ge=0, le=36_500)
    # --- staff sign-in ----------------------------------------------------------------------
    secret_key_file: Path | None = _f(None, "File holding the secret that signs staff sign-in cookies (hex, mode "
                                      "0600); (none) means data_dir/keys/secret.key. The service refuses to start "
                                      "without it: `edge-agent init` creates it.")
    cookie_secure: bool = _f(True, "Send the staff sign-in cookie over HTTPS only. Set false only for a "
                             "plain-http kiosk LAN or tests.")
    staff_idle_s: float = _f(1800.0, "Seconds of inactivity after which a staff member is signed out.",
                             ge=60.0, le=86_400.0)
    staff_session_max_s: float = _f(43_200.0, "Longest a staff sign-in lasts, however active (seconds).",
                                    ge=300.0, le=604_800.0)
    password_min_chars: int = _f(12, "Shortest staff password accepted.", ge=8, le=128)
    login_max_failures: int = _f(5, "Failed sign-ins for one user name before it is locked out; each further "
                                 "failure doubles the lock-out.", ge=1, le=100)
    login_max_failures_per_address: int = _f(20, "Failed sign-ins from one client address before it is "
                                             "locked out.", ge=1, le=10_000)
    login_lockout_s: float = _f(30.0, "First sign-in lock-out, in seconds.", ge=1.0, le=3600.0)
    login_lockout_max_s: float = _f(900.0, "Longest sign-in lock-out, in seconds.", ge=1.0, le=86_400.0)

    # --- insights -----------------------------------------------------------------------------
    insights_min_sessions: int = _f(5, "k-anonymity of /insights and `edge-agent insights`: a count, topic, label or "
                                    "example question is shown only when at least this many distinct sessions "
                                    "contributed to it.", ge=2, le=1000)
    insights_cluster_similarity: float = _f(0.93, "Cosine similarity (e5) at which a question joins a topic's "
                                            "cluster instead of starting a new one.", ge=0.5, le=0.999)
    insights_rising_pct: int = _f(20, "Week-over-week growth (percent) at which a topic is reported as rising.",
                                  ge=1, le=1000)

    # --- derived paths ------------------------------------------------------------------------
    @property
    def chroma_dir(self) -> Path:
        """Directory of the Chroma knowledge store."""
        return self.data_dir / "chroma"

    @property
    def calibration_path(self) -> Path:
        """The decision model fitted by `edge-agent kb calibrate`."""
        return self.data_dir / "calibration.json"

    @property
    def intent_head_path(self) -> Path:
        """The knowledge base's own intent head, fitted by `edge-agent kb calibrate`."""
        return self.data_dir / "intent_head.npz"

    @property
    def db_path(self) -> Path:
        """SQLite conversation store."""
        return self.data_dir / "edge-agent.sqlite3"

    @property
    def tickets_path(self) -> Path:
        """SQLite store of escalation tickets and the messages between agents and customers."""
        return self.data_dir / "tickets.sqlite3"

    @property
    def log_dir(self) -> Path:
        """Directory of the service log files."""
        return self.data_dir / "logs"

    # --- loading ------------------------------------------------------------------------------
    @classmethod
    def load(cls, config_file: str | os.PathLike[str] | None = None,
             environ: Mapping[str, str] | None = None,
             overrides: Mapping[str, Any] | None = None) -> "Settings":
        """Build settings from defaults, then the TOML file, then EDGE_* variables, then overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        path = config_file or env.get(CONFIG_ENV)
        if path:
            values.update(_read_toml(Path(path)))
        names = {f.name for f in dataclasses.fields(cls)}
        for key, raw in env.items():
            if key.startswith(ENV_PREFIX) and key != CONFIG_ENV:
                name = key[len(ENV_PREFIX):].lower()
                if name not in names:
                    raise SettingsError(f"unknown setting in environment: {key}")
                values[name] = raw
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "Settings":
        """Validate and convert raw values (strings from env, TOML values) into Settings."""
        hints = get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        converted: dict[str, Any] = {}
        for name, raw in values.items():
            if name not in fields:
                raise SettingsError(f"unknown setting: {name}")
            value = _convert(name, hints[name], raw)
            _check(fields[name], value)
            converted[name] = value
        return cls(**converted)

    def describe(self) -> list[dict[str, Any]]:
        """Each setting with its value, default and description (for docs and `edge-agent config`)."""
        return [{"name": f.name, "env": ENV_PREFIX + f.name.upper(), "value": getattr(self, f.name),
                 "default": f.default, "description": f.metadata["description"]}
                for f in dataclasses.fields(self)]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError(f"settings file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"settings file {path} is not valid TOML: {exc}") from None
    return data.get("edge_agent", data)


def _convert(name: str, hint: Any, raw: Any) -> Any:
    optional = hint == (Path | None)
    if optional and (raw is None or raw == ""):
        return None
    target = Path if optional else hint
    try:
        if target is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if target is int and isinstance(raw, float):
            raise ValueError(raw)
        return target(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"setting {name}: cannot read {raw!r} as {getattr(target, '__name__', target)}") from None


def _check(f: dataclasses.Field, value: Any) -> None:
    meta = f.metadata
    if meta["ge"] is not None and value < meta["ge"]:
        raise SettingsError(f"setting {f.name}: {value} is below the minimum {meta['ge']}")
    if meta["le"] is not None and value > meta["le"]:
        raise SettingsError(f"setting {f.name}: {value} is above the maximum {meta['le']}")
    if meta["choices"] and value not in meta["choices"]:
        raise SettingsError(f"setting {f.name}: {value!r} is not one of {', '.join(meta['choices'])}")
