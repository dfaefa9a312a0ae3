"""`python -m llama_cpp.server` with every non-loopback connection blocked and reported on stderr.

Tests start model servers through this launcher, so a server that tried to download anything at run time
(Hugging Face look-ups, telemetry) would show ``offline: blocked`` lines in its log.
"""
from __future__ import annotations

import runpy
import socket
import sys

LOOPBACK = ("127.", "localhost", "::1")
_connect, _getaddrinfo = socket.socket.connect, socket.getaddrinfo


def _blocked(what: str) -> None:
    print(f"offline: blocked {what}", file=sys.stderr, flush=True)


def connect(self, address):
    host = address[0] if isinstance(address, tuple) else None
    if host is not None and not str(host).startswith(LOOPBACK):
        _blocked(f"connect {address!r}")
        raise OSError("network blocked by offline_llama_server")
    return _connect(self, address)


def getaddrinfo(host, *args, **kwargs):
    if host is not None and not str(host).startswith(LOOPBACK):
        _blocked(f"getaddrinfo {host!r}")
        raise socket.gaierror("name resolution blocked by offline_llama_server")
    return _getaddrinfo(host, *args, **kwargs)


if __name__ == "__main__":
    socket.socket.connect, socket.getaddrinfo = connect, getaddrinfo
    from edge_agent.llm.extra_buffers import install

    install()  # as the service loads its models: without llama.cpp's AMX kernels, which crash on this box
    sys.argv[0] = "llama_cpp.server"
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
