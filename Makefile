# Thin wrappers around the scripts; run `make help` for the targets.
# CHAOSGEN_QUICK=1 make notebooks runs the notebooks at tiny sizes (as CI does).

SHELL := /bin/bash
NOTEBOOK_OUT ?= out/notebooks

.PHONY: help deps test notebooks notebooks-smoke docker-check

help:
	@echo "make deps             install system packages, Jupyter and GoNB (scripts/install.sh)"
	@echo "make test             go vet ./... && go test ./..."
	@echo "make notebooks        run and check every notebook into $(NOTEBOOK_OUT) (scripts/run-notebooks.sh)"
	@echo "make notebooks-smoke  run and check only the GoNB smoke notebook"
	@echo "make docker-check     lint the Dockerfile and smoke-test its install and CMD here (no Docker needed)"

deps:
	scripts/install.sh

test:
	go vet ./... && go test ./...

notebooks:
	scripts/run-notebooks.sh $(NOTEBOOK_OUT)

notebooks-smoke:
	scripts/run-notebooks.sh $(NOTEBOOK_OUT) scripts/testdata/smoke.ipynb

docker-check:
	scripts/check-dockerfile.sh
	scripts/docker-entrypoint-check.sh --no-install
