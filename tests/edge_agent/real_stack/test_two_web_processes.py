"""Two `edge-agent serve` processes behind one data directory, sharing a real `chroma run` server: turns sent to
both at once all land in the one SQLite store and its audit chain, which `audit verify` finds intact; a document
added with `kb add` is answered by both at once."""
from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import SAMPLE_KB, start_server
from tests.edge_agent.knowledge.chroma_server import start_chroma
from tests.edge_agent.real_stack.test_knowledge_server import DOCS, QUESTION, ask, cites_new_doc, cli, new_doc

pytestmark = pytest.mark.slow
QUESTIONS = ("I lost my card, what should I do?", "When are branches open on Saturday?",
             "Is it free to report a lost card?", "Are branches open on public holidays?")
TURNS_EACH = 8


def test_two_processes_share_the_store_the_chain_and_the_knowledge(tmp_path):
    chroma = start_chroma(tmp_path)
    data, env = tmp_path / "data", {"EDGE_CHROMA_URL": chroma.url}
    servers = []
    try:
        added = cli(data, "ingest", *(str(SAMPLE_KB / d) for d in DOCS), **env)
        assert added.returncode == 0, added.stderr[-2000:]
        settings = dict(env, EDGE_ANSWER_MODE="quote", EDGE_CHAT_RATE_PER_MIN="0", EDGE_CHECKPOINT_EVERY_RECORDS="3")
        servers = [start_server(data, ready_s=900, **settings), start_server(data, ready_s=900, **settings)]
        jobs = [(s.url, QUESTIONS[i % len(QUESTIONS)]) for i in range(TURNS_EACH) for s in servers]
        with ThreadPoolExecutor(4) as pool:  # both processes write at the same time
            replies = list(pool.map(lambda job: ask(*job), jobs))
        assert all(r["answer"] and r["answer_kind"] != "escalated" for r in replies), replies
        added = cli(data, "kb", "add", str(new_doc(tmp_path)), **env)
        assert added.returncode == 0, added.stderr[-2000:]
        assert all(cites_new_doc(ask(s.url, QUESTION)) for s in servers)  # both see it, neither restarted
        for server in servers:
            server.stop()
        servers = []
        with sqlite3.connect(data / "edge-agent.sqlite3") as db:
            assert db.execute("SELECT count(*) FROM turns").fetchone()[0] == 2 * TURNS_EACH + 2
            seqs = [s for (s,) in db.execute("SELECT seq FROM audit_log ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))  # one chain, no fork, no gap
        verified = cli(data, "audit", "verify", **env)  # the chain, its checkpoints, and the entries on the server
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "intact" in verified.stdout
        assert "knowledge base matches the audit trail: 3 documents" in verified.stdout
    finally:
        for server in servers:
            server.stop()
        chroma.stop()
