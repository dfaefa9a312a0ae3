"""Generation on OpenAI-compatible model servers (llama.cpp's llama-server, llama_cpp.server, vLLM, Ollama).

``RemoteModel`` is one more LanguageModel: the chat service, its gate and its output guard do not know the
difference. Turns are spread over the servers (least busy first, round robin among equals); a server that
refuses the connection, answers 5xx or breaks off a stream is marked down for ``down_s`` and the turn goes
to another one, as long as nothing has been streamed yet. The deadline is kept while reading the stream: at
the deadline the connection is closed (the server stops at its next token). Only the standard library talks
HTTP here.

Running `python -m llama_cpp.server` for this: keep one turn in flight per server (``concurrency=1``; by
default it interrupts a running stream when a second request arrives), and start it with
``--logits_all false`` (its default computes logits for every prompt token: with Gemma 3's 262k-word
vocabulary that doubled the prompt time measured here). One thread per core and one server per core
(``taskset -c N ... --n_threads 1 --n_threads_batch 1``) scales best on a small box.
"""
from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import urlsplit

from edge_agent.llm.backend import GenerationParams
from edge_agent.llm.prompts import Prompt
from edge_agent.llm.vocab import scrub

log = logging.getLogger("edge_agent.llm.remote")


class ServerFailed(Exception):
    """A model server could not serve a turn (connection, HTTP 5xx, a broken stream): try another one."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ServerState:
    """One model server as /healthz shows it (never with credentials from its URL)."""

    url: str
    state: str  # "up" | "down"
    in_flight: int
    concurrency: int
    served: int
    failures: int
    down_for_s: float
    last_error: str


class _Server:
    """A base URL and its bookkeeping; guarded by the pool's lock."""

    def __init__(self, url: str, concurrency: int) -> None:
        parts = urlsplit(url.strip().rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"model server URL must be http(s)://host[:port][/path], got {url!r}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.base_path = parts.path.removesuffix("/v1")
        self.url = f"{parts.scheme}://{self.host}:{self.port}{self.base_path}"  # userinfo dropped
        self.concurrency = concurrency
        self.in_flight = 0
        self.down_until = 0.0
        self.served = 0
        self.failures = 0
        self.last_error = ""


def parse_urls(value: str) -> tuple[str, ...]:
    """Comma-separated base URLs; empty items are ignored."""
    return tuple(u.strip() for u in value.split(",") if u.strip())


class ServerPool:
    """Which server takes the next turn: the least busy one that is up, round robin among equals."""

    def __init__(self, urls: Sequence[str], concurrency: int = 1, down_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not urls:
            raise ValueError("at least one model server URL is needed")
        self._servers = [_Server(u, max(1, concurrency)) for u in urls]
        self._down_s = down_s
        self._clock = clock
        self._cond = threading.Condition()
        self._next = 0

    def _up(self, server: _Server, now: float) -> bool:
        return server.down_until <= now

    def capacity(self) -> int:
        """Turns the servers that are up can take at once; all of them when none is up (turns then fail fast
        and are answered by quoting, and a server whose down time is over is tried again)."""
        now = self._clock()
        with self._cond:
            up = sum(s.concurrency for s in self._servers if self._up(s, now))
            return up or sum(s.concurrency for s in self._servers)

    def acquire(self, exclude: set[int], deadline: float) -> tuple[int, _Server] | None:
        """Take a slot on the best server not in ``exclude``; wait (until ``deadline``) while all are busy.

        None when no server not yet tried is up."""
        with self._cond:
            while True:
                now = self._clock()
                candidates = [(i, s) for i, s in enumerate(self._servers) if i not in exclude and self._up(s, now)]
                if not candidates:
                    return None
                free = [(i, s) for i, s in candidates if s.in_flight < s.concurrency]
                if free:
                    n = len(self._servers)
                    index, server = min(free, key=lambda c: (c[1].in_flight, (c[0] - self._next) % n))
                    self._next = (index + 1) % n
                    server.in_flight += 1
                    return index, server
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(min(remaining, 0.25))

    def release(self, server: _Server, failure: str = "") -> None:
        """Give the slot back; a failure marks the server down for a while."""
        with self._cond:
            server.in_flight -= 1
            if failure:
                server.failures += 1
                server.last_error = failure
                server.down_until = self._clock() + self._down_s
            else:
                server.served += 1
                server.down_until = 0.0
            self._cond.notify_all()

    def states(self) -> list[ServerState]:
        """Every server's state, for /healthz."""
        now = self._clock()
        with self._cond:
            return [ServerState(s.url, "up" if self._up(s, now) else "down", s.in_flight, s.concurrency, s.served,
                                s.failures, round(max(0.0, s.down_until - now), 1), s.last_error)
                    for s in self._servers]


def iter_sse_data(readline: Callable[[], bytes]) -> Iterator[str]:
    """The ``data`` of each server-sent event until ``[DONE]``; comments (pings) and other fields are skipped.

    Raises ServerFailed when the stream ends without ``[DONE]``."""
    data: list[str] = []
    while True:
        raw = readline()
        if not raw:
            if data:  # a last event without its blank line
                yield "\n".join(data)
            raise ServerFailed("stream ended early")
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not line:
            if data:
                payload = "\n".join(data)
                data = []
                if payload.strip() == "[DONE]":
                    return
                yield payload
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        if name == "data":
            data.append(value[1:] if value.startswith(" ") else value)


def _piece(event: dict[str, Any], chat: bool) -> str:
    """The text of one streamed chunk (completions: ``text``; chat completions: ``delta.content``)."""
    if "error" in event:
        raise ServerFailed("error event")
    choices = event.get("choices") or [{}]
    choice = choices[0] or {}
    if chat:
        return (choice.get("delta") or {}).get("content") or ""
    return choice.get("text") or ""


class RemoteModel:
    """A LanguageModel whose generations run on model servers; safe for concurrent callers."""

    def __init__(self, pool: ServerPool, *, model_id: str, chat_format: str, server_model: str = "",
                 connect_timeout_s: float = 2.0, seed: int | None = None,
                 special_tokens: frozenset[str] = frozenset()) -> None:
        self.pool = pool
        self.special_tokens = special_tokens  # the model's, when its GGUF is at hand (else the generic shapes)
        self.model_id = model_id
        self.chat_format = chat_format
        self._server_model = server_model or model_id
        self._connect_timeout_s = connect_timeout_s
        self._seed = seed

    def capacity(self) -> int:
        """Turns the servers can take at once now (the gate's capacity)."""
        return self.pool.capacity()

    def server_states(self) -> list[dict[str, Any]]:
        """The servers' states as plain dicts (for /healthz)."""
        return [asdict(s) for s in self.pool.states()]

    def stream(self, prompt: Prompt, params: GenerationParams) -> Iterator[str]:
        """Generate on the best free server; fail over to the next one until something has been streamed."""
        tried: set[int] = set()
        while time.monotonic() < params.deadline:
            taken = self.pool.acquire(tried, params.deadline)
            if taken is None:
                break
            index, server = taken
            tried.add(index)
            failure, streamed = "", False
            try:
                for piece in self._request(server, prompt, params):
                    streamed = True
                    yield piece
                return
            except ServerFailed as exc:
                failure = exc.reason
                log.warning("model server %s failed (%s)%s", server.url, failure,
                            "" if streamed else "; trying another")
                if streamed:  # what was streamed cannot be taken back: the grounding check judges it
                    return
            finally:
                self.pool.release(server, failure)
        log.warning("no model server could take the turn (%d tried); answering without the model", len(tried))

    def _body(self, prompt: Prompt, params: GenerationParams) -> tuple[str, dict[str, Any]]:
        # repeat_penalty 1.0: llama-cpp-python's in-process default (its server's is 1.1), so a server answers
        # what the in-process model would; servers that do not know the field ignore it.
        body: dict[str, Any] = {"model": self._server_model, "max_tokens": params.max_tokens,
                                "temperature": params.temperature, "repeat_penalty": 1.0, "stream": True}
        if self._seed is not None:
            body["seed"] = self._seed
        if prompt.stop:
            body["stop"] = list(prompt.stop)[:4]  # the OpenAI API takes at most four
        if prompt.messages:
            body["messages"] = [{"role": m["role"], "content": scrub(m["content"], self.special_tokens)}
                                for m in prompt.messages]
            return "/v1/chat/completions", body
        body["prompt"] = prompt.text
        return "/v1/completions", body

    def _request(self, server: _Server, prompt: Prompt, params: GenerationParams) -> Iterator[str]:
        """One streamed request; closes the connection at the deadline. Raises ServerFailed."""
        path, body = self._body(prompt, params)
        chat = path.endswith("/chat/completions")
        remaining = params.deadline - time.monotonic()
        if remaining <= 0:
            return
        cls = http.client.HTTPSConnection if server.scheme == "https" else http.client.HTTPConnection
        conn = cls(server.host, server.port, timeout=min(self._connect_timeout_s, remaining))
        sock: socket.socket | None = None
        response: http.client.HTTPResponse | None = None
        try:
            try:
                conn.connect()
                sock = conn.sock  # http.client lets go of it once a "Connection: close" response starts
                sock.settimeout(max(0.001, params.deadline - time.monotonic()))
                conn.request("POST", server.base_path + path, body=json.dumps(body).encode("utf-8"),
                             headers={"Content-Type": "application/json", "Accept": "text/event-stream"})
                response = conn.getresponse()
            except (TimeoutError, socket.timeout):
                if time.monotonic() >= params.deadline:
                    raise ServerFailed("no answer before the deadline") from None
                raise ServerFailed("connect timeout") from None
            except (OSError, http.client.HTTPException) as exc:
                raise ServerFailed(type(exc).__name__) from None
            if response.status >= 500:
                raise ServerFailed(f"HTTP {response.status}")
            if response.status != 200:  # the request, not the server: another server would refuse it too
                log.warning("model server %s refused the request: HTTP %d", server.url, response.status)
                return

            def readline() -> bytes:
                sock.settimeout(max(0.001, params.deadline - time.monotonic()))
                return response.readline(65536)

            try:
                for data in iter_sse_data(readline):
                    try:
                        event = json.loads(data)
                    except ValueError:
                        raise ServerFailed("malformed event") from None
                    text = _piece(event, chat) if isinstance(event, dict) else ""
                    if text:
                        yield text
                    if time.monotonic() >= params.deadline:
                        return
            except (TimeoutError, socket.timeout):
                if time.monotonic() >= params.deadline - 0.01:
                    return  # the deadline: closing the connection stops the server's generation
                raise ServerFailed("read timeout") from None
            except (OSError, http.client.HTTPException) as exc:
                raise ServerFailed(type(exc).__name__) from None
        finally:  # the response's file holds the socket open: close both, or the server keeps generating
            if response is not None:
                response.close()
            conn.close()
            if sock is not None:
                sock.close()
