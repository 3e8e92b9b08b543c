# Two commands for a newcomer: `make run` (local API on 127.0.0.1:3000) and `make test`.
# Both create the virtualenvs they need on first use (Python 3.12, like the Lambda runtime).

SHELL := /bin/bash
PY312 := $(shell p="$$(pyenv root 2>/dev/null)/versions/3.12.1/bin/python3"; if [ -x "$$p" ]; then echo "$$p"; else command -v python3.12; fi)
VENV := .venv
PYTHON := $(VENV)/bin/python
SAM_VENV := .venv-sam
PORT ?= 3000
SEED ?=
DB ?= dynamodb-local
FN ?= health
EVENT ?= events/health.json
ARGS ?= --help
export PYTHONPATH := $(CURDIR)/shared:$(CURDIR)
export AWS_DEFAULT_REGION ?= ap-southeast-2
export SAM_CLI_TELEMETRY := 0

.PHONY: run test deps browser-deps unit lint lint-template build invoke bench refresh-samples admin venv clean

$(VENV)/.installed: requirements-dev.txt layers/dependencies/requirements.txt
	@test -n "$(PY312)" || { echo "Python 3.12 is needed (pyenv 3.12.1 or python3.12 on PATH)" >&2; exit 1; }
	@$(PY312) -m venv $(VENV)
	@set -o pipefail; $(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt 2>&1 \
	  | { grep -v "^WARNING: Location 'file:" || true; }
	@touch $@

$(SAM_VENV)/.installed: requirements-sam.txt
	@$(PY312) -m venv $(SAM_VENV)
	@set -o pipefail; $(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-sam.txt 2>&1 \
	  | { grep -v "^WARNING: Location 'file:" || true; }
	@touch $@

venv: $(VENV)/.installed

## run: the local API (template.yaml's routes in-process over DynamoDB Local); SEED=file PORT=n DB=moto
run: $(VENV)/.installed
	@$(PYTHON) -m tools.local_server --exit-with-parent --port $(PORT) --db $(DB) $(if $(SEED),--seed $(SEED))

## deps: both virtualenvs and the browser, side by side (a fresh clone spends most of its setup here)
deps:
	@$(MAKE) --no-print-directory -j3 $(VENV)/.installed $(SAM_VENV)/.installed browser-deps

## test: ruff, template lint and the whole pytest suite (tests/browser needs browser-deps)
test: deps
	@$(MAKE) --no-print-directory lint lint-template
	$(PYTHON) -m pytest -q -n 2 -p no:cacheprovider tests

## browser-deps: Debian chromium + chromium-driver for tests/browser, apt-installed only when missing.
## A failed install only warns here: the browser tests then fail with a message saying what is missing.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo -n"; fi; \
	  echo "browser-deps: installing chromium + chromium-driver (apt-get)"; \
	  { $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends chromium chromium-driver; } >/dev/null 2>&1 \
	    || echo "browser-deps: WARNING could not install chromium/chromium-driver; tests/browser will fail" >&2; \
	fi

lint: $(VENV)/.installed
	@$(VENV)/bin/ruff check --quiet shared tools tests functions && echo "ruff: clean"

unit: $(VENV)/.installed
	$(PYTHON) -m pytest -q tests/unit

lint-template: $(SAM_VENV)/.installed
	@$(SAM_VENV)/bin/sam validate --lint --region ap-southeast-2 >/dev/null
	@$(SAM_VENV)/bin/cfn-lint template.yaml -a cfn_lint_serverless.rules
	@echo "template.yaml: sam validate --lint and cfn-lint (with serverless rules) clean"

## build: sam build without Docker (needs python3.12 first on PATH), then report layer sizes
build: $(SAM_VENV)/.installed
	PATH="$(dir $(PY312)):$$PATH" $(SAM_VENV)/bin/sam build
	@du -sm .aws-sam/build/DependenciesLayer .aws-sam/build/SharedLayer
	@# Lambda refuses more than 250 MB unzipped for a function with its layers; keep a margin.
	@total=$$(du -smc .aws-sam/build/DependenciesLayer .aws-sam/build/SharedLayer | tail -1 | cut -f1); \
	  if [ "$$total" -gt 200 ]; then echo "layers are $$total MB unzipped: over the 200 MB budget" >&2; exit 1; fi; \
	  echo "layers: $$total MB unzipped (budget 200 MB, Lambda limit 250 MB)"

## invoke: run one function in-process on a sample event, like `sam local invoke` (DynamoDB Local; DB=moto)
invoke: $(VENV)/.installed
	@$(PYTHON) -m tools.invoke $(FN) $(EVENT) --db $(DB)

bench: $(VENV)/.installed
	@$(PYTHON) -m tools.bench

## refresh-samples: move the dates of events/*.json and the demo seed forward by whole weeks
refresh-samples: $(VENV)/.installed
	@$(PYTHON) -m tools.refresh_samples

## admin: the operator CLI; ARGS="--local …" tries it on a throwaway DynamoDB Local (DB=moto: embedded moto)
admin: $(VENV)/.installed
	@DB=$(DB) $(PYTHON) -m scheduling.admin $(ARGS)

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam
