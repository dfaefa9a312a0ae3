"""The `edge-agent` command: serve, ingest, ask, redact, models, config."""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from typing import Callable, Sequence

from edge_agent.audit.commands import add_audit_parsers, cmd_audit, cmd_init
from edge_agent.auth.commands import add_users_parser, cmd_users
from edge_agent.config import Settings, SettingsError
from edge_agent.errors import EdgeError
from edge_agent.insights.commands import add_insights_parser, cmd_insights
from edge_agent.knowledge.kb_cli import add_kb_parser, cmd_ingest, cmd_kb
from edge_agent.ops.commands import add_ops_parsers, cmd_backup, cmd_doctor, cmd_migrate, cmd_restore
from guardrails.keys import KeyFileError
from guardrails.policy import PolicyError

PRIVATE_UMASK = 0o077


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {"data_dir": args.data_dir, "models_dir": args.models_dir, "model": args.model,
                 "model_path": args.model_path, "log_level": args.log_level,
                 "host": getattr(args, "host", None), "port": getattr(args, "port", None)}
    return Settings.load(args.config, overrides=overrides)


def _logging(settings: Settings, redactor) -> None:
    from edge_agent.logging_setup import setup_logging

    setup_logging(settings, lambda s: redactor.redact(s).text)


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """systemd's stop: end the server loop the same way Ctrl-C does."""
    raise KeyboardInterrupt


def build_server(app, settings: Settings):
    """The waitress server for ``app``, with its limits from the settings: request body and header sizes
    (refused with 413/431 before anything is spooled), open connections, idle/slow channel timeout."""
    from waitress import create_server

    return create_server(app, host=settings.host, port=settings.port, threads=settings.threads,
                         max_request_body_size=settings.max_request_body_bytes,
                         max_request_header_size=settings.max_request_header_bytes,
                         connection_limit=settings.connection_limit, channel_timeout=settings.channel_timeout_s,
                         cleanup_interval=max(1, min(30, settings.channel_timeout_s // 2)),
                         asyncore_use_poll=True,  # select() stops at 1024 file descriptors
                         # bodies up to a photo or a recording stay in memory, never in a temporary file
                         inbuf_overflow=max(512 * 1024, settings.media_max_image_bytes + 65_536,
                                            int(settings.media_max_audio_seconds * 192_000) + 65_536),
                         expose_tracebacks=False, ident="edge-agent")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the API and kiosk page with waitress until Ctrl-C or SIGTERM."""
    from edge_agent.auth.secret import load_secret_key
    from edge_agent.conversations import audit_options
    from edge_agent.services import build_redactor, build_services
    from edge_agent.web import create_app

    load_secret_key(settings)  # refuse to start without the staff cookie secret, before loading anything
    audit_options(settings, create_key=settings.audit_key_autocreate)  # and on an audit trail that does not match
    from edge_agent.knowledge.writer_lock import hold_for_serve

    data_lock = hold_for_serve(settings)  # `kb add` refuses while it is held (embedded store: one process)
    redactor = build_redactor(settings)
    _logging(settings, redactor)
    services = build_services(settings, redactor=redactor, create_audit_key=settings.audit_key_autocreate)
    app = create_app(settings, services)
    server = build_server(app, settings)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    print(f"edge-agent is serving. Open http://{settings.host}:{settings.port}/ in a browser "
          "(kiosk page). Press Ctrl-C to stop.", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        data_lock.release()
        print("edge-agent stopped.", flush=True)
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Ask one question through the whole pipeline and print the answer with its sources."""
    from edge_agent.services import build_services

    services = build_services(settings, create_audit_key=settings.audit_key_autocreate)
    _logging(settings, services.redactor)
    reply = services.chat.answer(args.session, args.question)
    print(reply.answer)
    print(f"\n[{reply.answer_kind}]")
    for i, s in enumerate(reply.sources, 1):
        print(f"[{i}] {s.title} ({s.id}, score {s.score:.3f})")
    if reply.notice:
        print(f"\n{reply.notice}")
    return 0


def cmd_redact(args: argparse.Namespace, settings: Settings) -> int:
    """Redact stdin: plain text, or JSON lines with a "text" field (--jsonl)."""
    from edge_agent.services import build_redactor

    redactor = build_redactor(settings)
    if not args.jsonl:
        sys.stdout.write(redactor.redact(sys.stdin.read()).text)
        return 0
    failures = 0
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            text = obj["text"]
            if not isinstance(text, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            failures += 1
            print(f"line {number}: not a JSON object with a string \"text\" field", file=sys.stderr)
            print(json.dumps({"error": "invalid input line", "line": number}))
            continue
        result = redactor.redact(text)
        obj["redacted"] = result.text
        obj["entities"] = [{"type": e.entity_type, "start": e.start, "end": e.end, "score": round(e.score, 3)}
                           for e in result.entities]
        print(json.dumps(obj, ensure_ascii=False))
    return 1 if failures else 0


def cmd_models(args: argparse.Namespace, settings: Settings) -> int:
    """List, verify or prepare models."""
    from edge_agent.llm import manifest

    if args.action == "prepare":
        print(f"default model ready: {manifest.prepare_default(settings.models_dir)}")
        from edge_agent.media.speech_model import prepare_speech_model, speech_packages_installed

        if speech_packages_installed(settings.models_dir, settings.asr_model):  # the [media] extra (EDGE_ASR)
            print(f"speech model ready: {prepare_speech_model(settings.models_dir, settings.asr_model)}")
        return 0
    if args.action == "add":  # an operator's own GGUF: its sha256 into the manifest, so the model lock loads it
        if not args.name or not args.file:
            raise EdgeError("usage: edge-agent models add NAME FILE [--chat-format F] [--licence L]")
        spec = manifest.register_model(settings.models_dir, args.name, Path(args.file),
                                       chat_format=args.chat_format, licence=args.licence)
        print(f"registered {spec.name}: {spec.path} sha256 {spec.sha256}; select it with EDGE_MODEL={spec.name}")
        return 0
    if args.action == "evaluate":  # the grounding figure `models list` shows, measured on a fixed question set
        from edge_agent.llm.grounding_eval import evaluate_command

        name = args.name or settings.model
        report = evaluate_command(settings, name, questions_file=Path(args.questions) if args.questions else None,
                                  limit=args.limit, lang=args.lang)
        print(f"{name}: {report.summary()}; verdicts {report.reasons}")
        return 0
    from edge_agent.llm.grounding_eval import figure_for, load

    measured = load(settings.data_dir)
    specs = manifest.read_manifest(settings.models_dir)
    selected = manifest.resolve_model(settings)
    if selected.name not in specs:
        specs[selected.name] = selected
    failed = 0
    for name, spec in sorted(specs.items()):
        mark = "*" if name == selected.name else " "
        if args.action == "list":
            state = "present" if spec.path.is_file() else "missing"
            print(f"{mark} {name:24} {spec.path.name:40} {state:8} {spec.chat_format:7} ctx={spec.n_ctx:<6} "
                  f"licence: {spec.licence}")
            print(f"  {'':24} {figure_for(measured, name, spec.sha256)}")
        else:
            result = manifest.verify(spec)
            failed += result.status == "mismatch" or (name == selected.name and not result.ok)
            print(f"{mark} {name:24} {result.status:10} {spec.path}")
    if args.action == "list":
        print("\n* = selected (setting `model`, or `model_path`)")
    return 1 if failed else 0


def cmd_keys(args: argparse.Namespace, settings: Settings) -> int:
    """Create the recovery key pair for the encrypt operator."""
    from guardrails.keys import generate_recovery_keypair

    public = Path(args.public_out or settings.data_dir / "keys" / "recovery.pub.pem")
    generate_recovery_keypair(Path(args.private_out), public)
    print(f"private key: {args.private_out} (mode 0600) — move it OFF this box; it alone can recover values")
    print(f"public key:  {public} — set recovery_public_key_file to this path")
    return 0


def cmd_reveal(args: argparse.Namespace, settings: Settings) -> int:
    """Decrypt <ENC:…> tokens on stdin with the off-box private key (for a compliance officer)."""
    from guardrails.keys import load_private_key
    from guardrails.operators import decrypt_text

    sys.stdout.write(decrypt_text(sys.stdin.read(), load_private_key(Path(args.private_key))))
    return 0


def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    """Print every setting with its current value and description (or the README's Markdown table)."""
    if args.markdown:
        print(settings_markdown())
        return 0
    for item in settings.describe():
        print(f"{item['env']:28} = {item['value']!s:24} {item['description']}")
    return 0


def settings_markdown() -> str:
    """The settings table of README.md, generated from the Settings fields."""
    rows = ["| variable | default | what it does |", "| --- | --- | --- |"]
    for item in Settings.load(environ={}).describe():
        default = {None: "(none)", "": "(empty)"}.get(item["default"], item["default"])
        rows.append(f"| `{item['env']}` | `{default}` | {item['description']} |")
    return "\n".join(rows)


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "serve": cmd_serve, "ingest": cmd_ingest, "ask": cmd_ask, "redact": cmd_redact,
    "models": cmd_models, "config": cmd_config, "keys": cmd_keys, "reveal": cmd_reveal,
    "kb": cmd_kb, "init": cmd_init, "audit": cmd_audit, "users": cmd_users,
    "backup": cmd_backup, "restore": cmd_restore, "migrate": cmd_migrate, "doctor": cmd_doctor,
    "insights": cmd_insights,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (global flags override the settings file and EDGE_* variables)."""
    parser = argparse.ArgumentParser(prog="edge-agent", description=__doc__)
    parser.add_argument("--config", help="TOML settings file (also EDGE_CONFIG)")
    parser.add_argument("--data-dir", help="directory for all state (EDGE_DATA_DIR)")
    parser.add_argument("--models-dir", help="directory of GGUF files and manifest.toml (EDGE_MODELS_DIR)")
    parser.add_argument("--model", help="model name from models/manifest.toml (EDGE_MODEL)")
    parser.add_argument("--model-path", help="path of a GGUF file to load (EDGE_MODEL_PATH)")
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR (EDGE_LOG_LEVEL)")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the chat API and kiosk page")
    serve.add_argument("--host", help="bind address (EDGE_HOST)")
    serve.add_argument("--port", type=int, help="TCP port (EDGE_PORT, default 8080)")
    add_kb_parser(sub)  # `kb add|remove|list` and `ingest` (= `kb add`)
    ask = sub.add_parser("ask", help="ask one question through the whole pipeline")
    ask.add_argument("question")
    ask.add_argument("--session", default="cli-session", help="session id (stable placeholders across asks)")
    redact = sub.add_parser("redact", help="redact stdin")
    redact.add_argument("--jsonl", action="store_true",
                        help='read JSON lines with a "text" field; add "redacted" and "entities"')
    models = sub.add_parser("models", help="list, verify or prepare GGUF models")
    models.add_argument("action", choices=("list", "verify", "prepare", "add", "evaluate"))
    models.add_argument("name", nargs="?", help="add: the name to register the model under; evaluate: the model")
    models.add_argument("file", nargs="?", help="add: the GGUF file (its sha256 goes into the manifest)")
    models.add_argument("--chat-format", default="template", help="add: prompt format (default: the GGUF's)")
    models.add_argument("--licence", default="unknown", help="add: the model's licence, for the list")
    models.add_argument("--questions", help="evaluate: JSON lines with a question field (default: the KB's headings)")
    models.add_argument("--limit", type=int, default=40, help="evaluate: questions asked (default 40, 0: all)")
    models.add_argument("--lang", default="", choices=("", "zh", "en"), help="evaluate: one language only")
    keys = sub.add_parser("keys", help="create the recovery key pair for the encrypt operator")
    keys.add_argument("action", choices=("recovery-keypair",))
    keys.add_argument("--private-out", required=True, help="where to write the private key (then move it off the box)")
    keys.add_argument("--public-out", help="where to write the public key (default data_dir/keys/recovery.pub.pem)")
    reveal = sub.add_parser("reveal", help="decrypt <ENC:…> tokens on stdin with the recovery private key")
    reveal.add_argument("--private-key", required=True)
    add_audit_parsers(sub)  # `init` and `audit verify|export|purge`
    add_users_parser(sub)  # `users add|list|remove|set-role|passwd|init-secret`
    add_insights_parser(sub)  # `insights --since D --until D [--json]`
    add_ops_parsers(sub)  # `backup DIR`, `restore DIR`, `migrate`, `doctor`
    config = sub.add_parser("config", help="show every setting, its value and what it does")
    config.add_argument("--markdown", action="store_true", help="print the settings table for README.md")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `edge-agent` console script."""
    args = build_parser().parse_args(argv)
    umask = os.umask(PRIVATE_UMASK)  # databases, logs, checkpoints and exports: readable by this user only
    try:
        settings = _settings(args)
        return COMMANDS[args.command](args, settings)
    except (SettingsError, PolicyError, KeyFileError) as exc:
        print(f"edge-agent: configuration error: {exc}", file=sys.stderr)
        return 2
    except EdgeError as exc:
        print(f"edge-agent: {exc.message}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"edge-agent: {exc}", file=sys.stderr)
        return 1
    finally:
        os.umask(umask)


if __name__ == "__main__":
    sys.exit(main())
