# GSDOA bot — every command a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
RASA        := $(VENV)/bin/rasa
CASES       ?= ../shared/eval/dev_cases.jsonl
RASA_PORT   ?= 5005
ACTION_PORT ?= 5055
MODEL_NAME  := gsdoa

# Nothing phones home and nothing is downloaded at run time.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PYTHONDONTWRITEBYTECODE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# What the trained model is built from (texts.yml, resources/ and sources.yml are read by actions at run time).
TRAINING_INPUTS := config.yml domain.yml $(shell find data/nlu data/rules data/responses data/patterns -name '*.yml') \
                   $(wildcard gsdoa_nlu/*.py)
PATTERN_INPUTS  := data/patterns/places.yml data/patterns/substances.yml data/patterns/legal_situations.yml \
                   gsdoa_nlu/build_spacy.py gsdoa_nlu/patterns.py gsdoa_nlu/spacy_components.py gsdoa_nlu/text.py

.PHONY: help install spacy train run shell test test-fast validate test-unit test-stories test-nlu \
        test-conversations test-browser browser-tools cluster-tools run-cluster test-cluster button-labels audit eval bench bench-cluster bench-telegram resources-report review-pack readability lock clean

help: ## List every target
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-20s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# ---- set-up ---------------------------------------------------------------------------------------------
$(VENV)/.installed: requirements/lock.txt requirements/lock-hashed.txt pyproject.toml
	@PY310=$$(scripts/find_python310.sh) || exit 1; \
	 [ -x $(PY) ] || { echo "Creating $(VENV) with $$PY310"; "$$PY310" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade "pip<25"
	$(PY) -m pip install --quiet -r requirements/lock.txt
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/lock-hashed.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

install: $(VENV)/.installed ## Create .venv (Python 3.10) and install the pinned dependencies

$(VENV)/.spacy: $(VENV)/.installed $(PATTERN_INPUTS)
	@mkdir -p build
	$(PY) -m gsdoa_nlu.build_spacy --out build/spacy > build/.spacy-sdist
	$(PY) -m pip install --quiet --no-deps --force-reinstall "$$(cat build/.spacy-sdist)"
	@touch $@

# Browser tests: Debian's chromium (never a downloaded browser) and axe-core from npm (tests/web/package-lock.json).
CHROMIUM ?= /usr/bin/chromium
build/.browser-tools: tests/web/package.json tests/web/package-lock.json
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y --no-install-recommends chromium >/dev/null || \
	    { apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null; }; \
	  else sudo apt-get install -y --no-install-recommends chromium >/dev/null; fi; }
	cd tests/web && npm ci --no-audit --no-fund --silent
	@mkdir -p build && touch $@

browser-tools: build/.browser-tools ## Install chromium (apt) and axe-core (npm) for the browser tests

spacy: $(VENV)/.spacy ## Build the project's spaCy pipeline (tokenizer, lemmatizer, EntityRuler) and install it

# ---- model ----------------------------------------------------------------------------------------------
models/$(MODEL_NAME).tar.gz: $(VENV)/.spacy $(TRAINING_INPUTS)
	$(RASA) train --force --fixed-model-name $(MODEL_NAME) --out models --quiet
	@touch $@

train: models/$(MODEL_NAME).tar.gz ## Train the model when data/, config.yml or domain.yml changed

# ---- run ------------------------------------------------------------------------------------------------
run: train ## Start the action server + Rasa (REST on localhost); Ctrl-C stops both
	$(PY) -m ops.services run --rasa-port $(RASA_PORT) --action-port $(ACTION_PORT)

shell: train ## Chat with the bot in the terminal (starts the servers, stops them on exit)
	$(PY) -m ops.services shell --rasa-port $(RASA_PORT) --action-port $(ACTION_PORT)

# ---- tests ----------------------------------------------------------------------------------------------
validate: $(VENV)/.installed ## rasa data validate --fail-on-warnings
	$(RASA) data validate --fail-on-warnings --quiet

test-unit: $(VENV)/.spacy ## Unit tests: actions, NLU components, content, channel (no servers)
	$(PY) -m pytest -q tests -m "not servers and not model and not browser and not cluster"

test-stories: train ## Test stories with user text, failing on any prediction error
	$(RASA) test core --stories tests/test_stories.yml --model models/$(MODEL_NAME).tar.gz \
	  --fail-on-prediction-errors --out results/stories --quiet

test-nlu: train ## Held-out NLU split: intent accuracy / macro-F1 against the stated threshold
	$(PY) -m pytest -q tests -m "model"

test-conversations: train ## Real action server + Rasa on loopback, checked over REST
	$(PY) -m pytest -q tests -m "servers and not browser"

test-browser: train build/.browser-tools ## Widget + demo page in headless Chromium against the real bot
	$(PY) -m pytest -q tests -m "browser"

# Production shape: Debian's redis-server and nginx (apt), like chromium above.
build/.cluster-tools:
	@test -x /usr/bin/redis-server -a -x /usr/sbin/nginx || { echo "Installing Debian's redis-server and nginx"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y --no-install-recommends redis-server nginx >/dev/null || \
	    { apt-get update >/dev/null && apt-get install -y --no-install-recommends redis-server nginx >/dev/null; }; \
	  else sudo apt-get install -y --no-install-recommends redis-server nginx >/dev/null; fi; }
	@mkdir -p build && touch $@

cluster-tools: build/.cluster-tools ## Install redis-server and nginx (apt) for run-cluster and test-cluster

run-cluster: train build/.cluster-tools ## Redis + RASA_SERVERS (2) Rasa servers + actions behind nginx on :8090
	$(PY) -m ops.cluster run

test-cluster: train build/.cluster-tools ## Reliability, security and fuzz tests against a real Redis/nginx cluster
	$(PY) -m pytest -q tests -m "cluster"

test: validate test-unit test-stories test-nlu test-conversations test-browser test-cluster ## Everything CI runs

button-labels: $(VENV)/.installed ## Regenerate data/nlu/button_labels.yml from the labels in data/intents.yml
	$(PY) -m ops.button_labels

eval: train ## Run ../shared/eval/e2e.py cases against a fresh bot (CASES=path.jsonl)
	$(PY) -m ops.services eval --cases $(CASES)

bench: train build/.cluster-tools ## Benchmarks (our config vs Rasa's default; the Telegram bridge), saved to docs/benchmarks.md
	$(PY) -m ops.bench --out docs/benchmarks.md
	$(PY) -m ops.bench_telegram --out docs/benchmarks.md
	$(PY) -m ops.bench_cluster --out docs/benchmarks.md

bench-cluster: train build/.cluster-tools ## Only the load part: 100 users for 60 s through nginx, 1 vs 2 Rasa servers
	$(PY) -m ops.bench_cluster --out docs/benchmarks.md

bench-telegram: train ## Only the Telegram bridge part of the benchmark (~2 min)
	$(PY) -m ops.bench_telegram --out docs/benchmarks.md

audit: ## Check requirements/lock.txt against public advisories (pip-audit in build/audit-venv; needs the internet)
	@test -x build/audit-venv/bin/pip-audit || { "$$(scripts/find_python310.sh)" -m venv build/audit-venv && \
	  build/audit-venv/bin/pip install --quiet pip-audit; }
	build/audit-venv/bin/pip-audit -r requirements/lock.txt --no-deps --disable-pip -s pypi --desc \
	  --progress-spinner off

review-pack: $(VENV)/.installed ## Build build/review-pack/index.html (+ PDF with chromium): every answer EN/FR, sources, sign-offs
	$(PY) -m ops.review_pack

readability: $(VENV)/.installed ## Reading level of every answer (Flesch-Kincaid grade EN, Kandel-Moles ease FR)
	$(PY) -m ops.readability

resources-report: $(VENV)/.installed ## Resource directory: coverage per jurisdiction and kind, oldest entries to re-check
	$(PY) -m ops.resources_report

lock: ## Re-resolve requirements/direct.in into requirements/lock.txt (needs the network)
	rm -rf build/lock-venv && "$$(scripts/find_python310.sh)" -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet --upgrade "pip<25" && build/lock-venv/bin/pip install --quiet -r requirements/direct.in
	{ echo "# Full pinned dependency tree for Python 3.10 (generated by 'make lock' from requirements/direct.in)."; \
	  echo "# Install with: pip install -r requirements/lock.txt"; \
	  build/lock-venv/bin/pip freeze --all | grep -v -E "^(pip|wheel)=="; } > requirements/lock.txt

clean: ## Remove build output, results and trained models (keeps .venv)
	rm -rf build results models/*.tar.gz .pytest_cache
