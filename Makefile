# GSDOA bot — every command a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
# Developer tools (checkov, kubernetes-validate, pip-audit, ruff): Python 3.11, requirements/tools-lock.txt
TOOLS_VENV  := .venv-tools
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

# What the trained model is built from (texts.yml, resources/ and sources.yml are read by actions at run time): the
# data, and the code that runs at training time — each custom component names the files it reads in its
# `fingerprint_addon` (gsdoa_nlu/fingerprints.py), so Rasa's cache retrains only the components whose inputs
# changed. Run-time-only modules (the REST channel, the NLG, the stores) are no training input.
TRAINING_CODE   := $(addprefix gsdoa_nlu/,classifier.py components.py embeddings.py fingerprints.py nlu_data.py \
                   patterns.py places.py text.py)
TRAINING_INPUTS := config.yml domain.yml data/intents.yml \
                   $(shell find data/nlu data/rules data/responses data/patterns -name '*.yml') $(TRAINING_CODE)
# Rasa's training cache (one entry per component run, keyed by its fingerprint) lives in the clone, not in ~/.rasa.
export RASA_CACHE_DIRECTORY := $(CURDIR)/build/rasa-cache
PATTERN_INPUTS  := data/patterns/places.yml data/patterns/substances.yml data/patterns/legal_situations.yml \
                   gsdoa_nlu/build_spacy.py gsdoa_nlu/patterns.py gsdoa_nlu/spacy_components.py gsdoa_nlu/text.py

.PHONY: help install spacy train run shell test test-fast validate test-unit test-stories test-nlu \
        test-conversations test-browser browser-tools cluster-tools run-cluster test-cluster button-labels audit eval bench bench-cluster bench-telegram resources-report review-pack readability lock clean \
        deploy-tools test-deploy tools-lock check format

help: ## List every target
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-20s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# ---- set-up ---------------------------------------------------------------------------------------------
# Every package comes from requirements/lock.txt, checked by sha256 (--require-hashes): first pip, setuptools and
# wheel (so the three source-only packages build with pinned tools, without build isolation fetching unpinned
# ones), then the whole tree. The project itself is installed last, editable, without dependencies.
$(VENV)/.installed: requirements/lock.txt pyproject.toml
	@PY310=$$(scripts/find_python310.sh) || exit 1; \
	 [ -x $(PY) ] || { echo "Creating $(VENV) with $$PY310"; "$$PY310" -m venv $(VENV); }
	@mkdir -p build && grep -E '^(pip|setuptools|wheel)==' requirements/lock.txt > build/bootstrap-lock.txt
	$(PY) -m pip install --quiet --require-hashes --no-deps -r build/bootstrap-lock.txt
	$(PY) -m pip install --quiet --require-hashes --no-deps --no-build-isolation -r requirements/lock.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

install: $(VENV)/.installed ## Create .venv (Python 3.10) and install the pinned dependencies

# Rebuilt only when its content version (a hash of PATTERN_INPUTS, gsdoa_nlu/build_spacy.py) differs from the
# installed one: a touched file or a fresh checkout with the same content rebuilds nothing.
$(VENV)/.spacy: $(VENV)/.installed $(PATTERN_INPUTS)
	@mkdir -p build
	@want=$$($(PY) -m gsdoa_nlu.build_spacy --print-version) && \
	 have=$$($(PY) -c 'import importlib.metadata as m; print(m.version("en_gsdoa_pipeline"))' 2>/dev/null); \
	 if [ "$$want" = "$$have" ]; then echo "spaCy pipeline en_gsdoa_pipeline $$have is up to date"; else \
	   $(PY) -m gsdoa_nlu.build_spacy --out build/spacy > build/.spacy-sdist && \
	   $(PY) -m pip install --quiet --no-deps --force-reinstall "$$(cat build/.spacy-sdist)"; fi
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
# No --force: Rasa reuses every cached component whose fingerprint is unchanged (an answer's wording retrains only
# the dialogue policy). The model is written under build/ and renamed over models/ (one filesystem: atomic), so a
# test or server reading models/ never sees half a file. Validation: `make validate` (stricter: warnings fail),
# part of `make test`.
models/$(MODEL_NAME).tar.gz: $(VENV)/.spacy $(TRAINING_INPUTS)
	@rm -rf build/train-out && mkdir -p build/train-out models
	$(RASA) train --skip-validation --fixed-model-name $(MODEL_NAME) --out build/train-out --quiet
	mv build/train-out/$(MODEL_NAME).tar.gz $@
	@rm -rf build/train-out

train: models/$(MODEL_NAME).tar.gz ## Train the model when data/, config.yml or domain.yml changed

# ---- run ------------------------------------------------------------------------------------------------
run: train ## Start the action server + Rasa (REST on localhost); Ctrl-C stops both
	$(PY) -m ops.services run --rasa-port $(RASA_PORT) --action-port $(ACTION_PORT)

shell: train ## Chat with the bot in the terminal (starts the servers, stops them on exit)
	$(PY) -m ops.services shell --rasa-port $(RASA_PORT) --action-port $(ACTION_PORT)

# ---- tests ----------------------------------------------------------------------------------------------
# Lint, format and types (config in pyproject.toml): ruff from .venv-tools, mypy from .venv so it sees the installed
# packages and stubs the code runs with. Nothing is rewritten here: `ruff format .` / `ruff check --fix .` do that.
check: $(VENV)/.installed $(TOOLS_VENV)/.installed ## Lint + format check (ruff) and type check (mypy) of our Python
	$(TOOLS_VENV)/bin/ruff check --quiet .
	$(TOOLS_VENV)/bin/ruff format --check --quiet .
	$(PY) -m mypy

format: $(TOOLS_VENV)/.installed ## Rewrite our Python in the checked style (ruff's safe fixes, then ruff format)
	$(TOOLS_VENV)/bin/ruff check --fix --exit-zero --quiet .
	$(TOOLS_VENV)/bin/ruff format --quiet .

validate: $(VENV)/.installed ## rasa data validate --fail-on-warnings
	$(RASA) data validate --fail-on-warnings --quiet

test-unit: $(VENV)/.spacy ## Unit tests: actions, NLU components, content, channel (no servers)
	$(PY) -m pytest -q tests -m "not servers and not model and not browser and not cluster and not deploy"

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

test: check validate test-unit test-deploy test-stories test-nlu test-conversations test-browser test-cluster ## Everything CI runs

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

# Tools for the deployment checks and the audit, in their own Python 3.11 venv from their own hashed lock
# (checkov's tree conflicts with Rasa's pins). Reviewed in docs/dependency-audit.md.
$(TOOLS_VENV)/.installed: requirements/tools-lock.txt
	@PY311=$$(command -v python3.11 || ls -d $$HOME/.pyenv/versions/3.11*/bin/python 2>/dev/null | tail -1); \
	 [ -n "$$PY311" ] || { echo "Python 3.11 not found (needed for $(TOOLS_VENV))"; exit 1; }; \
	 [ -x $(TOOLS_VENV)/bin/python ] || "$$PY311" -m venv $(TOOLS_VENV)
	@mkdir -p build && grep -E '^pip==' requirements/tools-lock.txt > build/bootstrap-tools-lock.txt
	$(TOOLS_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r build/bootstrap-tools-lock.txt
	$(TOOLS_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements/tools-lock.txt
	@touch $@

deploy-tools: $(TOOLS_VENV)/.installed ## Install kubernetes-validate, checkov, pip-audit and ruff into .venv-tools (hashed lock)

test-deploy: $(VENV)/.installed $(TOOLS_VENV)/.installed ## Kubernetes schemas + checkov (manifests, Dockerfiles), offline
	$(PY) -m pytest -q tests/deploy -m "deploy"

audit: $(TOOLS_VENV)/.installed ## Check requirements/lock.txt against public advisories (pinned pip-audit; needs the internet)
	$(TOOLS_VENV)/bin/pip-audit -r requirements/lock.txt --no-deps --disable-pip -s pypi --desc \
	  --progress-spinner off

review-pack: $(VENV)/.installed ## Build build/review-pack/index.html (+ PDF with chromium): every answer EN/FR, sources, sign-offs
	$(PY) -m ops.review_pack

readability: $(VENV)/.installed ## Reading level of every answer (Flesch-Kincaid grade EN, Kandel-Moles ease FR)
	$(PY) -m ops.readability

resources-report: $(VENV)/.installed ## Resource directory: coverage per jurisdiction and kind, oldest entries to re-check
	$(PY) -m ops.resources_report

lock: ## Re-resolve requirements/direct.in into requirements/lock.txt, hashed (needs the network)
	rm -rf build/lock-venv && "$$(scripts/find_python310.sh)" -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet "pip==24.3.1" && build/lock-venv/bin/pip install --quiet -r requirements/direct.in
	build/lock-venv/bin/pip freeze --all | grep -v -E "^(gsdoa|-e |en-gsdoa)" > build/lock-pins.txt
	build/lock-venv/bin/pip install --quiet --dry-run --ignore-installed --no-deps --report build/lock-report.json \
	  -r build/lock-pins.txt
	build/lock-venv/bin/python requirements/hash_lock.py build/lock-report.json \
	  --header "$$(sed -n 's/^# \{0,1\}//p' requirements/lock.txt)" > build/lock.txt && mv build/lock.txt requirements/lock.txt

tools-lock: ## Re-resolve kubernetes-validate, checkov, pip-audit, ruff into requirements/tools-lock.txt, hashed (needs the network)
	rm -rf build/tools-lock-venv && python3.11 -m venv build/tools-lock-venv
	build/tools-lock-venv/bin/pip install --quiet "pip==24.3.1"
	build/tools-lock-venv/bin/pip install --quiet --dry-run --ignore-installed --report build/tools-lock-report.json \
	  $$(sed -n 's/^\(checkov\|kubernetes-validate\|pip-audit\|ruff\|pip\)==\([^ ]*\).*/\1==\2/p' requirements/tools-lock.txt)
	build/tools-lock-venv/bin/python requirements/hash_lock.py build/tools-lock-report.json --header "$$(sed -n 's/^# \{0,1\}//p' \
	  requirements/tools-lock.txt)" > build/tools-lock.txt && mv build/tools-lock.txt requirements/tools-lock.txt

clean: ## Remove build output, results and trained models (keeps .venv)
	rm -rf build results models/*.tar.gz .pytest_cache
