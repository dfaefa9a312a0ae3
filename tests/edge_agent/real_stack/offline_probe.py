"""Run the whole pipeline in a fresh interpreter with every non-loopback connection blocked.

Sockets are patched before anything of ours (or Presidio, spaCy, Chroma, llama.cpp) is imported, so model
loading, recognizer set-up and the first answers all happen offline. Prints one JSON object.
"""
from __future__ import annotations

import json
import socket
import sys

ATTEMPTS: list[str] = []
LOOPBACK = ("127.", "localhost", "::1")


def _loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    return isinstance(host, str) and host.startswith(LOOPBACK) or isinstance(address, (str, bytes))  # AF_UNIX paths


_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo


def connect(self, address):
    if not _loopback(address):
        ATTEMPTS.append(f"connect {address!r}")
        raise OSError("network blocked by offline_probe")
    return _connect(self, address)


def connect_ex(self, address):
    if not _loopback(address):
        ATTEMPTS.append(f"connect_ex {address!r}")
        return 111
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    if host is not None and not str(host).startswith(LOOPBACK):
        ATTEMPTS.append(f"getaddrinfo {host!r}")
        raise socket.gaierror("name resolution blocked by offline_probe")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo


def main(data_dir: str, models_dir: str, kb_dir: str) -> None:
    from pathlib import Path

    from edge_agent.config import Settings
    from edge_agent.services import build_services

    settings = Settings.from_mapping({"data_dir": data_dir, "models_dir": models_dir})
    services = build_services(settings)
    services.knowledge.ingest([Path(kb_dir)], settings.chunk_max_chars)
    replies = [services.chat.answer("offline-probe-1", q).to_json()
               for q in ("信用卡临时额度怎么调？", "How do I book the sleep clinic?")]
    print(json.dumps({"attempts": ATTEMPTS, "replies": replies}, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:4])
