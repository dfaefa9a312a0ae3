#!/bin/sh
# edge-agent offline installer: run it from the unpacked bundle. Needs Python 3.11 (with venv) and no network.
#
#   ./install.sh --prefix /opt/edge-agent --data-dir /var/lib/edge-agent [--no-systemd] [--no-sample-kb]
#                [--python python3.11] [--user edge-agent]
#
# 1. checks every file of the bundle against SHA256SUMS;
# 2. creates PREFIX/venv and installs the wheelhouse with pip --no-index --require-hashes (nothing is fetched);
# 3. PREFIX/bin/edge-agent: the command, with the data directory and models of this install as its defaults;
# 4. copies the model to PREFIX/models and verifies its sha256 (`edge-agent models verify`);
# 5. `edge-agent init` (audit key, staff secret, database), then loads the sample knowledge base;
# 6. unless --no-systemd: creates the service user, installs deploy/edge-agent.service with these paths,
#    enables and starts it.
set -eu

PREFIX=""
DATA_DIR=""
SYSTEMD=1
SAMPLE_KB=1
PYTHON=${PYTHON:-python3}
SERVICE_USER=edge-agent
HERE=$(cd "$(dirname "$0")" && pwd)
START=$(date +%s)

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
say() { printf 'install: [%4ss] %s\n' "$(( $(date +%s) - START ))" "$*"; }
die() { printf 'install: error: %s\n' "$*" >&2; exit 1; }
elapsed() { echo $(( $(date +%s) - START )); }

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) PREFIX=${2:?}; shift 2 ;;
        --data-dir) DATA_DIR=${2:?}; shift 2 ;;
        --no-systemd) SYSTEMD=0; shift ;;
        --no-sample-kb) SAMPLE_KB=0; shift ;;
        --python) PYTHON=${2:?}; shift 2 ;;
        --user) SERVICE_USER=${2:?}; shift 2 ;;
        -h|--help) usage 0 ;;
        *) printf 'install: unknown option %s\n' "$1" >&2; usage 2 ;;
    esac
done
[ -n "$PREFIX" ] && [ -n "$DATA_DIR" ] || { printf 'install: --prefix and --data-dir are required\n' >&2; usage 2; }
umask 077
mkdir -p "$PREFIX" "$DATA_DIR"
PREFIX=$(cd "$PREFIX" && pwd)
DATA_DIR=$(cd "$DATA_DIR" && pwd)
chmod 755 "$PREFIX"

"$PYTHON" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null \
    || die "$PYTHON is not Python 3.11 with the venv module (Debian: apt-get install python3.11-venv)"

say "checking the bundle against SHA256SUMS"
(cd "$HERE" && sha256sum --quiet -c SHA256SUMS) || die "the bundle is damaged or was changed: copy it again"

say "creating $PREFIX/venv"
umask 022  # the code and venv readable by the service user; its data stays private (0077 below)
"$PYTHON" -m venv "$PREFIX/venv"
say "installing $(grep -c -- '--hash=' "$HERE/requirements.lock") wheels offline (pip --no-index --require-hashes)"
"$PREFIX/venv/bin/python" -m pip install --quiet --no-index --find-links "$HERE/wheels" --require-hashes \
    --no-cache-dir --disable-pip-version-check -r "$HERE/requirements.lock"

mkdir -p "$PREFIX/bin" "$PREFIX/models"
cat > "$PREFIX/bin/edge-agent" <<EOF
#!/bin/sh
# edge-agent as installed by install.sh: this install's data directory and models unless told otherwise.
: "\${EDGE_DATA_DIR:=$DATA_DIR}"
: "\${EDGE_MODELS_DIR:=$PREFIX/models}"
export EDGE_DATA_DIR EDGE_MODELS_DIR
exec "$PREFIX/venv/bin/edge-agent" "\$@"
EOF
chmod 755 "$PREFIX/bin/edge-agent"
cp "$HERE/README.md" "$PREFIX/README.md"
cp -R "$HERE/deploy" "$PREFIX/deploy"
cp -R "$HERE/sample_kb" "$PREFIX/sample_kb"

say "copying and verifying the model"
cp "$HERE/models/"* "$PREFIX/models/"
(cd "$PREFIX/models" && sha256sum --quiet -c SHA256SUMS) || die "the model file does not match its sha256"
"$PREFIX/bin/edge-agent" models verify >/dev/null || die "edge-agent models verify failed"
# code and model readable by the service user, never writable by it (the data directory is not touched)
chmod -R a+rX "$PREFIX/models" "$PREFIX/sample_kb" "$PREFIX/deploy" "$PREFIX/README.md" "$PREFIX/bin"

umask 077
say "initialising $DATA_DIR"
"$PREFIX/bin/edge-agent" init
if [ "$SAMPLE_KB" = 1 ]; then
    say "loading the sample knowledge base"
    "$PREFIX/bin/edge-agent" ingest "$PREFIX/sample_kb"
fi

if [ "$SYSTEMD" = 1 ]; then
    command -v systemctl >/dev/null 2>&1 || die "systemctl not found: re-run with --no-systemd and start \
$PREFIX/bin/edge-agent serve yourself"
    if ! id "$SERVICE_USER" >/dev/null 2>&1; then
        say "creating the system user $SERVICE_USER"
        useradd --system --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"
    fi
    chown -R "$SERVICE_USER:$SERVICE_USER" "$DATA_DIR"
    chmod 700 "$DATA_DIR"
    umask 022
    mkdir -p /etc/edge-agent
    if [ ! -e /etc/edge-agent/edge-agent.toml ]; then  # every other setting: deploy/edge-agent.example.toml
        printf '# written by install.sh; every setting: %s/deploy/edge-agent.example.toml\ndata_dir = "%s"\nmodels_dir = "%s/models"\nhost = "127.0.0.1"\nport = 8080\n' \
            "$PREFIX" "$DATA_DIR" "$PREFIX" > /etc/edge-agent/edge-agent.toml
    fi
    sed -e "s#@PREFIX@#$PREFIX#g" -e "s#@DATA_DIR@#$DATA_DIR#g" -e "s#@USER@#$SERVICE_USER#g" \
        "$HERE/deploy/edge-agent.service" > /etc/systemd/system/edge-agent.service
    systemctl daemon-reload
    systemctl enable --now edge-agent.service
    say "service enabled: systemctl status edge-agent; journalctl -u edge-agent"
fi
say "done in $(elapsed) s: $PREFIX/bin/edge-agent (data: $DATA_DIR)"
if [ "$SYSTEMD" = 0 ]; then
    say "start it with: $PREFIX/bin/edge-agent serve"
fi
