"""A tiny OpenAI-compatible streaming server on the standard library, for fast RemoteModel tests."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Behaviour:
    """What the fake server does with the next requests."""

    pieces: tuple[str, ...] = ("Hello", " there", " [1]")
    status: int = 200
    delay_s: float = 0.0  # before each piece
    break_after: int | None = None  # close the connection after this many pieces, without [DONE]
    pings: bool = True  # send SSE comment lines as llama_cpp.server does


@dataclass
class FakeServer:
    """One listening fake server; ``requests`` records (path, body) pairs."""

    httpd: ThreadingHTTPServer
    behaviour: Behaviour
    requests: list[tuple[str, dict]] = field(default_factory=list)
    disconnects: list[int] = field(default_factory=list)  # pieces written before a client went away
    active: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def start_fake_server(behaviour: Behaviour | None = None) -> FakeServer:
    """Start a fake server on a free port in a daemon thread."""
    server: FakeServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            server.requests.append((self.path, body))
            b = server.behaviour
            if b.status != 200:
                payload = json.dumps({"error": {"message": "nope"}}).encode()
                self.send_response(b.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            chat = self.path.endswith("/chat/completions")
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            server.active += 1
            written = 0
            try:
                if b.pings:
                    self.wfile.write(b": ping - 2026-01-01\r\n\r\n")
                for piece in b.pieces:
                    if b.break_after is not None and written >= b.break_after:
                        self.wfile.flush()
                        return
                    if b.delay_s:
                        time.sleep(b.delay_s)
                    choice = {"delta": {"content": piece}} if chat else {"text": piece}
                    self.wfile.write(f"data: {json.dumps({'choices': [choice]})}\r\n\r\n".encode())
                    self.wfile.flush()
                    written += 1
                self.wfile.write(b"data: [DONE]\r\n\r\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                server.disconnects.append(written)
            finally:
                server.active -= 1
                self.close_connection = True

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server = FakeServer(httpd, behaviour or Behaviour())
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server
