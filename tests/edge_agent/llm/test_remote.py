"""RemoteModel against a stdlib fake server: SSE parsing, spreading, failover, deadline, the gate's 503."""
from __future__ import annotations

import io
import socket
import threading
import time

import pytest

from edge_agent.errors import Busy
from edge_agent.llm.backend import GenerationParams
from edge_agent.llm.gate import ModelGate
from edge_agent.llm.prompts import Prompt
from edge_agent.llm.remote import RemoteModel, ServerFailed, ServerPool, iter_sse_data, parse_urls
from tests.edge_agent.llm.fake_server import Behaviour, start_fake_server

PROMPT = Prompt("Question: hi\nAnswer:", ("\nQuestion",))


def closed_port_url() -> str:
    """A URL nobody listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def model_for(*urls: str, down_s: float = 30.0, concurrency: int = 1) -> RemoteModel:
    return RemoteModel(ServerPool(urls, concurrency, down_s), model_id="gemma3-270m", chat_format="plain",
                       connect_timeout_s=1.0)


def params(timeout_s: float = 10.0) -> GenerationParams:
    return GenerationParams(max_tokens=16, temperature=0.0, deadline=time.monotonic() + timeout_s)


@pytest.fixture
def servers():
    started = []

    def start(behaviour: Behaviour | None = None):
        server = start_fake_server(behaviour)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


# --- SSE parsing ------------------------------------------------------------------------------
@pytest.mark.parametrize("stream, expected", [
    # llama_cpp.server: CRLF line ends, a ping comment first
    (b": ping - 2026\r\n\r\ndata: {\"a\": 1}\r\n\r\ndata: [DONE]\r\n\r\n", ['{"a": 1}']),
    # LF only, no space after the colon
    (b"data:{\"a\": 1}\n\ndata:[DONE]\n\n", ['{"a": 1}']),
    # one event over two data lines is joined with a newline
    (b"data: {\"a\":\ndata: 1}\n\ndata: [DONE]\n\n", ['{"a":\n1}']),
    # other fields (event, id, retry) are skipped
    (b"event: message\nid: 7\nretry: 10\ndata: x\n\ndata: [DONE]\n\n", ["x"]),
    # blank lines between events are harmless
    (b"\n\ndata: x\n\n\n\ndata: y\n\ndata: [DONE]\n\n", ["x", "y"]),
])
def test_sse_events(stream, expected):
    assert list(iter_sse_data(io.BytesIO(stream).readline)) == expected


def test_sse_stream_that_ends_without_done_is_a_failure():
    events = iter_sse_data(io.BytesIO(b"data: x\n\n").readline)
    assert next(events) == "x"
    with pytest.raises(ServerFailed):
        next(events)


@pytest.mark.parametrize("value, expected", [
    ("http://a:1", ("http://a:1",)),
    (" http://a:1 , http://b:2/ ,", ("http://a:1", "http://b:2/")),
    ("", ()),
])
def test_parse_urls(value, expected):
    assert parse_urls(value) == expected


@pytest.mark.parametrize("url", ["a:1", "ftp://a", "http://"])
def test_bad_urls_are_refused(url):
    with pytest.raises(ValueError):
        ServerPool([url])


def test_url_credentials_and_v1_suffix_are_dropped():
    pool = ServerPool(["http://user:secret@10.0.0.5:8000/v1/"])
    assert pool.states()[0].url == "http://10.0.0.5:8000"


# --- generation -------------------------------------------------------------------------------
def test_completion_through_one_server(servers):
    server = servers()
    model = model_for(server.url)
    assert "".join(model.stream(PROMPT, params())) == "Hello there [1]"
    path, body = server.requests[0]
    assert path == "/v1/completions"
    assert body["prompt"] == PROMPT.text and body["stream"] is True and body["stop"] == ["\nQuestion"]
    assert body["model"] == "gemma3-270m" and body["max_tokens"] == 16
    state = model.pool.states()[0]
    assert (state.state, state.served, state.in_flight) == ("up", 1, 0)


def test_chat_messages_go_to_chat_completions(servers):
    server = servers(Behaviour(pieces=("Yes", " [1]")))
    prompt = Prompt("rendered", ("<|im_end|>",), messages=({"role": "system", "content": "rules"},
                                                          {"role": "user", "content": "q"}))
    assert "".join(model_for(server.url).stream(prompt, params())) == "Yes [1]"
    path, body = server.requests[0]
    assert path == "/v1/chat/completions" and body["messages"][1] == {"role": "user", "content": "q"}
    assert "prompt" not in body


def test_base_path_is_kept(servers):
    server = servers()
    model = model_for(server.url + "/ollama/v1")
    assert "".join(model.stream(PROMPT, params())) == "Hello there [1]"
    assert server.requests[0][0] == "/ollama/v1/completions"


# --- spreading and failover -------------------------------------------------------------------
def test_turns_alternate_between_idle_servers(servers):
    a, b = servers(), servers()
    model = model_for(a.url, b.url)
    for _ in range(4):
        assert "".join(model.stream(PROMPT, params()))
    assert len(a.requests) == 2 and len(b.requests) == 2


def test_concurrent_turns_go_to_different_servers(servers):
    a, b = servers(Behaviour(delay_s=0.1)), servers(Behaviour(delay_s=0.1))
    model = model_for(a.url, b.url)
    results = []
    threads = [threading.Thread(target=lambda: results.append("".join(model.stream(PROMPT, params()))))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == ["Hello there [1]"] * 2
    assert len(a.requests) == 1 and len(b.requests) == 1


def test_refused_connection_fails_over_and_marks_the_server_down(servers):
    good = servers()
    model = model_for(closed_port_url(), good.url)
    for _ in range(3):
        assert "".join(model.stream(PROMPT, params())) == "Hello there [1]"
    dead, alive = model.pool.states()
    assert dead.state == "down" and dead.failures == 1 and dead.last_error and dead.down_for_s > 0
    assert alive.state == "up" and alive.served == 3  # the dead one was not tried again while down


def test_http_500_fails_over(servers):
    broken, good = servers(Behaviour(status=500)), servers()
    model = model_for(broken.url, good.url)
    assert "".join(model.stream(PROMPT, params())) == "Hello there [1]"
    assert model.pool.states()[0].last_error == "HTTP 500"


def test_http_400_is_the_request_not_the_server(servers):
    picky, other = servers(Behaviour(status=400)), servers()
    model = model_for(picky.url, other.url)
    assert "".join(model.stream(PROMPT, params())) == ""
    assert model.pool.states()[0].state == "up" and not other.requests


def test_a_stream_broken_after_text_is_not_retried(servers):
    a, b = servers(Behaviour(break_after=1)), servers()
    model = model_for(a.url, b.url)
    assert "".join(model.stream(PROMPT, params())) == "Hello"  # the grounding check judges the partial draft
    assert model.pool.states()[0].state == "down" and not b.requests


def test_all_servers_down_answers_nothing_at_once():
    model = model_for(closed_port_url(), closed_port_url())
    started = time.monotonic()
    assert "".join(model.stream(PROMPT, params())) == ""
    assert time.monotonic() - started < 2
    assert [s.state for s in model.pool.states()] == ["down", "down"]
    assert model.capacity() == 2  # with none up, turns still pass the gate and fail fast


def test_a_down_server_is_tried_again_after_down_s(servers):
    now = [1000.0]
    good = servers()
    pool = ServerPool([closed_port_url(), good.url], 1, down_s=30.0, clock=lambda: now[0])
    model = RemoteModel(pool, model_id="m", chat_format="plain")
    "".join(model.stream(PROMPT, params()))
    assert pool.capacity() == 1
    now[0] += 31
    assert pool.capacity() == 2 and pool.states()[0].state == "up"


# --- deadline ---------------------------------------------------------------------------------
def test_deadline_closes_the_stream(servers):
    slow = servers(Behaviour(pieces=("tok ",) * 100, delay_s=0.05))
    model = model_for(slow.url)
    started = time.monotonic()
    text = "".join(model.stream(PROMPT, params(timeout_s=0.5)))
    elapsed = time.monotonic() - started
    assert 0.3 < elapsed < 1.0 and 0 < text.count("tok") < 100
    wait = time.monotonic() + 5
    while not slow.disconnects and time.monotonic() < wait:  # the server noticed the closed connection
        time.sleep(0.05)
    assert slow.disconnects and slow.disconnects[0] < 100
    assert model.pool.states()[0].state == "up"  # a deadline is not the server's fault


def test_deadline_while_waiting_for_the_first_byte(servers):
    silent = servers(Behaviour(pieces=("late",), delay_s=2.0, pings=False))
    model = model_for(silent.url)
    started = time.monotonic()
    assert "".join(model.stream(PROMPT, params(timeout_s=0.4))) == ""
    assert time.monotonic() - started < 1.0


# --- the gate over the servers ----------------------------------------------------------------
def test_gate_admits_one_turn_per_server_then_503(servers):
    a, b = servers(), servers()
    model = model_for(a.url, b.url)
    gate = ModelGate(queue_size=0, wait_s=0.1, capacity=model.capacity)
    with gate.slot(), gate.slot():
        assert gate.busy and gate.in_flight == 2
        with pytest.raises(Busy) as exc:
            with gate.slot():
                pass
        assert int(exc.value.headers["Retry-After"]) >= 1
    assert not gate.busy


def test_gate_capacity_shrinks_while_a_server_is_down(servers):
    good = servers()
    model = model_for(closed_port_url(), good.url)
    gate = ModelGate(queue_size=0, wait_s=0.1, capacity=model.capacity)
    "".join(model.stream(PROMPT, params()))  # finds out the first server is dead
    with gate.slot():
        with pytest.raises(Busy):
            with gate.slot():
                pass
