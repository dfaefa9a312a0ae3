"""One writer for the embedded store: serve holds the data directory, kb add|remove refuse while it does."""
from __future__ import annotations

import dataclasses

import pytest

from edge_agent.errors import Conflict
from edge_agent.knowledge.writer_lock import hold_for_serve, knowledge_writer


def test_kb_changes_are_refused_while_a_server_holds_the_embedded_store(settings):
    lock = hold_for_serve(settings)
    with pytest.raises(Conflict) as refused:
        with knowledge_writer(settings, "add"):
            pytest.fail("the change must not run")
    message = refused.value.message
    assert "`edge-agent serve` is running" in message and "kb add" in message
    assert f"port {settings.port}" in message  # who holds it
    assert "/admin/kb" in message and "EDGE_CHROMA_URL" in message  # and the ways out
    lock.release()
    with knowledge_writer(settings, "add"):  # the server stopped: the CLI writes directly again
        pass


def test_a_second_server_on_the_embedded_store_is_refused(settings):
    first = hold_for_serve(settings)
    with pytest.raises(Conflict, match="embedded knowledge store allows one"):
        hold_for_serve(settings)
    first.release()
    hold_for_serve(settings).release()


def test_a_server_cannot_start_while_the_cli_writes(settings):
    with knowledge_writer(settings, "remove"):
        with pytest.raises(Conflict):
            hold_for_serve(settings)


def test_with_a_chroma_server_servers_share_and_the_cli_writes_through_it(settings):
    shared = dataclasses.replace(settings, chroma_url="http://127.0.0.1:8000")
    first, second = hold_for_serve(shared), hold_for_serve(shared)
    with knowledge_writer(shared, "add"):
        pass
    first.release()
    first.release()  # idempotent
    second.release()


def test_kb_add_through_the_cli_explains_the_refusal(settings, tmp_path, capsys):
    from edge_agent.cli import main

    doc = tmp_path / "faq.en.md"
    doc.write_text("# FAQ\n\n## How do I open an account?\nBring your ID to any branch.\n", encoding="utf-8")
    lock = hold_for_serve(settings)
    try:
        code = main(["--data-dir", str(settings.data_dir), "kb", "add", str(doc)])
    finally:
        lock.release()
    assert code == 1
    assert "`kb add` now would change the embedded knowledge store" in capsys.readouterr().err
    assert not settings.chroma_dir.exists()  # nothing was written
