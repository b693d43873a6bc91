# A thin, self-documenting front door: every target forwards to a nox session (noxfile.py).
# `make` or `make help` lists the targets.

.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
NOX := $(VENV)/bin/nox
LOCK := requirements/dev.txt
EXAMPLE ?= complete

# The bootstrap environment holds nox (and uv, which nox uses to build session environments fast).
$(NOX): $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed as $(PYTHON) (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c $(LOCK) nox uv
	@touch $(NOX)

.PHONY: guard-terraform
guard-terraform:
	@command -v terraform >/dev/null || { echo "terraform is not installed: get 1.11 or newer from https://developer.hashicorp.com/terraform/install"; exit 1; }

.PHONY: guard-chromium
guard-chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "$${CHROMIUM_PATH:-}" ] || \
		{ echo "Chromium is not installed, so the browser tests will not run: sudo apt-get install chromium (or set CHROMIUM_PATH)"; \
		  if [ -n "$${CI:-}" ]; then exit 1; fi; }

.PHONY: help  ## Show the targets
help:
	@grep -E '^\.PHONY: [a-z-]+  ## ' $(MAKEFILE_LIST) | sed -E 's/^\.PHONY: ([a-z-]+)  ## (.*)/  make \1\t\2/' | expand -t 21

.PHONY: demo  ## Deploy to a local moto server, upload a file the seed's way and the v1 way, tear down
demo: $(NOX) guard-terraform
	$(NOX) -s demo

.PHONY: serve  ## Run the local stack (API, uploader page, AWS endpoint) until Ctrl-C; see build/local-stack.json
serve: $(NOX) guard-terraform
	$(NOX) -s serve

.PHONY: test  ## Lint, unit tests (also on the Lambda runtimes' Pythons), package, Terraform checks, checkov, integration, S3 conformance, browser
# Three groups at once, each one's output shown when it ends: the deployed stack's tests spend most of
# their time waiting on Terraform's apply and destroy against moto (about 3 of their 5 minutes),
# which the two groups of checks fill.
test: $(NOX) guard-terraform guard-chromium
	@$(MAKE) --no-print-directory -j3 --output-sync=target test-checks test-runtimes test-stack

.PHONY: test-checks  ## Part of make test: lint, unit tests, package, checkov
test-checks: $(NOX)
	$(NOX) -s lint unit package checkov

.PHONY: test-runtimes  ## Part of make test: the unit tests on the Lambda runtimes' Pythons, Terraform checks
test-runtimes: $(NOX) guard-terraform
	$(NOX) -s unit-runtimes terraform

.PHONY: test-stack  ## Part of make test: the local stack's integration, S3 conformance and browser tests
test-stack: $(NOX) guard-terraform guard-chromium
	$(NOX) -s integration

.PHONY: package  ## Build build/lambda.zip (byte-identical for the same source)
package: $(NOX)
	$(NOX) -s package

.PHONY: fmt  ## Format Python (ruff) and Terraform (terraform fmt)
fmt: $(NOX) guard-terraform
	$(NOX) -s fmt

.PHONY: plan  ## Plan an example (EXAMPLE=complete) for your AWS account into build/EXAMPLE.tfplan
plan: $(NOX) guard-terraform
	$(NOX) -s plan -- $(EXAMPLE)

.PHONY: apply  ## Run the tests, plan, then apply that plan to your AWS account
apply: test plan
	$(NOX) -s apply -- $(EXAMPLE)

.PHONY: lock  ## Re-pin requirements/*.txt from requirements/*.in
lock: $(NOX)
	$(VENV)/bin/uv pip compile --python-version 3.11 requirements/dev.in -o $(LOCK)
	$(VENV)/bin/uv pip compile --universal --python-version 3.12 requirements/localstack.in -o requirements/localstack.txt
	$(VENV)/bin/uv pip compile --python-version 3.11 requirements/checkov.in -o requirements/checkov.txt

.PHONY: clean  ## Remove build output, nox environments, node_modules and Terraform working files
clean:
	rm -rf build .nox node_modules .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find terraform -name .terraform -type d -prune -exec rm -rf {} +
	find terraform -name 'local_endpoints_override.tf' -delete
