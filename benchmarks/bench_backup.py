"""Backup and restore of a conversation store with 100,000 turns: time and size, printed as JSON.

    .venv/bin/python benchmarks/bench_backup.py [--turns 100000] [--writer]

The store is filled through ConversationStore.append (every turn chained and signed as in service; the
fill alone runs with synchronous=OFF so it takes seconds, not an fsync per turn). Then `edge-agent backup`
(in-process: make_backup) copies it — with ``--writer`` while a thread keeps appending turns with the
service's synchronous=FULL — then restore into an empty directory and `audit verify` on the copy.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edge_agent.cli import main as cli  # noqa: E402
from edge_agent.config import Settings  # noqa: E402
from edge_agent.conversations import TurnRecord, open_store  # noqa: E402
from edge_agent.ops.backup import make_backup  # noqa: E402
from edge_agent.ops.restore import restore_backup  # noqa: E402


def turn(i: int) -> TurnRecord:
    """A typical redacted turn (~400 bytes of text and JSON)."""
    zh = i % 2 == 0
    return TurnRecord(
        session_id=f"bench-session-{i // 4:06d}", lang="zh" if zh else "en",
        question=f"我的卡号<CREDIT_CARD_1>丢了，怎么挂失？{i}" if zh else f"How do I book the sleep clinic? {i}",
        answer="请立即拨打客服热线挂失，或在手机银行中冻结该卡。挂失后可到任一网点补办新卡。" if zh
        else "Call the front desk or book online; bring your insurance card and a photo ID.",
        answer_kind=("quoted", "generated", "declined", "escalated")[i % 4],
        entities=[{"type": "CREDIT_CARD", "count": 1}] if zh else [], output_entities=[],
        sources=[{"id": f"lost-card.zh#{i % 7}", "title": "银行卡挂失 · 怎么挂失", "score": 0.912}],
        model_id="gemma3-270m", guard_version="guard-0.1", grounding="quote_mode", model_sha256="a" * 64)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--writer", action="store_true", help="keep appending turns while the backup runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp:
        data = Path(tmp) / "data"
        assert cli(["--data-dir", str(data), "init"]) == 0
        settings = Settings.from_mapping({"data_dir": data})
        store = open_store(settings)
        store._conn.execute("PRAGMA synchronous=OFF")  # the fill only; the writer below uses FULL
        started = time.monotonic()
        for i in range(args.turns):
            store.append(turn(i))
        fill_s = time.monotonic() - started
        store._conn.execute("PRAGMA synchronous=FULL")
        written_during = 0
        stop = threading.Event()

        def writer() -> None:
            nonlocal written_during
            while not stop.is_set():
                store.append(turn(args.turns + written_during))
                written_during += 1

        thread = threading.Thread(target=writer, daemon=True) if args.writer else None
        if thread:
            thread.start()
        result = make_backup(settings, Path(tmp) / "backup", include_keys=True)
        stop.set()
        if thread:
            thread.join()
        store.close()
        started = time.monotonic()
        restore_backup(Settings.from_mapping({"data_dir": Path(tmp) / "restored"}), Path(tmp) / "backup")
        restore_s = time.monotonic() - started
        started = time.monotonic()
        verify = cli(["--data-dir", str(Path(tmp) / "restored"), "audit", "verify"])
        verify_s = time.monotonic() - started
        print(json.dumps({
            "turns": args.turns, "store_bytes": settings.db_path.stat().st_size,
            "fill_s": round(fill_s, 1), "backup_s": round(result.seconds, 2), "backup_bytes": result.bytes,
            "backup_files": result.files, "turns_in_backup": result.turns,
            "turns_written_during_backup": written_during, "restore_s": round(restore_s, 2),
            "verify_s": round(verify_s, 2), "verify_ok": verify == 0,
        }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
