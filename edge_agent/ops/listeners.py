"""Which TCP sockets edge-agent's processes listen on, read from /proc (Linux): /proc/net/tcp{,6} for the
listening sockets, /proc/<pid>/fd for who holds them (without root, only this user's processes show)."""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

LISTEN = "0A"
# What makes a process one of ours: the service and CLI, and the model servers it may run beside.
PROGRAMS = ("edge-agent", "edge_agent", "llama_cpp.server", "llama-server")


@dataclass(frozen=True)
class Listener:
    """A listening TCP socket and the process that holds it."""

    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    port: int
    pid: int
    program: str

    @property
    def where(self) -> str:
        """address:port as one would type it."""
        host = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return f"{host}:{self.port}"


def parse_address(text: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]:
    """A /proc/net/tcp local address ("0100007F:1F90" → 127.0.0.1, 8080); IPv6 as four little-endian words."""
    hexaddr, hexport = text.split(":")
    raw = bytes.fromhex(hexaddr)
    if len(raw) == 4:
        return ipaddress.IPv4Address(raw[::-1]), int(hexport, 16)
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    address = ipaddress.IPv6Address(words)
    return (address.ipv4_mapped or address), int(hexport, 16)


def listening_inodes(proc: Path = Path("/proc")) -> dict[int, tuple[ipaddress.IPv4Address | ipaddress.IPv6Address,
                                                                    int]]:
    """Socket inode → (address, port) of every listening TCP socket."""
    found = {}
    for name in ("tcp", "tcp6"):
        try:
            lines = (proc / "net" / name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == LISTEN:
                found[int(fields[9])] = parse_address(fields[1])
    return found


def _program(pid: str, proc: Path) -> str | None:
    try:
        argv = (proc / pid / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    text = " ".join(a.decode("utf-8", "replace") for a in argv if a)
    return next((p for p in PROGRAMS if p in text), None)


def edge_agent_listeners(proc: Path = Path("/proc")) -> list[Listener]:
    """Listening sockets held by edge-agent processes (the service, model servers)."""
    inodes = listening_inodes(proc)
    found = []
    for pid in (p for p in os.listdir(proc) if p.isdigit()):
        program = _program(pid, proc)
        if program is None:
            continue
        try:
            fds = os.listdir(proc / pid / "fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(proc / pid / "fd" / fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inode = int(target[8:-1])
                if inode in inodes:
                    address, port = inodes[inode]
                    found.append(Listener(address, port, int(pid), program))
    return sorted(set(found), key=lambda item: (item.port, str(item.address), item.pid))
