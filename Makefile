# tnw-assistent: the project's vocabulary. `make run` and `make test` are all a fresh machine needs.
#
# Two virtual environments (see README "Environments"):
#   .venv/engine  Rasa Open Source 3.6.21 + TensorFlow (the dialogue engine)
#   .venv/app     actions, bot, knowledge base, intake storage, CLI and tests
# Each is installed from its lock file and re-installed only when that lock file changes
# (stamp files), so the heavy downloads happen once.

PYTHON ?= python3.11
ENGINE := .venv/engine
APP := .venv/app
# The local CPU build of torch lives here on our machines; harmless where the folder is absent.
PIP_FLAGS := --no-deps --ignore-requires-python --disable-pip-version-check $(if $(wildcard /opt/wheels),--find-links /opt/wheels)
TNW := $(APP)/bin/tnw
# Tests use the machine's PostgreSQL when one answers; they skip that part when none does.
export TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: help install run chat train validate test test-fast lint types kb eval bench lock clean

help:  ## Show the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

install: $(ENGINE)/.installed $(APP)/.installed  ## Install both environments (only what changed)

$(ENGINE)/.installed: requirements/engine.lock
	@test -x $(ENGINE)/bin/python || $(PYTHON) -m venv $(ENGINE)
	$(ENGINE)/bin/pip install --quiet $(PIP_FLAGS) -r requirements/engine.lock
	@touch $@

$(APP)/.installed: requirements/app.lock pyproject.toml
	@test -x $(APP)/bin/python || $(PYTHON) -m venv $(APP)
	$(APP)/bin/pip install --quiet $(PIP_FLAGS) -r requirements/app.lock
	$(APP)/bin/pip install --quiet $(PIP_FLAGS) --no-build-isolation -e .
	@touch $@

run: install  ## Train if needed, start Rasa + action server + front end (terminal chat without a Telegram token)
	$(TNW) run

chat: install  ## Open the terminal chat against an already running Rasa server
	$(TNW) chat

train: install  ## Train the Rasa model when training data or config changed
	$(TNW) train

validate: install  ## Check the Rasa domain and training data (fails on warnings)
	$(TNW) validate

test: install  ## Run the whole test suite
	$(APP)/bin/python -m pytest

test-fast: install  ## Run the tests that start no Rasa server and load no embedding model (about 3 minutes)
	$(APP)/bin/python -m pytest -m "not integration and not embedding"

# Packages checked by mypy (settings in pyproject.toml: check_untyped_defs for intake, knowledge_base, settings).
TYPED := intake knowledge_base settings safety

lint: install  ## Check the code with ruff (rules in pyproject.toml)
	$(APP)/bin/ruff check .

types: install  ## Check types with mypy (intake, knowledge_base, settings, safety)
	$(APP)/bin/mypy $(TYPED)

lock:  ## Re-resolve requirements/*.in into the lock files (needs the package registries)
	rm -rf .venv/lock-engine .venv/lock-app
	$(PYTHON) -m venv .venv/lock-engine
	.venv/lock-engine/bin/pip install -r requirements/engine.in
	.venv/lock-engine/bin/pip install --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2
	(sed -n '1,2p' requirements/engine.lock; .venv/lock-engine/bin/pip freeze --all | grep -v '^pip==') > requirements/engine.lock.new
	$(PYTHON) -m venv .venv/lock-app
	.venv/lock-app/bin/pip install setuptools==80.9.0 torch==2.13.0
	.venv/lock-app/bin/pip install --ignore-requires-python -r requirements/app.in
	(sed -n '1,2p' requirements/app.lock; .venv/lock-app/bin/pip freeze --all --exclude-editable | grep -v '^pip==') > requirements/app.lock.new
	mv requirements/engine.lock.new requirements/engine.lock
	mv requirements/app.lock.new requirements/app.lock
	rm -rf .venv/lock-engine .venv/lock-app

clean:  ## Remove the environments (not the data under var/)
	rm -rf .venv
