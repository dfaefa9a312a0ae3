"""Issue 12, Medium 4 and 5: the waitress server `edge-agent serve` builds (cli.build_server) refuses huge
bodies and headers before spooling them, and 300 idle or slow sockets from one client leave /healthz
answering. Real sockets on 127.0.0.1 against the app on fakes; every loop is bounded."""
from __future__ import annotations

import dataclasses
import socket
import threading
import time

import pytest

from edge_agent.cli import build_server
from tests.conftest import free_port

SLOW_SOCKETS = 300


@pytest.fixture
def server(app, settings):
    """The production server for the fake-backed app, on a free port, in a thread."""
    settings = dataclasses.replace(settings, port=free_port(), max_request_body_bytes=1024 * 1024,
                                   max_request_header_bytes=16 * 1024)
    srv = build_server(app, settings)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield srv, settings.port
    srv.close()
    srv.task_dispatcher.shutdown(timeout=5)


def raw(port: int, request: bytes, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        chunks = []
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    break
                chunks.append(data)
        except TimeoutError:
            pass
        except ConnectionResetError:  # refused and closed with our bytes unread
            chunks.append(b"<reset>")
        return b"".join(chunks)


def healthz(port: int, timeout: float = 5.0) -> bytes:
    return raw(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeout)


def test_waitress_gets_the_limits_from_the_settings(settings):
    settings = dataclasses.replace(settings, port=free_port(), connection_limit=321, channel_timeout_s=17,
                                   max_request_body_bytes=4096, max_request_header_bytes=2048)
    srv = build_server(object(), settings)
    try:
        adj = srv.adj
        assert (adj.connection_limit, adj.channel_timeout, adj.max_request_body_size,
                adj.max_request_header_size) == (321, 17, 4096, 2048)
        assert adj.asyncore_use_poll and not adj.expose_tracebacks
    finally:
        srv.close()


def test_an_oversized_body_is_refused_before_it_is_sent(server):
    _, port = server
    started = time.monotonic()
    reply = raw(port, b"POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 1073741824\r\n\r\n{")
    assert reply.split(b" ", 2)[1] == b"413" and time.monotonic() - started < 5


def test_an_oversized_header_is_refused(server):
    _, port = server
    reply = raw(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * 40_000 + b"\r\n\r\n")
    assert reply.startswith((b"HTTP/1.0 431", b"HTTP/1.1 431", b"<reset>")), reply[:100]
    assert healthz(port).startswith(b"HTTP/1.1 200")  # and the server goes on


def test_300_slow_sockets_leave_healthz_answering(server):
    _, port = server
    held: list[socket.socket] = []
    try:
        for i in range(SLOW_SOCKETS):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            if i % 2:  # half idle, half a request begun and never finished (slowloris)
                s.sendall(b"POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{")
            held.append(s)
        time.sleep(0.5)
        started = time.monotonic()
        reply = healthz(port)
        assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
        assert time.monotonic() - started < 5
    finally:
        for s in held:
            s.close()
