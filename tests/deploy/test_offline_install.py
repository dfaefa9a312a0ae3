"""The bundle `make bundle` built installs on a box with NO network at all: inside a fresh network namespace
(`unshare -n`, only a loopback device), from an empty directory, `install.sh --no-systemd` installs with pip
--no-index --require-hashes, verifies the model, runs init and loads the sample knowledge base; the installed
`edge-agent serve` then answers a question on 127.0.0.1 with a source from that knowledge base."""
from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edge_agent import __version__

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
NAME = f"edge-agent-{__version__}-{platform.system().lower()}-{platform.machine()}-py{sys.version_info[0]}" \
       f"{sys.version_info[1]}"
BUNDLE = ROOT / "dist" / f"{NAME}.tar.gz"
PORT = 8089  # inside the namespace: nothing else listens there

DRIVER = r"""
set -eu
ip link set lo up
# the proof that there is no network: no route out, no name resolution
if python3 -c "import socket; socket.create_connection(('pypi.org', 443), timeout=5)" 2>/dev/null; then
    echo "NETWORK REACHABLE"; exit 9
fi
echo "no network: confirmed"
cd "$WORK"
[ -z "$(ls -A .)" ] || { echo "work directory not empty"; exit 8; }
tar -xzf "$BUNDLE"
start=$(date +%s)
"./$NAME/install.sh" --prefix "$WORK/opt" --data-dir "$WORK/data" --no-systemd
echo "INSTALL_SECONDS=$(( $(date +%s) - start ))"
"$WORK/opt/bin/edge-agent" serve --port "$PORT" > "$WORK/serve.log" 2>&1 &
server=$!
python3 "$ASK" "http://127.0.0.1:$PORT" > "$WORK/answer.json" || { kill "$server"; cat "$WORK/serve.log"; exit 7; }
kill "$server"
wait "$server" || true
"$WORK/opt/bin/edge-agent" doctor
"""

ASK = r"""
import json, sys, time, urllib.request
base = sys.argv[1]
deadline = time.monotonic() + 300
while True:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
            if json.loads(r.read())["ready"]:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit("server not ready")
    time.sleep(1)
body = json.dumps({"session_id": "offline-install-01", "message": "信用卡临时额度怎么调？"}).encode()
req = urllib.request.Request(base + "/api/chat", data=body, headers={"Content-Type": "application/json"})
with urllib.request.urlopen(req, timeout=120) as r:
    print(r.read().decode())
"""


def can_unshare() -> bool:
    return shutil.which("unshare") is not None and shutil.which("ip") is not None and subprocess.run(
        ["unshare", "-n", "true"], capture_output=True).returncode == 0


def stale(bundle: Path) -> bool:
    """Whether the bundle is missing or older than the code, settings or deploy files it packs."""
    if not bundle.is_file():
        return True
    trees = [(ROOT / d).rglob("*") for d in ("edge_agent", "guardrails", "deploy", "models")]
    sources = [ROOT / "pyproject.toml", *(p for tree in trees for p in tree
                                          if p.is_file() and "__pycache__" not in p.parts)]
    return max(p.stat().st_mtime for p in sources) > bundle.stat().st_mtime


@pytest.fixture(scope="module")
def bundle() -> Path:
    """The bundle `make bundle` built (`make test` builds it first); rebuilt here when it is missing or stale."""
    if stale(BUNDLE):
        subprocess.run([sys.executable, str(ROOT / "deploy" / "bundle" / "build_bundle.py")], check=True,
                       timeout=1800)
    return BUNDLE


@pytest.mark.skipif(not can_unshare(), reason="needs root for `unshare -n` (a network namespace)")
def test_offline_install_from_an_empty_directory_answers_a_question(bundle, tmp_path):
    work = tmp_path / "empty"
    work.mkdir()
    (tmp_path / "ask.py").write_text(ASK, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EDGE_", "PIP_", "VIRTUAL_ENV"))}
    env.update({"WORK": str(work), "BUNDLE": str(bundle), "NAME": NAME, "PORT": str(PORT),
                "ASK": str(tmp_path / "ask.py"), "PIP_CONFIG_FILE": os.devnull,
                "PATH": os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)})
    proc = subprocess.run(["unshare", "-n", "sh", "-c", DRIVER], capture_output=True, text=True, env=env,
                          timeout=1500)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    assert "no network: confirmed" in proc.stdout
    assert (work / "opt" / "venv" / "bin" / "edge-agent").is_file() and (work / "opt" / "bin" / "edge-agent").is_file()
    reply = json.loads((work / "answer.json").read_text(encoding="utf-8"))
    assert reply["ok"] and reply["answer_kind"] in ("quoted", "generated") and reply["sources"], reply
    assert "额度" in reply["answer"]
    assert "0 failed" in proc.stdout  # `edge-agent doctor` on the installed box
    seconds = next(line.split("=")[1] for line in proc.stdout.splitlines() if line.startswith("INSTALL_SECONDS="))
    steps = [line for line in proc.stdout.splitlines() if line.startswith("install: [")]
    print("\n".join(steps) + f"\noffline install: {seconds} s, bundle {bundle.stat().st_size / 2**20:.0f} MiB")
