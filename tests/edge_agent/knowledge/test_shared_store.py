"""The knowledge store on a real `chroma run` server: two processes' stores see each other's changes."""
from __future__ import annotations

import pytest

from edge_agent.errors import KnowledgeUnavailable
from edge_agent.knowledge import shared
from edge_agent.knowledge.shared import SharedKnowledgeStore, http_client
from tests.conftest import SAMPLE_KB, free_port
from tests.edge_agent.knowledge.chroma_server import start_chroma
from tests.fakes import HashEmbedder

pytestmark = pytest.mark.slow
DOC = SAMPLE_KB / "bank" / "lost-card.en.md"


@pytest.fixture
def server(tmp_path):
    chroma = start_chroma(tmp_path)
    yield chroma
    chroma.stop()


def doc_ids(store) -> set[str]:
    return {d.doc_id for d in store.list_documents()}


def test_a_change_by_one_store_is_seen_by_the_other(server, monkeypatch):
    monkeypatch.setattr(shared, "CHECK_EVERY_S", 0.0)
    writer, reader = SharedKnowledgeStore(server.url, HashEmbedder()), SharedKnowledgeStore(server.url, HashEmbedder())
    assert reader.collections() == {} and reader.lexical("stolen card", 3) == []  # caches built while empty
    report = writer.ingest([DOC], 1200)
    assert report.chunks > 0
    assert reader.count() == writer.count() == report.chunks
    assert sum(reader.collections().values()) == report.chunks  # the collection map was rebuilt
    assert reader.lexical("stolen card", 3)  # and the BM25 index
    assert len(reader.search("lost card", 3, "en")) == min(3, report.chunks)
    (doc_id,) = doc_ids(writer)
    reader.remove_document(doc_id)  # the other way round
    assert writer.collections() == {} and writer.lexical("stolen card", 3) == []


def test_changes_are_looked_for_at_most_every_check_interval(server, monkeypatch):
    monkeypatch.setattr(shared, "CHECK_EVERY_S", 3600.0)
    writer, reader = SharedKnowledgeStore(server.url, HashEmbedder()), SharedKnowledgeStore(server.url, HashEmbedder())
    assert reader.collections() == {}
    writer.ingest([DOC], 1200)
    assert reader.collections() == {}  # not looked again yet: the cached map is kept (no request per call)
    assert reader.count() > 0  # searches and counts always ask the server
    monkeypatch.setattr(shared, "CHECK_EVERY_S", 0.0)
    assert reader.collections() != {}


def test_an_absent_server_is_a_clear_503():
    with pytest.raises(KnowledgeUnavailable, match="chroma run") as absent:
        http_client(f"http://127.0.0.1:{free_port()}")
    assert absent.value.status == 503


@pytest.mark.parametrize("url", ["ftp://127.0.0.1:8000", "127.0.0.1:8000", "http://127.0.0.1:8000/chroma"])
def test_urls_that_are_not_a_server_base_are_refused(url):
    with pytest.raises(ValueError, match="chroma_url"):
        http_client(url)
